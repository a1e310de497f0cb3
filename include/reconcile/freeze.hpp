// Freeze: a reviewed plan becomes versioned migration files (plain SQL, golang-migrate, Flyway or an
// Alembic revision), and a checksum file guards every frozen file against edits by hand.
#pragma once
#include <string>
#include <vector>

#include "reconcile/plan.hpp"

namespace reconcile {

enum class MigrationFormat { sql, golang_migrate, flyway, alembic };

/// "sql", "golang-migrate", "flyway" or "alembic"; throws Error naming the valid formats.
MigrationFormat parse_migration_format(const std::string& name);
/// Where a format's files go by default: "migrations", or "alembic/versions" for Alembic.
std::string default_migration_dir(MigrationFormat format);

struct FreezeRequest {
  Plan plan;
  std::string plan_path;  ///< named in the files' headers
  MigrationFormat format = MigrationFormat::sql;
  std::string dir;          ///< the migration directory (read for existing versions / revisions)
  std::string message;      ///< -m; empty: made from the plan's steps
  std::string utc_now;      ///< RFC 3339 UTC, e.g. 2026-11-23T20:30:00Z (versions and dates come from it)
  std::string revision_id;  ///< Alembic: the new revision's id (fresh, e.g. 12 random hex digits)
};

struct FrozenFile {
  std::string name;  ///< file name inside the migration directory
  std::string text;
};

struct FreezeResult {
  std::vector<FrozenFile> files;
  std::vector<std::string> warnings;  ///< e.g. the plan does not start where the last frozen plan ended
};

/// The files that freeze the plan into `request.dir`; reads the directory, writes nothing. Throws
/// Error when the plan has no steps, when it was frozen there before, when a file that the
/// directory's reconcile.sum records was edited or removed, or (Alembic) when the existing revisions
/// have no single head. A file added since the last freeze (a hand-written Alembic revision) is
/// warned about and recorded.
FreezeResult freeze_plan(const FreezeRequest& request);

/// Writes the frozen files into `dir` and records every file of `dir` in its reconcile.sum.
void write_frozen(const std::string& dir, const std::vector<FrozenFile>& files);

/// The name of the checksum file in a migration directory.
inline const char* kSumFile = "reconcile.sum";

/// One way a migration directory differs from its reconcile.sum.
struct SumProblem {
  std::string file;  ///< path of the file concerned
  std::string what;  ///< "edited after it was frozen", "added by hand", "removed by hand", ...
};

/// Compares the files of `dir` with its reconcile.sum (every regular, non-hidden file other than
/// reconcile.sum itself is covered). Empty when they match. Throws Error when `dir` or its
/// reconcile.sum does not exist or the sum file is malformed.
std::vector<SumProblem> validate_migrations(const std::string& dir);

/// The files reconcile.sum covers: the names of the regular, non-hidden files of `dir` other than
/// reconcile.sum, sorted (none when `dir` does not exist).
std::vector<std::string> migration_files(const std::string& dir);

/// The text of reconcile.sum for the files of `dir` as they are now.
std::string migration_sum(const std::string& dir);

/// Python source for a string literal holding `text` exactly ("""...""" with \\, control characters and
/// every " that could close it escaped).
std::string python_string(const std::string& text);

}  // namespace reconcile
