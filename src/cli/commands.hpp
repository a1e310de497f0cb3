// The commands behind the CLI: each takes parsed options and returns an exit code.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "reconcile/pipeline.hpp"

namespace reconcile::cli {

struct Global {
  std::string database;  ///< --database, else DATABASE_URL, else reconcile.toml, else libpq defaults
  bool json = false;
};

struct PlanOptions {
  std::string schema_dir = "schemas";
  std::string plan_dir = "plans";
  std::string out;
  std::string shadow_url;
  std::vector<std::string> exclude;  ///< "schema.table", "schema.*" or "*.table" patterns
  std::vector<std::string> manage;   ///< optional kinds to manage: "grants"
  bool allow_destructive = false;
  bool detailed_exitcode = false;
  bool no_verify = false;
  bool sql = false;
  std::string format = "text";  ///< text | json | markdown (plan's output on stdout)
  bool concurrently = false;
  long batch_size = 0;
};

struct ApplyOptionsCli {
  std::string plan_file;
  bool auto_approve = false;
  bool lock_wait = false;
  int lock_timeout_ms = 5000;
  int statement_timeout_ms = 0;
  int lock_retries = 3;
  PlanOptions plan;  ///< used when no plan file is given
};

struct ShowOptions {
  std::string plan_file;
  std::string format = "text";
  bool sql = false;
};

struct InspectOptions {
  std::string out_dir;
  bool split = false;
  std::vector<std::string> exclude;
  std::vector<std::string> manage;
};

struct LintOptions {
  PlanOptions plan;
  std::vector<std::string> disable;
  std::set<std::string> config_disable;  ///< [lint] disable in reconcile.toml
};

struct InitOptions {
  std::string dir = ".";
};

struct FreezeOptions {
  std::string plan_file;
  std::string format = "sql";
  std::string dir;  ///< empty: the format's default directory
  std::string message;
};

struct GenerateOptions {
  std::string target;  ///< "sqlalchemy" or "typescript"
  std::string schema_dir = "schemas";
  std::string shadow_url;
  std::string out;  ///< a file, or a directory for the target's default file name; "": stdout
  bool check = false;
};

struct ValidateOptions {
  std::string dir = "migrations";
};

/// The pipeline's request for these options.
PlanRequest request_of(const Global& g, const PlanOptions& o);
/// Writes `text` to `path`, creating its directory; throws Error naming it.
void write_file(const std::string& path, const std::string& text);
/// Writes the plan file (to o.out, else a new file in the plan directory); returns its path.
std::string save_plan(const Plan& plan, const PlanOptions& o);

int cmd_plan(const Global& g, const PlanOptions& o);
int cmd_apply(const Global& g, const ApplyOptionsCli& o);
int cmd_show(const Global& g, const ShowOptions& o);
int cmd_inspect(const Global& g, const InspectOptions& o);
int cmd_history(const Global& g);
int cmd_lint(const Global& g, const LintOptions& o);
int cmd_init(const Global& g, const InitOptions& o);
int cmd_graph(const Global& g, const std::string& plan_file, const std::string& out);
int cmd_freeze(const Global& g, const FreezeOptions& o);
int cmd_generate(const Global& g, const GenerateOptions& o);
int cmd_migrate_validate(const Global& g, const ValidateOptions& o);

}  // namespace reconcile::cli
