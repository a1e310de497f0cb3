// ObjectRef: the one string codec, labels, and steps matched by identity rather than by label.
#include <catch2/catch.hpp>

#include "reconcile/object_ref.hpp"
#include "reconcile/plan.hpp"

using namespace reconcile;

TEST_CASE("object refs: the string form round-trips names with dots, quotes and spaces") {
  std::vector<ObjectRef> refs = {schema_ref("app"), extension_ref("pg_trgm"), table_ref({"public", "orders"}),
                                 column_ref({"my.schema", "a \"b\""}, "c.d"), enum_ref({"public", "Status"}),
                                 index_ref("public", "ix"), sequence_ref({"s", "n"}), view_ref({"s", "v w"}), type_ref("\"a.b\".\"T\"[]"),
                                 function_ref({"public", "f"}, ""), function_ref({"public", "f"}, "integer, text", true),
                                 trigger_ref({"public", "t"}, "t.touch"),
                                 ObjectRef{ObjectKind::constraint, {"public", "t"}, "(check (x > 0))"}};
  for (const auto& r : refs) {
    INFO(encode_ref(r));
    auto back = decode_ref(encode_ref(r));
    REQUIRE(back);
    CHECK(*back == r);
  }
  CHECK(encode_ref(column_ref({"public", "orders"}, "total")) == "column \"public\".\"orders\".\"total\"");
  CHECK_FALSE(decode_ref("table public.orders"));
  CHECK_FALSE(decode_ref("rule \"public\".\"t\""));
  CHECK_FALSE(decode_ref("table \"public\""));
  CHECK_FALSE(decode_ref("table \"public\".\"t"));
}

TEST_CASE("object refs: labels are rendered from the ref, type names fold like SQL") {
  CHECK(label(column_ref({"public", "orders"}, "total")) == "column public.orders.total");
  CHECK(label(schema_ref("billing")) == "schema billing");
  CHECK(label(enum_ref({"public", "status"})) == "enum public.status");
  CHECK(label(ObjectRef{ObjectKind::index, {"public", "t"}, "(a, b)"}) == "index on public.t (a, b)");
  CHECK(label(ObjectRef{ObjectKind::enum_value, {"public", "e"}, "x"}) == "enum public.e value x");
  CHECK(label(function_ref({"public", "add"}, "integer, integer")) == "function public.add(integer, integer)");
  CHECK(label(function_ref({"public", "archive"}, "", true)) == "procedure public.archive()");
  CHECK(label(trigger_ref({"public", "orders"}, "orders_touch")) == "trigger orders_touch on public.orders");
  CHECK(leaf_name(function_ref({"public", "add"}, "integer")) == "add");
  CHECK(type_ref("Status[]") == type_ref("status"));
  CHECK(type_ref("\"Status\"") != type_ref("status"));
  CHECK(type_ref("billing.\"a.b\"").name == QName{"billing", "a.b"});
}

TEST_CASE("steps: identity by ref, in plan files too, labels only for people") {
  Step drop;
  drop.op = StepOp::drop;
  drop.ref = table_ref({"public", "t"});
  drop.object = "table public.t";
  drop.hazards = {Hazard::destructive};
  Step back;
  back.op = StepOp::create;
  back.ref = table_ref({"public", "t"});
  back.object = "table public.t, as it was";  // a label that differs
  std::vector<Step> reverse = {back};
  mark_irreversible({drop}, reverse);
  CHECK(reverse[0].hazards.count(Hazard::irreversible));

  Step other = back;
  other.ref = table_ref({"public", "u"});
  other.object = drop.object;  // same label, another object
  reverse = {other};
  mark_irreversible({drop}, reverse);
  CHECK_FALSE(reverse[0].hazards.count(Hazard::irreversible));

  Plan p;
  p.reconcile_version = "0";
  p.created_at = "2026-12-05T00:00:00Z";
  p.source_fingerprint = "sha256:aa";
  p.target_fingerprint = "sha256:bb";
  drop.id = 1;
  p.steps = {drop};
  summarize(p);
  std::string text = write_plan_file(p);
  CHECK(text.find("ref = \"table \\\"public\\\".\\\"t\\\"\"") != std::string::npos);
  Plan read = parse_plan_text(text, "p.plan.toml");
  REQUIRE(read.steps[0].ref);
  CHECK(*read.steps[0].ref == *drop.ref);
  CHECK(step_name(read.steps[0]) == "t");
  CHECK(step_path(read.steps[0]) == "public.t");
  std::string bad = text;
  bad.replace(bad.find("ref = "), 6, "ref = \"nonsense\" #");
  CHECK_THROWS_WITH(parse_plan_text(bad, "p.plan.toml"), Catch::Contains("p.plan.toml:") && Catch::Contains("\"ref\""));
}
