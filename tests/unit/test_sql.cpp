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

#include "reconcile/table_codec.hpp"

TEST_CASE("table codec: a canonical table survives encoding, whatever its strings hold") {
  reconcile::Table t;
  t.name = {"we ird", "t\tab"};
  t.comment = std::string("line one\nline two \\ \r\v\f");
  reconcile::Column c;
  c.name = "";
  c.type = "character varying(10)";
  c.nullable = false;
  c.default_expr = std::string("'a b'::text");
  c.identity = Identity::by_default;
  c.collation = std::string("C");
  t.columns = {c, reconcile::Column{}};
  reconcile::Constraint k;
  k.kind = reconcile::ConstraintKind::foreign_key;
  k.name = "";
  k.named = false;
  k.columns = {"a", "b c"};
  k.ref_table = {"s", "r"};
  k.ref_columns = {"x", ""};
  k.on_delete = FkAction::cascade;
  k.deferrable = true;
  t.constraints = {k};
  reconcile::Index ix;
  ix.name = "ix";
  ix.keys = {"lower(name)", "created_at DESC"};
  ix.where = "active AND note <> ''";
  ix.include = {"n"};
  ix.valid = false;
  t.indexes = {ix};
  std::string line = reconcile::encode_table(t);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\t') == std::string::npos);
  auto back = reconcile::decode_table(line);
  REQUIRE(back);
  CHECK(reconcile::table_signature(*back) == reconcile::table_signature(t));
  CHECK(back->columns.at(0).default_expr == c.default_expr);
  CHECK(back->constraints.at(0).named == false);
  CHECK_FALSE(reconcile::decode_table(line.substr(0, line.size() / 2)));
  CHECK_FALSE(reconcile::decode_table("garbage"));
}

TEST_CASE("encode_objects round-trips schemas, enums and extensions") {
  reconcile::Model m;
  m.schemas["app"] = reconcile::Schema{"app", std::string("the app's tables"), {}};
  m.schemas["empty comment"] = reconcile::Schema{"empty comment", std::string(""), {}};
  m.schemas["none"] = reconcile::Schema{"none", std::nullopt, {}};
  reconcile::Enum e;
  e.name = {"app", "state"};
  e.values = {"new", "in progress", ""};
  e.comment = "line\none";
  m.enums[e.name] = e;
  m.extensions["citext"] = reconcile::Extension{"citext", "ext", {}};
  std::string line = reconcile::encode_objects(m);
  CHECK(line.find('\n') == std::string::npos);
  auto back = reconcile::decode_objects(line);
  REQUIRE(back);
  CHECK(reconcile::canonical_text(*back) == reconcile::canonical_text(m));
  CHECK(back->schemas.at("empty comment").comment == std::string(""));
  CHECK_FALSE(back->schemas.at("none").comment);
  CHECK(back->enums.at(e.name).values == e.values);
  CHECK_FALSE(reconcile::decode_objects(line.substr(0, line.size() - 4)));
  CHECK_FALSE(reconcile::decode_objects(reconcile::encode_table(reconcile::Table{})));
}

TEST_CASE("one lexer: tokens give the text back, identifiers fold or unquote the same way everywhere") {
  std::string text = "lower(\"Email\") || E'it\\'s' || $q$a;b$q$ -- x";
  std::string back;
  for (const auto& t : sql_tokens(text)) back += t.text;
  CHECK(back == text);
  auto tokens = sql_tokens("\"Ab\"\"c\" Name");
  REQUIRE(tokens.size() == 3);
  CHECK(tokens[0].kind == SqlToken::quoted_ident);
  CHECK(tokens[0].value == "Ab\"c");
  CHECK(tokens[2].value == "name");
  // Index keys, type names and renames agree on what names a column or type.
  CHECK(index_key_column("Email DESC") == "email");
  CHECK(index_key_column("\"Email\" COLLATE \"C\" text_pattern_ops") == "Email");
  CHECK(index_key_column("lower (email)") == "");
  CHECK(index_key_column("(a + b)") == "");
  // An exclusion element is cut at its last WITH, so that a WITH inside the key stays there.
  CHECK(split_exclusion_element("room WITH =").key == "room");
  CHECK(split_exclusion_element("room WITH =").op == "=");
  CHECK(split_exclusion_element("(tsrange(a, b, '[) with')) with &&").key == "(tsrange(a, b, '[) with'))");
  CHECK(split_exclusion_element("(tsrange(a, b, '[) with')) with &&").op == "&&");
  CHECK(split_exclusion_element("\"with\" gist_int4_ops With <>").key == "\"with\" gist_int4_ops");
  CHECK(split_exclusion_element("room =").op.empty());
  CHECK(parse_type_name("Billing.\"Status\"[]").schema == "billing");
  CHECK(parse_type_name("Billing.\"Status\"[]").name == "Status");
  CHECK(parse_type_name("double precision").name == "double precision");
  CHECK(parse_type_name("character varying(20)").name == "character varying");
  CHECK(parse_type_name("\"a.b\"").name == "a.b");
  CHECK(parse_type_name("\"open").name.empty());
}

TEST_CASE("a model's fingerprint, hashed in pieces, is the hash of its whole canonical text") {
  // 2,000 tables give a text of several pieces (fingerprint hashes 64 KB at a time).
  reconcile::Model m;
  for (int i = 0; i < 2000; ++i) {
    reconcile::Table t;
    t.name = {"app", "t" + std::to_string(i)};
    t.comment = "it's a back\\slash";
    reconcile::Column c;
    c.name = "id";
    c.type = "integer";
    c.default_expr = "'x'";
    t.columns.push_back(c);
    m.tables[t.name] = t;
  }
  std::string text = reconcile::canonical_text(m);
  REQUIRE(text.size() > 4 * 65536);
  CHECK(reconcile::fingerprint(m) == reconcile::sha256_hex(text));
  CHECK_THAT(text, Catch::Contains("comment=E'it''s a back\\\\slash'"));
}
