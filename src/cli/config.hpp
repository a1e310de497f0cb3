// reconcile.toml: the settings a project keeps next to its schemas, each also a flag of the same name.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace reconcile::cli {

/// What reconcile.toml says; unset keys stay empty. Relative paths are resolved against the file's
/// directory; `${NAME}` and `${NAME:-default}` in strings are replaced from the environment.
struct Config {
  std::string path;  ///< the file read ("" when there was none)
  std::optional<std::string> schema_dir, plan_dir, database, shadow_url;
  std::optional<std::vector<std::string>> exclude;
  std::optional<std::vector<std::string>> manage;  ///< optional kinds to manage: "grants"
  std::optional<long> lock_timeout_ms, statement_timeout_ms;
  std::set<std::string> lint_disable;
  std::map<std::string, std::string> generate_out;  ///< [generate.<target>] out: "sqlalchemy", "typescript"
  // [controller]
  std::optional<long> interval_s;
  std::optional<std::string> policy, listen;
};

/// Reads `path`. A missing file gives an empty Config unless `required` (the user named it with
/// --config). Unknown keys, wrong types, unset environment variables and bad durations are Errors
/// with file:line:col and the key.
Config load_config(const std::string& path, bool required);

/// A duration in milliseconds: "5000" (ms), "250ms", "5s", "2min", "1h". Throws Error naming `what`.
long parse_duration_ms(const std::string& text, const std::string& what);
/// The longest timeout PostgreSQL takes (lock_timeout, statement_timeout are int milliseconds).
constexpr long kMaxDurationMs = 2147483647;

/// The commented starter reconcile.toml that `reconcile init` writes.
std::string starter_config();

}  // namespace reconcile::cli
