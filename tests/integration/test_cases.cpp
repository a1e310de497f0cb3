// Data-driven cases (tests/cases/<name>/<phase>/...): plan, apply, re-plan must find nothing.
//
// Each phase directory holds:
//   before.sql    run against the database before planning (optional)
//   schema/       the desired-state TOML
//   args          extra `reconcile plan` flags, one per line (optional)
//   expect_error  lines that must all appear in the error output; the plan must fail, leave the
//                 database exactly as it was and leave no shadow database behind (optional)
//   expect_plan   lines that must appear, in this order, in the plan output (optional)
//   check.sql     one query per line, each must return true after apply (optional)
// Each applied phase is also round-tripped through `inspect`, and its schema generated as code: the
// SQLAlchemy models must match the database by Alembic's comparison, and the TypeScript modules of
// all phases must compile with `tsc --strict`.
// and the case directory may hold outside.sql: objects outside the managed schemas (a schema the
// files only point into), made before the first phase and in each round trip's empty database.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"

using namespace reconcile::test;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines(const fs::path& p) {
  std::vector<std::string> out;
  if (!fs::exists(p)) return out;
  std::istringstream in(slurp(p));
  for (std::string l; std::getline(in, l);)
    if (!l.empty() && l[0] != '#') out.push_back(l);
  return out;
}

/// Sorted lines: pg_dump orders some objects by OID, which differs between two builds of one schema.
std::string sorted_lines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty() && l.rfind("--", 0) != 0) v.push_back(l);
  std::sort(v.begin(), v.end());
  std::string out;
  for (const auto& l : v) out += l + "\n";
  return out;
}

/// What `inspect` writes of the database, the loader accepts; planning it against the same database
/// finds nothing; applied to an empty database, it builds the same schema (pg_dump equal).
/// `manage`: the phase's --manage flags, for inspect and plan alike.
void round_trip(const TestDb& db, const TempDir& tmp, const fs::path& outside, const std::vector<std::string>& manage) {
  std::string dir = tmp.path() + "/inspected";
  fs::remove_all(dir);
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), manage.begin(), manage.end());
    return args;
  };
  CliResult inspect = run_cli(with({"inspect", "--database", db.url(), "--out", dir}));
  INFO("inspect stderr:\n" << inspect.err);
  REQUIRE(inspect.code == 0);
  CliResult same = run_cli(with({"plan", "--database", db.url(), "--schema-dir", dir, "--out", tmp.path() + "/same.toml",
                                 "--detailed-exitcode"}));
  INFO("plan of the inspected files:\n" << same.out << same.err);
  CHECK(same.code == 0);
  TestDb copy("round_trip");
  if (fs::exists(outside)) copy.exec(slurp(outside));
  CliResult plan = run_cli(with({"plan", "--database", copy.url(), "--schema-dir", dir, "--out", tmp.path() + "/copy.toml"}));
  INFO("plan on an empty database:\n" << plan.out << plan.err);
  REQUIRE(plan.code == 0);
  CliResult apply = run_cli({"apply", "--database", copy.url(), tmp.path() + "/copy.toml"});
  INFO("apply on an empty database:\n" << apply.out << apply.err);
  REQUIRE(apply.code == 0);
  CHECK(sorted_lines(copy.dump()) == sorted_lines(db.dump()));
}

/// The phase's schema as generated code: the SQLAlchemy models match, by Alembic's comparison, a
/// database that `reconcile apply` made from the same files (the live one may have been adopted with
/// other names); the TypeScript module is kept in `tmp`/ts, to be compiled with the others at the end.
void generated_code(const fs::path& phase, const TempDir& tmp, const fs::path& outside) {
  std::string schema = (phase / "schema").string(), name = phase.filename().string();
  TestDb fresh("generated");
  if (fs::exists(outside)) fresh.exec(slurp(outside));
  CliResult plan = run_cli({"plan", "--database", fresh.url(), "--schema-dir", schema, "--out", tmp.path() + "/fresh.toml"});
  INFO("plan on an empty database:\n" << plan.out << plan.err);
  REQUIRE(plan.code == 0);
  REQUIRE(run_cli({"apply", "--database", fresh.url(), tmp.path() + "/fresh.toml"}).code == 0);
  std::string models = "models_" + name + ".py";
  CliResult gen = run_cli({"generate", "sqlalchemy", "--database", fresh.url(), "--schema-dir", schema, "--out", tmp.path() + "/" + models});
  INFO("generate sqlalchemy:\n" << gen.out << gen.err);
  REQUIRE(gen.code == 0);
  CliResult compared = compare_models(tmp.path() + "/" + models, fresh.url());
  INFO("the generated models against the database:\n" << compared.out << compared.err << "\nmodels:\n" << tmp.read(models));
  CHECK(compared.code == 0);
  fs::create_directories(tmp.path() + "/ts");
  CliResult ts = run_cli({"generate", "typescript", "--database", fresh.url(), "--schema-dir", schema, "--out",
                          tmp.path() + "/ts/" + name + ".ts"});
  INFO("generate typescript:\n" << ts.out << ts.err);
  CHECK(ts.code == 0);
}

/// The TypeScript modules of every phase compile with `tsc --strict`.
void compile_generated(const TempDir& tmp) {
  std::vector<std::string> files;
  if (fs::exists(tmp.path() + "/ts"))
    for (const auto& e : fs::directory_iterator(tmp.path() + "/ts")) files.push_back(e.path().string());
  if (files.empty()) return;
  std::sort(files.begin(), files.end());
  CliResult tsc = compile_typescript(files);
  INFO("tsc:\n" << tsc.out << tsc.err);
  CHECK(tsc.code == 0);
}

void run_phase(const TestDb& db, const fs::path& phase, const TempDir& tmp, const fs::path& outside) {
  INFO("phase " << phase.string());
  if (fs::exists(phase / "before.sql")) db.exec(slurp(phase / "before.sql"));
  std::vector<std::string> args = {"plan", "--database", db.url(), "--schema-dir", (phase / "schema").string(),
                                   "--out", tmp.path() + "/plan.toml"};
  for (const auto& a : lines(phase / "args")) args.push_back(a);
  std::string before = db.dump();
  CliResult plan = run_cli(args);
  INFO("plan stdout:\n" << plan.out << "\nplan stderr:\n" << plan.err);
  CHECK(shadow_databases(db) == 0);
  if (fs::exists(phase / "expect_error")) {
    CHECK(plan.code == 1);
    for (const auto& l : lines(phase / "expect_error")) CHECK_THAT(plan.err, Catch::Contains(l));
    CHECK(db.dump() == before);
    return;
  }
  REQUIRE(plan.code == 0);
  size_t at = 0;
  for (const auto& l : lines(phase / "expect_plan")) {
    size_t found = plan.out.find(l, at);
    CHECK(found != std::string::npos);
    if (found != std::string::npos) at = found + l.size();
  }
  CliResult apply = run_cli({"apply", "--database", db.url(), tmp.path() + "/plan.toml"});
  INFO("apply stdout:\n" << apply.out << "\napply stderr:\n" << apply.err);
  REQUIRE(apply.code == 0);
  for (const auto& q : lines(phase / "check.sql")) {
    INFO("check: " << q);
    CHECK(db.scalar(q) == "t");
  }
  args.push_back("--detailed-exitcode");
  CliResult again = run_cli(args);
  INFO("re-plan stdout:\n" << again.out << "\nre-plan stderr:\n" << again.err);
  CHECK(again.code == 0);
  CHECK_THAT(again.out, Catch::Contains("No changes"));
  std::vector<std::string> manage;
  auto flags = lines(phase / "args");
  for (size_t i = 0; i + 1 < flags.size(); ++i)
    if (flags[i] == "--manage") manage.insert(manage.end(), {flags[i], flags[i + 1]});
  round_trip(db, tmp, outside, manage);
  generated_code(phase, tmp, outside);
}

}  // namespace

TEST_CASE("data-driven cases", "[.cases]") {
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(RECONCILE_CASES_DIR))
    if (e.is_directory()) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  for (const auto& dir : cases) {
    DYNAMIC_SECTION(dir.filename().string()) {
      TestDb db("case_" + dir.filename().string());
      TempDir tmp;
      std::vector<fs::path> phases;
      for (const auto& e : fs::directory_iterator(dir))
        if (e.is_directory()) phases.push_back(e.path());
      std::sort(phases.begin(), phases.end());
      if (fs::exists(dir / "outside.sql")) db.exec(slurp(dir / "outside.sql"));
      for (const auto& p : phases) run_phase(db, p, tmp, dir / "outside.sql");
      compile_generated(tmp);
    }
  }
}
