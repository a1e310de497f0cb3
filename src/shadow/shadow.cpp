// The shadow database: canonicalizes the desired model and verifies plans by replaying them.
#include <libpq-fe.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <spdlog/spdlog.h>
#include <thread>

#include "../source/pg.hpp"
#include <filesystem>

#include "canonical_cache.hpp"
#include "shadow_guard.hpp"
#include "reconcile/table_codec.hpp"
#include "reconcile/sql.hpp"

namespace reconcile {
namespace {

const char* kMarker = "__reconcile_anon_";

// ---- temporary databases that must be dropped even on Ctrl-C ----------------------------------

std::atomic<bool> g_interrupted{false};
std::mutex g_live_mutex;
std::vector<std::pair<std::string, std::string>> g_live_dbs;  // (admin conninfo, dbname)
std::vector<std::pair<std::string, std::string>> g_undropped;  // shadows whose drop failed

void drop_database(const std::string& admin_conninfo, const std::string& db) {
  auto conn = connect(admin_conninfo);
  pqxx::nontransaction tx(*conn);
  tx.exec("DROP DATABASE IF EXISTS " + quote_ident(db) + " WITH (FORCE)");
}

/// Creates temporary shadow `db`, marked with who made it (so that a run killed before it could
/// drop it is cleaned up by a later one).
void create_temporary_database(const std::string& admin_conninfo, const std::string& db) {
  auto conn = connect(admin_conninfo);
  pqxx::nontransaction tx(*conn);
  std::string target = tx.exec("SELECT current_database()")[0][0].c_str();  // the admin connection reaches the target
  tx.exec("CREATE DATABASE " + quote_ident(db) + " TEMPLATE template0");
  tx.exec("COMMENT ON DATABASE " + quote_ident(db) + " IS " + quote_literal(temporary_shadow_comment(target)));
}

/// Drops the shadows an earlier drop could not (the server was unreachable); keeps those it still cannot.
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

/// The version of the server at `conninfo` (the canonical form of a declaration depends on it).
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

// ---- running SQL through libpq, with the server's error position ------------------------------

/// A libpq connection used to run generated SQL in one round trip and locate a failure in it.
class RawConnection {
 public:
  explicit RawConnection(const std::string& conninfo) : conn_(PQconnectdb(libpq_conninfo(conninfo).c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw Error("cannot connect to shadow database " + redact_conninfo(conninfo) + ": " + redact_secrets(msg));
    }
    run("SET search_path = public; SET client_min_messages = warning");
  }
  ~RawConnection() { PQfinish(conn_); }

  struct Failure {
    std::string message;
    size_t byte_offset = std::string::npos;
  };

  /// Runs `sql` (several statements). On failure returns the message and where in `sql` it was.
  std::optional<Failure> run(const std::string& sql) {
    PGresult* res = PQexec(conn_, sql.c_str());
    std::optional<Failure> out;
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
      Failure f;
      const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
      f.message = primary ? primary : PQerrorMessage(conn_);
      const char* pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
      if (pos) f.byte_offset = char_to_byte(sql, std::stoul(pos) - 1);
      out = f;
    }
    PQclear(res);
    return out;
  }

 private:
  static size_t char_to_byte(const std::string& s, size_t chars) {
    size_t i = 0;
    for (; i < s.size() && chars > 0; ++i)
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && i > 0) --chars;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    return i;
  }
  PGconn* conn_;
};

/// Steps joined into one script after a prelude, remembering where each begins.
struct Script {
  std::string sql;
  std::vector<size_t> starts;

  Script(const std::string& prelude, const std::vector<Step>& steps) : sql(prelude) {
    for (const auto& s : steps) {
      starts.push_back(sql.size());
      sql += s.sql + "\n";
    }
  }
  /// The step that contains byte `offset`, and the offset within it; nullopt for the prelude.
  std::optional<std::pair<size_t, size_t>> locate(size_t offset) const {
    if (offset == std::string::npos || starts.empty() || offset < starts[0]) return std::nullopt;
    size_t i = 0;
    while (i + 1 < starts.size() && starts[i + 1] <= offset) ++i;
    return std::make_pair(i, offset - starts[i]);
  }
};

/// The schema `public` as every new database has it: the starting point of a materialization.
Model empty_database() {
  Model base;
  base.schemas["public"] = Schema{"public", std::string("standard public schema"), {}};
  return base;
}

/// Schemas that the model's extensions live in but the model does not declare (an `extensions`
/// schema, say): created first, so that the extensions can be.
std::string extension_schemas_sql(const Model& m) {
  std::string out;
  for (const auto& [n, e] : m.extensions)
    if (!e.schema.empty() && e.schema != "public" && !m.schemas.count(e.schema))
      out += "CREATE SCHEMA IF NOT EXISTS " + quote_ident(e.schema) + ";\n";
  return out;
}

/// Gives every unnamed constraint and index a marker name, so it can be told apart after the round
/// trip through the server. Returns marker -> original.
void mark_unnamed(Model& m) {
  int n = 0;
  for (auto& [name, t] : m.tables) {
    for (auto& c : t.constraints)
      if (!c.named) { c.name = kMarker + std::to_string(++n); c.named = true; }
    for (auto& i : t.indexes)
      if (!i.named) { i.name = kMarker + std::to_string(++n); i.named = true; }
  }
}

/// Only declared schemas carry an opinion about their comment: the others are left out.
void keep_declared_schemas(Model& canonical, const Model& desired) {
  for (auto it = canonical.schemas.begin(); it != canonical.schemas.end();) {
    auto d = desired.schemas.find(it->first);
    if (d == desired.schemas.end()) it = canonical.schemas.erase(it);
    else { it->second.loc = d->second.loc; ++it; }
  }
}

/// After the round trip: marker names become unnamed again, and the source locations and hints of
/// the declarations (`marked`, as mark_unnamed left them) come back.
void restore_origins(Model& canonical, const Model& marked) {
  for (auto& [name, t] : canonical.tables) {
    const Table* mk = marked.find_table(name);
    if (!mk) continue;
    for (auto& c : t.constraints) {
      for (const auto& d : mk->constraints)
        if (d.name == c.name) c.loc = d.loc;
      if (c.name.rfind(kMarker, 0) == 0) { c.name.clear(); c.named = false; }
    }
    for (auto& ix : t.indexes) {
      for (const auto& d : mk->indexes)
        if (d.name == ix.name) ix.loc = d.loc;
      if (ix.name.rfind(kMarker, 0) == 0) { ix.name.clear(); ix.named = false; }
    }
  }
  canonical.adopt_hints(marked);
  keep_declared_schemas(canonical, marked);
}

std::set<std::string> scope_of(const Model& m) {
  auto s = m.managed_schemas();
  s.insert("public");
  return s;
}

}  // namespace

bool interrupted() { return g_interrupted; }

void install_shadow_signal_guard() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      int sig = 0;
      sigwait(&set, &sig);
      g_interrupted = true;
      std::vector<std::pair<std::string, std::string>> dbs;
      {
        std::lock_guard<std::mutex> lock(g_live_mutex);
        dbs = g_live_dbs;
      }
      for (const auto& [admin, db] : dbs) {
        try {
          drop_database(admin, db);
        } catch (...) {
        }
      }
      const char msg[] = "reconcile: interrupted; nothing was left behind\n";
      (void)!write(2, msg, sizeof msg - 1);
      _exit(sig == SIGINT ? 130 : 143);
    }).detach();
  });
}

Shadow::Shadow(const std::string& target_conninfo, const std::string& shadow_url)
    : target_conninfo_(target_conninfo), shadow_url_(shadow_url) {}

void Shadow::open() {
  if (!conninfo_.empty()) {
    if (dirty_) reset();
    return;
  }
  if (!shadow_url_.empty()) {
    claim_given_shadow(shadow_url_, target_conninfo_);  // throws, touching nothing, unless it is ours to empty
    conninfo_ = shadow_url_;
    reset();
    return;
  }
  drop_undropped();
  collect_abandoned_shadows(target_conninfo_);
  std::string db = "reconcile_shadow_" + random_suffix();
  try {
    register_live(target_conninfo_, db, true);
    create_temporary_database(target_conninfo_, db);
  } catch (const pqxx::sql_error& e) {
    try {
      drop_database(target_conninfo_, db);  // created, but its comment failed
    } catch (const std::exception&) {
    }
    register_live(target_conninfo_, db, false);
    throw Error("cannot create a temporary shadow database on the target server (" + server_message(e) +
                "); give one with --shadow-url or RECONCILE_SHADOW_URL");
  }
  created_db_ = db;
  conninfo_ = conninfo_with_dbname(target_conninfo_, db);
  spdlog::debug("created shadow database {}", db);
}

Shadow::~Shadow() {
  if (conninfo_.empty()) return;  // never used
  if (created_db_.empty()) {  // the user's shadow: leave it empty, as we found it
    try {
      if (dirty_) reset();
    } catch (const std::exception& e) {
      spdlog::warn("could not empty the shadow database: {}", e.what());
    }
    return;
  }
  try {
    drop_database(target_conninfo_, created_db_);
    spdlog::debug("dropped shadow database {}", created_db_);
  } catch (const std::exception& e) {
    // The server may be gone for a moment (a controller outlives that): the next shadow this
    // process makes drops it first.
    spdlog::warn("could not drop shadow database {} (dropped by the next run): {}", created_db_, e.what());
    std::lock_guard<std::mutex> lock(g_live_mutex);
    g_undropped.emplace_back(target_conninfo_, created_db_);
  }
  register_live(target_conninfo_, created_db_, false);
}

void Shadow::reset() {
  if (!created_db_.empty()) {  // ours: a new empty database is the cheapest reset at any size
    drop_database(target_conninfo_, created_db_);
    create_temporary_database(target_conninfo_, created_db_);
    return;
  }
  // A shadow the user gave: drop its contents, committing every 100 tables so that a large schema
  // never needs more locks than the server has (max_locks_per_transaction). The DO block is sent
  // alone: in a string of several statements it would run inside one implicit transaction, where
  // its COMMIT is refused.
  RawConnection raw(conninfo_);
  auto failure = raw.run(R"SQL(
DO $$ DECLARE r record; n int := 0; BEGIN
  FOR r IN SELECT c.oid::regclass AS t FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND s.nspname NOT LIKE 'pg\_%'
             AND s.nspname <> 'information_schema' LOOP
    EXECUTE format('DROP TABLE IF EXISTS %s CASCADE', r.t);
    n := n + 1;
    IF n % 100 = 0 THEN COMMIT; END IF;
  END LOOP;
  COMMIT;
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
    EXECUTE format('DROP EXTENSION %I CASCADE', r.extname);
  END LOOP;
  FOR r IN SELECT nspname FROM pg_namespace
           WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
  END LOOP;
END $$)SQL");
  if (!failure) failure = raw.run("CREATE SCHEMA public; COMMENT ON SCHEMA public IS 'standard public schema'");
  if (failure) throw Error("cannot reset the shadow database " + redact_conninfo(conninfo_) + ": " + failure->message);
}

namespace {

/// Steps per transaction when materializing a model: a large schema in one transaction needs more
/// locks than a server has by default (max_locks_per_transaction 64 x max_connections 100).
constexpr size_t kStepsPerTransaction = 200;
/// Tables per batch when materializing a model (see Shadow::materialize).
constexpr size_t kTablesPerBatch = 500;

struct ChunkFailure {
  const Step* step = nullptr;  ///< the failing step, when the server said where
  size_t offset = 0;           ///< byte offset within it
  std::string message;
};

/// Runs `steps` (after `prelude`) in transactions of kStepsPerTransaction steps each, in one round
/// trip per transaction. Returns where it failed, if it did (that transaction rolled back).
std::optional<ChunkFailure> run_in_chunks(RawConnection& raw, const std::string& prelude, const std::vector<Step>& steps) {
  for (size_t begin = 0; begin == 0 || begin < steps.size(); begin += kStepsPerTransaction) {
    std::vector<Step> chunk(steps.begin() + begin, steps.begin() + std::min(steps.size(), begin + kStepsPerTransaction));
    Script script(begin == 0 ? prelude : "", chunk);
    raw.run("BEGIN");
    if (auto failure = raw.run(script.sql)) {
      raw.run("ROLLBACK");
      ChunkFailure f;
      f.message = failure->message;
      if (auto at = script.locate(failure->byte_offset)) {
        f.step = &steps[begin + at->first];
        f.offset = at->second;
      } else {  // no position from the server: find the statement by running them one at a time
        raw.run("BEGIN");
        for (size_t i = 0; i < chunk.size() && !f.step; ++i)
          if (raw.run(chunk[i].sql)) f.step = &steps[begin + i];
        raw.run("ROLLBACK");
      }
      return f;
    }
    raw.run("COMMIT");
    if (steps.empty()) break;
  }
  return std::nullopt;
}

/// `t` without its foreign keys.
Table without_foreign_keys(Table t) {
  std::erase_if(t.constraints, [](const Constraint& c) { return c.kind == ConstraintKind::foreign_key; });
  return t;
}

/// Runs the steps from `from` to `to` on `raw`; a failure goes to `rejected` (which throws).
void run_diff(RawConnection& raw, const std::string& prelude, const Model& from, const Model& to,
              const std::function<void(const ChunkFailure&)>& rejected) {
  std::vector<Step> steps = plan_steps(diff(from, to));  // the failure points into them
  if (auto f = run_in_chunks(raw, prelude, steps)) rejected(*f);
}

/// Builds `model` in an empty shadow database: its schemas, enums and extensions first; then its
/// tables without their foreign keys, kTablesPerBatch at a time, each batch split over the two
/// connections (such tables never touch each other, and the server works on two cores); then the
/// foreign keys, on one connection (two could deadlock on the tables a key joins). One batch's
/// changes and steps are held at a time, not a copy of the whole schema. A failure goes to
/// `rejected`, which throws.
void build(RawConnection& raw, RawConnection& second, const Model& model,
           const std::function<void(const ChunkFailure&)>& rejected) {
  Model objects = model.with_tables({});
  run_diff(raw, extension_schemas_sql(model), empty_database(), objects, rejected);
  // A default that calls nextval() may name another table's sequence: such tables come after the
  // others, on one connection.
  auto uses_sequence = [](const Table& t) {
    return std::any_of(t.columns.begin(), t.columns.end(),
                       [](const Column& c) { return c.default_expr && c.default_expr->find("nextval(") != std::string::npos; });
  };
  for (auto begin = model.tables.begin(); begin != model.tables.end();) {
    Model halves[2] = {objects, objects};
    for (size_t n = 0; n < kTablesPerBatch && begin != model.tables.end(); ++begin)
      if (!uses_sequence(begin->second)) halves[n++ % 2].tables.emplace(begin->first, without_foreign_keys(begin->second));
    std::vector<Step> steps[2] = {plan_steps(diff(objects, halves[0])), plan_steps(diff(objects, halves[1]))};
    auto other = std::async(std::launch::async, [&] { return run_in_chunks(second, "", steps[1]); });
    auto failure = run_in_chunks(raw, "", steps[0]);
    auto other_failure = other.get();
    if (failure) rejected(*failure);
    if (other_failure) rejected(*other_failure);
  }
  Model later = objects;
  for (const auto& [name, t] : model.tables)
    if (uses_sequence(t)) later.tables.emplace(name, without_foreign_keys(t));
  if (!later.tables.empty()) run_diff(raw, "", objects, later, rejected);
  for (auto begin = model.tables.begin(); begin != model.tables.end();) {
    Model before = objects, after = objects;
    for (size_t n = 0; n < kTablesPerBatch && begin != model.tables.end(); ++n, ++begin) {
      before.tables.emplace(begin->first, without_foreign_keys(begin->second));
      after.tables.emplace(begin->first, begin->second);
    }
    run_diff(raw, "", before, after, rejected);
  }
}

}  // namespace

namespace {

/// This build of reconcile (size and time of the executable): a new build may canonicalize
/// differently, so it starts a new cache.
std::string build_identity() {
  std::error_code ec;
  auto size = std::filesystem::file_size("/proc/self/exe", ec);
  auto time = std::filesystem::last_write_time("/proc/self/exe", ec).time_since_epoch().count();
  return std::to_string(size) + "@" + std::to_string(time);
}

/// Source locations for a table that came from the cache: each constraint and index gets the one
/// its declaration has (by name; an unnamed constraint by kind and columns).
void locate_from(Table& t, const Table& declared) {
  std::vector<bool> used(declared.constraints.size(), false);
  for (auto& c : t.constraints)
    for (size_t i = 0; i < declared.constraints.size(); ++i) {
      const Constraint& d = declared.constraints[i];
      bool same = c.named ? d.named && d.name == c.name : !d.named && d.kind == c.kind && d.columns == c.columns;
      if (same && !used[i]) {
        c.loc = d.loc;
        used[i] = true;
        break;
      }
    }
  for (auto& ix : t.indexes)
    for (const auto& d : declared.indexes)
      if (ix.named && d.named && d.name == ix.name) ix.loc = d.loc;
}

/// The text of each enum by every spelling a column type can use for it ("schema.name", and "name"
/// for public ones).
std::map<std::string, std::string> enum_texts(const Model& desired) {
  std::map<std::string, std::string> out;
  for (const auto& [name, e] : desired.enums) {
    std::string text = "enum " + name.str() + "\n";
    for (const auto& v : e.values) text += v + "\n";
    out[name.str()] = text;
    if (name.schema == "public") out[name.name] = text;
  }
  return out;
}

/// The cache key of a table declaration: its signature, and what its canonical form also depends
/// on: the declarations of the tables its foreign keys point at and of the enums its columns use.
std::string declaration_key(const Table& t, const Model& desired, const std::map<std::string, std::string>& enums) {
  std::string text = table_signature(t);
  for (const auto& k : t.constraints)
    if (k.kind == ConstraintKind::foreign_key)
      if (const Table* r = desired.find_table(k.ref_table)) text += table_signature(*r);
  for (const auto& c : t.columns)
    if (auto it = enums.find(c.type.substr(0, c.type.find('['))); it != enums.end()) text += it->second;
  return sha256_hex(text);
}

/// What `materialize` must build: the `declared` tables (those not taken from the cache) and, for
/// their foreign keys, the tables those point at that came from the cache (`cached`, canonical
/// already), without their own foreign keys.
Model to_materialize(Model declared, const Model& cached) {
  std::set<QName> targets;
  for (const auto& [name, t] : declared.tables)
    for (const auto& k : t.constraints)
      if (k.kind == ConstraintKind::foreign_key && !declared.tables.count(k.ref_table)) targets.insert(k.ref_table);
  for (const auto& name : targets)
    if (const Table* r = cached.find_table(name)) declared.tables[name] = without_foreign_keys(*r);
  return declared;
}

}  // namespace

Model Shadow::canonicalize(Model desired) {
  std::string context = "reconcile canonical 1|" + server_version_of(shadow_url_.empty() ? target_conninfo_ : shadow_url_) +
                        "|" + build_identity() + "|";
  for (const auto& [name, e] : desired.extensions) context += name + "@" + e.schema + ",";
  CanonicalCache cache(context);
  std::string objects_key = sha256_hex(encode_objects(desired));
  std::map<QName, std::string> keys;
  auto enums = enum_texts(desired);
  for (const auto& [name, d] : desired.tables) keys[name] = declaration_key(d, desired, enums);
  // A table whose declaration was canonicalized before comes from the cache, and its declaration
  // is released at once (a large schema holds two models at a time, not three): only the rest is
  // materialized. So are the schemas, enums and extensions, all together.
  Model canonical;
  size_t total = desired.tables.size();
  for (auto it = desired.tables.begin(); it != desired.tables.end();) {
    auto t = decode_table(cache.get(keys[it->first]));
    if (!t || t->name != it->first) {
      ++it;
      continue;
    }
    locate_from(*t, it->second);
    adopt_hints(*t, it->second);
    canonical.tables.emplace(it->first, std::move(*t));
    it = desired.tables.erase(it);
  }
  spdlog::debug("canonicalizing {} of {} table(s) in the shadow ({} from the cache)", desired.tables.size(), total,
                canonical.tables.size());
  std::optional<Model> objects = decode_objects(cache.get(objects_key));
  if (objects && desired.tables.empty()) {
    keep_declared_schemas(*objects, desired);
    objects->adopt_hints(desired);
  } else {
    objects = materialize(std::move(desired), canonical);
    for (auto& [name, t] : objects->tables) {
      cache.put(keys[name], encode_table(t));
      canonical.tables.emplace(name, std::move(t));
    }
    objects->tables.clear();
    cache.put(objects_key, encode_objects(*objects));
  }
  canonical.schemas = std::move(objects->schemas);
  canonical.enums = std::move(objects->enums);
  canonical.extensions = std::move(objects->extensions);
  cache.save();
  return canonical;
}

Model Shadow::materialize(Model desired, const Model& cached) {
  open();
  RawConnection raw(conninfo_);
  std::set<std::string> scope = scope_of(desired);
  std::set<QName> declared;
  for (const auto& [name, t] : desired.tables) declared.insert(name);
  Model marked = to_materialize(std::move(desired), cached);
  mark_unnamed(marked);
  dirty_ = true;
  RawConnection second(conninfo_);
  build(raw, second, marked, [](const ChunkFailure& f) {
    SourceLoc loc = f.step ? f.step->origin_at(f.offset) : SourceLoc{};
    std::string where = f.step ? f.step->object : std::string("the desired schema");
    throw Error(loc, where + ": the server rejected it: " + f.message);
  });
  Model canonical = inspect_database(conninfo_, InspectScope{scope, {}});
  // Tables built only for their keys (their foreign keys left out) come from the cache.
  std::erase_if(canonical.tables, [&](const auto& entry) { return !declared.count(entry.first); });
  restore_origins(canonical, marked);
  return canonical;
}

Shadow::Replay Shadow::replay(const Model& live, const std::vector<Step>& steps, const std::set<std::string>& schemas) {
  open();
  dirty_ = true;
  spdlog::debug("replay: copying {} table(s) of the live schema", live.tables.size());
  RawConnection raw(conninfo_);
  {
    RawConnection second(conninfo_);
    build(raw, second, live, [](const ChunkFailure& f) {
      throw Error("cannot copy the live schema into the shadow database: " + f.message);
    });
  }
  spdlog::debug("replay: copied");
  // As apply runs them: the non-transactional steps before the first transactional one, each
  // committed; then the transaction; then the rest.
  std::vector<Step> leading, in_tx, outside;
  for (const auto& s : steps)
    (s.transactional ? in_tx : in_tx.empty() ? leading : outside).push_back(s);
  if (in_tx.empty()) std::swap(leading, outside);
  auto fail = [&](const Step* s, size_t offset, const std::string& message) {
    std::string where;
    if (s) {
      SourceLoc loc = s->origin_at(offset);
      where = " at step " + std::to_string(s->id) + " (" + s->object + ")" + (loc.known() ? " from " + loc.str() : "");
    }
    throw Error("verification failed: the plan does not apply to a copy of the live schema" + where + ": " + message);
  };
  for (const auto& s : leading)
    if (auto failure = raw.run(s.sql)) fail(&s, failure->byte_offset, failure->message);
  Script script("", in_tx);
  raw.run("BEGIN");
  if (auto failure = raw.run(script.sql)) {
    raw.run("ROLLBACK");
    auto at = script.locate(failure->byte_offset);
    fail(at ? &in_tx[at->first] : nullptr, at ? at->second : 0, failure->message);
  }
  raw.run("COMMIT");
  spdlog::debug("replay: ran the plan");
  Replay out;
  InspectScope scope{schemas, {}, false};
  if (!outside.empty()) out.after_transaction = inspect_database(conninfo_, scope);
  for (const auto& s : outside)
    if (auto failure = raw.run(s.sql)) fail(&s, failure->byte_offset, failure->message);
  out.result = inspect_database(conninfo_, scope);
  if (outside.empty()) out.after_transaction = out.result;
  return out;
}

}  // namespace reconcile
