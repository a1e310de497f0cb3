#include "harness.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>

namespace reconcile::test {
namespace fs = std::filesystem;

namespace {
std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set; run the tests with `make test`");
  return v;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string with_db(const std::string& url, const std::string& db) {
  auto slash = url.rfind('/');
  return url.substr(0, slash + 1) + db;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
}  // namespace

std::string server_url() { return env("RECONCILE_TEST_URL"); }

TestDb::TestDb(const std::string& name) : name_("it_" + name), url_(with_db(server_url(), name_)) {
  pqxx::connection c(server_url());
  pqxx::nontransaction tx(c);
  tx.exec("DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)");
  tx.exec("CREATE DATABASE \"" + name_ + "\" TEMPLATE template0");
}

TestDb::~TestDb() {
  try {
    pqxx::connection c(server_url());
    pqxx::nontransaction tx(c);
    tx.exec("DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)");
  } catch (...) {
  }
}

void TestDb::exec(const std::string& sql) const {
  pqxx::connection c(url_);
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

std::string TestDb::scalar(const std::string& sql) const {
  pqxx::connection c(url_);
  pqxx::nontransaction tx(c);
  auto r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

std::string TestDb::dump(const std::vector<std::string>& extra) const {
  TempDir tmp;
  std::string file = tmp.path() + "/dump.sql";
  std::string cmd = "/usr/lib/postgresql/15/bin/pg_dump --schema-only --exclude-schema=reconcile ";
  for (const auto& a : extra) cmd += shell_quote(a) + " ";
  cmd += shell_quote(url_) + " > " + shell_quote(file) + " 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("pg_dump failed: " + slurp(file));
  // pg_dump's \restrict lines carry a random key: leave them out of the comparison.
  std::istringstream in(slurp(file));
  std::string out;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("\\restrict", 0) != 0 && line.rfind("\\unrestrict", 0) != 0) out += line + "\n";
  return out;
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "reconcile-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void TempDir::write(const std::string& rel, const std::string& text) const {
  fs::path p = fs::path(path_) / rel;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string TempDir::read(const std::string& rel) const { return slurp((fs::path(path_) / rel).string()); }

CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<std::string> all = {env("RECONCILE_BIN")};
  all.insert(all.end(), args.begin(), args.end());
  return run_program(all);
}

std::string python_program() {
  const char* p = std::getenv("RECONCILE_PYTHON");
  return p && *p ? p : "/usr/bin/python3";
}

std::string tsc_program() {
  const char* p = std::getenv("RECONCILE_TSC");
  return p && *p ? p : "tsc";
}

CliResult compare_models(const std::string& models, const std::string& url) {
  return run_program({python_program(), std::string(RECONCILE_GENERATE_DIR) + "/compare_models.py", models, url});
}

CliResult compile_typescript(const std::vector<std::string>& files) {
  std::vector<std::string> args = {tsc_program(), "--strict", "--noEmit", "--noUnusedLocals", "--target", "es2020",
                                   "--module", "esnext", "--moduleResolution", "bundler", "--isolatedModules"};
  args.insert(args.end(), files.begin(), files.end());
  return run_program(args);
}

CliResult run_program(const std::vector<std::string>& args, const std::string& cwd) {
  TempDir tmp;
  std::string cmd = cwd.empty() ? "" : "cd " + shell_quote(cwd) + " && ";
  for (const auto& a : args) cmd += shell_quote(a) + " ";
  cmd += " < /dev/null > " + shell_quote(tmp.path() + "/out") + " 2> " + shell_quote(tmp.path() + "/err");
  int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = tmp.read("out");
  r.err = tmp.read("err");
  return r;
}

int shadow_databases(const TestDb& db) {
  pqxx::connection c(server_url());
  pqxx::nontransaction tx(c);
  return tx.exec_params("SELECT count(*) FROM pg_database d JOIN pg_shdescription s ON s.objoid = d.oid"
                        " AND s.classoid = 'pg_database'::regclass"
                        " WHERE d.datname LIKE 'reconcile\\_shadow\\_%' AND s.description LIKE '%; for database ' || $1",
                        db.name())[0][0].as<int>();
}

}  // namespace reconcile::test
