// Freeze: the shared parts and the SQL-file formats (plain SQL for psql, golang-migrate, Flyway).
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <regex>
#include <set>

#include "freeze_internal.hpp"
#include "reconcile/error.hpp"

namespace reconcile {
namespace fs = std::filesystem;

MigrationFormat parse_migration_format(const std::string& name) {
  if (name == "sql") return MigrationFormat::sql;
  if (name == "golang-migrate") return MigrationFormat::golang_migrate;
  if (name == "flyway") return MigrationFormat::flyway;
  if (name == "alembic") return MigrationFormat::alembic;
  throw Error("unknown migration format \"" + name + "\" (expected sql, alembic, golang-migrate or flyway)");
}

std::string default_migration_dir(MigrationFormat format) {
  return format == MigrationFormat::alembic ? "alembic/versions" : "migrations";
}

std::string join_words(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

std::string plan_marker(const Plan& plan) {
  return "reconcile-plan: " + plan.source_fingerprint + " -> " + plan.target_fingerprint;
}

Marker find_marker(const std::string& text) {
  static const std::regex re("reconcile-plan: (sha256:[0-9a-f]+) -> (sha256:[0-9a-f]*)");
  std::smatch m;
  if (!std::regex_search(text, m, re)) return {};
  return {m[1], m[2]};
}

void check_not_frozen(const std::string& dir, const Plan& plan) {
  for (const auto& name : migration_files(dir)) {
    Marker m = find_marker(read_text_file((fs::path(dir) / name).string()));
    if (m.source == plan.source_fingerprint && m.target == plan.target_fingerprint)
      throw Error("this plan is already frozen in " + (fs::path(dir) / name).string() +
                  "; make a new plan for further changes");
  }
}

std::string chain_warning(const Plan& plan, const std::string& last_file, const Marker& last) {
  if (last.target.empty() || last.target == plan.source_fingerprint) return "";
  return "the plan was made against a schema (" + plan.source_fingerprint + ") other than the one the last frozen " +
         "migration " + last_file + " ends at (" + last.target +
         "): the migrations may not run in sequence. Plan against a database at the last frozen migration.";
}

std::string summary_line(const Plan& plan) {
  std::string out;
  for (StepOp op : kStepOps) {
    auto it = plan.summary.find(op);
    out += (out.empty() ? "" : ", ") + std::to_string(it == plan.summary.end() ? 0 : it->second) + " to " + to_string(op);
  }
  return out;
}

std::string step_title(const Step& step) {
  std::string out = "step " + std::to_string(step.id) + ": " + to_string(step.op) + " " + step.object;
  if (!step.hazards.empty()) out += " [" + join_words(hazard_names(step.hazards)) + "]";
  if (!step.transactional) out += " (outside the transaction)";
  return out;
}

Hazards hazards_of(const std::vector<const Step*>& steps) {
  Hazards out;
  for (const Step* s : steps) out.insert(s->hazards.begin(), s->hazards.end());
  return out;
}

std::vector<MigrationUnit> migration_units(const Plan& plan, bool split) {
  std::vector<MigrationUnit> units;
  for (const auto& s : plan.steps) {
    bool own = split && !s.transactional;
    if (units.empty() || own || !units.back().transactional) units.push_back(MigrationUnit{{}, {}, !own});
    units.back().up.push_back(&s);
  }
  if (units.empty()) return units;
  for (const auto& r : plan.reverse_steps) {
    size_t home = 0;
    for (size_t i = 0; i < units.size(); ++i)
      for (const Step* s : units[i].up)
        if (same_object(*s, r)) home = i;
    units[home].down.push_back(&r);
  }
  return units;
}

namespace {

/// The version number a file name starts with ("V" / "U" prefixes skipped), or 0.
unsigned long long version_of(const std::string& name) {
  size_t i = (!name.empty() && (name[0] == 'V' || name[0] == 'U')) ? 1 : 0;
  size_t j = i;
  while (j < name.size() && std::isdigit(static_cast<unsigned char>(name[j]))) ++j;
  if (j == i || j - i > 18) return 0;
  return std::stoull(name.substr(i, j - i));
}

/// 2026-11-23T20:30:00Z -> 20261123203000
unsigned long long timestamp_version(const std::string& utc_now) {
  std::string digits;
  for (char c : utc_now)
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  if (digits.size() < 14) throw Error("invalid freeze time \"" + utc_now + "\"");
  return std::stoull(digits.substr(0, 14));
}

/// The version after `v`: one second later when `v` is a YYYYMMDDHHMMSS timestamp, else v + 1.
unsigned long long next_version(unsigned long long v) {
  std::string s = std::to_string(v);
  std::tm tm{};
  if (s.size() != 14 || !strptime(s.c_str(), "%Y%m%d%H%M%S", &tm)) return v + 1;
  std::time_t t = timegm(&tm) + 1;
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return std::stoull(buf);
}

/// The slug of a migration unit after the first: its first step's operation and object.
std::string unit_slug(const MigrationUnit& unit) {
  const Step& s = *unit.up.front();
  return slugify(to_string(s.op) + "_" + step_path(s), 60);
}

std::string sql_header(const FreezeRequest& r, const std::string& message, const std::string& direction,
                       const std::vector<const Step*>& steps) {
  std::string out = "-- " + message + "\n";
  out += "-- " + direction + ", frozen by reconcile " + r.plan.reconcile_version + " from " + r.plan_path + "\n";
  out += "-- " + plan_marker(r.plan) + "\n";
  out += "-- Plan: " + summary_line(r.plan) + ".\n";
  auto hazards = hazards_of(steps);
  if (!hazards.empty()) out += "-- Hazards: " + join_words(hazard_names(hazards)) + "\n";
  if (hazards.count(Hazard::irreversible))
    out += "-- irreversible: objects the up migration dropped come back empty; their data does not.\n";
  return out;
}

/// The statements of `steps`; with `wrap`, runs of transactional steps between BEGIN and COMMIT.
std::string sql_body(const std::vector<const Step*>& steps, bool wrap) {
  std::string out;
  if (auto setting = function_bodies_setting(steps); !setting.empty()) out += "\n" + setting + "\n";
  bool open = false;
  for (const Step* s : steps) {
    if (wrap && s->transactional && !open) out += "\nBEGIN;\n";
    if (wrap && !s->transactional && open) out += "\nCOMMIT;\n";
    if (wrap) open = s->transactional;
    out += "\n-- " + step_title(*s) + "\n" + s->sql + "\n";
  }
  if (open) out += "\nCOMMIT;\n";
  if (steps.empty()) out += "\n-- Nothing to do in this direction for this migration.\n";
  return out;
}

}  // namespace

std::string function_bodies_setting(const std::vector<const Step*>& steps) {
  bool routines = std::any_of(steps.begin(), steps.end(), [](const Step* s) {
    return s->ref && (s->ref->kind == ObjectKind::function || s->ref->kind == ObjectKind::procedure) &&
           (s->op == StepOp::create || s->op == StepOp::alter);
  });
  return routines ? "SET check_function_bodies = off;" : "";
}

namespace {

/// A down migration that refuses to run, for a plan that has no reverse steps.
std::string refuse_down(const std::string& why) {
  return "\nDO $reconcile$ BEGIN RAISE EXCEPTION 'reconcile: this migration cannot be reversed: %', " +
         std::string("$why$") + why + "$why$; END $reconcile$;\n";
}

FreezeResult freeze_sql_files(const FreezeRequest& r, const std::string& message, const std::string& slug) {
  bool flyway = r.format == MigrationFormat::flyway;
  bool split = r.format != MigrationFormat::sql;
  unsigned long long last = 0;
  std::string last_file;
  for (const auto& name : migration_files(r.dir))
    if (version_of(name) > last || (version_of(name) == last && last != 0 && name > last_file)) {
      last = version_of(name);
      last_file = name;
    }
  FreezeResult out;
  if (!last_file.empty())
    if (auto w = chain_warning(r.plan, last_file, find_marker(read_text_file((fs::path(r.dir) / last_file).string())));
        !w.empty())
      out.warnings.push_back(w);
  unsigned long long version = std::max(timestamp_version(r.utc_now), last ? next_version(last) : 0);
  bool reversible = !r.plan.reverse_steps.empty();
  auto units = migration_units(r.plan, split);
  for (size_t i = 0; i < units.size(); ++i, version = next_version(version)) {
    const MigrationUnit& unit = units[i];
    std::string v = std::to_string(version), name = i == 0 ? slug : unit_slug(unit);
    std::string up_name = flyway ? "V" + v + "__" + name + ".sql" : v + "_" + name + ".up.sql";
    std::string down_name = flyway ? "U" + v + "__" + name + ".sql" : v + "_" + name + ".down.sql";
    std::string up = sql_header(r, message, "Up migration", unit.up) + sql_body(unit.up, !flyway);
    std::string down = sql_header(r, message, "Down migration (reverses " + up_name + ")", unit.down) +
                       (reversible ? sql_body(unit.down, !flyway)
                                   : refuse_down("the plan has no reverse steps (see the warning when it was made)"));
    out.files.push_back({up_name, up});
    out.files.push_back({down_name, down});
    if (flyway && !unit.transactional)  // Flyway's per-script configuration
      out.files.push_back({up_name + ".conf", "executeInTransaction=false\n"});
  }
  return out;
}

}  // namespace

FreezeResult freeze_plan(const FreezeRequest& r) {
  if (r.plan.steps.empty()) throw Error("the plan has no steps: there is nothing to freeze");
  if (r.plan.target_fingerprint.empty())
    throw Error("the plan was made with --no-verify, so its end state is unknown; freeze only verified plans");
  auto added = check_sum_before_freeze(r.dir);
  check_not_frozen(r.dir, r.plan);
  std::string message = r.message.substr(0, r.message.find('\n'));
  std::string slug = slugify(message);
  if (slug.empty()) slug = plan_slug(r.plan);
  if (message.empty()) {
    const Step& first = r.plan.steps.front();
    message = to_string(first.op) + " " + first.object;
    if (r.plan.steps.size() > 1) message += " and " + std::to_string(r.plan.steps.size() - 1) + " more step(s)";
  }
  FreezeResult out = r.format == MigrationFormat::alembic ? freeze_alembic(r, message, slug)
                                                           : freeze_sql_files(r, message, slug);
  out.warnings.insert(out.warnings.begin(), added.begin(), added.end());
  return out;
}

}  // namespace reconcile
