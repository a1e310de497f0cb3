// Hostile and faulty input the loader must refuse, located, before anything reaches a database.
#include <catch2/catch.hpp>

#include "reconcile/change.hpp"
#include "reconcile/plan.hpp"
#include "reconcile/sql.hpp"
#include "reconcile/toml_source.hpp"

using namespace reconcile;

namespace {
std::string load_error(const std::string& text) {
  try {
    load_schema_texts({{"schemas/app.toml", text}});
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

std::string table_with(const std::string& column_name) {
  return "[tables.t]\ncolumns = [{ name = \"" + column_name + "\", type = \"int\" }]\n";
}
}  // namespace

TEST_CASE("names longer than 63 bytes are refused with their place and byte count, for every kind of name") {
  const std::string n64(64, 'n');
  const std::string n63(63, 'n');
  std::string two_byte;
  for (int i = 0; i < 32; ++i) two_byte += "\xc3\xa9";  // 32 x e-acute: 64 bytes
  CHECK(load_error(table_with(n63)) == "no error");
  CHECK_THAT(load_error(table_with(n64)), Catch::StartsWith("schemas/app.toml:2:") && Catch::Contains("64 bytes") &&
                                              Catch::Contains("column name"));
  CHECK_THAT(load_error(table_with(two_byte)), Catch::Contains("64 bytes"));
  CHECK_THAT(load_error("[tables." + n64 + "]\ncolumns = [{ name = \"id\", type = \"int\" }]\n"),
             Catch::StartsWith("schemas/app.toml:1:") && Catch::Contains("table name"));
  CHECK_THAT(load_error("[schemas." + n64 + "]\n"), Catch::Contains("schema name") && Catch::Contains("64 bytes"));
  CHECK_THAT(load_error("[schemas.s]\n[tables.\"s." + n64 + "\"]\ncolumns = [{ name = \"id\", type = \"int\" }]\n"),
             Catch::Contains("table name"));
  CHECK_THAT(load_error("[enums." + n64 + "]\nvalues = [\"a\"]\n"), Catch::Contains("enum name"));
  CHECK_THAT(load_error("[enums.e]\nvalues = [\"" + n64 + "\"]\n"), Catch::Contains("enum value name"));
  CHECK_THAT(load_error("[extensions." + n64 + "]\n"), Catch::Contains("extension name"));
  CHECK_THAT(load_error("[extensions.citext]\nschema = \"" + n64 + "\"\n"), Catch::Contains("schema name"));
  std::string t = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n";
  CHECK_THAT(load_error(t + "primary_key = { name = \"" + n64 + "\", columns = [\"id\"] }\n"), Catch::Contains("constraint name"));
  CHECK_THAT(load_error(t + "unique = [{ name = \"" + n64 + "\", columns = [\"id\"] }]\n"),
             Catch::StartsWith("schemas/app.toml:3:") && Catch::Contains("constraint name"));
  CHECK_THAT(load_error(t + "checks = [{ name = \"" + n64 + "\", expression = \"id > 0\" }]\n"), Catch::Contains("constraint name"));
  CHECK_THAT(load_error(t + "indexes = [{ name = \"" + n64 + "\", columns = [\"id\"] }]\n"), Catch::Contains("index name"));
  CHECK_THAT(load_error(t + "foreign_keys = [{ name = \"" + n64 + "\", columns = [\"id\"], references = { table = \"t\", columns = [\"id\"] } }]\n"),
             Catch::Contains("constraint name"));
  CHECK_THAT(load_error(t + "foreign_keys = [{ columns = [\"id\"], references = { table = \"" + n64 + "\" } }]\n"),
             Catch::Contains("table name"));
  CHECK_THAT(load_error(t + "renamed_from = \"" + n64 + "\"\n"), Catch::Contains("table name"));
  CHECK_THAT(load_error("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", renamed_from = \"" + n64 + "\" }]\n"),
             Catch::Contains("column name"));
}

TEST_CASE("a NUL byte in a name, comment or enum value is refused, located") {
  CHECK_THAT(load_error("[tables.t]\ncolumns = [{ name = \"a\\u0000b\", type = \"int\" }]\n"),
             Catch::StartsWith("schemas/app.toml:2:") && Catch::Contains("NUL"));
  CHECK_THAT(load_error("[tables.t]\ncomment = \"x\\u0000y\"\ncolumns = [{ name = \"id\", type = \"int\" }]\n"),
             Catch::StartsWith("schemas/app.toml:2:") && Catch::Contains("NUL"));
  CHECK_THAT(load_error("[enums.e]\nvalues = [\"ok\", \"x\\u0000\"]\n"), Catch::StartsWith("schemas/app.toml:2:") && Catch::Contains("NUL"));
  CHECK_THAT(load_error("[tables.\"t\\u0000x\"]\ncolumns = [{ name = \"id\", type = \"int\" }]\n"), Catch::Contains("NUL"));
  CHECK_THAT(load_error("[tables.t]\ncolumns = [{ name = \"a\\u001b[2Jb\", type = \"int\" }]\n"),
             Catch::StartsWith("schemas/app.toml:2:") && Catch::Contains("control character"));
}

TEST_CASE("qualified names: a part with a dot is quoted, parsed back, and ambiguous text refused") {
  CHECK(parse_qname("t") == QName{"public", "t"});
  CHECK(parse_qname("s.t") == QName{"s", "t"});
  CHECK(parse_qname("\"a.b\"") == QName{"public", "a.b"});
  CHECK(parse_qname("public.\"a.b\"") == QName{"public", "a.b"});
  CHECK(parse_qname("\"my.schema\".\"x\"\"y\"") == QName{"my.schema", "x\"y"});
  CHECK_THROWS_WITH(parse_qname("a.b.c"), Catch::Contains("more than schema.name"));
  CHECK_THROWS_WITH(parse_qname("\"a.b"), Catch::Contains("unterminated"));
  CHECK_THROWS_WITH(parse_qname("s."), Catch::Contains("empty part"));
  for (const QName& q : {QName{"public", "a.b"}, QName{"x.y", "t"}, QName{"s", "\"q"}, QName{"public", "plain"}})
    CHECK(parse_qname(format_qname(q)) == q);

  // inspect's TOML for a table named "a.b" in public reads back as that table, not as schema a.
  Model m;
  Table t;
  t.name = QName{"public", "a.b"};
  Column c;
  c.name = "id";
  c.type = "integer";
  t.columns.push_back(c);
  m.tables[t.name] = t;
  auto files = write_schema_toml(m);
  std::vector<std::pair<std::string, std::string>> docs(files.begin(), files.end());
  Model back = load_schema_texts(docs);
  REQUIRE(back.tables.size() == 1);
  CHECK(back.tables.begin()->first == QName{"public", "a.b"});
}

namespace {
std::string valid_plan_text() {
  Plan p;
  p.reconcile_version = "0.1.0";
  p.created_at = "2026-12-05T10:00:00Z";
  p.database = "postgresql://app@db:5432/app";
  p.source_fingerprint = "sha256:aa";
  p.target_fingerprint = "sha256:bb";
  p.managed_schemas = {"public"};
  for (int i = 1; i <= 3; ++i) {
    Step s;
    s.id = i;
    s.op = StepOp::create;
    s.object = "table public.t" + std::to_string(i);
    s.sql = "CREATE TABLE \"public\".\"t" + std::to_string(i) + "\" ();";
    if (i > 1) s.depends_on = {i - 1};
    p.steps.push_back(s);
  }
  summarize(p);
  return write_plan_file(p);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string plan_error(const std::string& text) {
  try {
    parse_plan_text(text, "p.plan.toml");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("a plan file is validated completely on load: ids, references, required keys, types") {
  std::string ok = valid_plan_text();
  REQUIRE(plan_error(ok) == "no error");
  CHECK_THAT(plan_error(replaced(ok, "id = 2", "id = 99")), Catch::StartsWith("p.plan.toml:") && Catch::Contains("\"id\" must be 2"));
  CHECK_THAT(plan_error(replaced(ok, "id = 2", "id = -2147483649")), Catch::Contains("\"id\" must be 2"));
  CHECK_THAT(plan_error(replaced(ok, "depends_on = [1]", "depends_on = [7]")), Catch::Contains("earlier steps"));
  CHECK_THAT(plan_error(replaced(ok, "depends_on = [1]", "depends_on = [0]")), Catch::Contains("earlier steps"));
  CHECK_THAT(plan_error(replaced(ok, "depends_on = [1]", "depends_on = [2]")), Catch::Contains("earlier steps"));
  CHECK_THAT(plan_error(replaced(ok, "depends_on = [1]", "depends_on = [\"1\"]")), Catch::Contains("earlier steps"));
  CHECK_THAT(plan_error(replaced(ok, "depends_on = [1]", "depends_on = 1")), Catch::Contains("array of step ids"));
  CHECK_THAT(plan_error(replaced(ok, "target_fingerprint = \"sha256:bb\"\n", "")),
             Catch::StartsWith("p.plan.toml:") && Catch::Contains("missing \"target_fingerprint\""));
  CHECK_THAT(plan_error(replaced(ok, "target_fingerprint = \"sha256:bb\"", "target_fingerprint = \"\"")),
             Catch::Contains("must not be empty"));
  CHECK(plan_error(replaced(ok, "target_fingerprint = \"sha256:bb\"", "target_fingerprint = \"\"\nverified = false")) == "no error");
  CHECK_THAT(plan_error(replaced(ok, "target_fingerprint = \"sha256:bb\"", "target_fingerprint = \"sha256:zz\"")),
             Catch::Contains("not a fingerprint"));
  CHECK_THAT(plan_error(replaced(ok, "source_fingerprint = \"sha256:aa\"\n", "")), Catch::Contains("missing \"source_fingerprint\""));
  CHECK_THAT(plan_error(replaced(ok, "managed_schemas = [\"public\"]\n", "")), Catch::Contains("missing \"managed_schemas\""));
  CHECK_THAT(plan_error(replaced(ok, "protected_tables = []\n", "")), Catch::Contains("missing \"protected_tables\""));
  CHECK_THAT(plan_error(replaced(ok, "op = \"create\"", "op = \"explode\"")), Catch::Contains("unknown op"));
  CHECK_THAT(plan_error(replaced(ok, "transactional = true\n", "")), Catch::Contains("missing \"transactional\" in steps step 1"));
  CHECK_THAT(plan_error(replaced(ok, "transactional = true", "transactional = \"yes\"")), Catch::Contains("true or false"));
  CHECK_THAT(plan_error(replaced(ok, "hazards = []\n\n[summary]", "hazards = [\"harmless\"]\n\n[summary]")),
             Catch::Contains("unknown hazard"));
  CHECK_THAT(plan_error(replaced(ok, "sql = ", "sqll = \"x\"\nsql = ")), Catch::Contains("unknown key \"sqll\""));
  CHECK_THAT(plan_error(replaced(ok, "create = 3", "create = \"3\"")), Catch::Contains("must be a count"));
  CHECK_THAT(plan_error(replaced(ok, "object = \"table public.t1\"", "object = \"table \\u001b[2J\"")),
             Catch::Contains("control character"));
}

TEST_CASE("the dependency graph of a valid plan file is drawn without touching anything out of range") {
  Plan p = parse_plan_text(valid_plan_text(), "p.plan.toml");
  std::string dot = plan_dot(p);
  CHECK_THAT(dot, Catch::Contains("0->1") && Catch::Contains("1->2"));
}

TEST_CASE("an SQL fragment that could end its statement or hide the rest is refused, located") {
  CHECK_FALSE(fragment_problem("now()"));
  CHECK_FALSE(fragment_problem("'a;b' || \"semi;colon\" || $$x; -- y$$ || $t$ /* $t$ || E'it\\'s; --'"));
  CHECK_FALSE(fragment_problem("(price * 2) - 1"));
  CHECK_FALSE(fragment_problem("lower(name) text_pattern_ops DESC NULLS LAST"));
  CHECK_FALSE(fragment_problem("x$1 + $2"));
  CHECK(fragment_problem("'x'; DROP TABLE other.t; --"));
  CHECK(fragment_problem("1 -- the rest"));
  CHECK(fragment_problem("1 /* hidden */"));
  CHECK(fragment_problem("1) OR (true"));
  CHECK(fragment_problem("(1"));
  CHECK(fragment_problem("'unterminated"));
  CHECK(fragment_problem("$x$ never closed"));
  CHECK(fragment_problem("'it''s'; SELECT 1"));
  CHECK(fragment_problem("E'a\\'; SELECT 1"));  // the quote is escaped: the string never ends

  std::string t = "[tables.t]\ncolumns = [\n  { name = \"id\", type = \"int\" },\n";
  for (const std::string& column :
       {"{ name = \"v\", type = \"text\", backfill = \"'x'; DROP TABLE other.t; --\" }",
        "{ name = \"v\", type = \"text\", default = \"'x' -- \" }",
        "{ name = \"v\", type = \"text\", using = \"v::text); DROP TABLE x; (\" }",
        "{ name = \"v\", type = \"int; DROP TABLE x\" }",
        "{ name = \"v\", type = \"int\", generated = \"1) STORED, w int GENERATED ALWAYS AS (2\" }"}) {
    INFO(column);
    CHECK_THAT(load_error(t + "  " + column + "\n]\n"), Catch::StartsWith("schemas/app.toml:4:") && Catch::Contains("not a single SQL expression"));
  }
  std::string base = t + "]\n";
  CHECK_THAT(load_error(base + "checks = [{ expression = \"id > 0); DROP TABLE x; --\" }]\n"), Catch::Contains("not a single SQL expression"));
  CHECK_THAT(load_error(base + "indexes = [{ columns = [\"id); DROP TABLE x; --\"] }]\n"), Catch::Contains("not a single SQL expression"));
  CHECK_THAT(load_error(base + "indexes = [{ columns = [\"id\"], where = \"id > 0; DROP TABLE x\" }]\n"),
             Catch::Contains("not a single SQL expression"));
  CHECK_THAT(load_error(base + "indexes = [{ columns = [\"id\"], method = \"btree (id); DROP TABLE x; --\" }]\n"),
             Catch::Contains("not a plain name"));
}

TEST_CASE("a type name is read as SQL reads it") {
  auto is = [](const std::string& type, const std::string& schema, const std::string& name) {
    TypeName t = parse_type_name(type);
    INFO(type);
    CHECK(t.schema == schema);
    CHECK(t.name == name);
  };
  is("mood", "", "mood");
  is("Mood[]", "", "mood");
  is("\"we\"\"ird\"", "", "we\"ird");
  is("\"My Schema\".\"we\"\"ird\"[]", "My Schema", "we\"ird");
  is("app.status", "app", "status");
  is("character varying(20)", "", "character varying");
  is("numeric(10,2)[]", "", "numeric");
}

TEST_CASE("inspect's file names cannot leave the output directory, whatever the database calls things") {
  CHECK(file_stem("public") == "public");
  CHECK(file_stem("Sales Dept.orders") == "Sales Dept.orders");
  CHECK(file_stem("../../etc/cron.d/x") == "%2E.%2F..%2Fetc%2Fcron.d%2Fx");
  CHECK(file_stem("..") == "%2E.");
  CHECK(file_stem("a\\b%c\nd") == "a%5Cb%25c%0Ad");
  CHECK(file_stem("") == "_");
  CHECK(file_stem("a/b") != file_stem("a%2Fb"));
}
