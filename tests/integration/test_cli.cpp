// End-to-end behaviour of the CLI against the test cluster.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <pqxx/pqxx>
#include <thread>

#include "harness.hpp"

using namespace reconcile::test;

namespace {

const char* kShop = R"TOML(
[enums.status]
values = ["new", "paid"]

[tables.customers]
primary_key = ["id"]
columns = [{ name = "id", type = "bigint", identity = "always" }, { name = "email", type = "text", nullable = false }]
unique = [{ columns = ["email"] }]

[tables.orders]
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "customer_id", type = "bigint", nullable = false },
  { name = "status", type = "status", nullable = false, default = "'new'" },
]
foreign_keys = [{ columns = ["customer_id"], references = { table = "customers" } }]
indexes = [{ columns = ["customer_id"] }]
)TOML";

std::string with_password(const std::string& url, const std::string& password) {
  auto at = url.find('@');
  return url.substr(0, at) + ":" + password + url.substr(at);
}

CliResult plan(const TestDb& db, const TempDir& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas",
                                   "--out", dir.path() + "/plan.toml"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli(args);
}

}  // namespace

TEST_CASE("a plan made before the database changed is refused as stale, and nothing runs") {
  TestDb db("stale");
  TempDir dir;
  dir.write("schemas/app.toml", kShop);
  REQUIRE(plan(db, dir).code == 0);
  db.exec("CREATE TABLE sneaky (id int)");
  std::string before = db.dump();
  CliResult r = run_cli({"apply", "--database", db.url(), dir.path() + "/plan.toml"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("stale"));
  CHECK(db.dump() == before);
  CHECK(db.scalar("SELECT to_regclass('customers') IS NULL") == "t");
}

TEST_CASE("a step that fails during apply rolls back every step") {
  TestDb db("rollback");
  TempDir dir;
  dir.write("schemas/app.toml", "[tables.t]\ncolumns = [{ name = \"v\", type = \"int\" }]\n");
  REQUIRE(plan(db, dir).code == 0);
  REQUIRE(run_cli({"apply", "--database", db.url(), dir.path() + "/plan.toml"}).code == 0);
  dir.write("schemas/app.toml",
            "[tables.t]\ncolumns = [{ name = \"v\", type = \"int\" }, { name = \"w\", type = \"int\" }]\n"
            "unique = [{ columns = [\"v\"] }]\n");
  REQUIRE(plan(db, dir).code == 0);
  db.exec("INSERT INTO t VALUES (1), (1)");  // data, not schema: the plan is not stale, but fails
  std::string before = db.dump();
  CliResult r = run_cli({"apply", "--database", db.url(), dir.path() + "/plan.toml"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("rolled back"));
  CHECK(db.dump() == before);
  CHECK(db.scalar("SELECT count(*) FROM reconcile.history") == "1");
}

TEST_CASE("a password in the connection string is never printed") {
  TestDb db("password");
  TempDir dir;
  dir.write("schemas/app.toml", kShop);
  const std::string secret = "s3cretPassw0rd";
  std::string url = with_password(db.url(), secret);
  CliResult p = run_cli({"plan", "--database", url, "--schema-dir", dir.path() + "/schemas", "--out",
                           dir.path() + "/plan.toml", "-v"});
  REQUIRE(p.code == 0);
  CHECK(p.out.find(secret) == std::string::npos);
  CHECK(p.err.find(secret) == std::string::npos);
  CHECK(dir.read("plan.toml").find(secret) == std::string::npos);
  CHECK_THAT(dir.read("plan.toml"), Catch::Contains("database = \"postgresql://postgres@127.0.0.1"));
  CliResult a = run_cli({"apply", "--database", url, dir.path() + "/plan.toml"});
  CHECK(a.code == 0);
  CHECK((a.out + a.err).find(secret) == std::string::npos);

  SECTION("nor when the server cannot be reached") {
    CliResult bad = run_cli({"plan", "--database", "postgresql://app:" + secret + "@127.0.0.1:1/nope",
                               "--schema-dir", dir.path() + "/schemas"});
    CHECK(bad.code == 1);
    CHECK_THAT(bad.err, Catch::Contains("cannot connect to postgresql://app@127.0.0.1:1/nope"));
    CHECK((bad.out + bad.err).find(secret) == std::string::npos);
  }
  SECTION("nor in keyword form, nor in a malformed string") {
    CliResult kw = run_cli({"plan", "--database", "host=127.0.0.1 port=1 user=app password=" + secret,
                              "--schema-dir", dir.path() + "/schemas"});
    CHECK(kw.code == 1);
    CHECK((kw.out + kw.err).find(secret) == std::string::npos);
    CliResult bad = run_cli({"plan", "--database", "host=127.0.0.1 password=" + secret + " broken",
                               "--schema-dir", dir.path() + "/schemas"});
    CHECK(bad.code == 1);
    CHECK((bad.out + bad.err).find(secret) == std::string::npos);
  }
}

TEST_CASE("inspect writes TOML that plans to no changes against the same database") {
  TestDb db("inspect");
  db.exec(R"SQL(
    CREATE EXTENSION IF NOT EXISTS pgcrypto;
    CREATE SCHEMA "Sales Dept";
    COMMENT ON SCHEMA "Sales Dept" IS 'sales';
    CREATE TYPE "Sales Dept".stage AS ENUM ('lead', 'won', 'it''s lost');
    CREATE TABLE "Sales Dept"."Deals" (
      "Id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      stage "Sales Dept".stage NOT NULL DEFAULT 'lead',
      amount numeric(12, 2) CHECK (amount > 0),
      code varchar(20) COLLATE "C",
      doubled numeric GENERATED ALWAYS AS (amount * 2) STORED,
      n serial,
      created timestamptz DEFAULT now()
    );
    COMMENT ON TABLE "Sales Dept"."Deals" IS 'deals "quoted"';
    COMMENT ON COLUMN "Sales Dept"."Deals".amount IS 'money';
    CREATE UNIQUE INDEX deals_code ON "Sales Dept"."Deals" (lower(code) DESC NULLS LAST) INCLUDE (amount) WHERE code IS NOT NULL;
    CREATE INDEX deals_hash ON "Sales Dept"."Deals" USING hash (code);
    CREATE INDEX deals_pattern ON "Sales Dept"."Deals" (code text_pattern_ops, "Id" DESC, stage);
    CREATE TABLE notes (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, deal uuid REFERENCES "Sales Dept"."Deals" ON UPDATE SET NULL DEFERRABLE);
    CREATE VIEW note_view AS SELECT id FROM notes;
    CREATE FUNCTION note_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM notes';
    CREATE VIEW note_stats AS SELECT note_count() AS n;
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
    CREATE TRIGGER notes_touch BEFORE UPDATE OF deal ON notes FOR EACH ROW WHEN (NEW.id > 0) EXECUTE FUNCTION touch('it''s');
    CREATE AGGREGATE total_of(integer) (sfunc = int4pl, stype = integer);
    CREATE FUNCTION positive(x numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT x > 0';
    CREATE FUNCTION positive(x integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT x > 0';
    CREATE SEQUENCE invoice_no START 1000;
    CREATE FUNCTION next_ref() RETURNS text LANGUAGE sql AS $$SELECT 'R-' || nextval('invoice_no')$$;
    CREATE TABLE invoices (
      no bigint DEFAULT nextval('invoice_no'), ref text DEFAULT next_ref(),
      total numeric CHECK (positive(total)), lines integer CHECK (positive(lines))
    );
    ALTER SEQUENCE invoice_no OWNED BY invoices.no;
    CREATE INDEX invoices_positive ON invoices ((positive(total)));
    CREATE MATERIALIZED VIEW invoice_totals AS SELECT sum(total) AS total FROM invoices;
    CREATE INDEX invoice_totals_positive ON invoice_totals ((positive(total)));
  )SQL");
  TempDir dir;
  CliResult ins = run_cli({"inspect", "--database", db.url(), "--out", dir.path() + "/schemas"});
  REQUIRE(ins.code == 0);
  CHECK_THAT(ins.err, Catch::Contains("aggregate public.total_of(integer)"));
  CHECK_THAT(dir.read("schemas/public.toml"), Catch::Contains("[views.note_view]"));
  // Functions, the views that call them and triggers are managed; aggregates are not yet.
  CHECK_THAT(dir.read("schemas/public.toml"), Catch::Contains("[functions.note_count]"));
  CHECK_THAT(dir.read("schemas/public.toml"), Catch::Contains("[views.note_stats]"));
  CHECK_THAT(dir.read("schemas/public.toml"), Catch::Contains(R"x(execute = "touch('it''s')")x"));
  CHECK_THAT(dir.read("schemas/public.toml"), Catch::Contains("[[functions.positive]]"));
  CHECK_THAT(dir.read("schemas/public.toml"), Catch::Contains("[materialized_views.invoice_totals]"));
  CHECK_THAT(dir.read("schemas/public.toml"), Catch::Contains("owned_by = \"invoices.no\""));
  CliResult p = plan(db, dir, {"--detailed-exitcode"});
  INFO(p.out << p.err << dir.read("schemas/Sales Dept.toml") << dir.read("schemas/public.toml"));
  CHECK(p.code == 0);
  CHECK_THAT(p.out, Catch::Contains("No changes"));
  CHECK_THAT(p.err, Catch::Contains("left alone: aggregate public.total_of(integer)"));
  // Index keys: a non-default operator class, and a column name that needs quotes.
  CHECK_THAT(dir.read("schemas/Sales Dept.toml"),
             Catch::Contains(R"(columns = ["code text_pattern_ops", "\"Id\" DESC", "stage"])"));

  SECTION("also with one file per table") {
    TempDir split;
    REQUIRE(run_cli({"inspect", "--database", db.url(), "--out", split.path() + "/schemas", "--split"}).code == 0);
    CliResult ps = plan(db, split, {"--detailed-exitcode"});
    CHECK(ps.code == 0);
  }
  SECTION("and to stdout") {
    CliResult out = run_cli({"inspect", "--database", db.url()});
    CHECK(out.code == 0);
    CHECK_THAT(out.out, Catch::Contains("[tables.\"Sales Dept.Deals\"]"));
  }
}

TEST_CASE("plan exit codes: 0 without changes, 2 with changes, 1 on error") {
  TestDb db("exitcodes");
  TempDir dir;
  dir.write("schemas/app.toml", kShop);
  CHECK(plan(db, dir, {"--detailed-exitcode"}).code == 2);
  REQUIRE(run_cli({"apply", "--database", db.url(), dir.path() + "/plan.toml"}).code == 0);
  CHECK(plan(db, dir, {"--detailed-exitcode"}).code == 0);
  dir.write("schemas/bad.toml", "[tables.x]\ncolumns = 3\n");
  CHECK(plan(db, dir, {"--detailed-exitcode"}).code == 1);
}

TEST_CASE("show renders a plan as text, JSON and SQL") {
  TestDb db("show");
  TempDir dir;
  dir.write("schemas/app.toml", kShop);
  REQUIRE(plan(db, dir).code == 0);
  CliResult text = run_cli({"show", dir.path() + "/plan.toml"});
  CHECK(text.code == 0);
  CHECK_THAT(text.out, Catch::Contains("+ table public.orders"));
  CliResult json = run_cli({"show", dir.path() + "/plan.toml", "--format", "json"});
  CHECK_THAT(json.out, Catch::Contains("\"format_version\": 1"));
  CHECK_THAT(json.out, Catch::Contains("\"object\": \"table public.customers\""));
  CliResult sql = run_cli({"show", dir.path() + "/plan.toml", "--format", "sql"});
  CHECK_THAT(sql.out, Catch::Contains("CREATE TABLE \"public\".\"orders\""));
  CHECK_THAT(dir.read("plan.toml"), Catch::Contains("[[reverse_steps]]"));
  CHECK_THAT(dir.read("plan.toml"), Catch::Contains("DROP TABLE \"public\".\"orders\";"));
  CHECK(run_cli({"show", dir.path() + "/missing.toml"}).code == 1);
}

TEST_CASE("apply without a plan file needs a terminal or --auto-approve") {
  TestDb db("autoapprove");
  TempDir dir;
  dir.write("schemas/app.toml", kShop);
  std::vector<std::string> args = {"apply", "--database", db.url(), "--schema-dir", dir.path() + "/schemas"};
  CliResult refused = run_cli(args);
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("--auto-approve"));
  CHECK(db.scalar("SELECT to_regclass('orders') IS NULL") == "t");
  args.push_back("--auto-approve");
  CliResult ok = run_cli(args);
  CHECK(ok.code == 0);
  CHECK(db.scalar("SELECT to_regclass('orders') IS NOT NULL") == "t");
  CliResult hist = run_cli({"history", "--database", db.url()});
  CHECK_THAT(hist.out, Catch::Contains("step(s)"));
  CliResult hist_json = run_cli({"history", "--database", db.url(), "--json"});
  CHECK_THAT(hist_json.out, Catch::Contains("\"plan_hash\": \"sha256:"));
}

TEST_CASE("a second applier fails clearly while the lock is held, or waits with --lock-wait") {
  TestDb db("lock");
  TempDir dir;
  dir.write("schemas/app.toml", kShop);
  REQUIRE(plan(db, dir).code == 0);
  pqxx::connection holder(db.url());
  pqxx::nontransaction tx(holder);
  tx.exec("SELECT pg_advisory_lock(" + std::to_string(0x7265636f6e63LL) + ")");
  CliResult busy = run_cli({"apply", "--database", db.url(), dir.path() + "/plan.toml"});
  CHECK(busy.code == 1);
  CHECK_THAT(busy.err, Catch::Contains("another reconcile apply holds the lock"));
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    tx.exec("SELECT pg_advisory_unlock_all()");
  });
  CliResult waited = run_cli({"apply", "--database", db.url(), dir.path() + "/plan.toml", "--lock-wait"});
  release.join();
  CHECK(waited.code == 0);
  CHECK(db.scalar("SELECT count(*) FROM reconcile.history") == "1");
}

TEST_CASE("Ctrl-C during plan leaves no shadow database behind") {
  TestDb db("sigint");
  TempDir dir;
  std::string big;
  for (int i = 0; i < 400; ++i)
    big += "[tables.t" + std::to_string(i) + "]\ncolumns = [{ name = \"id\", type = \"int\" }, { name = \"v\", type = \"text\", default = \"'x'\" }]\n"
           "indexes = [{ columns = [\"v\"] }]\n";
  dir.write("schemas/app.toml", big);
  pid_t pid = fork();
  if (pid == 0) {
    std::string bin = std::getenv("RECONCILE_BIN");
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(bin.c_str(), bin.c_str(), "plan", "--database", db.url().c_str(), "--schema-dir",
          (dir.path() + "/schemas").c_str(), "--out", (dir.path() + "/plan.toml").c_str(), nullptr);
    _exit(127);
  }
  bool seen = false;
  for (int i = 0; i < 400 && !seen; ++i) {
    seen = shadow_databases(db) > 0;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  CHECK(seen);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(shadow_databases(db) == 0);
}

TEST_CASE("planning the same inputs twice gives byte-identical steps") {
  TestDb db("deterministic");
  TempDir dir;
  dir.write("schemas/app.toml", kShop);
  REQUIRE(plan(db, dir).code == 0);
  std::string first = dir.read("plan.toml");
  REQUIRE(plan(db, dir).code == 0);
  std::string second = dir.read("plan.toml");
  auto steps = [](const std::string& s) { return s.substr(s.find("source_fingerprint")); };
  CHECK(steps(first) == steps(second));
}

TEST_CASE("lint reports rules and the pending plan hazards and honours disabled rules") {
  TestDb db("lint");
  TempDir dir;
  dir.write("schemas/app.toml", "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }, { name = \"at\", type = \"timestamp\" }]\n");
  REQUIRE(plan(db, dir).code == 0);
  REQUIRE(run_cli({"apply", "--database", db.url(), dir.path() + "/plan.toml"}).code == 0);
  db.exec("INSERT INTO t VALUES (1, now())");
  dir.write("schemas/app.toml", "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n");
  CliResult r = run_cli({"lint", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--json"});
  CHECK(r.code == 1);
  CHECK_THAT(r.out, Catch::Contains("\"rule\": \"table-without-primary-key\""));
  CHECK_THAT(r.out, Catch::Contains("\"rule\": \"plan-hazard\""));
  CHECK_THAT(r.out, Catch::Contains("destructive"));
  dir.write("reconcile.toml", "[lint]\ndisable = [\"table-without-primary-key\", \"plan-hazard\"]\n");
  CliResult clean = run_cli({"lint", "--schema-dir", dir.path() + "/schemas", "--config", dir.path() + "/reconcile.toml"});
  INFO(clean.out << clean.err);
  CHECK(clean.code == 0);
  CHECK_THAT(clean.out, Catch::Contains("0 finding(s)"));
  dir.write("reconcile.toml", "[lint]\ndisable = [\"no-such-rule\"]\n");
  CliResult bad = run_cli({"lint", "--schema-dir", dir.path() + "/schemas", "--config", dir.path() + "/reconcile.toml"});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.err, Catch::Contains("reconcile.toml:2:"));
}

TEST_CASE("every alter line says what changes, from and to, in text, Markdown, JSON and the plan file") {
  TestDb db("plan_detail");
  db.exec("CREATE TABLE customers (id int PRIMARY KEY, name varchar(200) DEFAULT 'anon', email text,"
          " CONSTRAINT name_not_blank CHECK (name <> ''));"
          "CREATE INDEX ix_customers_email ON customers (email);"
          "COMMENT ON COLUMN customers.email IS 'where receipts go'");
  TempDir dir;
  dir.write("schemas/app.toml", R"TOML(
[tables.customers]
primary_key = ["id"]
columns = [
  { name = "id", type = "integer" },
  { name = "name", type = "varchar(300)", nullable = false },
  { name = "email", type = "text", comment = "receipts | invoices" },
]
checks = [{ name = "name_not_blank", expression = "length(name) > 0" }]
indexes = [{ name = "ix_customers_email", columns = ["lower(email)"] }]
)TOML");
  CliResult plan = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                            dir.path() + "/plan.toml", "--allow-destructive"});
  INFO(plan.out << plan.err);
  REQUIRE(plan.code == 0);
  CHECK_THAT(plan.out, Catch::Contains("~ column public.customers.name: type character varying(200) -> character varying(300); "
                                       "nullable yes -> no; default 'anon'::character varying -> (none)"));
  CHECK_THAT(plan.out, Catch::Contains("~ column public.customers.email: comment 'where receipts go' -> 'receipts | invoices'"));
  CHECK_THAT(plan.out, Catch::Contains("- constraint public.customers.name_not_blank: was CHECK "));
  CHECK_THAT(plan.out, Catch::Contains("+ constraint public.customers.name_not_blank: CHECK ((length((name)::text) > 0))"));
  CHECK_THAT(plan.out, Catch::Contains("- index public.ix_customers_email: was (email)"));
  CHECK_THAT(plan.out, Catch::Contains("+ index public.ix_customers_email: ((lower(email)))"));
  CliResult json = run_cli({"show", dir.path() + "/plan.toml", "--format", "json"});
  CHECK_THAT(json.out, Catch::Contains("\"detail\": \"comment 'where receipts go' -> 'receipts | invoices'\""));
  CliResult md = run_cli({"show", dir.path() + "/plan.toml", "--format", "markdown"});
  CHECK_THAT(md.out, Catch::Contains("<br>`comment 'where receipts go' -> 'receipts \\| invoices'`"));
  CliResult text = run_cli({"show", dir.path() + "/plan.toml"});  // read back from the plan file
  CHECK_THAT(text.out, Catch::Contains("~ column public.customers.email: comment 'where receipts go' -> 'receipts | invoices'"));
}

TEST_CASE("a sequence a column owns is managed: declared it plans nothing, left out it is dropped before its table") {
  TestDb db("owned_sequence");
  db.exec("CREATE TABLE tickets (id int, n int); CREATE SEQUENCE ticket_numbers OWNED BY tickets.n;"
          "SELECT setval('ticket_numbers', 41)");
  TempDir dir;
  std::string table = "[tables.tickets]\ncolumns = [{ name = \"id\", type = \"integer\" }, { name = \"n\", type = \"integer\" }]\n";
  dir.write("keep/app.toml", table + "[sequences.ticket_numbers]\ntype = \"bigint\"\nowned_by = \"tickets.n\"\n");
  dir.write("forget/app.toml", table);
  dir.write("drop/app.toml", "[tables.other]\ncolumns = [{ name = \"id\", type = \"integer\" }]\n");
  CliResult keep = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/keep", "--out", dir.path() + "/k.toml",
                            "--detailed-exitcode"});
  INFO(keep.out << keep.err);
  CHECK(keep.code == 0);
  CliResult forget = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/forget", "--out", dir.path() + "/f.toml"});
  INFO(forget.out << forget.err);
  CHECK(forget.code == 1);
  CHECK_THAT(forget.err, Catch::Contains("sequence public.ticket_numbers"));
  CliResult drop = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/drop", "--out", dir.path() + "/d.toml",
                            "--allow-destructive"});
  INFO(drop.out << drop.err);
  REQUIRE(drop.code == 0);
  auto seq = drop.out.find("- sequence public.ticket_numbers"), table_drop = drop.out.find("- table public.tickets");
  CHECK(seq != std::string::npos);
  CHECK(seq < table_drop);
  CliResult apply = run_cli({"apply", "--database", db.url(), dir.path() + "/d.toml"});
  INFO(apply.out << apply.err);
  CHECK(apply.code == 0);
}

TEST_CASE("an installed extension the files do not declare is named, and never dropped") {
  TestDb db("undeclared_extension");
  db.exec("CREATE EXTENSION IF NOT EXISTS pgcrypto");
  TempDir dir;
  dir.write("schemas/app.toml", "[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\" }]\n");
  CliResult plan = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                            dir.path() + "/p.toml", "--allow-destructive"});
  INFO(plan.out << plan.err);
  REQUIRE(plan.code == 0);
  CHECK_THAT(plan.err, Catch::Contains("extension pgcrypto (in schema public) is installed but not declared"));
  CHECK_THAT(plan.out, !Catch::Contains("extension"));
}

TEST_CASE("properties reconcile does not carry yet are named, by plan and by inspect") {
  TestDb db("uncarried");
  db.exec("CREATE UNLOGGED TABLE scratch (id int, body text) WITH (fillfactor = 70);"
          "ALTER TABLE scratch ALTER COLUMN body SET STORAGE EXTERNAL; ALTER TABLE scratch ENABLE ROW LEVEL SECURITY");
  TempDir dir;
  dir.write("schemas/app.toml", "[tables.scratch]\ncolumns = [{ name = \"id\", type = \"integer\" }, { name = \"body\", type = \"text\" }]\n");
  CliResult plan = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", dir.path() + "/p.toml"});
  INFO(plan.out << plan.err);
  CHECK(plan.code == 0);
  CHECK_THAT(plan.err, Catch::Contains("properties reconcile does not carry yet") &&
                           Catch::Contains("column public.scratch.body (STORAGE EXTERNAL)"));
  CHECK_THAT(plan.err, !Catch::Contains("UNLOGGED") && !Catch::Contains("fillfactor"));  // carried now: planned
  CliResult inspect = run_cli({"inspect", "--database", db.url()});
  CHECK_THAT(inspect.err, Catch::Contains("column public.scratch.body (STORAGE EXTERNAL)"));
}
