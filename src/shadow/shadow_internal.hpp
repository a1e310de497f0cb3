// Shadow internals shared by its parts: temporary databases, the raw libpq connection with error
// positions, the chunked build of a model, and the keys of the canonicalization cache.
#pragma once
#include <libpq-fe.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reconcile/model.hpp"
#include "reconcile/plan.hpp"

namespace reconcile::shadow {

// ---- temporary databases (temporary_databases.cpp) ----------------------------------------------

void drop_database(const std::string& admin_conninfo, const std::string& db);
/// Creates temporary shadow `db`, marked with who made it (so that a run killed before it could
/// drop it is cleaned up by a later one).
void create_temporary_database(const std::string& admin_conninfo, const std::string& db);
/// Drops the shadows an earlier drop could not (the server was unreachable); keeps those it still cannot.
void drop_undropped();
/// Remembers a shadow whose drop failed, for drop_undropped.
void remember_undropped(const std::string& admin_conninfo, const std::string& db);
/// Adds (or removes) a live temporary shadow: the one drop_live_shadows drops on a signal.
void register_live(const std::string& admin_conninfo, const std::string& db, bool add);
std::string random_suffix();
/// The version of the server at `conninfo` (the canonical form of a declaration depends on it).
std::string server_version_of(const std::string& conninfo);

// ---- running SQL through libpq, with the server's error position (raw_connection.cpp) ------------

/// A libpq connection used to run generated SQL in one round trip and locate a failure in it.
class RawConnection {
 public:
  /// Throws Error (the password redacted) when the server cannot be reached.
  explicit RawConnection(const std::string& conninfo);
  ~RawConnection() { PQfinish(conn_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  struct Failure {
    std::string message;
    size_t byte_offset = std::string::npos;
  };

  /// Runs `sql` (several statements). On failure returns the message and where in `sql` it was.
  std::optional<Failure> run(const std::string& sql);

 private:
  PGconn* conn_;
};

/// Steps joined into one script after a prelude, remembering where each begins.
struct Script {
  std::string sql;
  std::vector<size_t> starts;

  Script(const std::string& prelude, const std::vector<Step>& steps);
  /// The step that contains byte `offset`, and the offset within it; nullopt for the prelude.
  std::optional<std::pair<size_t, size_t>> locate(size_t offset) const;
};

struct ChunkFailure {
  const Step* step = nullptr;  ///< the failing step, when the server said where
  size_t offset = 0;           ///< byte offset within it
  std::string message;
};

/// Runs `steps` (after `prelude`) in transactions of a few hundred steps each, in one round trip
/// per transaction. Returns where it failed, if it did (that transaction rolled back).
std::optional<ChunkFailure> run_in_chunks(RawConnection& raw, const std::string& prelude, const std::vector<Step>& steps);

// ---- building a model in an empty database (build.cpp) ------------------------------------------

/// `t` without its foreign keys and policies: the parts that may name other tables.
Table without_references(Table t);
/// Builds `model` in an empty shadow database over two connections, with its privileges when
/// `grants`; a failure goes to `rejected`, which throws.
void build(RawConnection& raw, RawConnection& second, const Model& model, bool grants,
           const std::function<void(const ChunkFailure&)>& rejected);

// ---- the canonicalization cache's keys (cache_keys.cpp) -----------------------------------------

/// This build of reconcile (size and time of the executable): a new build may canonicalize
/// differently, so it starts a new cache.
std::string build_identity();
/// Source locations for a table that came from the cache, from its declaration.
void locate_from(Table& t, const Table& declared);
/// The text of each enum by every spelling a column type can use for it.
std::map<std::string, std::string> enum_texts(const Model& desired);
/// The declared sequences' names, hashed: what a table whose default may call one depends on.
std::string sequences_text(const Model& desired);
/// The cache key of a table declaration.
std::string declaration_key(const Table& t, const std::map<QName, std::string>& signatures,
                            const std::map<std::string, std::string>& enums, const std::string& sequences);
/// What `materialize` must build: the declared tables and the cached targets of their foreign keys.
Model to_materialize(Model declared, const Model& cached);

}  // namespace reconcile::shadow
