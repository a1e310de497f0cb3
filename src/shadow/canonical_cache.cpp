// The canonicalization cache: one "key value" line per table declaration (value: an encoded table).
#include "canonical_cache.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "reconcile/model.hpp"

namespace reconcile {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxEntries = 500000;  ///< beyond this the file starts over

std::string cache_dir() {
  if (const char* d = std::getenv("RECONCILE_CACHE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return (fs::path(d) / "reconcile").string();
  if (const char* d = std::getenv("HOME"); d && *d) return (fs::path(d) / ".cache" / "reconcile").string();
  return "";
}

}  // namespace

CanonicalCache::CanonicalCache(const std::string& context) {
  std::string dir = cache_dir();
  if (dir.empty() || dir == "off") return;
  path_ = (fs::path(dir) / ("canonical-" + sha256_hex(context).substr(7, 16) + ".txt")).string();
  std::ifstream in(path_);
  for (std::string line; std::getline(in, line);) {
    auto space = line.find(' ');
    if (space != std::string::npos) entries_[line.substr(0, space)] = line.substr(space + 1);
  }
  if (entries_.size() > kMaxEntries) entries_.clear();
}

std::string CanonicalCache::get(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? "" : it->second;
}

void CanonicalCache::put(const std::string& key, const std::string& value) {
  if (path_.empty() || get(key) == value) return;
  entries_[key] = value;
  changed_ = true;
}

void CanonicalCache::save() const {
  if (!changed_) return;
  std::error_code ec;
  fs::create_directories(fs::path(path_).parent_path(), ec);
  std::string tmp = path_ + ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& [k, v] : entries_) out << k << " " << v << "\n";
    if (!out) {
      spdlog::debug("cannot write the canonicalization cache {}", tmp);
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, path_, ec);
  if (ec) spdlog::debug("cannot write the canonicalization cache {}: {}", path_, ec.message());
}

}  // namespace reconcile
