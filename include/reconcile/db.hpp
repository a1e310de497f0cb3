// Database side: connection strings, the inspector, the shadow database and apply.
#pragma once
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "reconcile/change.hpp"
#include "reconcile/model.hpp"
#include "reconcile/plan.hpp"

namespace reconcile {

/// A connection string (URI or keyword form) without its password, for messages and plan files.
/// Also remembers the string's secrets for redact_secrets.
std::string redact_conninfo(const std::string& conninfo);
/// Checks that `conninfo` is a connection string libpq reads as its writer meant it: throws Error
/// (never quoting the string) when it does not parse, when a URI has an unencoded '@' in its user
/// or password, or when a port is not a number (a password without `user:...@` reads as a port).
void validate_conninfo(const std::string& conninfo);
/// Remembers what in `conninfo` could be a secret (its password, as parsed and as the raw text
/// spells it when malformed), so that redact_secrets removes it from any text this process shows.
void remember_secrets(const std::string& conninfo);
/// `text` made safe to show: every remembered secret and PGPASSWORD replaced by ***, and whatever
/// looks like a password in it (`scheme://user:secret@`, `password=secret`) too. Every message,
/// log line and HTTP body that may hold connection text goes through it.
std::string redact_secrets(const std::string& text);
/// The same connection string pointed at another database (keyword form).
std::string conninfo_with_dbname(const std::string& conninfo, const std::string& dbname);

/// Which schemas to read: `schemas`, or with `all` every user schema (reconcile's own never).
struct InspectScope {
  std::set<std::string> schemas;
  std::vector<std::string> exclude;  ///< "schema.table" or "schema.*" patterns
  bool all = false;
  bool grants = false;  ///< read privileges too (manage = ["grants"])
};

/// Reads the live schema into the model with a fixed number of bulk catalog queries, in its own
/// read-only transaction.
Model inspect_database(const std::string& conninfo, const InspectScope& scope);
/// True when `name` matches one of the exclude patterns: shell globs (`*`, `?`, `[...]`) over
/// "schema.table" ("audit.*", "*.spatial_ref_sys", "billing.usage_*"), or over the table name in
/// public for a pattern without a dot.
bool excluded(const std::vector<std::string>& patterns, const QName& name);
/// Exclude patterns for the bookkeeping tables of the migration tools that frozen plans are handed
/// to (Alembic's alembic_version, Flyway's flyway_schema_history, golang-migrate's
/// schema_migrations), in any schema, unless `desired` declares a table of that name: a database
/// migrated with them must plan without dropping their tables.
std::vector<std::string> bookkeeping_excludes(const Model& desired);

/// Checks today's data for changes that would certainly fail on it (a NOT NULL column added to a
/// table with rows, NOT NULL on a column with NULLs, a unique key over duplicates, a check or
/// foreign key that rows violate, a type change some values do not fit, a domain check or NOT NULL
/// that values of the columns of `live` that use the domain break). Throws Error listing each
/// problem with its table and column. Checks that cannot run cheaply are skipped.
void check_data(const std::string& conninfo, const std::vector<Change>& changes, const Model& live);

/// A throwaway database: the given shadow URL, or a temporary database created on the target's
/// server and always dropped (on success, error and SIGINT / SIGTERM).
class Shadow {
 public:
  /// `shadow_url` empty: create a temporary database next to `target_conninfo`. Nothing happens on
  /// the server until the shadow is first needed (a plan whose every table comes from the
  /// CanonicalCache and that has no steps never needs one).
  Shadow(const std::string& target_conninfo, const std::string& shadow_url);
  ~Shadow();
  Shadow(const Shadow&) = delete;
  Shadow& operator=(const Shadow&) = delete;

  /// Materializes `desired` in an empty shadow and reads it back, spelled by the server. A
  /// fragment the server rejects throws Error naming the TOML file, line and object. A table
  /// whose declaration an earlier run canonicalized (with the same server and build) comes from
  /// the on-disk CanonicalCache instead: cost follows what changed in the files.
  Model canonicalize(Model desired);
  /// What a replay left: the schema after the transactional steps, and after all of them.
  struct Replay {
    Model after_transaction;
    Model result;
  };
  /// Replays `steps` on a copy of `live` as apply would: the transactional ones in one
  /// transaction, then the others one by one (scope: `schemas`, and the privileges when `grants`).
  /// A failing step throws Error naming the step.
  Replay replay(const Model& live, const std::vector<Step>& steps, const std::set<std::string>& schemas, bool grants = false);

  /// Drops the temporary database (or empties the user's) on another thread, once nothing more is
  /// to be done in it: the destructor waits for it; a later use opens the shadow again.
  void release();

 private:
  /// Builds `desired` (with the keys its foreign keys point at in `cached`) and reads it back.
  Model materialize(Model desired, const Model& cached);
  /// Creates the temporary database (or empties the user's) on first use.
  void open();
  /// Drops the temporary database (or empties the user's): what release() and the destructor do.
  void close_now();
  /// Waits for release().
  void settle();
  void reset();
  std::string target_conninfo_;  ///< also where a temporary shadow is created and dropped
  std::string shadow_url_;
  std::string conninfo_;  ///< empty until open()
  std::string created_db_;   ///< non-empty when we created (and must drop) it
  bool dirty_ = false;  ///< holds objects: reset before the next use
  std::future<void> pending_;  ///< release() at work
};

/// Drops every temporary shadow database this process has open (best effort, errors ignored): what
/// the CLI does when SIGINT or SIGTERM arrives, before it ends the process.
void drop_live_shadows();

struct ApplyOptions {
  bool lock_wait = false;
  int lock_timeout_ms = 5000;
  int statement_timeout_ms = 0;
  int lock_retries = 3;          ///< further attempts when a lock is not granted in time
  int retry_backoff_ms = 1000;   ///< wait before retry n: backoff * 2^(n-1)
  std::string plan_hash;
  std::function<void(const Step&, int index, int total)> on_step;
};

struct ApplyResult {
  int steps_run = 0;
  long history_id = 0;  ///< the reconcile.history row of this apply
};

/// Another apply holds the database's advisory lock (and the caller did not ask to wait).
class LockBusy : public Error {
 public:
  using Error::Error;
};

/// Applies `plan` to the database: advisory lock, stale check, one transaction, target check,
/// history row. Throws Error (database unchanged) on any failure of the transactional part, and
/// LockBusy when another apply holds the lock and `lock_wait` is false.
ApplyResult apply_plan(const std::string& conninfo, const Plan& plan, const ApplyOptions& options);

/// Rows of reconcile.history, newest first.
struct HistoryEntry {
  long id = 0;
  std::string applied_at, applied_by, plan_hash, source_fingerprint, target_fingerprint;
  int steps = 0;                    ///< the steps that ran
  int total_steps = 0;              ///< the plan's steps (0: not recorded by older versions)
  std::string status = "applied";  ///< applied, or partial: steps outside the transaction did not all run
};
std::vector<HistoryEntry> read_history(const std::string& conninfo);
/// What the last applied plan recorded: its managed schemas (so that a schema removed from the
/// files is still in scope, and its removal is planned) and its prevent_destroy tables (so that a
/// protected table removed from the files is still protected). Empty when nothing was applied.
struct AppliedState {
  std::vector<std::string> managed_schemas;
  std::vector<std::string> protected_tables;   ///< "schema.table"
  std::vector<std::string> protected_objects;  ///< labels: "sequence public.s", "materialized view public.m"
};
AppliedState read_applied_state(const std::string& conninfo);

}  // namespace reconcile
