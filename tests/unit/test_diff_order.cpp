#include <catch2/catch.hpp>

#include "reconcile/change.hpp"
#include "reconcile/plan.hpp"
#include "reconcile/toml_source.hpp"

using namespace reconcile;

namespace {
Model load(const std::string& text) { return load_schema_texts({{"t.toml", text}}); }

std::vector<std::string> objects(const std::vector<Step>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.push_back(to_string(s.op) + " " + s.object);
  return out;
}

size_t position(const std::vector<Step>& steps, const std::string& object) {
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].object == object) return i;
  FAIL("no step for " << object);
  return 0;
}
}  // namespace

TEST_CASE("unnamed constraints and indexes match live ones by definition, whatever their name") {
  Model desired = load(R"TOML(
[tables.t]
primary_key = ["id"]
columns = [{ name = "id", type = "integer" }, { name = "email", type = "text" }]
unique = [{ columns = ["email"] }]
indexes = [{ columns = ["email"] }]
)TOML");
  Model live = desired;
  Table& t = live.tables.begin()->second;
  for (auto& c : t.constraints) { c.name = "other_tool_" + to_string(c.kind); c.named = true; }
  t.indexes[0].name = "idx_from_elsewhere";
  t.indexes[0].named = true;
  CHECK(diff(live, desired).empty());

  SECTION("a name the TOML gives is compared") {
    desired.tables.begin()->second.indexes[0].name = "ix_email";
    desired.tables.begin()->second.indexes[0].named = true;
    auto steps = plan_steps(diff(live, desired));
    CHECK(objects(steps) == std::vector<std::string>{"drop index public.idx_from_elsewhere", "create index public.ix_email"});
  }
  SECTION("a changed definition is dropped and added") {
    desired.tables.begin()->second.indexes[0].keys = {"email DESC"};
    auto steps = plan_steps(diff(live, desired));
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].op == StepOp::drop);
    CHECK(steps[1].sql == "CREATE INDEX ON \"public\".\"t\" (email DESC);");
  }
}

TEST_CASE("new enum values are added at their declared position") {
  Model live = load("[enums.s]\nvalues = [\"a\", \"c\"]\n");
  Model desired = load("[enums.s]\nvalues = [\"first\", \"a\", \"b\", \"c\", \"z\"]\n");
  auto steps = plan_steps(diff(live, desired));
  std::vector<std::string> sql;
  for (const auto& s : steps) sql.push_back(s.sql);
  CHECK_THAT(sql[0] + sql[1] + sql[2], Catch::Contains("ADD VALUE 'b' BEFORE 'c'"));
  CHECK_THAT(sql[0] + sql[1] + sql[2], Catch::Contains("ADD VALUE 'first' BEFORE 'a'"));
  CHECK_THAT(sql[0] + sql[1] + sql[2], Catch::Contains("ADD VALUE 'z' AFTER 'c'"));
  Model removed = load("[enums.s]\nvalues = [\"a\"]\n");
  auto rebuild = diff(live, removed);
  REQUIRE(rebuild.size() == 1);
  CHECK(std::holds_alternative<RebuildEnum>(rebuild[0]));
  auto rebuilt = plan_steps(rebuild);
  CHECK(hazard_names(rebuilt[0].hazards) == std::vector<std::string>{"destructive", "may-fail", "rewrite"});
}

TEST_CASE("creation follows dependencies: enum, table, referenced key, foreign key") {
  Model desired = load(R"TOML(
[schemas.crm]
[enums."crm.kind"]
values = ["a"]
[tables."crm.b"]
primary_key = ["id"]
columns = [{ name = "id", type = "int" }, { name = "a_id", type = "int" }, { name = "k", type = "crm.kind" }]
foreign_keys = [{ columns = ["a_id"], references = { table = "a" } }]
[tables.a]
primary_key = ["id"]
columns = [{ name = "id", type = "int" }, { name = "b_id", type = "int" }]
foreign_keys = [{ columns = ["b_id"], references = { table = "crm.b" } }, { name = "self", columns = ["id"], references = { table = "a" } }]
)TOML");
  auto steps = plan_steps(diff(Model{}, desired));
  CHECK(position(steps, "schema crm") < position(steps, "enum crm.kind"));
  CHECK(position(steps, "enum crm.kind") < position(steps, "table crm.b"));
  CHECK(position(steps, "table crm.b") < position(steps, "constraint public.a (foreign key b_id)"));
  CHECK(position(steps, "table public.a") < position(steps, "constraint crm.b (foreign key a_id)"));
  CHECK(position(steps, "table public.a") < position(steps, "constraint public.a.self"));
  for (size_t i = 0; i < steps.size(); ++i) CHECK(steps[i].id == static_cast<int>(i + 1));

  SECTION("the same inputs give byte-identical plans") {
    Plan p1, p2;
    p1.steps = steps;
    p2.steps = plan_steps(diff(Model{}, desired));
    CHECK(write_plan_file(p1) == write_plan_file(p2));
  }
  SECTION("dropping a cycle of tables drops the foreign keys first, without CASCADE") {
    auto drops = plan_steps(diff(desired, Model{}));
    CHECK(position(drops, "constraint public.a (foreign key b_id)") < position(drops, "table crm.b"));
    CHECK(position(drops, "constraint crm.b (foreign key a_id)") < position(drops, "table public.a"));
    CHECK(position(drops, "table crm.b") < position(drops, "enum crm.kind"));
    CHECK(position(drops, "enum crm.kind") < position(drops, "schema crm"));
    for (const auto& s : drops) CHECK(s.sql.find("CASCADE") == std::string::npos);
    for (const auto& s : drops)
      if (s.object.rfind("table", 0) == 0) CHECK(hazard_names(s.hazards) == std::vector<std::string>{"destructive"});
  }
}

TEST_CASE("dropping a column drops its indexes and the foreign keys on it first") {
  Model live = load(R"TOML(
[tables.p]
primary_key = ["id"]
columns = [{ name = "id", type = "int" }, { name = "code", type = "text" }]
unique = [{ name = "p_code_key", columns = ["code"] }]
[tables.c]
columns = [{ name = "id", type = "int" }, { name = "code", type = "text" }]
foreign_keys = [{ name = "c_code_fkey", columns = ["code"], references = { table = "p", columns = ["code"] } }]
indexes = [{ name = "c_code_idx", columns = ["code"] }]
)TOML");
  Model desired = load(R"TOML(
[tables.p]
primary_key = ["id"]
columns = [{ name = "id", type = "int" }]
[tables.c]
columns = [{ name = "id", type = "int" }]
)TOML");
  auto steps = plan_steps(diff(live, desired));
  CHECK(position(steps, "constraint public.c.c_code_fkey") < position(steps, "constraint public.p.p_code_key"));
  CHECK(position(steps, "constraint public.p.p_code_key") < position(steps, "column public.p.code"));
  CHECK(position(steps, "index public.c_code_idx") < position(steps, "column public.c.code"));
}

TEST_CASE("a column whose generated expression changes is dropped, then added") {
  Model live = load("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }, { name = \"g\", type = \"int\", generated = \"id + 1\" }]\n");
  Model desired = load("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }, { name = \"g\", type = \"int\", generated = \"id + 2\" }]\n");
  auto steps = plan_steps(diff(live, desired));
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].op == StepOp::drop);
  CHECK(steps[1].op == StepOp::create);
  CHECK(steps[1].object == "column public.t.g");
}

TEST_CASE("plan files round-trip") {
  Plan p;
  p.reconcile_version = "0.1.0";
  p.created_at = "2026-11-23T20:30:00Z";
  p.database = "postgresql://app@db:5432/app";
  p.source_fingerprint = "sha256:aa";
  p.target_fingerprint = "sha256:bb";
  p.managed_schemas = {"public"};
  Step s;
  s.id = 1;
  s.op = StepOp::create;
  s.object = "table public.t";
  s.sql = "CREATE TABLE \"public\".\"t\" (\n  \"note\" text DEFAULT 'it''s'\n);";
  s.hazards = {Hazard::locks};
  p.steps = {s};
  Step r = s;
  r.op = StepOp::drop;
  r.sql = "DROP TABLE x; -- ''' tricky\\";
  p.reverse_steps = {r};
  summarize(p);
  std::string text = write_plan_file(p);
  Plan back = parse_plan_text(text, "p.plan.toml");
  CHECK(back.steps[0].sql == s.sql);
  CHECK(back.reverse_steps[0].sql == r.sql);
  CHECK(back.created_at == p.created_at);
  CHECK(back.summary.at(StepOp::create) == 1);
  CHECK(hazard_names(back.hazards) == std::vector<std::string>{"locks"});
  CHECK(write_plan_file(back) == text);
  CHECK_THROWS_WITH(parse_plan_text("format = 7\nsource_fingerprint = \"x\"\n", "p.plan.toml"),
                    Catch::Contains("p.plan.toml:1:"));
}

#include "../../src/plan/draft.hpp"

TEST_CASE("ordering: a true cycle is an error naming the objects in it") {
  StepDraft a, b, c;
  a.step.object = "table public.a";
  a.creates = {table_ref({"public", "a"})};
  a.uses = {table_ref({"public", "b"})};
  b.step.object = "table public.b";
  b.creates = {table_ref({"public", "b"})};
  b.uses = {table_ref({"public", "a"})};
  c.step.object = "table public.c";
  CHECK_THROWS_WITH(order_drafts({a, b, c}), Catch::Contains("dependency cycle") &&
                                                 Catch::Contains("table public.a -> table public.b") ||
                                             Catch::Contains("table public.b -> table public.a"));
}

TEST_CASE("ordering: ties break by rank, then object name, whatever the input order") {
  StepDraft x, y, z;
  x.step.object = "b";
  x.rank = 1;
  y.step.object = "a";
  y.rank = 1;
  z.step.object = "z";
  z.rank = 0;
  auto one = order_drafts({x, y, z});
  auto two = order_drafts({z, y, x});
  REQUIRE(one.size() == 3);
  CHECK(one[0].object == "z");
  CHECK(one[1].object == "a");
  CHECK(one[2].object == "b");
  for (size_t i = 0; i < 3; ++i) CHECK(one[i].object == two[i].object);
}

TEST_CASE("non-transactional steps, and the steps that depend on them, come last") {
  Model live = load(R"TOML(
[tables.p]
columns = [{ name = "id", type = "int" }, { name = "code", type = "text" }]
[tables.c]
columns = [{ name = "code", type = "text" }]
)TOML");
  Model desired = load(R"TOML(
[tables.p]
columns = [{ name = "id", type = "int" }, { name = "code", type = "text" }, { name = "n", type = "int" }]
indexes = [{ name = "p_code", columns = ["code"], unique = true }, { name = "p_id", columns = ["id"] }]
[tables.c]
columns = [{ name = "code", type = "text" }]
foreign_keys = [{ name = "c_code_fk", columns = ["code"], references = { table = "p", columns = ["code"] } }]
)TOML");
  auto steps = plan_steps(diff(live, desired), RenderOptions{true, 0});
  REQUIRE(steps.size() == 4);
  CHECK(steps[0].object == "column public.p.n");
  CHECK(steps[0].transactional);
  for (size_t i = 1; i < 4; ++i) CHECK_FALSE(steps[i].transactional);
  CHECK(position(steps, "index public.p_code") < position(steps, "constraint public.c.c_code_fk"));
  CHECK_THAT(steps[position(steps, "index public.p_id")].sql, Catch::StartsWith("CREATE INDEX CONCURRENTLY"));
}

TEST_CASE("a dropped table goes before the key its foreign key uses is dropped") {
  Model live = load(R"TOML(
[tables.plans]
columns = [{ name = "id", type = "integer" }, { name = "code", type = "text" }]
unique = [{ name = "plans_code_key", columns = ["code"] }]
[tables.trials]
columns = [{ name = "plan_code", type = "text" }]
foreign_keys = [{ columns = ["plan_code"], references = { table = "plans", columns = ["code"] } }]
)TOML");
  Model desired = load(R"TOML(
[tables.plans]
columns = [{ name = "id", type = "integer" }, { name = "code", type = "text" }]
)TOML");
  auto steps = plan_steps(diff(live, desired));
  INFO(objects(steps)[0] << ", " << objects(steps)[1]);
  REQUIRE(steps.size() == 2);
  CHECK(position(steps, "table public.trials") < position(steps, "constraint public.plans.plans_code_key"));
}

TEST_CASE("the default, check and index that call a function dropped and created again go before it and come back after") {
  Model desired = load(R"TOML(
[functions.f]
arguments = "x integer"
returns = "integer"
language = "sql"
body = "SELECT x"

[tables.t]
columns = [{ name = "id", type = "integer", default = "f(1)" }]
checks = [{ name = "t_f", expression = "f(id) > 0" }]
indexes = [{ name = "t_f_ix", columns = ["(f(id))"] }]
)TOML");
  Model live = desired;
  const ObjectRef f = ref_of(desired.functions.begin()->second);
  for (Model* m : {&live, &desired}) {
    Table& t = m->tables.begin()->second;
    t.columns[0].default_uses = {f};
    t.constraints[0].depends_on = {f};
    t.indexes[0].depends_on = {f};
  }
  SECTION("unchanged: nothing to do") { CHECK(diff(live, desired).empty()); }
  SECTION("its arguments change: each user goes first and comes back") {
    live.functions.begin()->second.arguments = "y integer";
    auto steps = plan_steps(diff(live, desired));
    CHECK(objects(steps) == std::vector<std::string>{
        "drop index public.t_f_ix", "drop constraint public.t.t_f", "alter column public.t.id", "drop function public.f(x integer)",
        "create function public.f(x integer)", "alter column public.t.id", "create constraint public.t.t_f", "create index public.t_f_ix"});
  }
  SECTION("only its body changes: replaced in place, its users untouched") {
    live.functions.begin()->second.body = "SELECT x + 1";
    CHECK(objects(plan_steps(diff(live, desired))) == std::vector<std::string>{"alter function public.f(x integer)"});
  }
}

TEST_CASE("a table stops inheriting before its parent drops a column or goes, and it drops what it inherited after") {
  Model live = load(R"TOML(
[tables.base]
columns = [{ name = "id", type = "bigserial" }, { name = "old", type = "text" }]
[tables.child]
inherits = ["base"]
columns = [{ name = "extra", type = "text" }]
)TOML");
  Model desired = load(R"TOML(
[tables.child]
columns = [{ name = "id", type = "bigint", nullable = false }, { name = "extra", type = "text" }]
)TOML");
  live.tables.at({"public", "base"}).columns[0].sequence = QName{"public", "base_id_seq"};
  live.tables.at({"public", "child"}).columns[0].default_uses = {sequence_ref({"public", "base_id_seq"})};
  auto steps = plan_steps(diff(live, desired));
  INFO(objects(steps).size());
  size_t leave = position(steps, "table public.child (no longer inherits from public.base)");
  CHECK(leave < position(steps, "table public.base"));
  CHECK(leave < position(steps, "column public.child.old"));
  // The default that calls the parent's sequence goes before the sequence goes with its table.
  CHECK(position(steps, "column public.child.id") < position(steps, "table public.base"));
}

TEST_CASE("a change to a parent's column reaches the tables that inherit it: they get no step of their own") {
  Model live = load(R"TOML(
[tables.base]
columns = [{ name = "id", type = "integer" }, { name = "gone", type = "text" }]
[tables.child]
inherits = ["base"]
columns = [{ name = "extra", type = "text" }]
)TOML");
  Model desired = load(R"TOML(
[tables.base]
columns = [{ name = "id", type = "bigint", default = "0" }, { name = "added", type = "text" }]
checks = [{ name = "id_positive", expression = "id >= 0" }]
[tables.child]
inherits = ["base"]
columns = [{ name = "extra", type = "text" }]
)TOML");
  auto steps = plan_steps(diff(live, desired));
  for (const auto& s : steps) CHECK(s.object.find("public.child") == std::string::npos);
  CHECK(steps.size() == 4);  // base: id retyped with a default, gone dropped, added added, the check added
}
