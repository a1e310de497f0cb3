// Proving that a database may be used, and emptied, as a shadow (see shadow_guard.hpp).
#include "shadow_guard.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "../source/pg.hpp"
#include "reconcile/sql.hpp"

namespace reconcile {
namespace {

const std::string kGivenMarker = "reconcile shadow database: emptied before each use";
const std::string kTemporaryMarker = "reconcile temporary shadow database";

/// What a connection reaches, as the server says it: equal values are the same database, however
/// the connection string was spelt (host name or address, socket or TCP, URI or keywords).
struct Reached {
  std::string system_identifier;  ///< empty when the role may not read it
  std::string postmaster_start;
  std::string port;
  std::string database;
  bool operator==(const Reached&) const = default;
};

Reached reached_by(pqxx::transaction_base& tx) {
  auto row = tx.exec(R"SQL(
SELECT CASE WHEN has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
            THEN (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) END,
       pg_catalog.pg_postmaster_start_time()::text, pg_catalog.current_setting('port'),
       pg_catalog.current_database()::text)SQL")[0];
  return Reached{row[0].is_null() ? "" : row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str()};
}

std::string comment_of_current_database(pqxx::transaction_base& tx) {
  auto r = tx.exec("SELECT pg_catalog.shobj_description(oid, 'pg_database') FROM pg_catalog.pg_database "
                   "WHERE datname = pg_catalog.current_database()");
  return r.empty() || r[0][0].is_null() ? "" : r[0][0].c_str();
}

/// Up to five objects in the database that a new, empty database does not have.
std::vector<std::string> foreign_objects(pqxx::transaction_base& tx) {
  std::vector<std::string> out;
  for (const auto& row : tx.exec(R"SQL(
WITH public AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'public')
SELECT what FROM (
  SELECT 'schema ' || quote_ident(nspname) FROM pg_catalog.pg_namespace
   WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('information_schema', 'public')
  UNION ALL SELECT 'extension ' || quote_ident(extname) FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'
  UNION ALL SELECT 'relation ' || oid::regclass::text FROM pg_catalog.pg_class WHERE relnamespace IN (SELECT oid FROM public)
  UNION ALL SELECT 'function ' || oid::regprocedure::text FROM pg_catalog.pg_proc WHERE pronamespace IN (SELECT oid FROM public)
  UNION ALL SELECT 'type ' || oid::regtype::text FROM pg_catalog.pg_type WHERE typnamespace IN (SELECT oid FROM public)
) AS o(what) ORDER BY 1 LIMIT 5)SQL"))
    out.push_back(row[0].c_str());
  return out;
}

bool holds_history(pqxx::transaction_base& tx) {
  return !tx.exec("SELECT pg_catalog.to_regclass('reconcile.history')")[0][0].is_null();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string this_host() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "?";
  return name;
}

/// The pid and host a temporary shadow's comment names; pid 0 when it names none.
std::pair<long, std::string> maker_of(const std::string& comment) {
  auto pid_at = comment.find("; pid "), host_at = comment.find("; host ");
  if (comment.rfind(kTemporaryMarker, 0) != 0 || pid_at == std::string::npos || host_at == std::string::npos) return {0, ""};
  try {
    auto host_end = comment.find("; ", host_at + 7);  // "; for database ..." may follow
    return {std::stol(comment.substr(pid_at + 6)), comment.substr(host_at + 7, host_end == std::string::npos ? host_end : host_end - host_at - 7)};
  } catch (const std::exception&) {
    return {0, ""};
  }
}

}  // namespace

void claim_given_shadow(const std::string& shadow_conninfo, const std::string& target_conninfo) {
  std::string shown = redact_conninfo(shadow_conninfo);
  Reached target;
  {
    auto conn = connect(target_conninfo);
    pqxx::read_transaction tx(*conn);
    target = reached_by(tx);
  }
  auto conn = connect(shadow_conninfo);
  pqxx::work tx(*conn);
  tx.exec("SET LOCAL search_path = pg_catalog");  // names in messages come schema-qualified
  Reached shadow = reached_by(tx);
  // The system identifier only when both roles may read it: a role that may not must not make the
  // same server look like another.
  bool same_server = shadow.postmaster_start == target.postmaster_start && shadow.port == target.port &&
                     (shadow.system_identifier == target.system_identifier || shadow.system_identifier.empty() ||
                      target.system_identifier.empty());
  if (same_server && shadow.database == target.database)
    throw Error("the shadow database " + shown + " is the target database " + redact_conninfo(target_conninfo) +
                " (the same server and database): reconcile empties its shadow before each use, so it must be a "
                "separate database; nothing was touched");
  if (holds_history(tx))
    throw Error("the shadow database " + shown + " holds reconcile.history: it is the target of some reconcile project, "
                "and reconcile empties its shadow before each use; give a separate, empty database; nothing was touched");
  if (comment_of_current_database(tx) == kGivenMarker) return;
  auto objects = foreign_objects(tx);
  if (!objects.empty())
    throw Error("the shadow database " + shown + " is not empty and reconcile did not make it a shadow (it holds " +
                joined(objects) + "): reconcile empties its shadow before each use, so give an empty database made for "
                "it; nothing was touched");
  try {
    tx.exec("COMMENT ON DATABASE " + quote_ident(shadow.database) + " IS " + quote_literal(kGivenMarker));
    tx.commit();
  } catch (const pqxx::sql_error& e) {
    throw Error("cannot mark the shadow database " + shown + " as reconcile's (" + server_message(e) +
                "): COMMENT ON DATABASE needs the database's owner; nothing was touched");
  }
}

std::string temporary_shadow_comment(const std::string& target_database) {
  return kTemporaryMarker + "; pid " + std::to_string(getpid()) + "; host " + this_host() + "; for database " + target_database;
}

void collect_abandoned_shadows(const std::string& admin_conninfo) {
  try {
    auto conn = connect(admin_conninfo);
    pqxx::nontransaction tx(*conn);
    auto rows = tx.exec(R"SQL(
SELECT d.datname, coalesce(pg_catalog.shobj_description(d.oid, 'pg_database'), '')
  FROM pg_catalog.pg_database d
 WHERE d.datname LIKE 'reconcile\_shadow\_%'
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_stat_activity a WHERE a.datid = d.oid)
 ORDER BY 1)SQL");
    std::vector<std::string> unknown;
    std::string host = this_host();
    for (const auto& row : rows) {
      std::string db = row[0].c_str();
      auto [pid, made_on] = maker_of(row[1].c_str());
      bool gone = pid > 0 && made_on == host && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
      if (!gone) {
        if (pid == 0 || made_on != host) unknown.push_back(db);
        continue;
      }
      tx.exec("DROP DATABASE IF EXISTS " + quote_ident(db) + " WITH (FORCE)");
      spdlog::info("dropped shadow database {}, left by reconcile process {} that ended without dropping it", db, pid);
    }
    if (!unknown.empty())
      spdlog::warn("shadow database(s) that may have been left by a reconcile run that was killed: {} (made on another "
                   "host or by an older version; drop them with DROP DATABASE once no run uses them)", joined(unknown));
  } catch (const std::exception& e) {
    spdlog::warn("could not look for abandoned shadow databases: {}", e.what());
  }
}

}  // namespace reconcile
