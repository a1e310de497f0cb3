// Every example project works as its README says: plan, apply, re-plan finds nothing; the GitOps CI
// script gives 2, 0 and 1 for changes, no changes and broken schema files.
#include <catch2/catch.hpp>

#include <filesystem>

#include "harness.hpp"

using namespace reconcile::test;
namespace fs = std::filesystem;

namespace {

/// A copy of examples/<name> in a temporary directory (plans are written there, not in the repository).
std::string copy_example(const TempDir& dir, const std::string& name) {
  std::string to = dir.path() + "/" + name;
  fs::copy(fs::path(RECONCILE_EXAMPLES_DIR) / name, to, fs::copy_options::recursive);
  return to;
}

CliResult reconcile_in(const std::string& cwd, const TestDb& db, const std::vector<std::string>& args) {
  std::vector<std::string> all = {"env", "DATABASE_URL=" + db.url(), std::getenv("RECONCILE_BIN")};
  all.insert(all.end(), args.begin(), args.end());
  return run_program(all, cwd);
}

void plan_apply_replan(const std::string& name, const std::string& before_sql = "") {
  TestDb db("example_" + name);
  if (!before_sql.empty()) db.exec(before_sql);
  TempDir dir;
  std::string project = copy_example(dir, name);
  CliResult lint = reconcile_in(project, db, {"lint", "--disable", "plan-hazard"});
  INFO(name << " lint:\n" << lint.out << lint.err);
  CHECK(lint.code == 0);
  CliResult plan = reconcile_in(project, db, {"plan", "--detailed-exitcode", "--out", "plans/first.plan.toml"});
  INFO(name << " plan:\n" << plan.out << plan.err);
  REQUIRE(plan.code == 2);
  CliResult apply = reconcile_in(project, db, {"apply", "plans/first.plan.toml"});
  INFO(apply.out << apply.err);
  REQUIRE(apply.code == 0);
  CliResult again = reconcile_in(project, db, {"plan", "--detailed-exitcode"});
  INFO(again.out << again.err);
  REQUIRE(again.code == 0);
  if (!before_sql.empty()) CHECK(db.scalar("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'usage%'") == "1");
}

}  // namespace

TEST_CASE("example shop: lint-clean, plans, applies and re-plans to nothing") { plan_apply_replan("shop"); }

TEST_CASE("example saas: two schemas, enums and many-to-many tables plan, apply and re-plan to nothing") {
  // reconcile.toml excludes billing.usage_*: a table another tool made there is left alone.
  plan_apply_replan("saas", "CREATE SCHEMA billing; CREATE TABLE billing.usage_2026_11 (n int)");
}

TEST_CASE("example gitops: the CI script exits 2 with a Markdown plan, 0 once applied, 1 on broken schema files") {
  TestDb db("example_gitops");
  TempDir dir;
  std::string project = copy_example(dir, "gitops");
  std::vector<std::string> ci = {"env", "DATABASE_URL=" + db.url(), std::string("RECONCILE=") + std::getenv("RECONCILE_BIN"),
                                 "bash", "ci/plan.sh"};
  CliResult pending = run_program(ci, project);
  INFO(pending.out << pending.err);
  REQUIRE(pending.code == 2);
  std::string comment = dir.read("gitops/plan-comment.md");
  CHECK(comment.rfind("### reconcile plan: ", 0) == 0);
  CHECK(comment.find("```mermaid") != std::string::npos);
  REQUIRE(reconcile_in(project, db, {"apply", "plans/pr.plan.toml"}).code == 0);
  CliResult clean = run_program(ci, project);
  CHECK(clean.code == 0);
  CHECK(dir.read("gitops/plan-comment.md").find("no changes") != std::string::npos);
  dir.write("gitops/schemas/broken.toml", "[tables.oops]\ncolumns = [{ name = \"id\", type = \"intt\" }]\n");
  CliResult broken = run_program(ci, project);
  CHECK(broken.code == 1);
  CHECK(broken.err.find("broken.toml") != std::string::npos);
}
