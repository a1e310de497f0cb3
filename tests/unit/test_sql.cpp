#include <catch2/catch.hpp>

#include "reconcile/sql.hpp"

using namespace reconcile;

TEST_CASE("quote_ident always quotes and doubles embedded quotes") {
  CHECK(quote_ident("users") == "\"users\"");
  CHECK(quote_ident("Mixed Case") == "\"Mixed Case\"");
  CHECK(quote_ident("we\"ird") == "\"we\"\"ird\"");
  CHECK(quote_ident("select") == "\"select\"");
  CHECK(quote_ident("ünïcødé") == "\"ünïcødé\"");
  CHECK(quote_qualified("billing", "in voices") == "\"billing\".\"in voices\"");
}

TEST_CASE("quote_literal doubles quotes and escapes backslashes") {
  CHECK(quote_literal("it's") == "'it''s'");
  CHECK(quote_literal("a\\b") == "E'a\\\\b'");
  CHECK(quote_literal("") == "''");
}
