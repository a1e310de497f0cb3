// Plan: ordered SQL steps with hazards, and the plan file that carries them for review.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "reconcile/change.hpp"
#include "reconcile/object_ref.hpp"

namespace reconcile {

/// What a step does to its object.
enum class StepOp { create, alter, drop, rename };
/// "create", "alter", "drop", "rename": the plan file's spelling.
std::string to_string(StepOp op);
std::optional<StepOp> parse_step_op(const std::string& text);
inline constexpr StepOp kStepOps[] = {StepOp::create, StepOp::alter, StepOp::drop, StepOp::rename};

/// Why a step deserves a reviewer's attention. Declared in the order of their names, so that a
/// Hazards set lists them alphabetically, as plan files always have.
enum class Hazard {
  destructive,   ///< drops data
  irreversible,  ///< a reverse step that brings back an object whose data a forward step destroyed
  locks,         ///< holds a lock that blocks writes while it runs
  may_fail,      ///< can fail on the rows the table holds
  rewrite,       ///< rewrites the table (or recomputes data)
};
/// "destructive", "irreversible", "locks", "may-fail", "rewrite".
std::string to_string(Hazard hazard);
std::optional<Hazard> parse_hazard(const std::string& text);
using Hazards = std::set<Hazard>;
/// The hazards' names, in order.
std::vector<std::string> hazard_names(const Hazards& hazards);

/// Where a stretch of a step's SQL came from: from byte `offset` on, text written at `loc`.
struct SqlOrigin {
  size_t offset = 0;
  SourceLoc loc;
};

/// One statement of a plan, with what it does and why it is dangerous.
struct Step {
  int id = 0;
  StepOp op = StepOp::alter;
  /// The object the step is about: its identity (reverse steps, freeze units, slugs). Plan files
  /// written before it was recorded leave it unknown (nullopt).
  std::optional<ObjectRef> ref;
  std::string object;  ///< what people read, e.g. "table public.orders (was public.order)"
  std::string sql;
  /// What changes, from and to, on one line ("type integer -> bigint; default 0 -> (none)"); for a
  /// created or dropped constraint or index its definition. "" when the object says it all.
  std::string detail;
  bool transactional = true;
  Hazards hazards;
  std::vector<int> depends_on;       ///< ids of the steps this one must follow (the graph's edges)
  SourceLoc origin;                  ///< where the desired object was declared, when known
  std::vector<SqlOrigin> sql_origins;  ///< finer origins within `sql` (not written to plan files)

  /// The origin of the SQL text at byte `offset` (the finest known), else `origin`.
  SourceLoc origin_at(size_t offset) const;
};

/// A table the plan touches, as the plan leaves it (as it was, for a dropped one): enough for a
/// reviewer's diagram.
struct TableSketch {
  std::string name;  ///< schema.table
  struct Column {
    std::string name, type, keys;  ///< keys: "PK", "FK", "UK" joined by ", " (or "")
  };
  std::vector<Column> columns;
  std::vector<std::string> references;  ///< tables its foreign keys point at (schema.table)
  bool dropped = false;
};

struct Plan;
/// How many steps lead the plan, committed one by one before its transaction (enum values the
/// transaction uses): the non-transactional steps before the first transactional one.
int leading_steps(const Plan& plan);

struct Plan {
  int format = 1;
  std::string reconcile_version;
  std::string created_at;  ///< RFC 3339 UTC
  std::string database;    ///< redacted connection string
  std::string source_fingerprint;
  std::string target_fingerprint;  ///< empty when the plan was not verified
  /// The schema after the transactional steps, checked before COMMIT; equals target_fingerprint
  /// when every step is transactional.
  std::string transaction_fingerprint;
  std::vector<std::string> managed_schemas;
  std::vector<std::string> exclude;           ///< tables left out of the plan (and of its fingerprints)
  std::vector<std::string> manage;            ///< optional kinds managed ("grants"): read for the fingerprints too
  std::vector<std::string> protected_tables;  ///< prevent_destroy tables ("schema.table") to record
  /// prevent_destroy sequences and materialized views to record, by label ("sequence public.s").
  std::vector<std::string> protected_objects;
  bool protection_changed = false;            ///< either list differs from the last applied plan's
  Hazards hazards;
  std::map<StepOp, int> summary;  ///< steps per operation
  std::vector<Step> steps;
  std::vector<Step> reverse_steps;
  std::vector<TableSketch> tables;  ///< the tables the steps touch, for diagrams

  /// Steps to run, or a prevent_destroy change to record.
  bool has_changes() const { return !steps.empty() || protection_changed; }
};

/// How steps are written where there is a choice.
struct RenderOptions {
  bool concurrently = false;  ///< new indexes on existing tables: CREATE INDEX CONCURRENTLY
  long batch_size = 0;        ///< > 0: backfills run in committed batches of this many rows
};

/// Renders changes as steps ordered through the dependency graph. Deterministic; throws Error
/// naming the objects when the steps form a true cycle. Step ids start at 1. Steps that cannot run
/// in a transaction, and every step that depends on one, come last, marked non-transactional.
std::vector<Step> plan_steps(const std::vector<Change>& changes, const RenderOptions& options = {});

/// The tables that `changes` touch (both names of a renamed table).
std::set<QName> touched_tables(const std::vector<Change>& changes);

/// Sketches of the tables that `changes` touch, from `after` (from `before` for dropped ones).
std::vector<TableSketch> sketch_tables(const std::vector<Change>& changes, const Model& before, const Model& after);

/// The steps' dependency graph in Graphviz DOT (Boost.Graph's write_graphviz): a node per step,
/// labelled with its id, operation, object and hazards; an edge from each step to those that follow it.
std::string plan_dot(const Plan& plan);

/// Fills hazards and summary from the steps.
void summarize(Plan& plan);

/// The steps that drop tables, columns, enums or schemas ("destructive" hazard).
std::vector<const Step*> destructive_steps(const Plan& plan);

/// The plan file text (TOML, format 1). Byte-identical for identical plans.
std::string write_plan_file(const Plan& plan);
/// Parses a plan file; throws Error with file:line:col on anything malformed.
Plan read_plan_file(const std::string& path);
/// Parses plan file text (`path` names it in errors).
Plan parse_plan_text(const std::string& text, const std::string& path);

/// Whether two steps are about the same object (by ref; by label for plan files without refs).
bool same_object(const Step& a, const Step& b);
/// The qualified name of a step's object ("public.orders.total"), for slugs.
std::string step_path(const Step& step);
/// The name of a step's object without schema or table ("total" for a column), for slugs.
std::string step_name(const Step& step);

/// A short name for a plan file from its steps, e.g. "create_orders_and_more".
std::string plan_slug(const Plan& plan);

/// `text` as a file-name slug: lower-case letters, digits and single underscores, at most
/// `max_length` characters ("Add orders!" -> "add_orders"); "" when nothing is left.
std::string slugify(const std::string& text, size_t max_length = 40);

/// Marks the reverse steps that bring back an object whose data a forward step destroyed with the
/// "irreversible" hazard: the object comes back, its data does not.
void mark_irreversible(const std::vector<Step>& forward, std::vector<Step>& reverse);

}  // namespace reconcile
