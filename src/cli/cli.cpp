// The command line (CLI11): subcommands, flags, logging, and the only place that picks exit codes.
#include "reconcile/cli.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <sstream>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "commands.hpp"
#include "config.hpp"
#include "controller.hpp"
#include "output.hpp"
#include "signals.hpp"
#include "reconcile/db.hpp"
#include "reconcile/error.hpp"
#include "reconcile/toml_keys.hpp"

namespace reconcile {
namespace {

/// `%*` in a log pattern: the message with its secrets redacted (redact_secrets).
class RedactedMessage : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string text = redact_secrets(std::string(msg.payload.data(), msg.payload.size()));
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<RedactedMessage>(); }
};

void setup_logging(int verbosity, bool quiet) {
  auto logger = spdlog::stderr_color_mt("reconcile", std::getenv("NO_COLOR") ? spdlog::color_mode::never
                                                                              : spdlog::color_mode::automatic);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<RedactedMessage>('*').set_pattern(verbosity > 0 ? "%H:%M:%S.%e %^%l%$: %*" : "%^%l%$: %*");
  logger->set_formatter(std::move(formatter));
  logger->set_level(quiet ? spdlog::level::warn : verbosity > 0 ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void add_plan_flags(CLI::App* cmd, cli::PlanOptions& o) {
  cmd->add_option("--schema-dir", o.schema_dir, "Directory of desired-state TOML files")->capture_default_str();
  cmd->add_option("--plan-dir", o.plan_dir, "Directory for new plan files")->capture_default_str();
  cmd->add_option("--shadow-url", o.shadow_url, "Shadow database (default: a temporary database on the target server)")
      ->envname("RECONCILE_SHADOW_URL");
  cmd->add_option("--exclude", o.exclude, "Table never to touch: schema.table, schema.* or *.table (repeatable)");
  cmd->add_option("--manage", o.manage, "Also manage these optional kinds: grants (repeatable)")->check(CLI::IsMember({"grants"}));
  cmd->add_flag("--allow-destructive", o.allow_destructive, "Allow steps that drop tables, columns, enums or schemas");
  cmd->add_flag("--no-verify", o.no_verify, "Skip replaying the plan in the shadow database");
  cmd->add_flag("--concurrently", o.concurrently,
                "Build new indexes on existing tables with CREATE INDEX CONCURRENTLY, after the transaction");
  cmd->add_option("--batch-size", o.batch_size,
                  "Backfill in committed batches of N rows, outside the transaction (resumable)");
}

/// Logs the error (stderr); with --json also prints {"format_version": 1, "error": ...} on stdout,
/// so that a machine reading stdout always gets JSON. Returns the exit code 1.
int report_error(bool json, const std::string& message) {
  if (cli::interrupted()) return 1;
  std::string safe = redact_secrets(message);
  spdlog::error("{}", safe);
  if (json) std::cout << "{\"format_version\": 1, \"error\": " << cli::json_string(safe) << "}\n";
  return 1;
}

/// `field` takes the configuration's value unless the flag `name` of `cmd` was given (on the command
/// line or through its environment variable).
template <class T>
void from_config(CLI::App* cmd, const char* name, T& field, const std::optional<T>& value) {
  if (value && cmd->get_option(name)->count() == 0) field = *value;
}

/// The text of --lock-timeout and --statement-timeout (ms, or 5s, 1min), parsed after the configuration.
struct TimeoutFlags {
  std::string lock = "5000", statement = "0";
};

void add_timeout_flags(CLI::App* cmd, TimeoutFlags& t) {
  cmd->add_option("--lock-timeout", t.lock, "lock_timeout for the steps: ms, or 5s, 1min")->capture_default_str();
  cmd->add_option("--statement-timeout", t.statement, "statement_timeout: ms, or 30s, 5min (0: none)")->capture_default_str();
}

/// A duration flag in ms: the flag's text when given, else the configuration's value, else the
/// flag's default text.
int duration(CLI::App* cmd, const char* name, const std::string& text, const std::optional<long>& configured) {
  if (cmd->get_option(name)->count() == 0 && configured) return static_cast<int>(*configured);
  return static_cast<int>(cli::parse_duration_ms(text, name));
}

void plan_from_config(CLI::App* cmd, cli::PlanOptions& o, const cli::Config& c) {
  from_config(cmd, "--schema-dir", o.schema_dir, c.schema_dir);
  from_config(cmd, "--plan-dir", o.plan_dir, c.plan_dir);
  from_config(cmd, "--shadow-url", o.shadow_url, c.shadow_url);
  from_config(cmd, "--exclude", o.exclude, c.exclude);
  from_config(cmd, "--manage", o.manage, c.manage);
}

}  // namespace

int run(int argc, char** argv) {
  // A reader that goes away (`reconcile show plan | head`) must not kill the process with SIGPIPE in
  // the middle of its work: the write fails instead, and the exit code says so.
  signal(SIGPIPE, SIG_IGN);
  CLI::App app{"reconcile: declarative schema reconciler for PostgreSQL"};
  app.require_subcommand(1);
  app.fallthrough();
  cli::Global g;
  int verbosity = 0;
  bool quiet = false;
  std::string config_path = "reconcile.toml";
  auto* config_opt = app.add_option("--config", config_path, "Configuration file")->capture_default_str();
  app.add_option("--database", g.database, "Target database (libpq URI or key=value string)")->envname("DATABASE_URL");
  app.add_flag("--json", g.json, "Machine-readable output");
  app.add_flag("-v,--verbose", verbosity, "More log output");
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors in the log");
  app.set_version_flag("--version", "reconcile 0.1.0");

  cli::PlanOptions plan;
  auto* plan_cmd = app.add_subcommand("plan", "Diff the database against the desired state and write a plan file");
  add_plan_flags(plan_cmd, plan);
  plan_cmd->add_option("--out", plan.out, "Write the plan to this file");
  plan_cmd->add_flag("--detailed-exitcode", plan.detailed_exitcode, "Exit 2 when there are changes");
  plan_cmd->add_flag("--sql", plan.sql, "Show the SQL of each step");
  plan_cmd->add_option("--format", plan.format, "Output: text, json or markdown (for a PR comment)")->capture_default_str();

  cli::ApplyOptionsCli apply;
  auto* apply_cmd = app.add_subcommand("apply", "Apply a plan file (or plan and apply after confirmation)");
  apply_cmd->add_option("plan", apply.plan_file, "Plan file to apply");
  apply_cmd->add_flag("--auto-approve", apply.auto_approve, "Apply without asking (when no plan file is given)");
  apply_cmd->add_flag("--lock-wait", apply.lock_wait, "Wait for another apply to finish instead of failing");
  TimeoutFlags apply_timeouts;
  add_timeout_flags(apply_cmd, apply_timeouts);
  apply_cmd->add_option("--lock-retries", apply.lock_retries, "Retries (with backoff) when a lock is not granted")
      ->capture_default_str();
  add_plan_flags(apply_cmd, apply.plan);

  cli::ShowOptions show;
  auto* show_cmd = app.add_subcommand("show", "Render a plan file");
  show_cmd->add_option("plan", show.plan_file, "Plan file")->required();
  show_cmd->add_option("--format", show.format, "text, json, sql, markdown (PR comment) or dot (step graph)")->capture_default_str();
  show_cmd->add_flag("--sql", show.sql, "Show the SQL of each step (text format)");

  cli::InspectOptions inspect;
  auto* inspect_cmd = app.add_subcommand("inspect", "Write the live database as desired-state TOML");
  inspect_cmd->add_option("--out", inspect.out_dir, "Directory for the TOML files (default: stdout)");
  inspect_cmd->add_flag("--split", inspect.split, "One file per table");
  inspect_cmd->add_option("--exclude", inspect.exclude, "Table to leave out: schema.table, schema.* or *.table (repeatable)");
  inspect_cmd->add_option("--manage", inspect.manage, "Also write these optional kinds: grants (repeatable)")->check(CLI::IsMember({"grants"}));

  auto* history_cmd = app.add_subcommand("history", "List the plans applied to the database");

  cli::LintOptions lint;
  auto* lint_cmd = app.add_subcommand("lint", "Check the desired schema (and the pending plan's hazards) against lint rules");
  add_plan_flags(lint_cmd, lint.plan);
  std::string lint_config;
  lint_cmd->add_option("--config", lint_config, "Configuration file (as the global --config)");
  lint_cmd->add_option("--disable", lint.disable, "Rule id to skip (repeatable); also [lint] disable in reconcile.toml");

  cli::FreezeOptions freeze;
  auto* freeze_cmd = app.add_subcommand("freeze", "Turn a plan file into versioned migration files");
  freeze_cmd->add_option("plan", freeze.plan_file, "Plan file to freeze")->required();
  freeze_cmd->add_option("--format", freeze.format, "sql, alembic, golang-migrate or flyway")->capture_default_str();
  freeze_cmd->add_option("--dir", freeze.dir, "Migration directory (default: migrations, or alembic/versions)");
  freeze_cmd->add_option("-m,--message", freeze.message, "What the migration does (default: from the plan)");

  cli::ValidateOptions validate;
  auto* migrate_cmd = app.add_subcommand("migrate", "Check frozen migrations");
  migrate_cmd->require_subcommand(1);
  auto* validate_cmd = migrate_cmd->add_subcommand("validate", "Fail when a frozen migration file was edited, added or removed");
  validate_cmd->add_option("--dir", validate.dir, "Migration directory")->capture_default_str();

  std::string graph_plan, graph_out;
  auto* graph_cmd = app.add_subcommand("graph", "Write a plan's step dependency graph as Graphviz DOT");
  graph_cmd->add_option("plan", graph_plan, "Plan file")->required();
  graph_cmd->add_option("--out", graph_out, "Write the DOT to this file (default: stdout)");

  cli::ControllerOptions controller;
  auto* controller_cmd = app.add_subcommand("controller", "Reconcile continuously (GitOps): plan on a timer, apply per policy, serve metrics");
  add_plan_flags(controller_cmd, controller.plan);
  controller_cmd->add_option("--interval", controller.interval_s, "Seconds between runs (SIGHUP: run now)")->capture_default_str();
  controller_cmd->add_option("--policy", controller.policy, "observe (report drift), safe (apply plans without destructive or may-fail steps) or all")
      ->capture_default_str();
  controller_cmd->add_option("--listen", controller.listen, "Address for /healthz, /readyz and /metrics")->capture_default_str();
  TimeoutFlags controller_timeouts;
  add_timeout_flags(controller_cmd, controller_timeouts);

  cli::GenerateOptions generate;
  auto* generate_cmd = app.add_subcommand("generate", "Write application code from the schema files: SQLAlchemy models or TypeScript types");
  generate_cmd->add_option("target", generate.target, "sqlalchemy or typescript")->required()->check(CLI::IsMember({"sqlalchemy", "typescript"}));
  generate_cmd->add_option("--schema-dir", generate.schema_dir, "Directory of desired-state TOML files")->capture_default_str();
  generate_cmd->add_option("--shadow-url", generate.shadow_url, "Shadow database (default: a temporary database on the --database server)")
      ->envname("RECONCILE_SHADOW_URL");
  generate_cmd->add_option("--out", generate.out, "Write to this file, or into this directory (default: stdout)");
  generate_cmd->add_flag("--check", generate.check, "Write nothing; exit 1 when the file on disk is stale (for CI)");

  auto* schema_cmd = app.add_subcommand("schema", "Describe the desired-state format");
  schema_cmd->require_subcommand(1);
  auto* json_schema_cmd = schema_cmd->add_subcommand("json-schema", "Print the JSON Schema of the schema files (for editors: Taplo, Even Better TOML)");

  cli::InitOptions init;
  auto* init_cmd = app.add_subcommand("init", "Start a project: a commented reconcile.toml and an empty schemas/");
  init_cmd->add_option("dir", init.dir, "Directory of the new project")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A value given in the wrong place (a URL with its password, say) is echoed: redact it.
    std::ostringstream out, err;
    int code = app.exit(e, out, err);
    std::cout << redact_secrets(out.str()) << std::flush;
    std::cerr << redact_secrets(err.str()) << std::flush;
    return code == 0 ? 0 : 1;
  }
  setup_logging(verbosity, quiet);
  auto run_command = [&]() -> int {
    try {
      if (init_cmd->parsed()) return cli::cmd_init(g, init);
      if (json_schema_cmd->parsed()) {
        std::cout << desired_state_json_schema();
        return 0;
      }
      if (!lint_config.empty()) config_path = lint_config;
      cli::Config cfg = cli::load_config(config_path, config_opt->count() > 0 || !lint_config.empty());
      from_config(&app, "--database", g.database, cfg.database);
      plan_from_config(plan_cmd, plan, cfg);
      plan_from_config(apply_cmd, apply.plan, cfg);
      plan_from_config(lint_cmd, lint.plan, cfg);
      from_config(generate_cmd, "--schema-dir", generate.schema_dir, cfg.schema_dir);
      from_config(generate_cmd, "--shadow-url", generate.shadow_url, cfg.shadow_url);
      if (auto it = cfg.generate_out.find(generate.target); it != cfg.generate_out.end() && generate_cmd->get_option("--out")->count() == 0)
        generate.out = it->second;
      from_config(inspect_cmd, "--exclude", inspect.exclude, cfg.exclude);
      from_config(inspect_cmd, "--manage", inspect.manage, cfg.manage);
      lint.config_disable = cfg.lint_disable;
      plan_from_config(controller_cmd, controller.plan, cfg);
      from_config(controller_cmd, "--interval", controller.interval_s, cfg.interval_s);
      from_config(controller_cmd, "--policy", controller.policy, cfg.policy);
      from_config(controller_cmd, "--listen", controller.listen, cfg.listen);
      controller.lock_timeout_ms = duration(controller_cmd, "--lock-timeout", controller_timeouts.lock, cfg.lock_timeout_ms);
      controller.statement_timeout_ms =
          duration(controller_cmd, "--statement-timeout", controller_timeouts.statement, cfg.statement_timeout_ms);
      apply.lock_timeout_ms = duration(apply_cmd, "--lock-timeout", apply_timeouts.lock, cfg.lock_timeout_ms);
      apply.statement_timeout_ms = duration(apply_cmd, "--statement-timeout", apply_timeouts.statement, cfg.statement_timeout_ms);
      if (plan_cmd->parsed()) return cli::cmd_plan(g, plan);
      if (apply_cmd->parsed()) return cli::cmd_apply(g, apply);
      if (show_cmd->parsed()) return cli::cmd_show(g, show);
      if (inspect_cmd->parsed()) return cli::cmd_inspect(g, inspect);
      if (history_cmd->parsed()) return cli::cmd_history(g);
      if (lint_cmd->parsed()) return cli::cmd_lint(g, lint);
      if (controller_cmd->parsed()) return cli::cmd_controller(g, controller);
      if (graph_cmd->parsed()) return cli::cmd_graph(g, graph_plan, graph_out);
      if (freeze_cmd->parsed()) return cli::cmd_freeze(g, freeze);
      if (generate_cmd->parsed()) return cli::cmd_generate(g, generate);
      if (validate_cmd->parsed()) return cli::cmd_migrate_validate(g, validate);
    } catch (const Error& e) {
      return report_error(g.json, e.what());
    } catch (const std::exception& e) {
      return report_error(g.json, std::string("unexpected failure: ") + e.what());
    }
    return 1;
  };
  int code = run_command();
  // An interrupt's cleanup (dropping the shadow database) ends the process itself; let it.
  while (cli::interrupted()) pause();
  if (!(std::cout << std::flush)) return code == 0 ? 1 : code;  // the output did not all arrive
  return code;
}

}  // namespace reconcile
