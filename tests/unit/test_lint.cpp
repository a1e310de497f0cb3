#include <catch2/catch.hpp>

#include "reconcile/lint.hpp"
#include "reconcile/toml_source.hpp"

using namespace reconcile;

namespace {
std::vector<std::string> rules(const std::vector<Finding>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.rule + " " + f.object);
  return out;
}
}  // namespace

TEST_CASE("lint finds each rule's problem, and only that") {
  Model m = load_schema_texts({{"a.toml", R"TOML(
[tables.p]
primary_key = ["id"]
columns = [{ name = "id", type = "int" }, { name = "at", type = "timestamp" }, { name = "ok", type = "timestamptz" }]
[tables.c]
primary_key = ["id"]
columns = [{ name = "id", type = "int" }, { name = "p_id", type = "int" }, { name = "q_id", type = "int" }]
foreign_keys = [
  { columns = ["p_id"], references = { table = "p" } },
  { columns = ["q_id"], references = { table = "p" }, on_delete = "cascade" },
]
indexes = [{ columns = ["q_id", "id"] }]
[tables.nopk]
columns = [{ name = "x", type = "int" }]
[functions.open_door]
returns = "integer"
language = "sql"
security = "definer"
body = "SELECT 1"
[functions.pinned]
returns = "integer"
language = "sql"
security = "definer"
set = { Search_Path = "public" }
body = "SELECT 1"
)TOML"}});
  auto found = rules(lint(m, nullptr, {}));
  CHECK(found == std::vector<std::string>{"fk-without-index table public.c", "fk-without-on-delete table public.c",
                                          "table-without-primary-key table public.nopk",
                                          "timestamp-without-time-zone column public.p.at",
                                          "security-definer-without-search-path function public.open_door()"});
  auto some = rules(lint(m, nullptr, {"fk-without-on-delete", "table-without-primary-key"}));
  CHECK(some.size() == 3);
  Plan pending;
  Step s;
  s.id = 1;
  s.op = StepOp::drop;
  s.object = "column public.p.old";
  s.hazards = {Hazard::destructive};
  pending.steps = {s};
  auto with_plan = lint(m, &pending, {});
  CHECK(with_plan.back().rule == "plan-hazard");
  CHECK_THAT(with_plan.back().message, Catch::Contains("destructive"));
}
