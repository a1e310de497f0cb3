#include <catch2/catch.hpp>

#include "reconcile/types.hpp"

using namespace reconcile;

namespace {
void is(const std::string& from, const std::string& to, bool needs_using, bool rewrites, bool may_fail) {
  INFO(from << " -> " << to);
  TypeChange c = classify_type_change(from, to);
  CHECK(c.changes);
  CHECK(c.needs_using == needs_using);
  CHECK(c.rewrites == rewrites);
  CHECK(c.may_fail == may_fail);
}
}  // namespace

TEST_CASE("a type change is labelled by what PostgreSQL does with it") {
  // Binary coercible or a wider modifier: the table stays, no value can fail.
  is("character varying(200)", "character varying(300)", false, false, false);
  is("character varying(20)", "text", false, false, false);
  is("text", "character varying", false, false, false);
  is("numeric(10,2)", "numeric(12,2)", false, false, false);
  is("numeric(10,2)", "numeric", false, false, false);
  is("cidr", "inet", false, false, false);
  // Narrower: checked row by row.
  is("character varying(300)", "character varying(200)", false, true, true);
  is("text", "character varying(10)", false, true, true);
  // Wider storage: rewritten, never fails.
  is("integer", "bigint", false, true, false);
  is("smallint", "numeric", false, true, false);
  is("numeric(10,2)", "numeric(12,3)", false, true, false);
  is("integer", "text", false, true, false);
  // Narrower numbers: may fail, PostgreSQL casts by itself.
  is("bigint", "integer", false, true, true);
  is("numeric", "integer", false, true, true);
  // No assignment cast: USING is needed.
  is("text", "integer", true, true, true);
  is("bigint", "timestamp without time zone", true, true, true);
  is("character varying(20)", "mood", true, true, true);
  is("integer[]", "integer", true, true, true);
}

TEST_CASE("serial is an integer with a sequence, not a type of its own") {
  CHECK(stored_type("serial") == "integer");
  CHECK(stored_type("bigserial") == "bigint");
  CHECK(stored_type("smallserial") == "smallint");
  CHECK(stored_type("text") == "text");
  CHECK_FALSE(classify_type_change("serial", "integer").changes);
  is("serial", "bigserial", false, true, false);
  is("bigserial", "integer", false, true, true);
}

TEST_CASE("the USING a person would write") {
  CHECK(default_using("code", "text", "integer", false) == std::optional<std::string>("\"code\"::integer"));
  CHECK(default_using("mood", "integer", "mood", true) == std::optional<std::string>("\"mood\"::text::mood"));
  CHECK(default_using("mood", "character varying(10)", "mood", true) == std::optional<std::string>("\"mood\"::mood"));
  CHECK(default_using("moods", "integer[]", "mood[]", true) == std::optional<std::string>("\"moods\"::text[]::mood[]"));
  CHECK_FALSE(default_using("n", "integer", "bigint", false));
  CHECK_FALSE(default_using("s", "integer", "character varying(10)", false));  // an explicit cast would truncate
}
