// Apply: advisory lock, stale-plan refusal, one transaction with timeouts, target check, history.
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "../source/pg.hpp"
#include "reconcile/sql.hpp"

namespace reconcile {
namespace {

constexpr long kLockKey = 0x7265636f6e63LL;  // "reconc"

const char* kHistoryDdl =
    "CREATE SCHEMA IF NOT EXISTS reconcile;"
    "CREATE TABLE IF NOT EXISTS reconcile.history ("
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    "  applied_at timestamptz NOT NULL DEFAULT now(),"
    "  applied_by text NOT NULL DEFAULT current_user,"
    "  plan_hash text NOT NULL,"
    "  source_fingerprint text NOT NULL,"
    "  target_fingerprint text NOT NULL,"
    "  managed_schemas text[] NOT NULL,"
    "  protected_tables text[] NOT NULL DEFAULT '{}',"
    "  steps integer NOT NULL,"
    "  reconcile_version text NOT NULL);"
    // status: applied (every step ran) or partial (the transaction committed; `steps` counts the
    // steps that ran, those outside the transaction as each finished).
    "ALTER TABLE reconcile.history ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'applied';"
    "ALTER TABLE reconcile.history ADD COLUMN IF NOT EXISTS total_steps integer;"
    "ALTER TABLE reconcile.history ADD COLUMN IF NOT EXISTS protected_objects text[] NOT NULL DEFAULT '{}'";

void take_lock(pqxx::connection& conn, bool wait) {
  pqxx::nontransaction tx(conn);
  if (wait) {
    spdlog::info("waiting for the reconcile lock on this database");
    tx.exec("SELECT pg_advisory_lock(" + std::to_string(kLockKey) + ")");
    return;
  }
  auto r = tx.exec("SELECT pg_try_advisory_lock(" + std::to_string(kLockKey) + ")");
  if (!r[0][0].as<bool>())
    throw LockBusy("another reconcile apply holds the lock on this database; try again later or pass --lock-wait");
}

std::string join_schemas(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(1, '\x1f')) + s;
  return out;
}

/// The fingerprint of the live schema in the plan's managed scope, as `plan` computed it.
std::string live_fingerprint(pqxx::transaction_base& tx, const Plan& plan) {
  InspectScope scope;
  scope.schemas.insert(plan.managed_schemas.begin(), plan.managed_schemas.end());
  scope.exclude = plan.exclude;
  scope.grants = std::find(plan.manage.begin(), plan.manage.end(), "grants") != plan.manage.end();
  return fingerprint(inspect(tx, scope).restricted_to(scope.schemas));
}

void check_fingerprint(pqxx::work& tx, const Plan& plan, const std::string& expected, bool before) {
  std::string live = live_fingerprint(tx, plan);
  if (live == expected) return;
  if (before)
    throw Error("the plan is stale: the database schema changed since the plan was made (plan expects " +
                expected + ", database has " + live + "); nothing was applied. Run `reconcile plan` again.");
  throw Error("after the steps ran, the schema does not match the plan's target (expected " + expected +
              ", got " + live + "); rolled back, nothing was applied");
}

/// Records the plan in reconcile.history, as `partial` when steps outside the transaction are still
/// to run. Returns the row's id.
long record_history(pqxx::work& tx, const Plan& plan, const ApplyOptions& opt, int steps) {
  tx.exec(kHistoryDdl);
  int total = static_cast<int>(plan.steps.size());
  auto r = tx.exec_params(
      "INSERT INTO reconcile.history (plan_hash, source_fingerprint, target_fingerprint, managed_schemas,"
      " protected_tables, steps, reconcile_version, status, total_steps, protected_objects)"
      " VALUES ($1, $2, $3, string_to_array($4, chr(31)), string_to_array($5, chr(31)), $6, $7, $8, $9,"
      "  string_to_array($10, chr(31))) RETURNING id",
      opt.plan_hash, plan.source_fingerprint, plan.target_fingerprint, join_schemas(plan.managed_schemas),
      join_schemas(plan.protected_tables), steps, plan.reconcile_version, steps == total ? "applied" : "partial", total,
      join_schemas(plan.protected_objects));
  return r[0][0].as<long>();
}

/// Tables of the plan's schemas that other sessions hold locks on, for a message: "public.t
/// (AccessExclusiveLock, pid 42, psql)". Read on a connection of its own; "" when none or unknown.
std::string lock_holders(const std::string& conninfo, const Plan& plan) {
  try {
    auto conn = connect(conninfo);
    pqxx::read_transaction tx(*conn);
    auto rows = tx.exec_params(
        "SELECT DISTINCT format('%I.%I (%s, pid %s%s)', n.nspname, c.relname, l.mode, l.pid,"
        "       CASE WHEN a.application_name <> '' THEN ', ' || a.application_name ELSE '' END)"
        "  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.granted AND l.pid <> pg_backend_pid() AND l.locktype = 'relation'"
        "   AND l.mode IN ('AccessExclusiveLock', 'ExclusiveLock', 'ShareRowExclusiveLock', 'ShareLock')"
        "   AND n.nspname = ANY (string_to_array($1, chr(31)))"
        " ORDER BY 1 LIMIT 5",
        join_schemas(plan.managed_schemas));
    std::string out;
    for (const auto& r : rows) out += (out.empty() ? "" : ", ") + std::string(r[0].c_str());
    return out;
  } catch (const std::exception&) {
    return "";
  }
}


/// A step could not get its lock within lock_timeout: the whole attempt may be retried.
struct LockTimeout {
  std::string message;
};

bool is_lock_timeout(const pqxx::sql_error& e) { return e.sqlstate() == "55P03"; }

size_t count_of(const std::string& text, const std::string& word) {
  size_t n = 0;
  for (size_t p = text.find(word); p != std::string::npos; p = text.find(word, p + word.size())) ++n;
  return n;
}

/// About how many relations the transactional steps lock: a new table with its TOAST table and
/// index, each index, key and sequence, and one for every other statement.
long locks_needed(const Plan& plan) {
  long n = 0;
  for (const auto& s : plan.steps)
    if (s.transactional)
      n += 1 + 2 * count_of(s.sql, "CREATE TABLE") + count_of(s.sql, "PRIMARY KEY") + count_of(s.sql, "UNIQUE") +
           count_of(s.sql, "CREATE INDEX") + count_of(s.sql, "serial") + count_of(s.sql, "SEQUENCE");
  return n;
}

/// The server's shared lock table ran out (SQLSTATE 53200 with the max_locks_per_transaction hint):
/// say which setting to raise, and to what, for this plan.
std::string lock_table_advice(pqxx::connection& conn, const Plan& plan) {
  long per = 64, slots = 100;
  try {
    pqxx::nontransaction tx(conn);
    auto r = tx.exec("SELECT current_setting('max_locks_per_transaction')::bigint,"
                     " current_setting('max_connections')::bigint + current_setting('max_prepared_transactions')::bigint");
    per = r[0][0].as<long>();
    slots = r[0][1].as<long>();
  } catch (const std::exception&) {
  }
  long need = locks_needed(plan), raise = (need * 3 / 2 + slots - 1) / slots;
  return " The transaction locks about " + std::to_string(need) + " relations, more than the server's lock table holds (" +
         "max_locks_per_transaction " + std::to_string(per) + " x " + std::to_string(slots) +
         " connection slots, shared by every session). Raise max_locks_per_transaction to at least " +
         std::to_string(std::max(raise, per * 2)) + " (postgresql.conf, then restart the server) and apply again, "
         "or split the change into several smaller plans.";
}

/// One attempt at the transactional part: all of it commits, or none of it.
/// The stale check: the live schema must be the one the plan was made against.
void check_source(pqxx::work& tx, const Plan& plan) {
  try {
    check_fingerprint(tx, plan, plan.source_fingerprint, true);
  } catch (const pqxx::sql_error& e) {  // reading the catalog waits for locks other sessions hold
    if (is_lock_timeout(e)) throw LockTimeout{"the check that the plan is not stale (it reads the managed tables' definitions)"};
    throw;
  }
}

/// One attempt at the transactional part: all of it commits, or none of it. The stale check runs
/// here unless leading steps already ran after it.
void run_transaction(pqxx::connection& conn, const Plan& plan, const ApplyOptions& opt, ApplyResult& result) {
  pqxx::work tx(conn);
  tx.exec("SET LOCAL lock_timeout = " + std::to_string(opt.lock_timeout_ms));
  tx.exec("SET LOCAL statement_timeout = " + std::to_string(opt.statement_timeout_ms));
  int leading = leading_steps(plan);
  if (leading == 0) check_source(tx, plan);
  int total = static_cast<int>(plan.steps.size()), ran = leading;
  for (int i = leading; i < total; ++i) {
    const Step& s = plan.steps[i];
    if (!s.transactional) continue;
    if (opt.on_step) opt.on_step(s, i + 1, total);
    try {
      tx.exec(s.sql);
    } catch (const pqxx::sql_error& e) {
      if (is_lock_timeout(e)) throw LockTimeout{"step " + std::to_string(s.id) + " (" + s.object + "): " + server_message(e)};
      bool lock_table = e.sqlstate() == "53200" && std::string(e.what()).find("shared memory") != std::string::npos;
      std::string message = "step " + std::to_string(s.id) + " (" + s.object + ") failed: " + server_message(e) +
                            "; rolled back, nothing was applied.";
      if (!lock_table) throw Error(message);
      tx.abort();
      throw Error(message + lock_table_advice(conn, plan));
    }
    ++ran;
  }
  if (!plan.transaction_fingerprint.empty()) check_fingerprint(tx, plan, plan.transaction_fingerprint, false);
  result.history_id = record_history(tx, plan, opt, ran);
  tx.commit();
  result.steps_run = ran;
}

/// The leading steps: the stale check in a transaction of its own, then each step committed by
/// itself. A failure stops before the transaction; what committed stays (an enum value nothing uses).
void run_leading(pqxx::connection& conn, const Plan& plan, const ApplyOptions& opt) {
  int leading = leading_steps(plan), total = static_cast<int>(plan.steps.size());
  if (leading == 0) return;
  {
    pqxx::work tx(conn);
    tx.exec("SET LOCAL lock_timeout = " + std::to_string(opt.lock_timeout_ms));
    check_source(tx, plan);
    tx.commit();
  }
  pqxx::nontransaction tx(conn);
  tx.exec("SET lock_timeout = " + std::to_string(opt.lock_timeout_ms));
  tx.exec("SET statement_timeout = " + std::to_string(opt.statement_timeout_ms));
  for (int i = 0; i < leading; ++i) {
    const Step& s = plan.steps[i];
    if (opt.on_step) opt.on_step(s, i + 1, total);
    try {
      tx.exec(s.sql);
    } catch (const std::exception& e) {
      throw Error("step " + std::to_string(s.id) + " (" + s.object + ") failed: " + server_message(e) + ". " +
                  (i ? "Steps 1 to " + std::to_string(i) + " (committed before the transaction) stay applied; " : "") +
                  "the transaction did not run. Run `reconcile plan` again.");
    }
  }
}

/// What to tell the user when step `s`, outside the transaction, did not finish: what ran, what
/// did not, and how to finish.
std::string outside_failure(const Step& s, const std::string& why, bool connection_lost) {
  std::string ran = s.id > 1 ? "Steps 1 to " + std::to_string(s.id - 1) + " are applied and committed; " : "";
  std::string state = connection_lost ? "the connection was lost while step " + std::to_string(s.id) +
                                            " ran: it may have finished, or left an index invalid; the steps after it did not run"
                                      : "step " + std::to_string(s.id) + " and the ones after it did not run";
  return "step " + std::to_string(s.id) + " (" + s.object + ") failed: " + why + ". " + ran + state +
         " (reconcile history shows this apply as partial). To finish, run `reconcile plan` and `reconcile apply` again: "
         "the new plan holds what is left (an index left invalid is dropped and built again).";
}

/// Counts step `s` as done in the history row (a step outside the transaction commits by itself).
void count_step(pqxx::nontransaction& tx, long history_id, bool last) {
  tx.exec_params("UPDATE reconcile.history SET steps = steps + 1, status = CASE WHEN $2 THEN 'applied' ELSE status END"
                 " WHERE id = $1",
                 history_id, last);
}

/// Steps that cannot run in a transaction, one by one after the commit. A failure, or a lost
/// connection, stops here and says what ran and how to finish; the history row counts each step
/// as it finishes.
void run_outside(pqxx::connection& conn, const std::string& conninfo, const Plan& plan, const ApplyOptions& opt,
                 ApplyResult& result) {
  pqxx::nontransaction tx(conn);
  tx.exec("SET lock_timeout = " + std::to_string(opt.lock_timeout_ms));
  tx.exec("SET statement_timeout = " + std::to_string(opt.statement_timeout_ms));
  int total = static_cast<int>(plan.steps.size());
  for (int i = leading_steps(plan); i < total; ++i) {
    const Step& s = plan.steps[i];
    if (s.transactional) continue;
    if (opt.on_step) opt.on_step(s, i + 1, total);
    for (int attempt = 1;; ++attempt) {
      try {
        tx.exec(s.sql);
        break;
      } catch (const pqxx::broken_connection& e) {
        throw Error(outside_failure(s, server_message(e), true));
      } catch (const pqxx::sql_error& e) {
        if (is_lock_timeout(e) && attempt <= opt.lock_retries) {
          spdlog::warn("step {} could not get its lock ({}); retrying", s.id, server_message(e));
          std::this_thread::sleep_for(std::chrono::milliseconds(opt.retry_backoff_ms << (attempt - 1)));
          continue;
        }
        std::string why = server_message(e);
        if (is_lock_timeout(e)) {
          std::string holders = lock_holders(conninfo, plan);
          if (!holders.empty()) why += " (locked by " + holders + ")";
        }
        throw Error(outside_failure(s, why, false));
      } catch (const std::exception& e) {  // the connection failing in any other way
        throw Error(outside_failure(s, server_message(e), !conn.is_open()));
      }
    }
    ++result.steps_run;
    try {
      count_step(tx, result.history_id, result.steps_run == total);
    } catch (const std::exception& e) {
      throw Error(outside_failure(i + 1 < total ? plan.steps[i + 1] : s, "its completion could not be recorded: " + server_message(e), true));
    }
  }
}

}  // namespace

ApplyResult apply_plan(const std::string& conninfo, const Plan& plan, const ApplyOptions& opt) {
  auto conn = connect(conninfo);
  take_lock(*conn, opt.lock_wait);
  ApplyResult result;
  bool led = false;  // the leading steps ran (they are not retried)
  for (int attempt = 1;; ++attempt) {
    try {
      if (!led) run_leading(*conn, plan, opt);
      led = true;
      run_transaction(*conn, plan, opt, result);
      break;
    } catch (const LockTimeout& e) {
      if (attempt > opt.lock_retries) {
        std::string holders = lock_holders(conninfo, plan);
        throw Error("could not get a lock for " + e.message + " after " + std::to_string(attempt) + " attempts" +
                    (holders.empty() ? "" : " (locked by " + holders + ")") +
                    "; rolled back, nothing was applied. Try again later or raise --lock-timeout.");
      }
      spdlog::warn("a lock was not granted within {} ms ({}); retrying the whole transaction (attempt {} of {})",
                   opt.lock_timeout_ms, e.message, attempt + 1, opt.lock_retries + 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(opt.retry_backoff_ms << (attempt - 1)));
    } catch (const pqxx::in_doubt_error& e) {
      throw Error("the connection was lost while the transaction committed: the plan may or may not have been "
                  "applied. Run `reconcile history` and `reconcile plan` to see which (" + server_message(e) + ")");
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {  // a lost connection, or anything else: the server rolls back
      throw Error("apply failed before its transaction committed (" + server_message(e) +
                  "); rolled back, nothing was applied");
    }
  }
  bool outside = std::any_of(plan.steps.begin() + leading_steps(plan), plan.steps.end(), [](const Step& s) { return !s.transactional; });
  if (!outside) return result;
  run_outside(*conn, conninfo, plan, opt, result);
  std::string live;
  try {
    pqxx::read_transaction tx(*conn);
    live = live_fingerprint(tx, plan);
  } catch (const std::exception& e) {
    throw Error("every step ran, but the final check could not read the schema (" + server_message(e) +
                "); run `reconcile plan` to confirm that nothing is left");
  }
  if (!plan.target_fingerprint.empty() && live != plan.target_fingerprint)
    throw Error("every step ran, but the schema does not match the plan's target (expected " + plan.target_fingerprint +
                ", got " + live + "); run `reconcile plan` to see what differs");
  return result;
}

std::vector<HistoryEntry> read_history(const std::string& conninfo) {
  auto conn = connect(conninfo);
  pqxx::read_transaction tx(*conn);
  std::vector<HistoryEntry> out;
  auto exists = tx.exec("SELECT to_regclass('reconcile.history') IS NOT NULL");
  if (!exists[0][0].as<bool>()) return out;
  // status and total_steps came later: a history written by an older version has neither.
  auto rows = tx.exec(
      "SELECT id, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), applied_by, plan_hash,"
      " source_fingerprint, target_fingerprint, steps, coalesce((to_jsonb(h) ->> 'total_steps')::int, 0),"
      " coalesce(to_jsonb(h) ->> 'status', 'applied') FROM reconcile.history h ORDER BY id DESC");
  for (const auto& r : rows)
    out.push_back(HistoryEntry{r[0].as<long>(), r[1].c_str(), r[2].c_str(), r[3].c_str(), r[4].c_str(),
                               r[5].c_str(), r[6].as<int>(), r[7].as<int>(), r[8].c_str()});
  return out;
}

AppliedState read_applied_state(const std::string& conninfo) {
  auto conn = connect(conninfo);
  pqxx::read_transaction tx(*conn);
  AppliedState out;
  auto exists = tx.exec("SELECT to_regclass('reconcile.history') IS NOT NULL");
  if (!exists[0][0].as<bool>()) return out;
  // protected_objects came with a later version: a history written before has no such column.
  auto has_objects = tx.exec("SELECT count(*) FROM pg_attribute WHERE attrelid = 'reconcile.history'::regclass"
                             " AND attname = 'protected_objects' AND NOT attisdropped");
  auto rows = tx.exec(std::string("SELECT array_to_string(managed_schemas, chr(31)), array_to_string(protected_tables, chr(31)), ") +
                      (has_objects[0][0].as<int>() ? "array_to_string(protected_objects, chr(31))" : "''") +
                      " FROM reconcile.history ORDER BY id DESC LIMIT 1");
  if (rows.empty()) return out;
  auto split = [](const std::string& s) {
    std::vector<std::string> v;
    size_t start = 0;
    if (s.empty()) return v;
    for (size_t p; (p = s.find('\x1f', start)) != std::string::npos; start = p + 1) v.push_back(s.substr(start, p - start));
    v.push_back(s.substr(start));
    return v;
  };
  out.managed_schemas = split(rows[0][0].c_str());
  out.protected_tables = split(rows[0][1].c_str());
  out.protected_objects = split(rows[0][2].c_str());
  return out;
}

}  // namespace reconcile
