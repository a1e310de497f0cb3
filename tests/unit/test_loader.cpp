#include <catch2/catch.hpp>

#include "reconcile/toml_source.hpp"

using namespace reconcile;

namespace {
Model load(const std::string& text) { return load_schema_texts({{"schemas/app.toml", text}}); }

std::string load_error(const std::vector<std::pair<std::string, std::string>>& files) {
  try {
    load_schema_texts(files);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}
std::string load_error(const std::string& text) { return load_error({{"schemas/app.toml", text}}); }
}  // namespace

TEST_CASE("loader reads both column forms, keys and schema-qualified names") {
  Model m = load(R"TOML(
[schemas.billing]
comment = "Money"

[enums."billing.state"]
values = ["open", "paid"]

[tables.customers]
primary_key = ["id"]
[[tables.customers.columns]]
name = "id"
type = "bigint"
identity = "always"
[[tables.customers.columns]]
name = "email"
type = "text"
nullable = false
collation = "C"
comment = "login"

[tables."billing.invoices"]
primary_key = { name = "invoices_pk", columns = ["id"] }
columns = [
  { name = "id", type = "bigint" },
  { name = "customer_id", type = "bigint" },
  { name = "state", type = "billing.state", default = "'open'" },
  { name = "total_cents", type = "bigint", generated = "0" },
]
unique = [{ columns = ["customer_id", "id"] }]
checks = [{ name = "positive", expression = "total_cents >= 0" }]
foreign_keys = [{ columns = ["customer_id"], references = { table = "customers" }, on_delete = "SET NULL", deferrable = true, initially_deferred = true }]
indexes = [{ columns = ["(lower(state::text))", "id DESC NULLS LAST"], method = "btree", where = "id > 0", include = ["customer_id"] }]
)TOML");
  REQUIRE(m.tables.size() == 2);
  const Table& c = m.tables.at(QName{"public", "customers"});
  CHECK(c.columns.size() == 2);
  CHECK(c.columns[0].identity == Identity::always);
  CHECK_FALSE(c.columns[0].nullable);
  CHECK(c.columns[1].collation == std::optional<std::string>("C"));
  const Table& inv = m.tables.at(QName{"billing", "invoices"});
  REQUIRE(inv.primary_key());
  CHECK(inv.primary_key()->name == "invoices_pk");
  CHECK(inv.primary_key()->named);
  CHECK_FALSE(inv.find_column("id")->nullable);  // primary-key columns are never nullable
  CHECK(inv.find_column("total_cents")->generated == std::optional<std::string>("0"));
  const Constraint* fk = nullptr;
  for (const auto& k : inv.constraints)
    if (k.kind == ConstraintKind::foreign_key) fk = &k;
  REQUIRE(fk);
  CHECK_FALSE(fk->named);
  CHECK(fk->ref_table == QName{"public", "customers"});
  CHECK(fk->ref_columns == std::vector<std::string>{"id"});  // defaults to the primary key
  CHECK(fk->on_delete == FkAction::set_null);
  CHECK(fk->initially_deferred);
  REQUIRE(inv.indexes.size() == 1);
  CHECK_FALSE(inv.indexes[0].named);
  CHECK(inv.indexes[0].include == std::vector<std::string>{"customer_id"});
  CHECK(m.enums.count(QName{"billing", "state"}));
  CHECK(m.managed_schemas() == std::set<std::string>{"billing", "public"});
}

TEST_CASE("loader errors carry file:line:col and the key path") {
  SECTION("misspelt key") {
    auto e = load_error("[tables.t]\ncolumns = [{ name = \"id\", tpye = \"int\" }]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:2:"));
    CHECK_THAT(e, Catch::Contains("tables.t.columns[0] (id).tpye"));
    CHECK_THAT(e, Catch::Contains("unknown key \"tpye\""));
  }
  SECTION("wrong value type") {
    auto e = load_error("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", nullable = \"no\" }]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:2:"));
    CHECK_THAT(e, Catch::Contains("tables.t.columns[0] (id).nullable: expected true or false"));
  }
  SECTION("broken TOML") {
    auto e = load_error("[tables.t\ncolumns = 1\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:1:"));
    CHECK_THAT(e, Catch::Contains("invalid TOML"));
  }
  SECTION("dangling foreign key") {
    auto e = load_error(
        "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n"
        "foreign_keys = [{ columns = [\"id\"], references = { table = \"nope\", columns = [\"id\"] } }]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:3:"));
    CHECK_THAT(e, Catch::Contains("public.nope, which is not declared"));
  }
  SECTION("unknown column in an index") {
    auto e = load_error("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\nindexes = [{ columns = [\"idd DESC\"] }]\n");
    CHECK_THAT(e, Catch::Contains("names column \"idd\""));
  }
  SECTION("exclusion element without an operator") {
    auto e = load_error("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\nexclusions = [{ elements = [\"id =\"] }]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:3:"));
    CHECK_THAT(e, Catch::Contains("an exclusion element is"));
  }
  SECTION("unknown column in an exclusion") {
    auto e = load_error("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\nexclusions = [{ elements = [\"idd WITH =\"] }]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:3:"));
    CHECK_THAT(e, Catch::Contains("names column \"idd\""));
  }
  SECTION("policy clause its command cannot take") {
    auto e = load_error("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n"
                        "policies = [{ name = \"p\", command = \"insert\", using = \"id > 0\" }]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:3:"));
    CHECK_THAT(e, Catch::Contains("a policy for insert takes only with_check"));
  }
  SECTION("policy with an unknown command") {
    auto e = load_error("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\npolicies = [{ name = \"p\", command = \"read\" }]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:3:"));
    CHECK_THAT(e, Catch::Contains("command"));
  }
  SECTION("partition with columns of its own") {
    auto e = load_error("[tables.p]\npartition_by = \"range (id)\"\ncolumns = [{ name = \"id\", type = \"int\" }]\n"
                        "[tables.c]\npartition_of = \"p\"\nbound = \"DEFAULT\"\ncolumns = [{ name = \"id\", type = \"int\" }]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:7:"));
    CHECK_THAT(e, Catch::Contains("a partition's columns are those of its parent"));
  }
  SECTION("partition of a table that is not partitioned") {
    auto e = load_error("[tables.p]\ncolumns = [{ name = \"id\", type = \"int\" }]\n"
                        "[tables.c]\npartition_of = \"p\"\nbound = \"DEFAULT\"\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:3:"));
    CHECK_THAT(e, Catch::Contains("public.p, which has no partition_by"));
  }
  SECTION("partition without a bound, and a bound without a parent") {
    auto e = load_error("[tables.p]\npartition_by = \"list (id)\"\ncolumns = [{ name = \"id\", type = \"int\" }]\n"
                        "[tables.c]\npartition_of = \"p\"\n");
    CHECK_THAT(e, Catch::Contains("a partition needs bound"));
    e = load_error("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\nbound = \"DEFAULT\"\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:3:"));
    CHECK_THAT(e, Catch::Contains("bound needs partition_of"));
  }
  SECTION("undeclared schema") {
    auto e = load_error("[tables.\"crm.t\"]\ncolumns = [{ name = \"id\", type = \"int\" }]\n");
    CHECK_THAT(e, Catch::Contains("schema \"crm\", which is not declared"));
  }
  SECTION("object defined in two files") {
    auto e = load_error({{"schemas/a.toml", "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n"},
                         {"schemas/b.toml", "\n[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n"}});
    CHECK_THAT(e, Catch::Contains("schemas/b.toml:2:"));
    CHECK_THAT(e, Catch::Contains("defined twice"));
    CHECK_THAT(e, Catch::Contains("schemas/a.toml:1:"));
  }
  SECTION("bad foreign key action") {
    auto e = load_error(
        "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\nprimary_key = [\"id\"]\n"
        "foreign_keys = [{ columns = [\"id\"], references = { table = \"t\" }, on_delete = \"explode\" }]\n");
    CHECK_THAT(e, Catch::Contains("tables.t.foreign_keys[0].on_delete"));
  }
  SECTION("duplicate column") {
    auto e = load_error("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }, { name = \"id\", type = \"int\" }]\n");
    CHECK_THAT(e, Catch::Contains("column \"id\" is defined twice"));
  }
}

TEST_CASE("the schemas a plan manages are guessed from the section headers, without parsing") {
  std::vector<std::pair<std::string, std::string>> files = {
      {"a.toml", "[schemas.\"Odd Schema\"]\n[tables.orders]\ncolumns = []\n  [tables.\"sales.deals\".x]\n"},
      {"b.toml", "[[functions.\"util.plus\"]]\n[materialized_views.\"rep.daily\"]\n[tables]\n\"hidden.t\" = {}\n# [tables.\"commented.t\"]\n"}};
  CHECK(guess_managed_schemas(files) == std::set<std::string>{"Odd Schema", "public", "sales", "util", "rep"});
}

TEST_CASE("a table that inherits gets its parents' columns first and their checks, marked inherited") {
  Model m = load(R"TOML(
[tables.base]
columns = [{ name = "id", type = "serial" }, { name = "at", type = "timestamptz", nullable = false, default = "now()", comment = "when" },
           { name = "n", type = "int", identity = "always" }]
checks = [{ name = "at_past", expression = "at < now()" }, { name = "local_only", expression = "n > 0", no_inherit = true }]
[tables.child]
inherits = ["base"]
columns = [{ name = "extra", type = "text" }, { name = "at", type = "timestamptz", nullable = false, default = "'epoch'" }]
[tables.grandchild]
inherits = ["child"]
columns = [{ name = "at", inherited = true, nullable = false, default = "clock_timestamp()" }]
)TOML");
  const Table& c = *m.find_table({"public", "child"});
  REQUIRE(c.columns.size() == 4);
  CHECK(c.columns[0].name == "id");
  CHECK(c.columns[0].type == "integer");  // a serial's sequence stays with the parent
  CHECK(c.columns[0].default_expr == "nextval('\"public\".\"base_id_seq\"'::regclass)");
  CHECK_FALSE(c.columns[0].nullable);
  CHECK(c.columns[0].inherited);
  CHECK(c.columns[1].name == "at");  // declared here too: its own declaration, in the parent's place
  CHECK(c.columns[1].default_expr == "'epoch'");
  CHECK_FALSE(c.columns[1].inherited);
  CHECK(c.columns[2].name == "n");
  CHECK(c.columns[2].identity == Identity::none);  // identity is not inherited, NOT NULL is
  CHECK_FALSE(c.columns[2].nullable);
  CHECK(c.columns[3].name == "extra");
  REQUIRE(c.constraints.size() == 1);  // not the NO INHERIT one
  CHECK(c.constraints[0].name == "at_past");
  CHECK(c.constraints[0].inherited);
  const Table& g = *m.find_table({"public", "grandchild"});
  REQUIRE(g.columns.size() == 4);
  CHECK(g.columns[1].type == "timestamptz");  // an inherited column takes its parent's type
  CHECK(g.columns[1].default_expr == "clock_timestamp()");
  CHECK(g.columns[1].inherited);
  CHECK(g.constraints.size() == 1);
}

TEST_CASE("inheritance errors are located") {
  SECTION("a partitioned parent") {
    auto e = load_error("[tables.p]\npartition_by = \"list (id)\"\ncolumns = [{ name = \"id\", type = \"int\" }]\n"
                        "[tables.c]\ninherits = [\"p\"]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:4:"));
    CHECK_THAT(e, Catch::Contains("which is partitioned or a partition"));
  }
  SECTION("a partition that inherits") {
    auto e = load_error("[tables.p]\npartition_by = \"list (id)\"\ncolumns = [{ name = \"id\", type = \"int\" }]\n"
                        "[tables.c]\npartition_of = \"p\"\nbound = \"DEFAULT\"\ninherits = [\"p\"]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:7:"));
    CHECK_THAT(e, Catch::Contains("cannot also inherit"));
  }
  SECTION("a cycle") {
    auto e = load_error("[tables.a]\ninherits = [\"b\"]\n[tables.b]\ninherits = [\"a\"]\n");
    CHECK_THAT(e, Catch::Contains("its own parent"));
  }
  SECTION("inherited = true without a parent") {
    auto e = load_error("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", inherited = true }]\n");
    CHECK_THAT(e, Catch::Contains("schemas/app.toml:2:"));
    CHECK_THAT(e, Catch::Contains("the table inherits from none"));
  }
}

TEST_CASE("default privileges are read per kind and role, in canonical form, and a wrong kind or privilege is located") {
  Model m = load(R"TOML(
[schemas.app]
default_privileges = [
  { on = "tables", grants = [{ role = "ro", privileges = ["select"] }] },
  { on = "tables", grants = [{ role = "ro", privileges = ["insert"] }, { role = "PUBLIC", privileges = ["select"] }] },
  { on = "functions", for_role = "deploy", grants = [{ role = "ro", privileges = ["execute"] }] },
]
)TOML");
  const auto& d = m.schemas.at("app").default_privileges;
  REQUIRE(d.size() == 2);
  CHECK(d[0].on == "tables");
  CHECK(d[0].for_role.empty());
  REQUIRE(d[0].grants.size() == 2);
  CHECK(d[0].grants[0].role == "public");
  CHECK(d[0].grants[1].privileges == std::vector<std::string>{"insert", "select"});
  CHECK(d[1].on == "functions");
  CHECK(d[1].for_role == "deploy");
  auto e = load_error("[schemas.app]\ndefault_privileges = [{ on = \"views\", grants = [] }]\n");
  CHECK_THAT(e, Catch::Contains("schemas/app.toml:2:"));
  CHECK_THAT(e, Catch::Contains("on must be one of \"tables\""));
  e = load_error("[schemas.app]\ndefault_privileges = [{ on = \"types\", grants = [{ role = \"ro\", privileges = [\"select\"] }] }]\n");
  CHECK_THAT(e, Catch::Contains("schemas/app.toml:2:"));
  CHECK_THAT(e, Catch::Contains("privilege \"select\" does not apply here"));
}
