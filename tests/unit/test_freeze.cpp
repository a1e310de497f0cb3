// Freeze without a database: file names, versions, transactions, Alembic chaining, escaping, sums.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reconcile/error.hpp"
#include "reconcile/freeze.hpp"

using namespace reconcile;
namespace fs = std::filesystem;

namespace {

struct Dir {
  std::string path;
  Dir() {
    std::string tmpl = (fs::temp_directory_path() / "reconcile-freeze-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~Dir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(fs::path(path) / name) << text; }
  std::string read(const std::string& name) const {
    std::ifstream in(fs::path(path) / name);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

Step step(int id, const std::string& op, const std::string& object, const std::string& sql, bool transactional = true,
          std::vector<std::string> hazards = {}) {
  Step s;
  s.id = id;
  s.op = *parse_step_op(op);
  s.object = object;
  s.sql = sql;
  s.transactional = transactional;
  for (const auto& h : hazards) s.hazards.insert(*parse_hazard(h));
  return s;
}

/// A plan that adds a column and builds an index concurrently (outside the transaction).
Plan sample_plan(const std::string& source = "sha256:aa", const std::string& target = "sha256:bb") {
  Plan p;
  p.reconcile_version = "0.1.0";
  p.source_fingerprint = source;
  p.target_fingerprint = target;
  p.steps = {step(1, "create", "column public.t.c", "ALTER TABLE \"public\".\"t\" ADD COLUMN \"c\" text;"),
             step(2, "create", "index public.ix_t_c", "CREATE INDEX CONCURRENTLY \"ix_t_c\" ON \"public\".\"t\" (c);", false)};
  p.reverse_steps = {step(1, "drop", "index public.ix_t_c", "DROP INDEX \"public\".\"ix_t_c\";"),
                     step(2, "drop", "column public.t.c", "ALTER TABLE \"public\".\"t\" DROP COLUMN \"c\";", true, {"destructive"})};
  p.summary = {{StepOp::create, 2}};
  return p;
}

FreezeRequest request(const Dir& dir, MigrationFormat format, const Plan& plan = sample_plan()) {
  FreezeRequest r;
  r.plan = plan;
  r.plan_path = "plans/x.plan.toml";
  r.format = format;
  r.dir = dir.path;
  r.message = "Add t.c";
  r.utc_now = "2026-11-23T20:30:59Z";
  r.revision_id = "abc123def456";
  return r;
}

std::vector<std::string> names(const FreezeResult& r) {
  std::vector<std::string> out;
  for (const auto& f : r.files) out.push_back(f.name);
  return out;
}

const std::string* text_of(const FreezeResult& r, const std::string& name) {
  for (const auto& f : r.files)
    if (f.name == name) return &f.text;
  return nullptr;
}

}  // namespace

TEST_CASE("python_string keeps SQL exact: backslashes, control characters and closing quotes are escaped") {
  CHECK(python_string("SELECT 1") == "\"\"\"SELECT 1\"\"\"");
  CHECK(python_string("a\"\"\"b") == "\"\"\"a\\\"\\\"\"b\"\"\"");
  CHECK(python_string("\"x\"") == "\"\"\"\"x\\\"\"\"\"");
  CHECK(python_string("a\\b\x01\nc") == "\"\"\"a\\\\b\\x01\nc\"\"\"");
}

TEST_CASE("freeze sql: one up and one down file, the transactional steps between BEGIN and COMMIT") {
  Dir dir;
  FreezeResult r = freeze_plan(request(dir, MigrationFormat::sql));
  REQUIRE(names(r) == std::vector<std::string>{"20261123203059_add_t_c.up.sql", "20261123203059_add_t_c.down.sql"});
  const std::string& up = r.files[0].text;
  auto begin = up.find("BEGIN;"), add = up.find("ADD COLUMN"), commit = up.find("COMMIT;"), cic = up.find("CONCURRENTLY");
  CHECK(begin < add);
  CHECK(add < commit);
  CHECK(commit < cic);
  CHECK(cic != std::string::npos);
  CHECK(up.find("reconcile-plan: sha256:aa -> sha256:bb") != std::string::npos);
  const std::string& down = r.files[1].text;
  CHECK(down.find("DROP INDEX") < down.find("DROP COLUMN"));
  CHECK(down.find("Hazards: destructive") != std::string::npos);
}

TEST_CASE("freeze golang-migrate: a step that cannot run in a transaction gets a version of its own, with its reverse") {
  Dir dir;
  FreezeResult r = freeze_plan(request(dir, MigrationFormat::golang_migrate));
  REQUIRE(names(r) == std::vector<std::string>{"20261123203059_add_t_c.up.sql", "20261123203059_add_t_c.down.sql",
                                               "20261123203100_create_public_ix_t_c.up.sql",
                                               "20261123203100_create_public_ix_t_c.down.sql"});
  CHECK(r.files[0].text.find("CONCURRENTLY") == std::string::npos);
  CHECK(r.files[1].text.find("DROP COLUMN") != std::string::npos);
  CHECK(r.files[1].text.find("DROP INDEX") == std::string::npos);
  CHECK(r.files[2].text.find("BEGIN;") == std::string::npos);
  CHECK(r.files[3].text.find("DROP INDEX") != std::string::npos);
}

TEST_CASE("freeze flyway: V and U files, no BEGIN (Flyway owns the transaction), a .conf for the non-transactional one") {
  Dir dir;
  FreezeResult r = freeze_plan(request(dir, MigrationFormat::flyway));
  REQUIRE(names(r) == std::vector<std::string>{"V20261123203059__add_t_c.sql", "U20261123203059__add_t_c.sql",
                                               "V20261123203100__create_public_ix_t_c.sql",
                                               "U20261123203100__create_public_ix_t_c.sql",
                                               "V20261123203100__create_public_ix_t_c.sql.conf"});
  CHECK(r.files[0].text.find("BEGIN;") == std::string::npos);
  CHECK(r.files[4].text == "executeInTransaction=false\n");
}

TEST_CASE("frozen versions always sort after the existing ones, even when the clock is behind them") {
  Dir dir;
  dir.write("20991231235959_future.up.sql", "SELECT 1;");
  FreezeResult r = freeze_plan(request(dir, MigrationFormat::sql));
  CHECK(r.files[0].name == "21000101000000_add_t_c.up.sql");
}

TEST_CASE("freeze alembic: the first revision has no parent, the next chains onto the head and counts the day's files") {
  Dir dir;
  FreezeResult first = freeze_plan(request(dir, MigrationFormat::alembic));
  REQUIRE(names(first) == std::vector<std::string>{"20261123_001_add_t_c.py"});
  const std::string& py = first.files[0].text;
  CHECK(py.find("revision = 'abc123def456'") != std::string::npos);
  CHECK(py.find("down_revision = None") != std::string::npos);
  CHECK(py.find("with op.get_context().autocommit_block():\n        # step 2") != std::string::npos);
  CHECK(py.find("op.execute(_sql(\"\"\"ALTER TABLE \"public\".\"t\" ADD COLUMN \"c\" text\"\"\"))") != std::string::npos);
  CHECK(py.find("def downgrade() -> None:\n    # step 1: drop index") != std::string::npos);
  write_frozen(dir.path, first.files);

  FreezeRequest next = request(dir, MigrationFormat::alembic, sample_plan("sha256:bb", "sha256:cc"));
  next.revision_id = "0123456789ab";
  FreezeResult second = freeze_plan(next);
  REQUIRE(names(second) == std::vector<std::string>{"20261123_002_add_t_c.py"});
  CHECK(second.files[0].text.find("down_revision = 'abc123def456'") != std::string::npos);
  CHECK(second.warnings.empty());
}

TEST_CASE("freeze alembic reads annotated revision files, and refuses a history with two heads") {
  Dir dir;
  dir.write("a.py", "revision: str = 'aaa'\ndown_revision: Union[str, None] = None\n");
  dir.write("b.py", "revision: str = \"bbb\"\ndown_revision: Union[str, None] = 'aaa'\n");
  FreezeResult one = freeze_plan(request(dir, MigrationFormat::alembic));
  CHECK(one.files[0].text.find("down_revision = 'bbb'") != std::string::npos);
  dir.write("c.py", "revision = 'ccc'\ndown_revision = 'aaa'\n");
  try {
    freeze_plan(request(dir, MigrationFormat::alembic));
    FAIL("two heads were accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("2 heads") != std::string::npos);
    CHECK(std::string(e.what()).find("bbb") != std::string::npos);
    CHECK(std::string(e.what()).find("ccc") != std::string::npos);
  }
  dir.write("d.py", "revision = 'ddd'\ndown_revision = ('bbb', 'ccc')\n");  // a merge revision
  CHECK(freeze_plan(request(dir, MigrationFormat::alembic)).files[0].text.find("down_revision = 'ddd'") != std::string::npos);
}

TEST_CASE("a plan is frozen once, and a plan that does not start where the last one ended is warned about") {
  Dir dir;
  write_frozen(dir.path, freeze_plan(request(dir, MigrationFormat::sql)).files);
  CHECK_THROWS_WITH(freeze_plan(request(dir, MigrationFormat::sql)), Catch::Contains("already frozen"));
  FreezeResult other = freeze_plan(request(dir, MigrationFormat::sql, sample_plan("sha256:ff", "sha256:ee")));
  REQUIRE(other.warnings.size() == 1);
  CHECK(other.warnings[0].find("sha256:bb") != std::string::npos);
  Plan empty = sample_plan();
  empty.steps.clear();
  CHECK_THROWS_WITH(freeze_plan(request(dir, MigrationFormat::sql, empty)), Catch::Contains("nothing to freeze"));
}

TEST_CASE("migrate validate names the file that was edited, added or removed after freezing") {
  Dir dir;
  write_frozen(dir.path, freeze_plan(request(dir, MigrationFormat::sql)).files);
  CHECK(validate_migrations(dir.path).empty());
  std::string up = "20261123203059_add_t_c.up.sql";

  SECTION("edited") {
    dir.write(up, dir.read(up) + "\nDROP TABLE t;\n");
    auto problems = validate_migrations(dir.path);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].file == (fs::path(dir.path) / up).string());
    CHECK(problems[0].what.find("edited") != std::string::npos);
    CHECK_THROWS_WITH(freeze_plan(request(dir, MigrationFormat::sql, sample_plan("sha256:bb", "sha256:cc"))),
                      Catch::Contains(up));
  }
  SECTION("added") {
    dir.write("20261124000000_by_hand.up.sql", "SELECT 1;");
    auto problems = validate_migrations(dir.path);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].file.find("20261124000000_by_hand.up.sql") != std::string::npos);
    CHECK(problems[0].what.find("added") != std::string::npos);
    // Freezing records a file added by hand (a hand-written Alembic revision), with a warning.
    FreezeResult next = freeze_plan(request(dir, MigrationFormat::sql, sample_plan("sha256:bb", "sha256:cc")));
    REQUIRE(next.warnings.size() == 1);
    CHECK(next.warnings[0].find("20261124000000_by_hand.up.sql was added by hand") != std::string::npos);
    write_frozen(dir.path, next.files);
    CHECK(validate_migrations(dir.path).empty());
  }
  SECTION("removed") {
    fs::remove(fs::path(dir.path) / up);
    auto problems = validate_migrations(dir.path);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].what.find("removed") != std::string::npos);
  }
  SECTION("the sum file itself edited") {
    std::string sum = dir.read(kSumFile);
    sum.replace(sum.find("total sha256:") + 13, 1, sum[sum.find("total sha256:") + 13] == '0' ? "1" : "0");
    dir.write(kSumFile, sum);
    auto problems = validate_migrations(dir.path);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].file.find(kSumFile) != std::string::npos);
  }
}

TEST_CASE("reverse steps that bring back what the plan dropped are marked irreversible") {
  std::vector<Step> forward = {step(1, "drop", "column public.t.c", "", true, {"destructive"}),
                               step(2, "create", "column public.t.d", "")};
  std::vector<Step> reverse = {step(1, "drop", "column public.t.d", "", true, {"destructive"}),
                               step(2, "create", "column public.t.c", "", true, {"may-fail"})};
  mark_irreversible(forward, reverse);
  CHECK(hazard_names(reverse[0].hazards) == std::vector<std::string>{"destructive"});
  CHECK(hazard_names(reverse[1].hazards) == std::vector<std::string>{"irreversible", "may-fail"});
}

TEST_CASE("freeze alembic: an enum value is added in an autocommit block, so later revisions of the same run can use it") {
  Dir dir;
  Plan p = sample_plan();
  p.steps = {step(1, "alter", "enum public.status", "ALTER TYPE \"public\".\"status\" ADD VALUE 'shipped' AFTER 'paid';"),
             step(2, "create", "column public.t.c", "ALTER TABLE \"public\".\"t\" ADD COLUMN \"c\" text;")};
  std::string py = freeze_plan(request(dir, MigrationFormat::alembic, p)).files.at(0).text;
  CHECK(py.find("def upgrade() -> None:\n    with op.get_context().autocommit_block():\n        # step 1") != std::string::npos);
  CHECK(py.find("\n    # step 2: create column public.t.c\n    op.execute") != std::string::npos);
}
