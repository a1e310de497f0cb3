#include <catch2/catch.hpp>

#include "reconcile/change.hpp"
#include "reconcile/toml_source.hpp"

using namespace reconcile;

TEST_CASE("written TOML loads back into the same model") {
  std::string text = R"TOML(
[schemas."Odd Schema"]
comment = "quotes \" and \\ backslashes"
[enums."Odd Schema.mood"]
values = ["ok", "it's"]
[tables."Odd Schema.Things"]
comment = "line1\nline2"
primary_key = { name = "things_pk", columns = ["Id"] }
columns = [
  { name = "Id", type = "bigint", identity = "by default" },
  { name = "mood", type = "\"Odd Schema\".mood", default = "'ok'::\"Odd Schema\".mood" },
  { name = "n", type = "integer", nullable = false, generated = "(1 + 1)" },
]
checks = [{ expression = "(n > 0)" }]
indexes = [{ name = "things_mood", columns = ["mood", "(lower((\"Id\")::text)) DESC"], where = "(n > 1)", include = ["n"] }]
)TOML";
  Model m = load_schema_texts({{"in.toml", text}});
  auto files = write_schema_toml(m);
  std::vector<std::pair<std::string, std::string>> docs(files.begin(), files.end());
  Model back = load_schema_texts(docs);
  CHECK(diff(m, back).empty());
  CHECK(canonical_text(m) == canonical_text(back));
  auto split = write_schema_toml_split(m);
  CHECK(split.count("Odd Schema.Things"));
  std::vector<std::pair<std::string, std::string>> split_docs(split.begin(), split.end());
  CHECK(canonical_text(load_schema_texts(split_docs)) == canonical_text(m));
}

TEST_CASE("prevent_destroy on tables, sequences and materialized views is written and read back") {
  std::string text = R"TOML(
[tables.t]
prevent_destroy = true
columns = [{ name = "id", type = "integer" }]
[sequences.s]
prevent_destroy = true
[sequences.free]
[materialized_views.m]
query = "SELECT 1 AS one"
prevent_destroy = true
)TOML";
  Model m = load_schema_texts({{"in.toml", text}});
  auto files = write_schema_toml(m);
  std::vector<std::pair<std::string, std::string>> docs(files.begin(), files.end());
  Model back = load_schema_texts(docs);
  CHECK(back.tables.at(QName{"public", "t"}).prevent_destroy);
  CHECK(back.sequences.at(QName{"public", "s"}).prevent_destroy);
  CHECK_FALSE(back.sequences.at(QName{"public", "free"}).prevent_destroy);
  CHECK(back.materialized_views.at(QName{"public", "m"}).prevent_destroy);
}
