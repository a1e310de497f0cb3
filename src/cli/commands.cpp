// The commands behind the CLI: plan, apply, show, inspect, history, lint, freeze, migrate validate.
#include "commands.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "config.hpp"
#include "output.hpp"
#include "signals.hpp"
#include "reconcile/freeze.hpp"
#include "reconcile/generate.hpp"
#include "reconcile/lint.hpp"
#include "reconcile/pipeline.hpp"
#include "reconcile/toml_source.hpp"

namespace reconcile::cli {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool confirm(const Plan& plan) {
  std::cout << "\nApply these " << plan.steps.size() << " step(s) to " << plan.database << "? Only 'yes' is accepted: "
            << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

int run_apply(const Global& g, const Plan& plan, const std::string& hash, const ApplyOptionsCli& o) {
  if (!plan.has_changes()) {
    if (g.json) std::cout << "{\"format_version\": 1, \"applied\": true, \"steps\": 0}\n";
    else std::cout << "No changes to apply.\n";
    return 0;
  }
  ApplyOptions opt;
  opt.lock_wait = o.lock_wait;
  opt.lock_timeout_ms = o.lock_timeout_ms;
  opt.statement_timeout_ms = o.statement_timeout_ms;
  opt.lock_retries = o.lock_retries;
  opt.plan_hash = hash;
  auto started = std::chrono::steady_clock::now();
  bool color = use_color();
  opt.on_step = [&](const Step& s, int i, int n) {
    if (g.json) return;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    char head[64];
    std::snprintf(head, sizeof head, "[step %d of %d, %.1f s]", i, n, secs);
    std::cout << (color ? "\033[1m" : "") << head << (color ? "\033[0m " : " ") << to_string(s.op) << " " << s.object << "\n" << std::flush;
  };
  ApplyResult r = apply_plan(g.database, plan, opt);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (g.json) {
    std::cout << "{\"format_version\": 1, \"applied\": true, \"steps\": " << r.steps_run << ", \"plan_hash\": "
              << json_string(hash) << ", \"target_fingerprint\": " << json_string(plan.target_fingerprint) << "}\n";
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", secs);
    std::cout << "Apply complete: " << r.steps_run << " step(s) in " << buf << " s.\n";
  }
  return 0;
}

}  // namespace

void write_file(const std::string& path, const std::string& text) {
  fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !(out << text)) throw Error("cannot write " + path);
}

/// `inspect --json`: what the database holds, counted, and the files written (format_version 1).
std::string inspect_summary_json(const Model& live, const std::string& database, const std::string& out_dir,
                                 const std::map<std::string, std::string>& files) {
  size_t columns = 0, constraints = 0, indexes = 0;
  for (const auto& [name, t] : live.tables) {
    columns += t.columns.size();
    constraints += t.constraints.size();
    indexes += t.indexes.size();
  }
  std::string out = "{\"format_version\": 1, \"database\": " + json_string(redact_conninfo(database)) +
                    ", \"fingerprint\": " + json_string(fingerprint(live)) + ",\n \"counts\": {\"schemas\": " +
                    std::to_string(live.schemas.size()) + ", \"extensions\": " + std::to_string(live.extensions.size()) +
                    ", \"enums\": " + std::to_string(live.enums.size()) + ", \"tables\": " + std::to_string(live.tables.size()) +
                    ", \"columns\": " + std::to_string(columns) + ", \"constraints\": " + std::to_string(constraints) +
                    ", \"indexes\": " + std::to_string(indexes) + ", \"unmanaged\": " + std::to_string(live.unmanaged.size()) +
                    "},\n \"unmanaged\": [";
  for (size_t i = 0; i < live.unmanaged.size(); ++i)
    out += (i ? ", " : "") + std::string("{\"kind\": ") + json_string(live.unmanaged[i].kind) +
           ", \"name\": " + json_string(live.unmanaged[i].name.str()) + "}";
  out += "],\n \"files\": [";
  bool first = true;
  for (const auto& [name, text] : files) {
    if (out_dir.empty()) break;
    out += (first ? "" : ", ") + json_string((fs::path(out_dir) / (file_stem(name) + ".toml")).string());
    first = false;
  }
  return out + "]}\n";
}

PlanRequest request_of(const Global& g, const PlanOptions& o) {
  PlanRequest r;
  r.conninfo = g.database;
  r.schema_dir = o.schema_dir;
  r.shadow_url = o.shadow_url;
  r.exclude = o.exclude;
  r.manage_grants = std::find(o.manage.begin(), o.manage.end(), "grants") != o.manage.end();
  r.allow_destructive = o.allow_destructive;
  r.verify = !o.no_verify;
  r.render.concurrently = o.concurrently;
  r.render.batch_size = o.batch_size;
  return r;
}

PlanOutcome plan_now(const Global& g, const PlanOptions& o) {
  install_signal_guard();
  PlanOutcome outcome = make_plan(request_of(g, o));
  for (const auto& w : outcome.warnings) spdlog::warn("{}", w);
  return outcome;
}

/// Writes the plan file (to --out, else a new file in the plan directory); returns its path.
std::string save_plan(const Plan& plan, const PlanOptions& o) {
  std::string path = o.out;
  if (path.empty()) path = (fs::path(o.plan_dir) / (utc_now_compact() + "_" + plan_slug(plan) + ".plan.toml")).string();
  write_file(path, write_plan_file(plan));
  return path;
}

int cmd_plan(const Global& g, const PlanOptions& o) {
  if (o.format != "text" && o.format != "json" && o.format != "markdown")
    throw Error("unknown format \"" + o.format + "\" (expected text, json or markdown)");
  PlanOutcome outcome = plan_now(g, o);
  const Plan& plan = outcome.plan;
  std::string path;
  if (plan.has_changes() || !o.out.empty()) path = save_plan(plan, o);
  if (g.json || o.format == "json") {
    std::string json = render_json(plan);
    json.insert(json.size() - 2, ",\n  \"plan_file\": " + json_string(path));
    std::cout << json;
  } else if (o.format == "markdown") {
    std::cout << render_markdown(plan);
    if (!path.empty()) spdlog::info("plan written to {}", path);
  } else {
    std::cout << render_text(plan, use_color(), o.sql);
    if (!path.empty()) std::cout << "\nPlan written to " << path << "\n";
    if (plan.has_changes()) std::cout << "Apply it with: reconcile apply " << path << "\n";
  }
  return o.detailed_exitcode && plan.has_changes() ? 2 : 0;
}

int cmd_apply(const Global& g, const ApplyOptionsCli& o) {
  if (!o.plan_file.empty()) {
    std::string text = read_file(o.plan_file);
    Plan plan = parse_plan_text(text, o.plan_file);
    return run_apply(g, plan, sha256_hex(text), o);
  }
  if (!o.auto_approve && !isatty(STDIN_FILENO))
    throw Error("apply without a plan file needs a terminal to confirm, or --auto-approve");
  Plan plan = plan_now(g, o.plan).plan;
  if (!g.json) std::cout << render_text(plan, use_color(), false);
  if (!plan.has_changes()) return 0;
  if (!o.auto_approve && !confirm(plan)) {
    std::cout << "Apply cancelled; nothing was changed.\n";
    return 1;
  }
  return run_apply(g, plan, sha256_hex(write_plan_file(plan)), o);
}

int cmd_show(const Global& g, const ShowOptions& o) {
  Plan plan = read_plan_file(o.plan_file);
  std::string format = g.json ? "json" : o.format;
  if (format == "json") std::cout << render_json(plan);
  else if (format == "sql") std::cout << render_sql(plan);
  else if (format == "text") std::cout << render_text(plan, use_color(), o.sql);
  else if (format == "markdown") std::cout << render_markdown(plan);
  else if (format == "dot") std::cout << plan_dot(plan);
  else throw Error("unknown format \"" + format + "\" (expected text, json, sql, markdown or dot)");
  return 0;
}

int cmd_inspect(const Global& g, const InspectOptions& o) {
  InspectScope scope;
  scope.all = true;
  scope.exclude = bookkeeping_excludes(Model{});
  scope.exclude.insert(scope.exclude.end(), o.exclude.begin(), o.exclude.end());
  scope.grants = std::find(o.manage.begin(), o.manage.end(), "grants") != o.manage.end();
  Model live = inspect_database(g.database, scope);
  if (auto w = unmanaged_warning(live); !w.empty()) spdlog::warn("{}", w);
  // The protection the last applied plan recorded is part of what the files said: keep it.
  AppliedState applied = read_applied_state(g.database);
  for (auto& [name, t] : live.tables)
    t.prevent_destroy = std::count(applied.protected_tables.begin(), applied.protected_tables.end(), name.str()) > 0;
  auto recorded = [&](const auto& object) {
    return std::count(applied.protected_objects.begin(), applied.protected_objects.end(), label(ref_of(object))) > 0;
  };
  for (auto& [name, s] : live.sequences) s.prevent_destroy = recorded(s);
  for (auto& [name, v] : live.materialized_views) v.prevent_destroy = recorded(v);
  auto files = o.split ? write_schema_toml_split(live) : write_schema_toml(live);
  if (g.json) {
    for (const auto& [name, text] : files)
      if (!o.out_dir.empty()) write_file((fs::path(o.out_dir) / (file_stem(name) + ".toml")).string(), text);
    std::cout << inspect_summary_json(live, g.database, o.out_dir, files);
    return 0;
  }
  if (o.out_dir.empty()) {
    bool first = true;
    for (const auto& [name, text] : files) {
      if (!first) std::cout << "\n";
      first = false;
      std::cout << text;
    }
    return 0;
  }
  for (const auto& [name, text] : files) write_file((fs::path(o.out_dir) / (file_stem(name) + ".toml")).string(), text);
  spdlog::info("wrote {} file(s) to {}", files.size(), o.out_dir);
  return 0;
}

int cmd_history(const Global& g) {
  auto entries = read_history(g.database);
  if (g.json) {
    std::cout << "{\"format_version\": 1, \"history\": [";
    for (size_t i = 0; i < entries.size(); ++i) {
      const auto& e = entries[i];
      std::cout << (i ? ",\n  " : "\n  ") << "{\"id\": " << e.id << ", \"applied_at\": " << json_string(e.applied_at)
                << ", \"applied_by\": " << json_string(e.applied_by) << ", \"plan_hash\": " << json_string(e.plan_hash)
                << ", \"source_fingerprint\": " << json_string(e.source_fingerprint)
                << ", \"target_fingerprint\": " << json_string(e.target_fingerprint) << ", \"steps\": " << e.steps
                << ", \"total_steps\": " << e.total_steps << ", \"status\": " << json_string(e.status) << "}";
    }
    std::cout << (entries.empty() ? "]}\n" : "\n]}\n");
    return 0;
  }
  if (entries.empty()) {
    std::cout << "No plans have been applied to this database.\n";
    return 0;
  }
  for (const auto& e : entries)
    std::cout << e.id << "  " << e.applied_at << "  " << e.applied_by << "  "
              << (e.status == "applied" ? std::to_string(e.steps) + " step(s)"
                                        : e.status + ": " + std::to_string(e.steps) + " of " + std::to_string(e.total_steps) + " step(s)")
              << "  " << e.plan_hash.substr(0, 19) << "\n";
  return 0;
}

int cmd_lint(const Global& g, const LintOptions& o) {
  std::set<std::string> disabled = o.config_disable;
  for (const auto& r : o.disable) {
    if (!lint_rules().count(r)) throw Error("unknown lint rule \"" + r + "\"");
    disabled.insert(r);
  }
  Model desired = load_schema_dir(o.plan.schema_dir);
  std::optional<Plan> pending;
  if (!g.database.empty() && !disabled.count("plan-hazard")) {
    PlanOptions po = o.plan;
    po.allow_destructive = true;
    pending = plan_now(g, po).plan;
  }
  auto findings = lint(desired, pending ? &*pending : nullptr, disabled);
  if (g.json) {
    std::cout << "{\"format_version\": 1, \"findings\": [";
    for (size_t i = 0; i < findings.size(); ++i) {
      const auto& f = findings[i];
      std::cout << (i ? ",\n  " : "\n  ") << "{\"rule\": " << json_string(f.rule) << ", \"object\": " << json_string(f.object)
                << ", \"message\": " << json_string(f.message) << ", \"location\": " << json_string(f.loc.str()) << "}";
    }
    std::cout << (findings.empty() ? "]}\n" : "\n]}\n");
  } else {
    for (const auto& f : findings)
      std::cout << (f.loc.known() ? f.loc.file.str() + ":" + std::to_string(f.loc.line) + ":" + std::to_string(f.loc.column) + ": " : "")
                << "[" << f.rule << "] " << f.message << "\n";
    std::cout << findings.size() << " finding(s)\n";
  }
  return findings.empty() ? 0 : 1;
}

}  // namespace reconcile::cli

namespace reconcile::cli {
namespace {

/// 12 random hex digits, like the revision ids Alembic makes.
std::string fresh_revision_id() {
  std::random_device rd;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string id;
  for (int i = 0; i < 12; ++i) id += "0123456789abcdef"[digit(rd)];
  return id;
}

}  // namespace

int cmd_freeze(const Global& g, const FreezeOptions& o) {
  FreezeRequest r;
  r.plan = read_plan_file(o.plan_file);
  r.plan_path = o.plan_file;
  r.format = parse_migration_format(o.format);
  r.dir = o.dir.empty() ? default_migration_dir(r.format) : o.dir;
  r.message = o.message;
  r.utc_now = utc_now_rfc3339();
  r.revision_id = fresh_revision_id();
  FreezeResult result = freeze_plan(r);
  for (const auto& w : result.warnings) spdlog::warn("{}", w);
  write_frozen(r.dir, result.files);
  std::vector<std::string> paths;
  for (const auto& f : result.files) paths.push_back((fs::path(r.dir) / f.name).string());
  if (g.json) {
    std::cout << "{\"format_version\": 1, \"format\": " << json_string(o.format) << ", \"dir\": " << json_string(r.dir)
              << ", \"files\": [";
    for (size_t i = 0; i < paths.size(); ++i) std::cout << (i ? ", " : "") << json_string(paths[i]);
    std::cout << "], \"sum\": " << json_string((fs::path(r.dir) / kSumFile).string()) << "}\n";
    return 0;
  }
  for (const auto& p : paths) std::cout << "wrote " << p << "\n";
  std::cout << "updated " << (fs::path(r.dir) / kSumFile).string() << "\n";
  return 0;
}

namespace {

/// Where `reconcile generate` writes: `out`, or the target's file name in it when it is a directory.
std::string generated_path(const std::string& target, const std::string& out) {
  if (out.empty() || !(fs::is_directory(out) || out.back() == '/')) return out;
  return (fs::path(out) / (target == "sqlalchemy" ? "models.py" : "database.types.ts")).string();
}

}  // namespace

int cmd_generate(const Global& g, const GenerateOptions& o) {
  std::vector<std::string> sources;
  Model canonical = canonical_schema(g.database, o.shadow_url, o.schema_dir, sources);
  std::string text = o.target == "sqlalchemy" ? generate_sqlalchemy(canonical, sources) : generate_typescript(canonical, sources);
  std::string path = generated_path(o.target, o.out);
  if (o.check) {
    if (path.empty()) throw Error("generate --check needs the file to check: --out, or [generate." + o.target + "] out in reconcile.toml");
    bool fresh = fs::exists(path) && read_file(path) == text;
    if (g.json)
      std::cout << "{\"format_version\": 1, \"target\": " << json_string(o.target) << ", \"file\": " << json_string(path)
                << ", \"fresh\": " << (fresh ? "true" : "false") << "}\n";
    if (fresh) {
      spdlog::info("{} is up to date with the schema files", path);
      return 0;
    }
    spdlog::error("{} is {}: run `reconcile generate {}` to write it from the schema files", path,
                  fs::exists(path) ? "stale" : "missing", o.target);
    return 1;
  }
  if (path.empty()) {
    if (g.json)
      std::cout << "{\"format_version\": 1, \"target\": " << json_string(o.target) << ", \"text\": " << json_string(text) << "}\n";
    else
      std::cout << text;
    return 0;
  }
  if (fs::path(path).has_parent_path()) fs::create_directories(fs::path(path).parent_path());
  write_file(path, text);
  if (g.json)
    std::cout << "{\"format_version\": 1, \"target\": " << json_string(o.target) << ", \"file\": " << json_string(path) << "}\n";
  else
    std::cout << "wrote " << path << "\n";
  return 0;
}

int cmd_migrate_validate(const Global& g, const ValidateOptions& o) {
  auto problems = validate_migrations(o.dir);
  if (g.json) {
    std::cout << "{\"format_version\": 1, \"dir\": " << json_string(o.dir) << ", \"valid\": "
              << (problems.empty() ? "true" : "false") << ", \"problems\": [";
    for (size_t i = 0; i < problems.size(); ++i)
      std::cout << (i ? ", " : "") << "{\"file\": " << json_string(problems[i].file) << ", \"problem\": "
                << json_string(problems[i].what) << "}";
    std::cout << "]}\n";
  } else if (problems.empty()) {
    std::cout << o.dir << ": " << migration_files(o.dir).size() << " file(s) match " << kSumFile << "\n";
  }
  for (const auto& p : problems) spdlog::error("{} {}", p.file, p.what);
  return problems.empty() ? 0 : 1;
}

}  // namespace reconcile::cli

namespace reconcile::cli {

int cmd_init(const Global& g, const InitOptions& o) {
  fs::path dir(o.dir), config = fs::path(o.dir) / "reconcile.toml";
  if (fs::exists(config)) throw Error(config.string() + " already exists; init never overwrites a project");
  fs::create_directories(dir / "schemas");
  fs::create_directories(dir / "plans");
  write_file(config.string(), starter_config());
  if (g.json) {
    std::cout << "{\"format_version\": 1, \"config\": " << json_string(config.string()) << ", \"schema_dir\": "
              << json_string((dir / "schemas").string()) << "}\n";
    return 0;
  }
  std::cout << "wrote " << config.string() << " and an empty " << (dir / "schemas").string() << "/\n"
            << "Next: describe your tables in " << (dir / "schemas").string()
            << "/*.toml (or `reconcile inspect --out schemas` to adopt a database), then `reconcile plan`.\n";
  return 0;
}

}  // namespace reconcile::cli

namespace reconcile::cli {

int cmd_graph(const Global&, const std::string& plan_file, const std::string& out) {
  std::string dot = plan_dot(read_plan_file(plan_file));
  if (out.empty()) std::cout << dot;
  else write_file(out, dot);
  return 0;
}

}  // namespace reconcile::cli
