// Temporary shadow databases: created next to the target, registered while they live, dropped at
// the end, by a later run when the server was away, or by drop_live_shadows on a signal.
#include <unistd.h>

#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <spdlog/spdlog.h>

#include "../source/pg.hpp"
#include "reconcile/db.hpp"
#include "reconcile/sql.hpp"
#include "shadow_guard.hpp"
#include "shadow_internal.hpp"

namespace reconcile {
namespace {

std::mutex g_live_mutex;
std::vector<std::pair<std::string, std::string>> g_live_dbs;   // (admin conninfo, dbname)
std::vector<std::pair<std::string, std::string>> g_undropped;  // shadows whose drop failed

}  // namespace

namespace shadow {


void drop_database(const std::string& admin_conninfo, const std::string& db) {
  auto conn = connect(admin_conninfo);
  pqxx::nontransaction tx(*conn);
  tx.exec("DROP DATABASE IF EXISTS " + quote_ident(db) + " WITH (FORCE)");
}

void create_temporary_database(const std::string& admin_conninfo, const std::string& db) {
  auto conn = connect(admin_conninfo);
  pqxx::nontransaction tx(*conn);
  std::string target = tx.exec("SELECT current_database()")[0][0].c_str();  // the admin connection reaches the target
  tx.exec("CREATE DATABASE " + quote_ident(db) + " TEMPLATE template0");
  tx.exec("COMMENT ON DATABASE " + quote_ident(db) + " IS " + quote_literal(temporary_shadow_comment(target)));
}

void drop_undropped() {
  std::vector<std::pair<std::string, std::string>> pending;
  {
    std::lock_guard<std::mutex> lock(g_live_mutex);
    pending.swap(g_undropped);
  }
  for (const auto& [admin, db] : pending) {
    try {
      drop_database(admin, db);
      spdlog::info("dropped shadow database {} left by an earlier run", db);
    } catch (const std::exception&) {
      std::lock_guard<std::mutex> lock(g_live_mutex);
      g_undropped.emplace_back(admin, db);
    }
  }
}

void register_live(const std::string& admin, const std::string& db, bool add) {
  std::lock_guard<std::mutex> lock(g_live_mutex);
  if (add) g_live_dbs.emplace_back(admin, db);
  else std::erase(g_live_dbs, std::make_pair(admin, db));
}

std::string random_suffix() {
  std::random_device rd;
  std::mt19937_64 gen(rd() ^ static_cast<unsigned long>(getpid()));
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 12; ++i) out += hex[gen() % 16];
  return out;
}

void remember_undropped(const std::string& admin, const std::string& db) {
  std::lock_guard<std::mutex> lock(g_live_mutex);
  g_undropped.emplace_back(admin, db);
}

std::string server_version_of(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(libpq_conninfo(conninfo).c_str());
  std::string version;
  if (PQstatus(conn) == CONNECTION_OK)
    if (const char* v = PQparameterStatus(conn, "server_version")) version = v;
  std::string message = PQerrorMessage(conn);
  PQfinish(conn);
  if (version.empty()) throw Error("cannot connect to " + redact_conninfo(conninfo) + ": " + redact_secrets(message));
  return version;
}

}  // namespace shadow

void drop_live_shadows() {
  std::vector<std::pair<std::string, std::string>> dbs;
  {
    std::lock_guard<std::mutex> lock(g_live_mutex);
    dbs = g_live_dbs;
  }
  for (const auto& [admin, db] : dbs) {
    try {
      shadow::drop_database(admin, db);
    } catch (...) {
    }
  }
}

}  // namespace reconcile
