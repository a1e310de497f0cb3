// Integration-test helpers: throwaway databases on the test cluster, running the real CLI.
#pragma once
#include <string>
#include <vector>

namespace reconcile::test {

/// The test cluster's maintenance URL (RECONCILE_TEST_URL), set by `make test`.
std::string server_url();

/// A fresh database, dropped again when the test ends.
class TestDb {
 public:
  explicit TestDb(const std::string& name);
  ~TestDb();
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  void exec(const std::string& sql) const;
  /// The first column of the first row, as text ("" for NULL).
  std::string scalar(const std::string& sql) const;
  /// pg_dump --schema-only of the database (without the reconcile schema), with `extra` pg_dump
  /// arguments (e.g. --exclude-table=public.alembic_version).
  std::string dump(const std::vector<std::string>& extra = {}) const;

 private:
  std::string name_;
  std::string url_;
};

/// A temporary directory with files in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  void write(const std::string& rel, const std::string& text) const;
  std::string read(const std::string& rel) const;

 private:
  std::string path_;
};

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

/// Runs the reconcile binary (RECONCILE_BIN) with `args`, stdin from /dev/null.
CliResult run_cli(const std::vector<std::string>& args);
/// Runs a program (found on PATH) with `args` in directory `cwd` ("" for here), stdin from /dev/null.
CliResult run_program(const std::vector<std::string>& args, const std::string& cwd = "");

/// What checks generated code (`reconcile generate`), from the environment: the Python that has
/// SQLAlchemy and Alembic (RECONCILE_PYTHON, else Debian's /usr/bin/python3) and the TypeScript
/// compiler (RECONCILE_TSC, which `make test` installs, else tsc on PATH).
std::string python_program();
std::string tsc_program();
/// Runs tests/generate/compare_models.py: the SQLAlchemy module `models` against database `url`.
CliResult compare_models(const std::string& models, const std::string& url);
/// Runs `tsc --strict --noEmit` on `files` (with the compiler options a frontend project uses).
CliResult compile_typescript(const std::vector<std::string>& files);

/// How many temporary shadow databases exist on the cluster for target database `db` (by their
/// comment): a test counts only the shadows its own runs made, whatever runs beside it.
int shadow_databases(const TestDb& db);

}  // namespace reconcile::test
