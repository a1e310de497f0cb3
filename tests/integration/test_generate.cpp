// Generated application code and editor support (SPEC §12), checked by the real tools: SQLAlchemy
// models imported by Debian's python3-sqlalchemy and compared by Alembic with a database that
// `reconcile apply` made, used through an ORM session; TypeScript types compiled by `tsc --strict`
// beside code that uses them; the JSON Schema run by python3-jsonschema over every schema file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "harness.hpp"

using namespace reconcile::test;
namespace fs = std::filesystem;

namespace {

/// Plans and applies the schema files of `dir` to `db`.
void apply_schema(const TestDb& db, const std::string& dir, const TempDir& tmp) {
  CliResult plan = run_cli({"plan", "--database", db.url(), "--schema-dir", dir, "--out", tmp.path() + "/plan.toml"});
  INFO(plan.out << plan.err);
  REQUIRE(plan.code == 0);
  CliResult apply = run_cli({"apply", "--database", db.url(), tmp.path() + "/plan.toml"});
  INFO(apply.out << apply.err);
  REQUIRE(apply.code == 0);
}

/// `reconcile generate target` from `dir` into `out`.
void generate(const TestDb& db, const std::string& target, const std::string& dir, const std::string& out) {
  CliResult gen = run_cli({"generate", target, "--database", db.url(), "--schema-dir", dir, "--out", out});
  INFO(gen.out << gen.err);
  REQUIRE(gen.code == 0);
}

void require_same_models(const std::string& models, const TestDb& db) {
  CliResult compared = compare_models(models, db.url());
  INFO(compared.out << compared.err);
  REQUIRE(compared.code == 0);
}

void require_compiles(const std::vector<std::string>& files) {
  CliResult tsc = compile_typescript(files);
  INFO(tsc.out << tsc.err);
  REQUIRE(tsc.code == 0);
}

/// What an application does with the demo's models: add a customer and an order through an ORM
/// session (the identity and the defaults filled by the server), read them back, filter on the enum.
const char* kUseModels = R"(
import sys
import sqlalchemy as sa
from sqlalchemy.orm import Session
sys.path.insert(0, sys.argv[1])
import models

engine = sa.create_engine(sys.argv[2])
with Session(engine) as session:
    customer = models.Customers(email="ada@example.com", name="Ada")
    session.add(customer)
    session.flush()
    session.add(models.Orders(customer_id=customer.id, total=12.5))
    session.commit()
    order = session.query(models.Orders).filter(models.Orders.status == "pending").one()
    print(order.customer_id == customer.id, order.status, order.total, order.created_at is not None)
)";

/// What a frontend does with the demo's types; each @ts-expect-error line must be an error.
const char* kUseTypes = R"(import type { Database, Enums, Tables, TablesInsert, TablesUpdate } from "./database.types"

const customer: Tables<"customers"> = { id: 1, email: "ada@example.com", name: null, created_at: "2026-12-06T10:00:00Z" }
const created: TablesInsert<"customers"> = { email: "grace@example.com" }
// @ts-expect-error: an always-identity id is the server's to give
const withId: TablesInsert<"customers"> = { id: 5, email: "c@example.com" }
// @ts-expect-error: email is NOT NULL without a default
const withoutEmail: TablesInsert<"customers"> = {}
const paid: TablesUpdate<"orders"> = { status: "paid" }
// @ts-expect-error: not a value of order_status
const lost: TablesUpdate<"orders"> = { status: "lost" }
const shipped: Enums<"order_status"> = "shipped"
const open: Database["public"]["Views"]["open_orders"]["Row"] = { id: 1, email: null, status: "paid", total: 12.5 }
// @ts-expect-error: a NOT NULL column is never null in a row
const noTotal: Tables<"orders"> = { id: 1, customer_id: 1, status: "paid", total: null, created_at: "", updated_at: "", archived_at: null }

export { customer, created, withId, withoutEmail, paid, lost, shipped, open, noTotal }
)";

}  // namespace

TEST_CASE("generate: the demo's SQLAlchemy models match the applied database by Alembic's comparison and work in an ORM session") {
  TestDb db("generate_demo");
  TempDir tmp;
  apply_schema(db, RECONCILE_SCHEMAS_DIR, tmp);
  generate(db, "sqlalchemy", RECONCILE_SCHEMAS_DIR, tmp.path() + "/models.py");
  std::string models = tmp.read("models.py");
  CHECK_THAT(models, Catch::Contains("order_status_enum = sa.Enum(\"pending\", \"paid\", \"shipped\", name=\"order_status\""));
  CHECK_THAT(models, Catch::Contains("sa.ForeignKey(\"customers.id\", name=\"orders_customer_id_fkey\", ondelete=\"CASCADE\")"));
  CHECK_THAT(models, Catch::Contains("postgresql_where=sa.text(\"archived_at IS NULL\")"));
  require_same_models(tmp.path() + "/models.py", db);
  tmp.write("use.py", kUseModels);
  CliResult used = run_program({python_program(), tmp.path() + "/use.py", tmp.path(), db.url()});
  INFO(used.out << used.err);
  REQUIRE(used.code == 0);
  CHECK(used.out == "True pending 12.50 True\n");
}

TEST_CASE("generate: the demo's TypeScript types compile with tsc --strict beside code that uses them, and are as tight as they say") {
  TestDb db("generate_demo_ts");
  TempDir tmp;
  generate(db, "typescript", RECONCILE_SCHEMAS_DIR, tmp.path() + "/");  // a directory: database.types.ts in it
  tmp.write("use.ts", kUseTypes);
  // An @ts-expect-error line that is not an error is one itself: the types are as tight as they say.
  require_compiles({tmp.path() + "/database.types.ts", tmp.path() + "/use.ts"});
}

TEST_CASE("generate: every example's models match its applied database, and its types compile") {
  for (const char* name : {"shop", "saas", "gitops"}) {
    DYNAMIC_SECTION(name) {
      TestDb db(std::string("generate_") + name);
      TempDir tmp;
      std::string schemas = std::string(RECONCILE_EXAMPLES_DIR) + "/" + name + "/schemas";
      apply_schema(db, schemas, tmp);
      generate(db, "sqlalchemy", schemas, tmp.path() + "/models.py");
      require_same_models(tmp.path() + "/models.py", db);
      generate(db, "typescript", schemas, tmp.path() + "/database.types.ts");
      require_compiles({tmp.path() + "/database.types.ts"});
    }
  }
}

TEST_CASE("generate --check: exit 1 naming a stale or missing file, 0 on a fresh one, with the outputs named in reconcile.toml") {
  TestDb db("generate_check");
  TempDir tmp;
  fs::copy(RECONCILE_SCHEMAS_DIR, tmp.path() + "/schemas", fs::copy_options::recursive);
  tmp.write("reconcile.toml", "[generate.sqlalchemy]\nout = \"app/models.py\"\n\n[generate.typescript]\nout = \"web/src/\"\n");
  auto reconcile = [&](const std::vector<std::string>& args) {
    std::vector<std::string> all = {"env", "DATABASE_URL=" + db.url(), std::getenv("RECONCILE_BIN")};
    all.insert(all.end(), args.begin(), args.end());
    return run_program(all, tmp.path());
  };
  CliResult missing = reconcile({"generate", "sqlalchemy", "--check"});
  CHECK(missing.code == 1);
  CHECK_THAT(missing.err, Catch::Contains("app/models.py is missing"));
  for (const char* target : {"sqlalchemy", "typescript"}) REQUIRE(reconcile({"generate", target}).code == 0);
  std::string first = tmp.read("app/models.py");
  CHECK_THAT(tmp.read("web/src/database.types.ts"), Catch::StartsWith("// Generated by `reconcile generate typescript`"));
  CHECK(reconcile({"generate", "sqlalchemy", "--check"}).code == 0);
  CHECK(reconcile({"generate", "typescript", "--check"}).code == 0);
  // The same files give the same bytes.
  REQUIRE(reconcile({"generate", "sqlalchemy"}).code == 0);
  CHECK(tmp.read("app/models.py") == first);
  // A new column makes both stale; --check writes nothing.
  tmp.write("schemas/more.toml", "[tables.notes]\nprimary_key = [\"id\"]\ncolumns = [{ name = \"id\", type = \"bigint\" }]\n");
  CliResult stale = reconcile({"generate", "sqlalchemy", "--check"});
  CHECK(stale.code == 1);
  CHECK_THAT(stale.err, Catch::Contains("app/models.py is stale"));
  CHECK(reconcile({"generate", "typescript", "--check"}).code == 1);
  CHECK(tmp.read("app/models.py") == first);
  CliResult json = reconcile({"--json", "generate", "typescript", "--check"});
  CHECK_THAT(json.out, Catch::Contains("\"fresh\": false"));
  // Bad schema files: a located error and nothing written.
  tmp.write("schemas/more.toml", "[tables.notes]\ncolumns = [{ name = \"id\", typ = \"bigint\" }]\n");
  CliResult bad = reconcile({"generate", "sqlalchemy"});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.err, Catch::Contains("more.toml:2:"));
  CHECK(tmp.read("app/models.py") == first);
}

TEST_CASE("schema json-schema: every schema file of the repository validates, and a misspelt key or a wrong value does not") {
  TempDir tmp;
  CliResult schema = run_cli({"schema", "json-schema"});
  REQUIRE(schema.code == 0);
  tmp.write("schema.json", schema.out);
  std::vector<std::string> valid, invalid;
  auto collect = [](const fs::path& root, std::vector<std::string>& into) {
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.path().extension() == ".toml" && e.path().filename() != "reconcile.toml") into.push_back(e.path().string());
  };
  collect(RECONCILE_SCHEMAS_DIR, valid);
  collect(RECONCILE_EXAMPLES_DIR, valid);
  for (const auto& c : fs::directory_iterator(RECONCILE_CASES_DIR)) {
    std::string name = c.path().filename().string();
    // Broken on purpose in ways a schema can see: TOML syntax, a misspelt key, a trigger's timing.
    if (name == "bad_toml_syntax" || name == "bad_misspelt_key") continue;
    for (const auto& phase : fs::directory_iterator(c.path()))
      if (phase.is_directory()) collect(phase.path(), name == "bad_routines" && phase.path().filename() == "3" ? invalid : valid);
  }
  std::sort(valid.begin(), valid.end());
  collect(fs::path(RECONCILE_CASES_DIR) / "bad_misspelt_key", invalid);
  std::vector<std::string> args = {python_program(), std::string(RECONCILE_GENERATE_DIR) + "/validate_toml.py", tmp.path() + "/schema.json"};
  args.insert(args.end(), valid.begin(), valid.end());
  args.push_back("--invalid");
  tmp.write("misspelt.toml", "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", nulable = false }]\n");
  tmp.write("bad_action.toml",
            "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n"
            "foreign_keys = [{ columns = [\"id\"], references = { table = \"u\" }, on_delete = \"explode\" }]\n");
  args.push_back(tmp.path() + "/misspelt.toml");
  args.push_back(tmp.path() + "/bad_action.toml");
  CliResult validated = run_program(args);
  INFO(validated.out << validated.err);
  CHECK(validated.code == 0);
  CHECK(valid.size() > 100);
}
