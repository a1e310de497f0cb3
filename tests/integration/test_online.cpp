// Online steps: concurrent index builds, batched backfills, lock timeouts.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <thread>

#include "harness.hpp"

using namespace reconcile::test;

namespace {

CliResult plan_to(const TestDb& db, const TempDir& dir, const std::string& file, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                                   dir.path() + "/" + file};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli(args);
}

CliResult apply(const TestDb& db, const TempDir& dir, const std::string& file, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"apply", "--database", db.url(), dir.path() + "/" + file};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli(args);
}

void setup(const TestDb& db, const TempDir& dir, const std::string& toml) {
  dir.write("schemas/app.toml", toml);
  REQUIRE(plan_to(db, dir, "setup.toml").code == 0);
  REQUIRE(apply(db, dir, "setup.toml").code == 0);
}

const char* kTable = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }, { name = \"code\", type = \"text\" }]\n";

}  // namespace

TEST_CASE("an interrupted concurrent index build is finished by the next plan and apply") {
  TestDb db("concurrent");
  TempDir dir;
  setup(db, dir, kTable);
  db.exec("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  dir.write("schemas/app.toml", std::string(kTable) + "indexes = [{ name = \"ix_code\", columns = [\"code\"], unique = true }]\n");
  REQUIRE(plan_to(db, dir, "p1.toml", {"--concurrently"}).code == 0);
  std::string plan = dir.read("p1.toml");
  CHECK_THAT(plan, Catch::Contains("CREATE UNIQUE INDEX CONCURRENTLY \"ix_code\""));
  CHECK_THAT(plan, Catch::Contains("transactional = false"));

  db.exec("INSERT INTO t VALUES (3, 'a')");  // the build will now fail on a duplicate
  CliResult failed = apply(db, dir, "p1.toml");
  CHECK(failed.code == 1);
  CHECK_THAT(failed.err, Catch::Contains("To finish, run `reconcile plan` and `reconcile apply` again"));
  CHECK(db.scalar("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = 'ix_code'::regclass") == "t");

  db.exec("DELETE FROM t WHERE id = 3");
  CliResult again = plan_to(db, dir, "p2.toml", {"--concurrently"});
  INFO(again.out << again.err);
  REQUIRE(again.code == 0);
  CHECK_THAT(again.out, Catch::Contains("- index public.ix_code"));
  CHECK_THAT(again.out, Catch::Contains("+ index public.ix_code"));
  CliResult done = apply(db, dir, "p2.toml");
  INFO(done.out << done.err);
  CHECK(done.code == 0);
  CHECK(db.scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_code'::regclass") == "t");
  CHECK(plan_to(db, dir, "p3.toml", {"--detailed-exitcode"}).code == 0);
  CHECK(db.scalar("SELECT count(*) FROM t") == "2");
}

TEST_CASE("a batched backfill fills a large table outside the transaction") {
  TestDb db("batched");
  TempDir dir;
  setup(db, dir, kTable);
  db.exec("INSERT INTO t SELECT g, NULL FROM generate_series(1, 2500) g");
  dir.write("schemas/app.toml",
            "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }, { name = \"code\", type = \"text\" },"
            " { name = \"n\", type = \"int\", nullable = false, backfill = \"id * 2\" }]\n");
  CliResult p = plan_to(db, dir, "p.toml", {"--batch-size", "1000"});
  INFO(p.out << p.err);
  REQUIRE(p.code == 0);
  CHECK_THAT(dir.read("p.toml"), Catch::Contains("LIMIT 1000"));
  CliResult a = apply(db, dir, "p.toml");
  INFO(a.out << a.err);
  REQUIRE(a.code == 0);
  CHECK(db.scalar("SELECT count(*) = 2500 AND sum(n) = 2 * sum(id) FROM t") == "t");
  CHECK(db.scalar("SELECT attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'n'") == "t");
  CHECK(plan_to(db, dir, "again.toml", {"--detailed-exitcode"}).code == 0);
}

TEST_CASE("a lock that is not granted is retried with backoff, then given up cleanly") {
  TestDb db("locktimeout");
  TempDir dir;
  setup(db, dir, kTable);
  dir.write("schemas/app.toml",
            "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }, { name = \"code\", type = \"text\" }, { name = \"x\", type = \"int\" }]\n");
  REQUIRE(plan_to(db, dir, "p.toml").code == 0);
  pqxx::connection holder(db.url());
  auto tx = std::make_unique<pqxx::work>(holder);
  tx->exec("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");

  CliResult gave_up = apply(db, dir, "p.toml", {"--lock-timeout", "200", "--lock-retries", "1"});
  CHECK(gave_up.code == 1);
  CHECK_THAT(gave_up.err, Catch::Contains("retrying"));
  CHECK_THAT(gave_up.err, Catch::Contains("could not get a lock"));
  CHECK_THAT(gave_up.err, Catch::Contains("nothing was applied"));

  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    tx->abort();
  });
  CliResult ok = apply(db, dir, "p.toml", {"--lock-timeout", "300", "--lock-retries", "4"});
  release.join();
  INFO(ok.out << ok.err);
  CHECK(ok.code == 0);
  CHECK(db.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'x'") == "1");
}

TEST_CASE("canonicalization cache: a declaration seen before is not materialized again, a change to what it depends on is") {
  TestDb db("canon_cache");
  TempDir dir;
  dir.write("schemas/app.toml", R"TOML(
[tables.customers]
primary_key = ["id"]
columns = [{ name = "id", type = "bigint" }, { name = "email", type = "text", default = "'x'" }]

[tables.orders]
primary_key = ["id"]
columns = [{ name = "id", type = "bigint" }, { name = "customer_id", type = "bigint" }]
foreign_keys = [{ columns = ["customer_id"], references = { table = "customers" } }]
)TOML");
  auto plan = [&](const std::string& cache) {
    return run_program({"env", "RECONCILE_CACHE_DIR=" + cache, std::getenv("RECONCILE_BIN"), "-v", "plan", "--database",
                        db.url(), "--schema-dir", dir.path() + "/schemas", "--out", dir.path() + "/p.toml"});
  };
  std::string cache = dir.path() + "/cache";
  CliResult first = plan(cache);
  REQUIRE(first.code == 0);
  CHECK(first.err.find("canonicalizing 2 of 2 table(s)") != std::string::npos);
  CliResult second = plan(cache);
  REQUIRE(second.code == 0);
  CHECK(second.err.find("canonicalizing 0 of 2 table(s)") != std::string::npos);
  CHECK(second.out == first.out);
  // Nothing to materialize and no steps to verify: no shadow database at all.
  CHECK(first.err.find("created shadow database") != std::string::npos);
  REQUIRE(run_cli({"apply", "--database", db.url(), dir.path() + "/p.toml"}).code == 0);
  CliResult same = plan(cache);
  REQUIRE(same.code == 0);
  CHECK(same.out.find("No changes") != std::string::npos);
  CHECK(same.err.find("created shadow database") == std::string::npos);
  // A new enum (used by no table) is not in the cached objects: they are canonicalized again.
  dir.write("schemas/types.toml", "[enums.mood]\nvalues = [\"ok\"]\n");
  CliResult with_enum = plan(cache);
  REQUIRE(with_enum.code == 0);
  CHECK(with_enum.err.find("canonicalizing 0 of 2 table(s)") != std::string::npos);
  CHECK(dir.read("p.toml").find("public.mood") != std::string::npos);
  std::filesystem::remove(dir.path() + "/schemas/types.toml");
  // customers changes: it, and orders (whose foreign key points at it), are materialized again.
  dir.write("schemas/app.toml", dir.read("schemas/app.toml").replace(dir.read("schemas/app.toml").find("\"bigint\" }, {"), 8,
                                                                       "\"integer\""));
  CliResult changed = plan(cache);
  REQUIRE(changed.code == 0);
  CHECK(changed.err.find("canonicalizing 2 of 2 table(s)") != std::string::npos);
  CliResult off = plan("off");
  CHECK(off.err.find("canonicalizing 2 of 2 table(s)") != std::string::npos);
}

namespace {

/// A schema of `n` tables, each with a key, a foreign key to the previous one, an index and a check.
std::string many_tables(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string t = "t" + std::to_string(i);
    out += "[tables." + t + "]\nprimary_key = [\"id\"]\ncolumns = [{ name = \"id\", type = \"bigint\" }, "
           "{ name = \"prev\", type = \"bigint\" }, { name = \"n\", type = \"int\", default = \"0\" }]\n"
           "checks = [{ name = \"" + t + "_n\", expression = \"n >= 0\" }]\n"
           "indexes = [{ columns = [\"prev\"] }]\n";
    if (i > 0) out += "foreign_keys = [{ columns = [\"prev\"], references = { table = \"t" + std::to_string(i - 1) + "\" } }]\n";
  }
  return out;
}

/// How many statements one `reconcile plan` sends to the target database, read from the server's
/// statement log (log_statement = all on that database only: the shadow's are not counted).
int statements_of_one_plan(int tables) {
  const char* log = std::getenv("RECONCILE_PG_LOG");
  REQUIRE(log);
  TestDb db("query_count_" + std::to_string(tables));
  TempDir dir;
  dir.write("schemas/app.toml", many_tables(tables));
  REQUIRE(run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", dir.path() + "/p.toml"}).code == 0);
  REQUIRE(run_cli({"apply", "--database", db.url(), dir.path() + "/p.toml"}).code == 0);
  db.exec("ALTER DATABASE \"it_query_count_" + std::to_string(tables) + "\" SET log_statement = 'all'");
  auto size = std::filesystem::file_size(log);
  CliResult r = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", dir.path() + "/q.toml"});
  REQUIRE(r.code == 0);
  REQUIRE(r.out.find("No changes") != std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the logger flushes on its own time
  std::ifstream in(log);
  in.seekg(static_cast<std::streamoff>(size));
  int statements = 0;
  for (std::string line; std::getline(in, line);)
    if (line.find("LOG:  statement: ") != std::string::npos || line.find("LOG:  execute ") != std::string::npos) ++statements;
  return statements;
}

}  // namespace

TEST_CASE("a plan reads the catalog in a fixed number of queries, whatever the number of tables") {
  int small = statements_of_one_plan(5);
  int large = statements_of_one_plan(120);
  INFO("statements for 5 tables: " << small << ", for 120 tables: " << large);
  CHECK(small > 0);
  CHECK(large == small);
  CHECK(large < 45);  // one query per kind (or a few), never per table
}

TEST_CASE("a shadow database given with --shadow-url is emptied and used, and left alone by a plan that needs none") {
  TestDb db("given_shadow_target");
  TestDb shadow("given_shadow");
  // Marked as reconcile's by an earlier run, then left holding objects (a run that was killed, say).
  shadow.exec("COMMENT ON DATABASE it_given_shadow IS 'reconcile shadow database: emptied before each use'");
  shadow.exec("CREATE SCHEMA junk; CREATE TABLE junk.leftover (id int); CREATE TABLE public.leftover (id int)");
  TempDir dir;
  dir.write("schemas/app.toml", R"TOML(
[tables.customers]
primary_key = ["id"]
columns = [{ name = "id", type = "int" }, { name = "email", type = "varchar(100)", default = "'x'" }]
)TOML");
  auto plan = [&](const std::string& out) {
    return run_program({"env", "RECONCILE_CACHE_DIR=" + dir.path() + "/cache", std::getenv("RECONCILE_BIN"), "plan",
                        "--database", db.url(), "--shadow-url", shadow.url(), "--schema-dir", dir.path() + "/schemas",
                        "--out", dir.path() + "/" + out});
  };
  const std::string user_tables =
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";
  CliResult first = plan("p.toml");
  INFO(first.out << first.err);
  REQUIRE(first.code == 0);
  CHECK(shadow_databases(db) == 0);                  // no temporary shadow next to the target
  CHECK(shadow.scalar(user_tables) == "0");        // the given one was emptied before use and after
  CHECK(shadow.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'junk'") == "0");
  CHECK(dir.read("p.toml").find("character varying(100)") != std::string::npos);  // canonicalized there
  REQUIRE(run_cli({"apply", "--database", db.url(), dir.path() + "/p.toml"}).code == 0);
  // Nothing to materialize (the cache knows the declaration) and nothing to verify: not even opened.
  shadow.exec("CREATE TABLE public.marker (id int)");
  CliResult again = plan("q.toml");
  REQUIRE(again.code == 0);
  CHECK(again.out.find("No changes") != std::string::npos);
  CHECK(shadow.scalar("SELECT to_regclass('public.marker') IS NOT NULL") == "t");
}
