// What operators rely on: reconcile.toml, init, JSON parsed by a real JSON parser, exit codes,
// Markdown for PR comments, the DOT graph, colors only on a terminal.
#include <catch2/catch.hpp>

#include <filesystem>

#include "harness.hpp"

using namespace reconcile::test;
namespace fs = std::filesystem;

namespace {

const char* kSchema = R"TOML(
[tables.customers]
primary_key = ["id"]
columns = [{ name = "id", type = "bigint", identity = "always" }, { name = "email", type = "text", nullable = false }]

[tables.orders]
primary_key = ["id"]
columns = [{ name = "id", type = "bigint" }, { name = "customer_id", type = "bigint", nullable = false }]
foreign_keys = [{ columns = ["customer_id"], references = { table = "customers" }, on_delete = "cascade" }]
indexes = [{ columns = ["customer_id"] }]
)TOML";

std::string bin() { return std::getenv("RECONCILE_BIN"); }

/// Runs reconcile in `cwd` with extra environment variables ("NAME=value").
CliResult run_in(const std::string& cwd, const std::vector<std::string>& env, const std::vector<std::string>& args) {
  std::vector<std::string> all = {"env"};
  all.insert(all.end(), env.begin(), env.end());
  all.push_back(bin());
  all.insert(all.end(), args.begin(), args.end());
  return run_program(all, cwd);
}

/// Parses `json` with Python's json module and runs `checks` (Python statements over `d`); the
/// test fails with Python's message when the JSON is invalid or a check does not hold.
void check_json(const std::string& json, const std::string& checks) {
  TempDir tmp;
  tmp.write("out.json", json);
  tmp.write("check.py", "import json, sys\nd = json.load(open(sys.argv[1]))\n" + checks + "\n");
  CliResult r = run_program({"/usr/bin/python3", tmp.path() + "/check.py", tmp.path() + "/out.json"});
  INFO("JSON:\n" << json << "\npython:\n" << r.err);
  REQUIRE(r.code == 0);
}

}  // namespace

TEST_CASE("reconcile init writes a commented reconcile.toml and an empty schemas directory, and never overwrites") {
  TempDir dir;
  CliResult r = run_cli({"init", dir.path() + "/proj"});
  REQUIRE(r.code == 0);
  CHECK(fs::is_directory(dir.path() + "/proj/schemas"));
  CHECK(fs::is_empty(dir.path() + "/proj/schemas"));
  std::string config = dir.read("proj/reconcile.toml");
  CHECK(config.find("schema_dir = \"schemas\"") != std::string::npos);
  CHECK(config.find("# ") != std::string::npos);
  // The starter file is valid as it stands.
  CHECK(run_in(dir.path() + "/proj", {}, {"lint"}).code == 0);
  CliResult again = run_cli({"init", dir.path() + "/proj"});
  CHECK(again.code == 1);
  CHECK(again.err.find("already exists") != std::string::npos);
}

TEST_CASE("reconcile.toml: ${ENV} expansion, relative paths, flags over the file, unknown keys with file:line:col") {
  TestDb db("config");
  TempDir dir;
  dir.write("proj/db/app.toml", kSchema);
  dir.write("proj/reconcile.toml", "schema_dir = \"db\"\nplan_dir = \"out\"\ndatabase = \"${APP_DB}\"\nlock_timeout = \"2s\"\n"
                                   "exclude = [\"public.legacy\"]\n[lint]\ndisable = [\"fk-without-index\"]\n");
  db.exec("CREATE TABLE legacy (id int)");
  std::string proj = dir.path() + "/proj";
  CliResult plan = run_in(proj, {"APP_DB=" + db.url()}, {"plan", "--detailed-exitcode"});
  INFO(plan.out << plan.err);
  REQUIRE(plan.code == 2);
  CHECK(plan.out.find("+ table public.customers") != std::string::npos);
  CHECK(plan.out.find("legacy") == std::string::npos);  // excluded by the file, so not dropped
  CHECK(fs::is_directory(proj + "/out"));

  // A flag beats the file: another schema directory, with nothing in it but one table.
  dir.write("other/app.toml", "[tables.only]\ncolumns = [{ name = \"id\", type = \"int\" }]\n");
  CliResult flagged = run_in(proj, {"APP_DB=" + db.url()}, {"plan", "--schema-dir", dir.path() + "/other", "--out",
                                                           dir.path() + "/p.toml"});
  REQUIRE(flagged.code == 0);
  CHECK(flagged.out.find("+ table public.only") != std::string::npos);
  CHECK(flagged.out.find("customers") == std::string::npos);

  CliResult unset = run_in(proj, {}, {"plan"});
  CHECK(unset.code == 1);
  CHECK(unset.err.find("reconcile.toml:3:12: database: environment variable APP_DB is not set") != std::string::npos);

  dir.write("proj/reconcile.toml", "schema_dir = \"db\"\nlock_timeot = \"2s\"\n");
  CliResult typo = run_in(proj, {}, {"plan"});
  CHECK(typo.code == 1);
  CHECK(typo.err.find("reconcile.toml:2:15: lock_timeot: unknown key") != std::string::npos);
  dir.write("proj/reconcile.toml", "lock_timeout = \"soon\"\n");
  CliResult bad = run_in(proj, {}, {"plan"});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("reconcile.toml:1:16: lock_timeout") != std::string::npos);
  CliResult missing = run_cli({"--config", dir.path() + "/nope.toml", "plan"});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("nope.toml does not exist") != std::string::npos);
}

TEST_CASE("exit codes of plan --detailed-exitcode: 2 with changes, 0 without, 1 on error") {
  TestDb db("exitcodes");
  TempDir dir;
  dir.write("schemas/app.toml", kSchema);
  std::vector<std::string> args = {"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                                   dir.path() + "/p.toml", "--detailed-exitcode"};
  REQUIRE(run_cli(args).code == 2);
  REQUIRE(run_cli({"apply", "--database", db.url(), dir.path() + "/p.toml"}).code == 0);
  REQUIRE(run_cli(args).code == 0);
  dir.write("schemas/bad.toml", "[tables.x]\ncolumns = [{ name = \"id\", type = \"strng\" }]\n");
  REQUIRE(run_cli(args).code == 1);
}

TEST_CASE("JSON output parses with format_version 1 on plan, show, apply, lint, history, inspect, freeze and errors") {
  TestDb db("json");
  TempDir dir;
  dir.write("schemas/app.toml", kSchema);
  std::string plan_file = dir.path() + "/p.toml";
  CliResult plan = run_cli({"--json", "plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", plan_file});
  REQUIRE(plan.code == 0);
  check_json(plan.out,
             "assert d['format_version'] == 1\n"
             "assert d['changes'] is True and d['summary']['create'] == 4\n"
             "assert d['plan_file'].endswith('p.toml')\n"
             "fk = [s for s in d['steps'] if 'foreign key' in s['object']][0]\n"
             "tables = {s['object']: s['id'] for s in d['steps']}\n"
             "assert tables['table public.customers'] in fk['depends_on'], fk\n"
             "assert all(isinstance(s['hazards'], list) for s in d['steps'] + d['reverse_steps'])");
  CliResult show = run_cli({"show", "--format", "json", plan_file});
  check_json(show.out, "assert d['format_version'] == 1 and len(d['steps']) == 4");
  CliResult apply = run_cli({"--json", "apply", "--database", db.url(), plan_file});
  REQUIRE(apply.code == 0);
  check_json(apply.out, "assert d['format_version'] == 1 and d['applied'] is True and d['steps'] == 4");
  CliResult history = run_cli({"--json", "history", "--database", db.url()});
  check_json(history.out, "assert d['format_version'] == 1 and len(d['history']) == 1 and d['history'][0]['steps'] == 4");
  CliResult inspect = run_cli({"--json", "inspect", "--database", db.url()});
  check_json(inspect.out, "assert d['format_version'] == 1 and d['counts']['tables'] == 2 and d['counts']['indexes'] == 1");
  CliResult lint = run_cli({"--json", "lint", "--schema-dir", dir.path() + "/schemas"});
  check_json(lint.out, "assert d['format_version'] == 1 and isinstance(d['findings'], list)");
  CliResult freeze = run_cli({"--json", "freeze", plan_file, "--dir", dir.path() + "/migrations"});
  check_json(freeze.out, "assert d['format_version'] == 1 and len(d['files']) == 2");
  CliResult error = run_cli({"--json", "plan", "--database", db.url() + "_missing", "--schema-dir", dir.path() + "/schemas"});
  CHECK(error.code == 1);
  check_json(error.out, "assert d['format_version'] == 1 and 'does not exist' in d['error']");
}

TEST_CASE("markdown for a PR comment: hazards first, a table of steps, collapsible SQL, a Mermaid erDiagram") {
  TestDb db("markdown");
  TempDir dir;
  dir.write("schemas/app.toml", kSchema);
  std::string plan_file = dir.path() + "/p.toml";
  REQUIRE(run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", plan_file}).code == 0);
  REQUIRE(run_cli({"apply", "--database", db.url(), plan_file}).code == 0);
  // Drop orders (destructive), add a column to customers.
  dir.write("schemas/app.toml", R"TOML(
[tables.customers]
primary_key = ["id"]
columns = [{ name = "id", type = "bigint", identity = "always" }, { name = "email", type = "text", nullable = false },
           { name = "name", type = "text" }]
)TOML");
  CliResult md = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", plan_file,
                          "--allow-destructive", "--format", "markdown"});
  REQUIRE(md.code == 0);
  const std::string& m = md.out;
  CHECK(m.rfind("### reconcile plan: 1 to create, 0 to alter, ", 0) == 0);
  auto warning = m.find("> [!WARNING]"), table = m.find("| # | change | object | hazards |");
  REQUIRE(warning != std::string::npos);
  CHECK(warning < table);
  CHECK(m.find("**destructive** (drops data): step") != std::string::npos);
  CHECK(m.find("<details><summary>SQL") != std::string::npos);
  CHECK(m.find("```sql\n") != std::string::npos);
  CHECK(m.find("```mermaid\nerDiagram\n  public_customers {\n    bigint id PK\n    text email\n    text name\n  }") !=
        std::string::npos);
  CHECK(run_cli({"show", "--format", "markdown", plan_file}).out == m);
}

TEST_CASE("reconcile graph writes the steps' dependency graph as DOT") {
  TestDb db("graph");
  TempDir dir;
  dir.write("schemas/app.toml", kSchema);
  std::string plan_file = dir.path() + "/p.toml";
  REQUIRE(run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", plan_file}).code == 0);
  CliResult dot = run_cli({"graph", plan_file});
  REQUIRE(dot.code == 0);
  CHECK(dot.out.rfind("digraph G {", 0) == 0);
  CHECK(dot.out.find("[label=\"1. create table public.customers\"") != std::string::npos);
  // The foreign key (step 4) follows both tables it joins.
  CHECK(dot.out.find("0->3") != std::string::npos);
  CHECK(dot.out.find("1->3") != std::string::npos);
  REQUIRE(run_cli({"graph", plan_file, "--out", dir.path() + "/g.dot"}).code == 0);
  CHECK(dir.read("g.dot") == dot.out);
}

TEST_CASE("colors on a terminal only, and never with NO_COLOR") {
  TestDb db("color");
  TempDir dir;
  dir.write("schemas/app.toml", kSchema);
  std::string cmd = bin() + " plan --database '" + db.url() + "' --schema-dir " + dir.path() + "/schemas --out " +
                    dir.path() + "/p.toml";
  CliResult tty = run_program({"script", "-qec", cmd, "/dev/null"});
  REQUIRE(tty.code == 0);
  CHECK(tty.out.find("\033[32m") != std::string::npos);
  CliResult no_color = run_program({"env", "NO_COLOR=1", "script", "-qec", cmd, "/dev/null"});
  REQUIRE(no_color.code == 0);
  CHECK(no_color.out.find("\033[") == std::string::npos);
  CliResult pipe = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", dir.path() + "/p.toml"});
  CHECK(pipe.out.find("\033[") == std::string::npos);
}
