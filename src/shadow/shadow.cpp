// The shadow database: canonicalizes the desired model and verifies plans by replaying them. Its
// parts: temporary_databases.cpp (lifecycle), raw_connection.cpp (running SQL with error
// positions), build.cpp (a model built in batches), cache_keys.cpp (the canonicalization cache).
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "../source/pg.hpp"
#include "canonical_cache.hpp"
#include "reconcile/db.hpp"
#include "reconcile/sql.hpp"
#include "reconcile/table_codec.hpp"
#include "shadow_guard.hpp"
#include "shadow_internal.hpp"

namespace reconcile {
using namespace shadow;
namespace {

const char* kMarker = "__reconcile_anon_";

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

Shadow::Shadow(const std::string& target_conninfo, const std::string& shadow_url)
    : target_conninfo_(target_conninfo), shadow_url_(shadow_url) {}

void Shadow::open() {
  settle();
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
  settle();
  close_now();
}

void Shadow::settle() {
  if (pending_.valid()) pending_.get();
}

void Shadow::release() {
  settle();
  pending_ = std::async(std::launch::async, [this] { close_now(); });
}

void Shadow::close_now() {
  if (conninfo_.empty()) return;  // never used
  if (created_db_.empty()) {  // the user's shadow: leave it empty, as we found it
    try {
      if (dirty_) reset();
    } catch (const std::exception& e) {
      spdlog::warn("could not empty the shadow database: {}", e.what());
    }
    conninfo_.clear();
    dirty_ = false;
    return;
  }
  try {
    drop_database(target_conninfo_, created_db_);
    spdlog::debug("dropped shadow database {}", created_db_);
  } catch (const std::exception& e) {
    // The server may be gone for a moment (a controller outlives that): the next shadow this
    // process makes drops it first.
    spdlog::warn("could not drop shadow database {} (dropped by the next run): {}", created_db_, e.what());
    remember_undropped(target_conninfo_, created_db_);
  }
  register_live(target_conninfo_, created_db_, false);
  conninfo_.clear();
  created_db_.clear();
  dirty_ = false;
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

Model Shadow::canonicalize(Model desired) {
  std::string context = "reconcile canonical 1|" + server_version_of(shadow_url_.empty() ? target_conninfo_ : shadow_url_) +
                        "|" + build_identity() + "|";
  for (const auto& [name, e] : desired.extensions) context += name + "@" + e.schema + ",";
  CanonicalCache cache(context);
  std::string objects_key = sha256_hex(encode_objects(desired));
  std::map<QName, std::string> keys;
  auto enums = enum_texts(desired);
  std::map<QName, std::string> signatures;  // each once: a table's key also holds those its foreign keys point at
  for (const auto& [name, d] : desired.tables) signatures.emplace(name, table_signature(d));
  std::string sequences = sequences_text(desired);
  for (const auto& [name, d] : desired.tables) keys[name] = declaration_key(d, signatures, enums, sequences);
  signatures.clear();
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
  canonical.domains = std::move(objects->domains);
  canonical.types = std::move(objects->types);
  canonical.extensions = std::move(objects->extensions);
  canonical.sequences = std::move(objects->sequences);
  canonical.views = std::move(objects->views);
  canonical.functions = std::move(objects->functions);
  canonical.materialized_views = std::move(objects->materialized_views);
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
  add_reference_stubs(marked, scope);  // a foreign key into a schema the files do not manage
  mark_unnamed(marked);
  dirty_ = true;
  RawConnection second(conninfo_);
  build(raw, second, marked, has_grants(marked), [](const ChunkFailure& f) {
    SourceLoc loc = f.step ? f.step->origin_at(f.offset) : SourceLoc{};
    std::string where = f.step ? f.step->object : std::string("the desired schema");
    throw Error(loc, where + ": the server rejected it: " + f.message);
  });
  Model canonical = inspect_database(conninfo_, InspectScope{scope, {}});
  // Tables built only for their keys (their foreign keys left out) come from the cache.
  std::erase_if(canonical.tables, [&](const auto& entry) { return !declared.count(entry.first); });
  // A sequence owned by a table taken from the cache was built without its owner: it keeps the
  // one declared (names, which the server does not respell).
  for (auto& [name, s] : canonical.sequences)
    if (auto d = marked.sequences.find(name); d != marked.sequences.end() && d->second.owned_by &&
                                              !marked.tables.count(d->second.owned_by->table))
      s.owned_by = d->second.owned_by;
  restore_origins(canonical, marked);
  return canonical;
}

Shadow::Replay Shadow::replay(const Model& live, const std::vector<Step>& steps, const std::set<std::string>& schemas, bool grants) {
  open();
  dirty_ = true;
  spdlog::debug("replay: copying {} table(s) of the live schema", live.tables.size());
  RawConnection raw(conninfo_);
  {
    RawConnection second(conninfo_);
    build(raw, second, live, grants, [](const ChunkFailure& f) {
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
  InspectScope scope{schemas, {}, false, grants};
  if (!outside.empty()) out.after_transaction = inspect_database(conninfo_, scope);
  for (const auto& s : outside)
    if (auto failure = raw.run(s.sql)) fail(&s, failure->byte_offset, failure->message);
  out.result = inspect_database(conninfo_, scope);
  if (outside.empty()) out.after_transaction = out.result;
  return out;
}

}  // namespace reconcile
