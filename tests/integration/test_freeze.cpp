// Frozen plans run by the real tools: Alembic revisions with Debian's `alembic`, SQL files with psql,
// in both directions, step by step (the stairway), each state compared with `reconcile apply`'s.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include "harness.hpp"

using namespace reconcile::test;
namespace fs = std::filesystem;

namespace {

/// The desired schema after each step of a history: create (with functions and a trigger, dropped
/// by the next step), add columns (one index built
/// concurrently, outside the transaction), renames, an enum change, drops (and a column whose
/// default uses the enum value added just before: `alembic upgrade head` from base runs every
/// revision in one transaction, where PostgreSQL refuses a value added in the same transaction).
const std::vector<std::string> kHistory = {
    R"TOML(
[enums.status]
values = ["new", "paid"]

[tables.customers]
comment = "People: 50% off, 'quoted', \"double\", a :bind, %(x)s and a backslash \\"
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "email", type = "text", nullable = false, default = "'x :y %s'" },
]

[tables.orders]
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "customer_id", type = "bigint", nullable = false },
  { name = "status", type = "status", nullable = false, default = "'new'" },
]
foreign_keys = [{ columns = ["customer_id"], references = { table = "customers" }, on_delete = "cascade" }]
indexes = [{ name = "ix_orders_customer", columns = ["customer_id"] }]
triggers = [{ name = "orders_touch", timing = "before", events = ["update"], for_each = "row", execute = "touch('50%')" }]

# Created before the table its body reads: the frozen files say check_function_bodies = off too.
[functions.orders_of]
arguments = "c bigint"
returns = "bigint"
language = "sql"
volatility = "stable"
body = "SELECT count(*) FROM orders WHERE customer_id = c"

[functions.touch]
returns = "trigger"
language = "plpgsql"
body = '''
BEGIN
  RAISE NOTICE 'touched: % %%', TG_ARGV[0];
  RETURN NEW;
END
'''
)TOML",
    R"TOML(
[enums.status]
values = ["new", "paid"]

[tables.customers]
comment = "People: 50% off, 'quoted', \"double\", a :bind, %(x)s and a backslash \\"
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "email", type = "text", nullable = false, default = "'x :y %s'" },
  { name = "name", type = "text", nullable = false, default = "''" },
]

[tables.orders]
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "customer_id", type = "bigint", nullable = false },
  { name = "status", type = "status", nullable = false, default = "'new'" },
  { name = "note", type = "text", comment = "\"\"\" three quotes" },
]
checks = [{ name = "orders_note_not_blank", expression = "note <> ''" }]
foreign_keys = [{ columns = ["customer_id"], references = { table = "customers" }, on_delete = "cascade" }]
indexes = [
  { name = "ix_orders_customer", columns = ["customer_id"] },
  { name = "ix_orders_status", columns = ["status"] },
]
)TOML",
    R"TOML(
[enums.status]
values = ["new", "paid"]

[tables.customers]
comment = "People: 50% off, 'quoted', \"double\", a :bind, %(x)s and a backslash \\"
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "email_address", type = "text", nullable = false, default = "'x :y %s'", renamed_from = "email" },
  { name = "name", type = "text", nullable = false, default = "''" },
]

[tables.purchases]
renamed_from = "orders"
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "customer_id", type = "bigint", nullable = false },
  { name = "status", type = "status", nullable = false, default = "'new'" },
  { name = "note", type = "text", comment = "\"\"\" three quotes" },
]
checks = [{ name = "orders_note_not_blank", expression = "note <> ''" }]
foreign_keys = [{ columns = ["customer_id"], references = { table = "customers" }, on_delete = "cascade" }]
indexes = [
  { name = "ix_orders_customer", columns = ["customer_id"] },
  { name = "ix_orders_status", columns = ["status"] },
]
)TOML",
    R"TOML(
[enums.status]
values = ["new", "settled", "shipped"]
renamed_values = { settled = "paid" }

[tables.customers]
comment = "People: 50% off, 'quoted', \"double\", a :bind, %(x)s and a backslash \\"
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "email_address", type = "text", nullable = false, default = "'x :y %s'" },
  { name = "name", type = "text", nullable = false, default = "''" },
]

[tables.purchases]
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "customer_id", type = "bigint", nullable = false },
  { name = "status", type = "status", nullable = false, default = "'new'" },
  { name = "note", type = "text", comment = "\"\"\" three quotes" },
]
checks = [{ name = "orders_note_not_blank", expression = "note <> ''" }]
foreign_keys = [{ columns = ["customer_id"], references = { table = "customers" }, on_delete = "cascade" }]
indexes = [
  { name = "ix_orders_customer", columns = ["customer_id"] },
  { name = "ix_orders_status", columns = ["status"] },
]
)TOML",
    R"TOML(
[enums.status]
values = ["new", "settled", "shipped"]

[tables.customers]
comment = "People: 50% off, 'quoted', \"double\", a :bind, %(x)s and a backslash \\"
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "email_address", type = "text", nullable = false, default = "'x :y %s'" },
  { name = "name", type = "text", nullable = false, default = "''" },
  { name = "tier", type = "status", nullable = false, default = "'shipped'" },
]

[tables.purchases]
primary_key = ["id"]
columns = [
  { name = "id", type = "bigint", identity = "always" },
  { name = "customer_id", type = "bigint", nullable = false },
  { name = "status", type = "status", nullable = false, default = "'new'" },
]
foreign_keys = [{ columns = ["customer_id"], references = { table = "customers" }, on_delete = "cascade" }]
indexes = [{ name = "ix_orders_customer", columns = ["customer_id"] }]
)TOML",
};

const std::vector<std::string> kNoAlembicTable = {"--exclude-table=public.alembic_version"};

void require_ok(const CliResult& r, const std::string& what) {
  INFO(what << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.code == 0);
}

/// An Alembic project made by `alembic init`, pointed at `db`.
void alembic_init(const TempDir& dir, const TestDb& db) {
  require_ok(run_program({"alembic", "init", "alembic"}, dir.path()), "alembic init");
  std::string ini = dir.read("alembic.ini");
  ini = std::regex_replace(ini, std::regex("\nsqlalchemy.url = [^\n]*"), "\nsqlalchemy.url = " + db.url());
  dir.write("alembic.ini", ini);
}

void alembic(const TempDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> all = {"alembic"};
  all.insert(all.end(), args.begin(), args.end());
  require_ok(run_program(all, dir.path()), "alembic " + args.front());
}

void psql_file(const TestDb& db, const std::string& file, bool single_transaction = false) {
  std::vector<std::string> args = {"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db.url(), "-f", file};
  if (single_transaction) args.push_back("--single-transaction");
  require_ok(run_program(args), "psql -f " + file);
}

/// Files of `dir` whose names match `pattern`, sorted by name.
std::vector<std::string> files_matching(const std::string& dir, const std::string& pattern) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (std::regex_match(e.path().filename().string(), std::regex(pattern))) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// Plans the history's step `i` against `db`, applies it, and freezes the plan in every format.
void plan_apply_freeze(const TestDb& db, const TempDir& dir, size_t i) {
  dir.write("schemas/app.toml", kHistory[i]);
  std::string plan = dir.path() + "/plans/" + std::to_string(i) + ".plan.toml";
  std::vector<std::string> args = {"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas",
                                   "--out", plan, "--allow-destructive"};
  if (i == 1) args.push_back("--concurrently");
  require_ok(run_cli(args), "plan " + std::to_string(i));
  require_ok(run_cli({"apply", "--database", db.url(), plan}), "apply " + std::to_string(i));
  std::string message = "history step " + std::to_string(i);
  require_ok(run_cli({"freeze", plan, "--format", "alembic", "--dir", dir.path() + "/alembic/versions", "-m", message}),
             "freeze alembic");
  for (std::string format : {"sql", "golang-migrate", "flyway"})
    require_ok(run_cli({"freeze", plan, "--format", format, "--dir", dir.path() + "/" + format, "-m", message}),
               "freeze " + format);
}

}  // namespace

TEST_CASE("a frozen history runs with the real alembic: upgrade, the downgrade stairway and upgrade again match reconcile apply") {
  TestDb ref("freeze_ref"), target("freeze_alembic"), plain("freeze_psql");
  TempDir dir;
  alembic_init(dir, target);
  std::vector<std::string> states = {ref.dump()};
  for (size_t i = 0; i < kHistory.size(); ++i) {
    plan_apply_freeze(ref, dir, i);
    states.push_back(ref.dump());
    alembic(dir, {"upgrade", "head"});
    REQUIRE(target.dump(kNoAlembicTable) == states.back());
    auto ups = files_matching(dir.path() + "/sql", R"(\d+_.*\.up\.sql)");
    REQUIRE(ups.size() == i + 1);
    psql_file(plain, ups.back());
    REQUIRE(plain.dump() == states.back());
  }
  auto revisions = files_matching(dir.path() + "/alembic/versions", R"(\d{8}_\d{3}_history_step_\d_.*\.py|\d{8}_\d{3}_history_step_\d\.py)");
  REQUIRE(revisions.size() == kHistory.size());

  SECTION("alembic: down one revision at a time, each state equal to the one reconcile applied") {
    for (size_t i = kHistory.size(); i > 0; --i) {
      alembic(dir, {"downgrade", "-1"});
      REQUIRE(target.dump(kNoAlembicTable) == states[i - 1]);
    }
    alembic(dir, {"upgrade", "head"});
    REQUIRE(target.dump(kNoAlembicTable) == states.back());
    alembic(dir, {"downgrade", "base"});
    REQUIRE(target.dump(kNoAlembicTable) == states.front());
    alembic(dir, {"upgrade", "head"});
    REQUIRE(target.dump(kNoAlembicTable) == states.back());
    // The database Alembic migrated is what the schema files say: reconcile finds nothing to do.
    CliResult again = run_cli({"plan", "--database", target.url(), "--schema-dir", dir.path() + "/schemas",
                               "--out", dir.path() + "/again.plan.toml", "--detailed-exitcode"});
    INFO(again.out << again.err);
    REQUIRE(again.code == 0);
    // And reconcile can take over from Alembic: alembic_version is left out of plans and of the
    // fingerprints that apply checks.
    dir.write("schemas/more.toml", "[tables.audit]\ncolumns = [{ name = \"id\", type = \"bigint\" }]\n");
    require_ok(run_cli({"plan", "--database", target.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                        dir.path() + "/more.plan.toml"}), "plan on the Alembic database");
    require_ok(run_cli({"apply", "--database", target.url(), dir.path() + "/more.plan.toml"}), "apply on the Alembic database");
    CHECK(target.scalar("SELECT count(*) FROM alembic_version") == "1");
  }
  SECTION("sql: the down files in reverse with psql, then the up files again") {
    auto downs = files_matching(dir.path() + "/sql", R"(\d+_.*\.down\.sql)");
    REQUIRE(downs.size() == kHistory.size());
    for (size_t i = kHistory.size(); i > 0; --i) {
      psql_file(plain, downs[i - 1]);
      REQUIRE(plain.dump() == states[i - 1]);
    }
    for (const auto& up : files_matching(dir.path() + "/sql", R"(\d+_.*\.up\.sql)")) psql_file(plain, up);
    REQUIRE(plain.dump() == states.back());
    require_ok(run_cli({"migrate", "validate", "--dir", dir.path() + "/sql"}), "migrate validate");
  }
  SECTION("golang-migrate and flyway files run in their tools' order, up and down") {
    TestDb go("freeze_golang"), fly("freeze_flyway");
    std::string gdir = dir.path() + "/golang-migrate", fdir = dir.path() + "/flyway";
    // The index built concurrently got a version of its own, so no file mixes it with a transaction.
    REQUIRE(files_matching(gdir, R"(\d+_.*\.up\.sql)").size() == kHistory.size() + 1);
    for (const auto& f : files_matching(gdir, R"(\d+_.*\.up\.sql)")) psql_file(go, f);
    REQUIRE(go.dump() == states.back());
    auto gdowns = files_matching(gdir, R"(\d+_.*\.down\.sql)");
    for (auto it = gdowns.rbegin(); it != gdowns.rend(); ++it) psql_file(go, *it);
    REQUIRE(go.dump() == states.front());
    // Flyway runs each migration in a transaction unless its .conf says executeInTransaction=false.
    auto conf = files_matching(fdir, R"(V\d+__.*\.sql\.conf)");
    REQUIRE(conf.size() == 1);
    for (const auto& f : files_matching(fdir, R"(V\d+__.*\.sql)"))
      psql_file(fly, f, std::find(conf.begin(), conf.end(), f + ".conf") == conf.end());
    REQUIRE(fly.dump() == states.back());
    auto undos = files_matching(fdir, R"(U\d+__.*\.sql)");
    for (auto it = undos.rbegin(); it != undos.rend(); ++it) psql_file(fly, *it, true);
    REQUIRE(fly.dump() == states.front());
  }
}

TEST_CASE("migrate validate from the CLI: exit 0 on frozen files, 1 naming the file edited, added or removed") {
  TestDb db("freeze_validate");
  TempDir dir;
  dir.write("schemas/app.toml", kHistory[0]);
  std::string plan = dir.path() + "/p.plan.toml", mig = dir.path() + "/migrations";
  require_ok(run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out", plan}), "plan");
  CliResult frozen = run_cli({"--json", "freeze", plan, "--dir", mig});
  require_ok(frozen, "freeze");
  CHECK(frozen.out.find("\"format_version\": 1") != std::string::npos);
  CHECK(frozen.out.find(".up.sql\"") != std::string::npos);
  require_ok(run_cli({"migrate", "validate", "--dir", mig}), "validate");
  CliResult twice = run_cli({"freeze", plan, "--dir", mig});
  CHECK(twice.code == 1);
  CHECK(twice.err.find("already frozen") != std::string::npos);

  auto up = files_matching(mig, R"(\d+_.*\.up\.sql)").at(0);
  std::string name = fs::path(up).filename().string();
  std::string original = dir.read("migrations/" + name);
  dir.write("migrations/" + name, original + "-- a harmless-looking edit\n");
  CliResult edited = run_cli({"migrate", "validate", "--dir", mig});
  CHECK(edited.code == 1);
  CHECK(edited.err.find(name) != std::string::npos);
  CHECK(edited.err.find("edited") != std::string::npos);
  dir.write("migrations/" + name, original);
  require_ok(run_cli({"migrate", "validate", "--dir", mig}), "validate after restoring");

  dir.write("migrations/99990101000000_by_hand.up.sql", "DROP TABLE customers;\n");
  CliResult added = run_cli({"migrate", "validate", "--dir", mig});
  CHECK(added.code == 1);
  CHECK(added.err.find("99990101000000_by_hand.up.sql") != std::string::npos);
  fs::remove(mig + "/99990101000000_by_hand.up.sql");

  fs::remove(up);
  CliResult removed = run_cli({"migrate", "validate", "--dir", mig});
  CHECK(removed.code == 1);
  CHECK(removed.err.find(name) != std::string::npos);
  CHECK(removed.err.find("removed") != std::string::npos);
  CliResult missing = run_cli({"migrate", "validate", "--dir", dir.path() + "/nowhere"});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("does not exist") != std::string::npos);
}
