// reconcile.sum: the hash of every file in a migration directory and one hash over all of them, so
// that an edited, added or removed migration is found before it runs.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "freeze_internal.hpp"
#include "reconcile/error.hpp"
#include "reconcile/freeze.hpp"
#include "reconcile/model.hpp"

namespace reconcile {
namespace fs = std::filesystem;

namespace {

const char* kSumHeader =
    "# reconcile.sum: the SHA-256 of every frozen migration file, and of the list (\"total\").\n"
    "# Written by `reconcile freeze`; `reconcile migrate validate` checks it. Do not edit it or the files.\n";

/// File name -> "sha256:<hex>" for every covered file of `dir`.
std::map<std::string, std::string> hash_files(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& name : migration_files(dir)) out[name] = sha256_hex(read_text_file((fs::path(dir) / name).string()));
  return out;
}

std::string listing(const std::map<std::string, std::string>& hashes) {
  std::string out;
  for (const auto& [name, hash] : hashes) out += name + " " + hash + "\n";
  return out;
}

struct SumFile {
  std::string total;
  std::map<std::string, std::string> hashes;
};

SumFile read_sum(const std::string& dir) {
  std::string path = (fs::path(dir) / kSumFile).string();
  if (!fs::exists(path))
    throw Error(path + " does not exist: this directory holds no frozen migrations (run `reconcile freeze` first)");
  std::istringstream in(read_text_file(path));
  SumFile sum;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    if (space == std::string::npos || line.compare(space + 1, 7, "sha256:") != 0)
      throw Error(SourceLoc{path, n, 1, ""}, "malformed line (expected \"<file> sha256:<hex>\"); was it edited by hand?");
    std::string name = line.substr(0, space), hash = line.substr(space + 1);
    if (name == "total") sum.total = hash;
    else sum.hashes[name] = hash;
  }
  if (sum.total.empty()) throw Error(SourceLoc{path, 1, 1, ""}, "the \"total\" line is missing; was it edited by hand?");
  return sum;
}

}  // namespace

std::vector<std::string> migration_files(const std::string& dir) {
  std::vector<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name[0] != '.' && name != kSumFile) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string migration_sum(const std::string& dir) {
  auto hashes = hash_files(dir);
  return kSumHeader + std::string("total ") + sha256_hex(listing(hashes)) + "\n" + listing(hashes);
}

std::vector<SumProblem> validate_migrations(const std::string& dir) {
  if (!fs::is_directory(dir)) throw Error("migration directory " + dir + " does not exist");
  SumFile sum = read_sum(dir);
  auto now = hash_files(dir);
  std::vector<SumProblem> problems;
  auto path = [&](const std::string& name) { return (fs::path(dir) / name).string(); };
  for (const auto& [name, hash] : now) {
    auto it = sum.hashes.find(name);
    if (it == sum.hashes.end()) problems.push_back({path(name), "is not in " + std::string(kSumFile) + ": added by hand"});
    else if (it->second != hash) problems.push_back({path(name), "was edited after it was frozen (its hash differs from " + std::string(kSumFile) + ")"});
  }
  for (const auto& [name, hash] : sum.hashes)
    if (!now.count(name)) problems.push_back({path(name), "is in " + std::string(kSumFile) + " but missing: removed by hand"});
  if (problems.empty() && sha256_hex(listing(sum.hashes)) != sum.total)
    problems.push_back({path(kSumFile), "was edited by hand (its total does not match its lines)"});
  return problems;
}

std::vector<std::string> check_sum_before_freeze(const std::string& dir) {
  std::vector<std::string> added;
  if (!fs::exists(fs::path(dir) / kSumFile)) return added;
  std::string list;
  for (const auto& p : validate_migrations(dir)) {
    if (p.what.find("added by hand") != std::string::npos)
      added.push_back(p.file + " was added by hand; freezing records it in " + kSumFile);
    else
      list += "\n  - " + p.file + " " + p.what;
  }
  if (!list.empty())
    throw Error("the frozen migrations in " + dir + " do not match " + kSumFile +
                "; a migration that may have run must not change. Restore the files (or freeze into a new directory):" + list);
  return added;
}

void write_frozen(const std::string& dir, const std::vector<FrozenFile>& files) {
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::string path = (fs::path(dir) / name).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !(out << text)) throw Error("cannot write " + path);
  };
  for (const auto& f : files) write(f.name, f.text);
  write(kSumFile, migration_sum(dir));
}

}  // namespace reconcile
