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
    "  reconcile_version text NOT NULL)";

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

void record_history(pqxx::work& tx, const Plan& plan, const ApplyOptions& opt, int steps) {
  tx.exec(kHistoryDdl);
  tx.exec_params(
      "INSERT INTO reconcile.history (plan_hash, source_fingerprint, target_fingerprint, managed_schemas,"
      " protected_tables, steps, reconcile_version)"
      " VALUES ($1, $2, $3, string_to_array($4, chr(31)), string_to_array($5, chr(31)), $6, $7)",
      opt.plan_hash, plan.source_fingerprint, plan.target_fingerprint, join_schemas(plan.managed_schemas),
      join_schemas(plan.protected_tables), steps, plan.reconcile_version);
}


/// A step could not get its lock within lock_timeout: the whole attempt may be retried.
struct LockTimeout {
  std::string message;
};

bool is_lock_timeout(const pqxx::sql_error& e) { return e.sqlstate() == "55P03"; }

/// One attempt at the transactional part: all of it commits, or none of it.
void run_transaction(pqxx::connection& conn, const Plan& plan, const ApplyOptions& opt, ApplyResult& result) {
  pqxx::work tx(conn);
  tx.exec("SET LOCAL lock_timeout = " + std::to_string(opt.lock_timeout_ms));
  tx.exec("SET LOCAL statement_timeout = " + std::to_string(opt.statement_timeout_ms));
  check_fingerprint(tx, plan, plan.source_fingerprint, true);
  int total = static_cast<int>(plan.steps.size()), ran = 0;
  for (int i = 0; i < total; ++i) {
    const Step& s = plan.steps[i];
    if (!s.transactional) continue;
    if (opt.on_step) opt.on_step(s, i + 1, total);
    try {
      tx.exec(s.sql);
    } catch (const pqxx::sql_error& e) {
      if (is_lock_timeout(e)) throw LockTimeout{"step " + std::to_string(s.id) + " (" + s.object + "): " + server_message(e)};
      throw Error("step " + std::to_string(s.id) + " (" + s.object + ") failed: " + server_message(e) +
                  "; rolled back, nothing was applied");
    }
    ++ran;
  }
  if (!plan.transaction_fingerprint.empty()) check_fingerprint(tx, plan, plan.transaction_fingerprint, false);
  record_history(tx, plan, opt, ran);
  tx.commit();
  result.steps_run = ran;
}

/// Steps that cannot run in a transaction, one by one after the commit. A failure stops here and
/// says what ran and how to finish.
void run_outside(pqxx::connection& conn, const Plan& plan, const ApplyOptions& opt, ApplyResult& result) {
  pqxx::nontransaction tx(conn);
  tx.exec("SET lock_timeout = " + std::to_string(opt.lock_timeout_ms));
  tx.exec("SET statement_timeout = " + std::to_string(opt.statement_timeout_ms));
  int total = static_cast<int>(plan.steps.size());
  for (int i = 0; i < total; ++i) {
    const Step& s = plan.steps[i];
    if (s.transactional) continue;
    if (opt.on_step) opt.on_step(s, i + 1, total);
    for (int attempt = 1;; ++attempt) {
      try {
        tx.exec(s.sql);
        break;
      } catch (const pqxx::sql_error& e) {
        if (is_lock_timeout(e) && attempt <= opt.lock_retries) {
          spdlog::warn("step {} could not get its lock ({}); retrying", s.id, server_message(e));
          std::this_thread::sleep_for(std::chrono::milliseconds(opt.retry_backoff_ms << (attempt - 1)));
          continue;
        }
        throw Error("step " + std::to_string(s.id) + " (" + s.object + ") failed: " + server_message(e) + ". Steps 1 to " +
                    std::to_string(s.id - 1) + " are applied and committed; step " + std::to_string(s.id) +
                    " and the ones after it did not run. To finish, run `reconcile plan` and `reconcile apply` again: "
                    "the new plan holds what is left (an index this step left invalid is dropped and built again).");
      }
    }
    ++result.steps_run;
  }
}

}  // namespace

ApplyResult apply_plan(const std::string& conninfo, const Plan& plan, const ApplyOptions& opt) {
  auto conn = connect(conninfo);
  take_lock(*conn, opt.lock_wait);
  ApplyResult result;
  for (int attempt = 1;; ++attempt) {
    try {
      run_transaction(*conn, plan, opt, result);
      break;
    } catch (const LockTimeout& e) {
      if (attempt > opt.lock_retries)
        throw Error("could not get a lock for " + e.message + " after " + std::to_string(attempt) +
                    " attempts; rolled back, nothing was applied. Try again later or raise --lock-timeout.");
      spdlog::warn("a lock was not granted within {} ms ({}); retrying the whole transaction (attempt {} of {})",
                   opt.lock_timeout_ms, e.message, attempt + 1, opt.lock_retries + 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(opt.retry_backoff_ms << (attempt - 1)));
    }
  }
  bool outside = std::any_of(plan.steps.begin(), plan.steps.end(), [](const Step& s) { return !s.transactional; });
  if (!outside) return result;
  run_outside(*conn, plan, opt, result);
  pqxx::read_transaction tx(*conn);
  std::string live = live_fingerprint(tx, plan);
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
  auto rows = tx.exec(
      "SELECT id, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), applied_by, plan_hash,"
      " source_fingerprint, target_fingerprint, steps FROM reconcile.history ORDER BY id DESC");
  for (const auto& r : rows)
    out.push_back(HistoryEntry{r[0].as<long>(), r[1].c_str(), r[2].c_str(), r[3].c_str(), r[4].c_str(),
                               r[5].c_str(), r[6].as<int>()});
  return out;
}

AppliedState read_applied_state(const std::string& conninfo) {
  auto conn = connect(conninfo);
  pqxx::read_transaction tx(*conn);
  AppliedState out;
  auto exists = tx.exec("SELECT to_regclass('reconcile.history') IS NOT NULL");
  if (!exists[0][0].as<bool>()) return out;
  auto rows = tx.exec(
      "SELECT array_to_string(managed_schemas, chr(31)), array_to_string(protected_tables, chr(31))"
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
  return out;
}

}  // namespace reconcile
