// Hostile and faulty input: what reconcile refuses so that it never loses data, leaks a secret or crashes.
#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <sstream>
#include <thread>
#include <pqxx/pqxx>

#include "harness.hpp"

using namespace reconcile::test;

namespace {

const char* kTable = "[tables.fresh]\ncolumns = [{ name = \"id\", type = \"int\" }]\n";

CliResult plan_with_shadow(const TestDb& db, const TempDir& dir, const std::string& shadow) {
  return run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                  dir.path() + "/plan.toml", "--shadow-url", shadow});
}

std::string port_of(const std::string& url) {
  auto colon = url.rfind(':');
  return url.substr(colon + 1, url.find('/', colon) - colon - 1);
}

void fill_with_things_to_lose(const TestDb& db) {
  db.exec("CREATE SCHEMA other; CREATE TABLE other.keep (v text); INSERT INTO other.keep VALUES ('precious');"
          "CREATE TABLE public.mine (id int); INSERT INTO public.mine VALUES (1)");
}

std::string hostname() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

}  // namespace

TEST_CASE("a shadow that is the target database is refused however its URL is spelt, and nothing is touched") {
  TestDb db("shadow_is_target");
  fill_with_things_to_lose(db);
  TempDir dir;
  dir.write("schemas/app.toml", std::string(kTable) + "[tables.mine]\ncolumns = [{ name = \"id\", type = \"int\" }]\n");
  std::string port = port_of(db.url());
  std::string before = db.dump();
  for (const std::string& spelling :
       {db.url(), "postgresql://postgres@localhost:" + port + "/it_shadow_is_target?application_name=x",
        "host=127.0.0.1 port=" + port + " dbname=it_shadow_is_target user=postgres",
        "hostaddr=127.0.0.1 port=" + port + " dbname='it_shadow_is_target' user=postgres connect_timeout=5"}) {
    CliResult r = plan_with_shadow(db, dir, spelling);
    INFO(spelling << "\n" << r.out << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("is the target database"));
    CHECK(db.dump() == before);
    CHECK(db.scalar("SELECT v FROM other.keep") == "precious");
  }
  CHECK(db.scalar("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()") == "");
}

TEST_CASE("a given shadow that holds objects reconcile did not put there is refused and left as it was") {
  TestDb db("shadow_foreign_target");
  TestDb shadow("shadow_foreign");
  fill_with_things_to_lose(shadow);
  TempDir dir;
  dir.write("schemas/app.toml", kTable);
  std::string before = shadow.dump();
  CliResult r = plan_with_shadow(db, dir, shadow.url());
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("not empty") && Catch::Contains("other"));
  CHECK(shadow.dump() == before);
  CHECK(shadow.scalar("SELECT v FROM other.keep") == "precious");

  // An extension or a function alone is enough to refuse it, too.
  TestDb shadow2("shadow_foreign_fn");
  shadow2.exec("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'");
  CliResult r2 = plan_with_shadow(db, dir, shadow2.url());
  CHECK(r2.code == 1);
  CHECK_THAT(r2.err, Catch::Contains("function public.f()"));
  CHECK(shadow2.scalar("SELECT to_regprocedure('public.f()') IS NOT NULL") == "t");
}

TEST_CASE("a given shadow that is some project's target (it holds reconcile.history) is refused even when marked") {
  TestDb db("shadow_history_target");
  TestDb shadow("shadow_history");
  TempDir dir;
  dir.write("schemas/app.toml", kTable);
  REQUIRE(run_cli({"apply", "--auto-approve", "--database", shadow.url(), "--schema-dir", dir.path() + "/schemas"}).code == 0);
  shadow.exec("COMMENT ON DATABASE it_shadow_history IS 'reconcile shadow database: emptied before each use'");
  dir.write("schemas/app.toml", std::string(kTable) + "[tables.more]\ncolumns = [{ name = \"id\", type = \"int\" }]\n");
  CliResult r = plan_with_shadow(db, dir, shadow.url());
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("reconcile.history"));
  CHECK(shadow.scalar("SELECT to_regclass('public.fresh') IS NOT NULL") == "t");
}

TEST_CASE("an empty given shadow is marked as reconcile's, and used again on the next plan") {
  TestDb db("shadow_marked_target");
  TestDb shadow("shadow_marked");
  TempDir dir;
  dir.write("schemas/app.toml", kTable);
  REQUIRE(plan_with_shadow(db, dir, shadow.url()).code == 0);
  CHECK_THAT(shadow.scalar("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"),
             Catch::StartsWith("reconcile shadow database"));
  CliResult again = plan_with_shadow(db, dir, shadow.url());
  INFO(again.err);
  CHECK(again.code == 0);
}

TEST_CASE("a plan whose steps were verified leaves no temporary shadow behind, and a given shadow empty") {
  // The shadow is dropped (or emptied) on another thread while the plan is finished: the run waits for it.
  TestDb db("shadow_released_target");
  TempDir dir;
  dir.write("schemas/app.toml", kTable);
  CliResult r = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", dir.path() + "/plan.toml"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("1 to create"));
  CHECK(shadow_databases(db) == 0);

  TestDb shadow("shadow_released");
  REQUIRE(plan_with_shadow(db, dir, shadow.url()).code == 0);
  CHECK(shadow.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                      " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')") == "0");
}

TEST_CASE("temporary shadows left by a killed run are dropped by the next plan, others are named in a warning") {
  TestDb db("abandoned_shadows");
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);  // a pid that is gone
  pqxx::connection admin(server_url());
  pqxx::nontransaction tx(admin);
  auto make = [&](const std::string& name, const std::string& comment) {
    tx.exec("DROP DATABASE IF EXISTS " + name);
    tx.exec("CREATE DATABASE " + name + " TEMPLATE template0");
    tx.exec("COMMENT ON DATABASE " + name + " IS " + tx.quote(comment));
  };
  make("reconcile_shadow_0deadbeef001",
       "reconcile temporary shadow database; pid " + std::to_string(child) + "; host " + hostname());
  make("reconcile_shadow_0deadbeef002", "reconcile temporary shadow database; pid 1; host some-other-host");
  make("reconcile_shadow_0deadbeef003",
       "reconcile temporary shadow database; pid " + std::to_string(getpid()) + "; host " + hostname());
  TempDir dir;
  dir.write("schemas/app.toml", kTable);
  CliResult r = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                         dir.path() + "/plan.toml"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  auto exists = [&](const std::string& name) {
    return tx.exec("SELECT 1 FROM pg_database WHERE datname = " + tx.quote(name)).size() == 1;
  };
  CHECK_FALSE(exists("reconcile_shadow_0deadbeef001"));  // its maker is gone
  CHECK(exists("reconcile_shadow_0deadbeef002"));        // another host's: only named
  CHECK_THAT(r.err, Catch::Contains("reconcile_shadow_0deadbeef002"));
  CHECK(exists("reconcile_shadow_0deadbeef003"));  // its maker (this test) is alive
  for (const char* name : {"reconcile_shadow_0deadbeef001", "reconcile_shadow_0deadbeef002", "reconcile_shadow_0deadbeef003"})
    tx.exec(std::string("DROP DATABASE IF EXISTS ") + name);
}

TEST_CASE("a malformed plan file is refused with its place by every command that reads it, and nothing runs") {
  TestDb db("malformed_plan");
  TempDir dir;
  dir.write("schemas/app.toml", kTable);
  REQUIRE(run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                   dir.path() + "/plan.toml"}).code == 0);
  std::string good = dir.read("plan.toml");
  auto variant = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  std::string before = db.dump();
  for (const auto& bad : {variant("id = 1", "id = 1000000"), variant("depends_on = []", "depends_on = [4000000000]"),
                          variant("depends_on = []", "depends_on = [-7]"), variant("id = 1", "id = 0")}) {
    dir.write("bad.toml", bad);
    for (std::vector<std::string> args : {std::vector<std::string>{"graph", dir.path() + "/bad.toml"},
                                          {"show", "--format", "dot", dir.path() + "/bad.toml"},
                                          {"show", dir.path() + "/bad.toml"},
                                          {"apply", "--database", db.url(), dir.path() + "/bad.toml"}}) {
      CliResult r = run_cli(args);
      INFO(args[0] << "\n" << bad << r.out << r.err);
      CHECK(r.code == 1);
      CHECK_THAT(r.err, Catch::Contains("bad.toml:") && Catch::Contains("invalid plan file"));
    }
  }
  // Without its target fingerprint, a plan would skip apply's final check: it is refused instead.
  auto at = good.find("target_fingerprint = ");
  std::string no_target = good;
  no_target.erase(at, good.find('\n', at) - at + 1);
  dir.write("bad.toml", no_target);
  CliResult r = run_cli({"apply", "--database", db.url(), dir.path() + "/bad.toml"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("missing \"target_fingerprint\""));
  CHECK(db.dump() == before);
}

TEST_CASE("a plan made with --no-verify says so and still applies") {
  TestDb db("unverified_plan");
  TempDir dir;
  dir.write("schemas/app.toml", kTable);
  REQUIRE(run_cli({"plan", "--no-verify", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                   dir.path() + "/plan.toml"}).code == 0);
  CHECK_THAT(dir.read("plan.toml"), Catch::Contains("verified = false"));
  CliResult r = run_cli({"apply", "--database", db.url(), dir.path() + "/plan.toml"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(db.scalar("SELECT to_regclass('public.fresh') IS NOT NULL") == "t");
}

namespace {
/// No output of `r` holds `secret` or a telling piece of it.
void check_no_secret(const CliResult& r, const std::string& secret) {
  for (const std::string& piece : {secret, secret.substr(0, secret.size() / 2), secret.substr(secret.size() / 2)}) {
    CHECK(r.out.find(piece) == std::string::npos);
    CHECK(r.err.find(piece) == std::string::npos);
  }
}
}  // namespace

TEST_CASE("no password reaches any output, whatever is wrong with the connection string") {
  TempDir dir;
  dir.write("schemas/app.toml", kTable);
  std::string port = port_of(server_url());
  const std::string secret = "Hunter2Secret";
  std::vector<std::string> urls = {
      "postgresql://postgres:" + secret + "@127.0.0.1:" + port + "/it_no_such_db",  // the server refuses it
      "postgresql://postgres:Hun@ter2Secret@127.0.0.1:" + port + "/db",             // an unencoded @
      "postgresql://postgres:" + secret + "/db",                                    // no @: read as a port
      "postgres://postgres:" + secret + "@127.0.0.1:99999/db",                      // a port out of range
      "postgresql://postgres:" + secret + "@127.0.0.1:" + port + "/db?sslmode=bogus",
      "postgresql://postgres:" + secret + "@[::1/db",                               // unparseable
      "postgresql://postgres@127.0.0.1:" + port + "/db?password=" + secret + "&bogus=1",
      "host=127.0.0.1 port=x password=" + secret,
      "host=127.0.0.1 port=1 password='" + secret + "' dbname=db",
      "host=127.0.0.1 password='" + secret,                                         // an unterminated quote
  };
  for (const auto& url : urls) {
    for (std::vector<std::string> args :
         {std::vector<std::string>{"plan", "--database", url, "--schema-dir", dir.path() + "/schemas", "--out", dir.path() + "/p.toml"},
          {"plan", "--json", "-v", "--database", url, "--schema-dir", dir.path() + "/schemas", "--out", dir.path() + "/p.toml"},
          {"inspect", "--database", url}, {"history", "--json", "--database", url},
          {"plan", "--database", server_url(), "--shadow-url", url, "--schema-dir", dir.path() + "/schemas", "--out",
           dir.path() + "/p.toml", "-v"},
          {"plan", url}}) {  // a URL given where none is expected is echoed by the argument parser
      CliResult r = run_cli(args);
      INFO(args[0] << " " << url << "\n" << r.out << r.err);
      CHECK(r.code != 0);
      check_no_secret(r, secret);
      check_no_secret(r, "Hun@ter2Secret");
    }
  }
  // reconcile.toml values with mistakes in them are not echoed either.
  for (const std::string& line :
       {"database = \"postgresql://u:" + secret + "@h/db", "database = \"postgresql://u:" + secret + "\\q@h/db\"",
        "database = \"${NOPE:-postgresql://u:" + secret + "@h/db\"", "database = postgresql://u:" + secret + "@h/db",
        "database = \"postgresql://u:" + secret + "@h/db\"\nshadow_url = \"${UNSET_VARIABLE_FOR_TEST}\""}) {
    dir.write("reconcile.toml", line + "\n");
    CliResult r = run_cli({"plan", "--config", dir.path() + "/reconcile.toml", "--schema-dir", dir.path() + "/schemas"});
    INFO(line << "\n" << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("reconcile.toml:"));
    check_no_secret(r, secret);
  }
}

TEST_CASE("every connection says application_name = reconcile, unless the connection string names one") {
  TestDb db("application_name");
  db.exec("CREATE SCHEMA audit; CREATE TABLE audit.apps (app text);"
          "CREATE FUNCTION audit.log_app() RETURNS event_trigger LANGUAGE plpgsql AS"
          " $$ BEGIN INSERT INTO audit.apps VALUES (current_setting('application_name')); END $$;"
          "CREATE EVENT TRIGGER it_application_name_log ON ddl_command_end EXECUTE FUNCTION audit.log_app()");
  TempDir dir;
  dir.write("schemas/app.toml", kTable);
  CliResult r = run_cli({"apply", "--auto-approve", "--database", db.url(), "--schema-dir", dir.path() + "/schemas"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(db.scalar("SELECT string_agg(DISTINCT app, ',') FROM audit.apps") == "reconcile");
  dir.write("schemas/app.toml", std::string(kTable) + "[tables.more]\ncolumns = [{ name = \"id\", type = \"int\" }]\n");
  r = run_cli({"apply", "--auto-approve", "--database", db.url() + "?application_name=deploy-bot", "--schema-dir",
               dir.path() + "/schemas"});
  REQUIRE(r.code == 0);
  CHECK(db.scalar("SELECT string_agg(DISTINCT app, ',' ORDER BY app) FROM audit.apps") == "deploy-bot,reconcile");
  db.exec("DROP EVENT TRIGGER it_application_name_log");
}

TEST_CASE("a backfill that tries to end its statement is refused before anything runs") {
  TestDb db("fragment_breakout");
  fill_with_things_to_lose(db);
  db.exec("CREATE TABLE public.items (id int); INSERT INTO public.items VALUES (1), (2)");
  TempDir dir;
  dir.write("schemas/app.toml", R"TOML(
[tables.mine]
columns = [{ name = "id", type = "int" }]
[tables.items]
columns = [
  { name = "id", type = "int" },
  { name = "code", type = "text", nullable = false, backfill = "'x'; DROP TABLE other.keep; --" },
]
)TOML");
  std::string before = db.dump();
  CliResult r = run_cli({"apply", "--auto-approve", "--database", db.url(), "--schema-dir", dir.path() + "/schemas"});
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("app.toml:7:") && Catch::Contains("not a single SQL expression"));
  CHECK(db.dump() == before);
  CHECK(db.scalar("SELECT v FROM other.keep") == "precious");
}

TEST_CASE("names with quotes and dots survive inspect, plan, an enum rebuild and apply") {
  TestDb db("odd_names");
  db.exec(R"SQL(CREATE TYPE "we""ird" AS ENUM ('a', 'b', 'c');
CREATE TABLE "a.b" (id int PRIMARY KEY, v "we""ird" DEFAULT 'a', vs "we""ird"[]);
INSERT INTO "a.b" VALUES (1, 'b', ARRAY['a'::"we""ird"]);)SQL");
  TempDir dir;
  CliResult inspected = run_cli({"inspect", "--database", db.url(), "--out", dir.path() + "/schemas"});
  INFO(inspected.err);
  REQUIRE(inspected.code == 0);
  CliResult same = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                            dir.path() + "/p0.toml", "--detailed-exitcode"});
  INFO(same.out << same.err);
  CHECK(same.code == 0);
  // Remove the value no row uses: the enum is rebuilt and both columns are converted.
  std::string text = dir.read("schemas/public.toml");
  auto at = text.find("\"a\", \"b\", \"c\"");
  REQUIRE(at != std::string::npos);
  text.replace(at, 13, "\"a\", \"b\"");
  dir.write("schemas/public.toml", text);
  CliResult r = run_cli({"apply", "--auto-approve", "--allow-destructive", "--database", db.url(), "--schema-dir",
                         dir.path() + "/schemas"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(db.scalar("SELECT v::text FROM \"a.b\"") == "b");
  CHECK(db.scalar("SELECT count(*) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'we\"ird'") == "2");
  CliResult again = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                             dir.path() + "/p1.toml", "--detailed-exitcode"});
  INFO(again.out << again.err);
  CHECK(again.code == 0);
}

TEST_CASE("a connection lost during the steps outside the transaction says what ran, and history records exactly that") {
  TestDb db("lost_outside");
  db.exec("CREATE TABLE t (id int, code text, note text DEFAULT 'n'); INSERT INTO t SELECT g, 'c' || g FROM generate_series(1, 100) g");
  TempDir dir;
  dir.write("schemas/app.toml", R"TOML(
[tables.t]
columns = [{ name = "id", type = "int" }, { name = "code", type = "text" }, { name = "note", type = "text", default = "'n'" },
           { name = "extra", type = "int" }]
indexes = [{ name = "t_code", columns = ["code"] }, { name = "t_id", columns = ["id"] }]
)TOML");
  REQUIRE(run_cli({"plan", "--concurrently", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                   dir.path() + "/p.toml"}).code == 0);
  // A transaction that keeps an older snapshot open (on another table) makes CREATE INDEX
  // CONCURRENTLY wait for it; the waiting connection is then cut.
  db.exec("CREATE SCHEMA side; CREATE TABLE side.elsewhere (id int)");  // not managed: the plan stays fresh
  pqxx::connection reader(db.url());
  pqxx::transaction<pqxx::isolation_level::repeatable_read> hold(reader);
  hold.exec("SELECT count(*) FROM side.elsewhere");
  auto running = std::async(std::launch::async, [&] {
    return run_cli({"apply", "--lock-timeout", "60s", "--database", db.url(), dir.path() + "/p.toml"});
  });
  pqxx::connection admin(db.url());
  bool seen = false;
  for (int i = 0; i < 300 && !seen; ++i) {
    pqxx::nontransaction q(admin);
    seen = q.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'reconcile'"
                  " AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'").size() > 0;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CliResult r = running.get();
  hold.abort();
  REQUIRE(seen);
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("connection was lost while step 2") && Catch::Contains("Steps 1 to 1 are applied") &&
                        Catch::Contains("To finish"));
  CHECK(r.err.find("unexpected failure") == std::string::npos);
  CHECK(db.scalar("SELECT status || ' ' || steps || ' of ' || total_steps FROM reconcile.history") == "partial 1 of 3");
  CliResult history = run_cli({"history", "--database", db.url()});
  CHECK_THAT(history.out, Catch::Contains("partial: 1 of 3 step(s)"));
  // As the message says: plan and apply again finish the work.
  REQUIRE(run_cli({"plan", "--concurrently", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                   dir.path() + "/p2.toml"}).code == 0);
  CliResult done = run_cli({"apply", "--database", db.url(), dir.path() + "/p2.toml"});
  INFO(done.out << done.err);
  CHECK(done.code == 0);
  CHECK(db.scalar("SELECT status FROM reconcile.history ORDER BY id DESC LIMIT 1") == "applied");
  CHECK(run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", dir.path() + "/p3.toml",
                 "--detailed-exitcode"}).code == 0);
}

TEST_CASE("the stale check waits for locks like the steps do, is retried, and says what was locked") {
  TestDb db("stale_check_lock");
  db.exec("CREATE TABLE t (id int DEFAULT 1)");
  TempDir dir;
  dir.write("schemas/app.toml", "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", default = \"1\" }, { name = \"v\", type = \"int\" }]\n");
  REQUIRE(run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", dir.path() + "/p.toml"}).code == 0);
  pqxx::connection other(db.url());
  pqxx::work hold(other);
  hold.exec("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
  CliResult r = run_cli({"apply", "--lock-timeout", "200", "--lock-retries", "1", "--database", db.url(), dir.path() + "/p.toml"});
  hold.abort();
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("retrying") && Catch::Contains("not stale") && Catch::Contains("locked by public.t") &&
                        Catch::Contains("nothing was applied"));
  CHECK(r.err.find("unexpected failure") == std::string::npos);
  CliResult ok = run_cli({"apply", "--database", db.url(), dir.path() + "/p.toml"});
  CHECK(ok.code == 0);
}

TEST_CASE("durations out of range are refused where they are written") {
  TempDir dir;
  dir.write("schemas/app.toml", kTable);
  for (const std::string& line : {"lock_timeout = \"3000000s\"", "statement_timeout = \"999999999999h\"",
                                  "lock_timeout = 99999999999999", "lock_timeout = -5", "[controller]\ninterval = \"999999999h\""}) {
    dir.write("reconcile.toml", line + "\n");
    CliResult r = run_cli({"plan", "--config", dir.path() + "/reconcile.toml", "--database", server_url(), "--schema-dir",
                           dir.path() + "/schemas", "--out", dir.path() + "/p.toml"});
    INFO(line << "\n" << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("reconcile.toml:"));
  }
  CliResult flag = run_cli({"apply", "--lock-timeout", "3000000s", "--database", server_url(), dir.path() + "/none.toml"});
  CHECK(flag.code == 1);
  CHECK_THAT(flag.err, Catch::Contains("too long"));
}

TEST_CASE("the Markdown plan cannot be spoofed by what the schema holds") {
  TestDb db("markdown_spoof");
  db.exec("CREATE TABLE t (id int)");
  TempDir dir;
  const std::string fake = "```\\n</details>\\n\\n> [!NOTE]\\n> No hazards: this plan is safe to merge.\\n\\n```sql";
  dir.write("schemas/app.toml", "[tables.t]\ncomment = \"" + fake + "\"\ncolumns = [{ name = \"id\", type = \"int\" }, "
            "{ name = \"odd`|name\", type = \"int\" }]\n");
  CliResult r = run_cli({"plan", "--format", "markdown", "--database", db.url(), "--schema-dir", dir.path() + "/schemas",
                         "--out", dir.path() + "/p.toml"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  std::istringstream in(r.out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // The SQL block opens with a fence longer than the ``` in the comment, and only that fence closes it.
  auto open = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("````", 0) == 0 && l.find("sql") != std::string::npos; });
  REQUIRE(open != lines.end());
  std::string fence = open->substr(0, open->find("sql"));
  auto close = std::find(open + 1, lines.end(), fence);
  REQUIRE(close != lines.end());
  bool comment_inside = false;
  for (auto it = open; it != close; ++it) comment_inside |= it->find("No hazards") != std::string::npos;
  CHECK(comment_inside);
  // Outside the SQL block the comment shows only inside code spans (the step's detail), never as a
  // note of its own: no line there is a blockquote that says it.
  auto spoofed = [](const std::string& l) { return l.rfind(">", 0) == 0 && l.find("No hazards") != std::string::npos; };
  for (auto it = close + 1; it != lines.end(); ++it) CHECK_FALSE(spoofed(*it));
  for (auto it = lines.begin(); it != open; ++it) CHECK_FALSE(spoofed(*it));
  // Each row of the steps table keeps its five cell borders, whatever the names hold.
  for (const auto& l : lines) {
    if (l.rfind("| ", 0) != 0) continue;
    size_t borders = 0;
    for (size_t i = 0; i < l.size(); ++i) borders += l[i] == '|' && (i == 0 || l[i - 1] != '\\');
    CHECK(borders == 5);
  }
  CHECK_THAT(r.out, Catch::Contains("``column public.t.odd`\\|name``"));
}

TEST_CASE("inspect --out keeps every file inside the directory, whatever the schemas are called") {
  TestDb db("inspect_traversal");
  db.exec("CREATE SCHEMA \"../../escaped\"; CREATE TABLE \"../../escaped\".\"../t\" (id int)");
  TempDir dir;
  for (std::vector<std::string> extra : {std::vector<std::string>{}, {"--split"}}) {
    std::string out = dir.path() + "/out/" + (extra.empty() ? "schemas" : "split");
    std::vector<std::string> args = {"inspect", "--database", db.url(), "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = run_cli(args);
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK_FALSE(std::filesystem::exists(dir.path() + "/escaped.toml"));
    CHECK_FALSE(std::filesystem::exists(dir.path() + "/out/escaped.toml"));
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path()))
      if (entry.is_regular_file())
        CHECK((entry.path().parent_path().string() == dir.path() + "/out/schemas" ||
               entry.path().parent_path().string() == dir.path() + "/out/split"));
  }
  CliResult same = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/out/schemas", "--out",
                            dir.path() + "/p.toml", "--detailed-exitcode"});
  INFO(same.out << same.err);
  CHECK(same.code == 0);
}

TEST_CASE("a reader that goes away does not kill reconcile with a signal") {
  TempDir dir;
  std::string plan =
      "format = 1\nreconcile_version = \"0.1.0\"\ncreated_at = 2026-12-05T10:00:00Z\ndatabase = \"postgresql://u@h/db\"\n"
      "source_fingerprint = \"sha256:aa\"\ntarget_fingerprint = \"sha256:bb\"\nmanaged_schemas = [\"public\"]\nexclude = []\n"
      "protected_tables = []\nhazards = []\n\n[summary]\ncreate = 2000\nalter = 0\ndrop = 0\nrename = 0\n";
  for (int i = 1; i <= 2000; ++i)
    plan += "\n[[steps]]\nid = " + std::to_string(i) + "\nop = \"create\"\nobject = \"table public.t" + std::to_string(i) +
            "\"\nsql = 'CREATE TABLE \"public\".\"t" + std::to_string(i) + "\" (" + std::string(100, ' ') +
            ");'\ntransactional = true\nhazards = []\ndepends_on = []\n";
  dir.write("big.plan.toml", plan);
  CliResult r = run_program({"bash", "-c", "\"$0\" show --format sql \"$1\" | head -c 10 > /dev/null; echo ${PIPESTATUS[0]}",
                             std::getenv("RECONCILE_BIN"), dir.path() + "/big.plan.toml"});
  INFO(r.out << r.err);
  CHECK(r.out == "1\n");  // an error exit, not 141 (SIGPIPE)
}

TEST_CASE("a plan too large for the server's lock table says which setting to raise and changes nothing") {
  TestDb db("lock_table");
  TempDir dir;
  std::string schema;
  for (int i = 0; i < 9000; ++i)
    schema += "[tables.t" + std::to_string(i) + "]\nprimary_key = [\"id\"]\ncolumns = [{ name = \"id\", type = \"integer\" }, "
              "{ name = \"note\", type = \"text\" }]\n";
  dir.write("schemas/app.toml", schema);
  CliResult plan = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                            dir.path() + "/plan.toml", "--no-verify"});
  INFO(plan.err);
  REQUIRE(plan.code == 0);
  CliResult apply = run_cli({"apply", "--database", db.url(), dir.path() + "/plan.toml"});
  INFO(apply.err);
  CHECK(apply.code == 1);
  CHECK_THAT(apply.err, Catch::Contains("out of shared memory") && Catch::Contains("Raise max_locks_per_transaction to at least") &&
                            Catch::Contains("nothing was applied"));
  CHECK(db.scalar("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace") == "0");
}
