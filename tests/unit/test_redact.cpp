// Redaction of connection text: nothing that could be a password is ever shown.
#include <catch2/catch.hpp>

#include "reconcile/db.hpp"

using namespace reconcile;

TEST_CASE("redact_secrets hides whatever looks like a password, in any text") {
  CHECK(redact_secrets("cannot connect to postgresql://u:pw123@h:5432/db: refused") ==
        "cannot connect to postgresql://u:***@h:5432/db: refused");
  CHECK(redact_secrets("x postgres://u:p@ss@h/db y") == "x postgres://u:***@h/db y");
  CHECK(redact_secrets("url \"postgresql://u:topsecret/db\" was not expected") == "url \"postgresql://u:***/db\" was not expected");
  CHECK(redact_secrets("postgresql://[::1]:5432/db") == "postgresql://[::1]:5432/db");
  CHECK(redact_secrets("postgresql://h:5432,h2:5433/db") == "postgresql://h:5432,h2:5433/db");
  CHECK(redact_secrets("host=h password=abc123 port=5") == "host=h password=*** port=5");
  CHECK(redact_secrets("host=h PASSWORD = 'a b\\' c' port=5") == "host=h PASSWORD = *** port=5");
  CHECK(redact_secrets("postgresql://h/db?sslmode=require&password=qwerty&x=1") == "postgresql://h/db?sslmode=require&password=***&x=1");
  CHECK(redact_secrets("no connection text here: column password_hash") == "no connection text here: column password_hash");
}

TEST_CASE("secrets of a connection string are remembered and removed wherever they appear later") {
  remember_secrets("postgresql://app:Zebra%40Crossing@db/app");
  CHECK(redact_secrets("libpq said: \"Zebra@Crossing\" and Zebra%40Crossing") == "libpq said: \"***\" and ***");
  remember_secrets("postgresql://app:Tiger-Lily/db");  // read by libpq as host app, port Tiger-Lily
  CHECK(redact_secrets("invalid integer value \"Tiger-Lily\" for connection option \"port\"") ==
        "invalid integer value \"***\" for connection option \"port\"");
  remember_secrets("host=h password='Quoted Secret' dbname=x");
  CHECK(redact_secrets("echo: Quoted Secret") == "echo: ***");
}

TEST_CASE("connection strings libpq would misread are refused without repeating them") {
  for (const std::string bad : {"postgresql://u:p@ss@h/db", "postgresql://u:secret/db", "host=h port=abc",
                                "postgresql://u:pa/ss@h/db", "host=h password='unterminated"}) {
    INFO(bad);
    try {
      validate_conninfo(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      std::string msg = e.what();
      CHECK(msg.find("ss@h") == std::string::npos);
      CHECK(msg.find("secret") == std::string::npos);
      CHECK(msg.find("unterminated") == std::string::npos);
    }
    CHECK(redact_conninfo(bad) == "<invalid connection string>");
  }
  CHECK_NOTHROW(validate_conninfo("postgresql://u:p%40ss@h:5432/db"));
  CHECK(redact_conninfo("postgresql://u:p%40ss@h:5432/db") == "postgresql://u@h:5432/db");
  CHECK(redact_conninfo("host=h port=5432 user=u password=pw dbname=d") == "postgresql://u@h:5432/d");
}
