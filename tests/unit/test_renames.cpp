#include <catch2/catch.hpp>

#include "reconcile/change.hpp"
#include "reconcile/plan.hpp"
#include "reconcile/toml_source.hpp"

using namespace reconcile;

TEST_CASE("rename_identifier replaces the identifier, not literals, functions or other words") {
  CHECK(rename_identifier("(mail <> ''::text)", "mail", "email") == "(email <> ''::text)");
  CHECK(rename_identifier("lower(mail)", "mail", "email") == "lower(email)");
  CHECK(rename_identifier("mail LIKE 'mail%'", "mail", "email") == "email LIKE 'mail%'");
  CHECK(rename_identifier("mailbox = \"mail\"", "mail", "email") == "mailbox = email");
  CHECK(rename_identifier("mail(1) + mail", "mail", "email") == "mail(1) + email");
  CHECK(rename_identifier("mail DESC", "mail", "New Mail") == "\"New Mail\" DESC");
  CHECK(rename_identifier("'it''s mail' || mail", "mail", "m") == "'it''s mail' || m");
}

TEST_CASE("rename hints become rename changes and the current model reads as renamed") {
  Model live = load_schema_texts({{"a.toml", R"TOML(
[tables.users]
primary_key = ["id"]
columns = [{ name = "id", type = "int" }, { name = "mail", type = "text" }]
indexes = [{ name = "ix", columns = ["mail DESC"] }]
[tables.posts]
columns = [{ name = "author", type = "int" }]
foreign_keys = [{ name = "fk", columns = ["author"], references = { table = "users", columns = ["id"] } }]
)TOML"}});
  Model desired = load_schema_texts({{"b.toml", R"TOML(
[tables.accounts]
renamed_from = "users"
primary_key = ["id"]
columns = [{ name = "id", type = "int" }, { name = "email", type = "text", renamed_from = "mail" }]
indexes = [{ name = "ix", columns = ["email DESC"] }]
[tables.posts]
columns = [{ name = "author", type = "int" }]
foreign_keys = [{ name = "fk", columns = ["author"], references = { table = "accounts", columns = ["id"] } }]
)TOML"}});
  auto changes = diff(live, desired);
  REQUIRE(changes.size() == 2);
  CHECK(std::holds_alternative<RenameTable>(changes[0]));
  CHECK(std::holds_alternative<RenameColumn>(changes[1]));
  // Once applied, the hints are inert.
  Model after = desired;
  CHECK(diff(after, desired).empty());
}

TEST_CASE("rename_identifier leaves dollar-quoted and escaped strings alone") {
  CHECK(rename_identifier("qty > 0 AND note <> $$qty$$", "qty", "amount") == "amount > 0 AND note <> $$qty$$");
  CHECK(rename_identifier("E'qty\\'s' = Qty", "qty", "amount") == "E'qty\\'s' = amount");
}
