// reconcile.toml: strict reading (unknown keys are errors), ${ENV} expansion, durations.
#include "config.hpp"

#include <cstdlib>
#include <filesystem>
#include <toml++/toml.h>

#include "reconcile/error.hpp"
#include "reconcile/lint.hpp"

namespace reconcile::cli {
namespace fs = std::filesystem;

namespace {

SourceLoc loc_of(const std::string& path, const toml::node& n, const std::string& key) {
  return SourceLoc{path, static_cast<int>(n.source().begin.line), static_cast<int>(n.source().begin.column), key};
}

/// `${NAME}` / `${NAME:-default}` replaced from the environment; an unset NAME without a default is an error.
std::string expand_env(const std::string& text, const SourceLoc& loc) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "${") != 0) {
      out += text[i];
      continue;
    }
    size_t end = text.find('}', i);
    // The value is not repeated: it may hold a password.
    if (end == std::string::npos) throw Error(loc, "unterminated ${ (expected ${NAME} or ${NAME:-default})");
    std::string ref = text.substr(i + 2, end - i - 2);
    std::string name = ref.substr(0, ref.find(":-"));
    const char* value = std::getenv(name.c_str());
    if (value && *value) out += value;
    else if (ref.find(":-") != std::string::npos) out += ref.substr(ref.find(":-") + 2);
    else throw Error(loc, "environment variable " + name + " is not set");
    i = end;
  }
  return out;
}

struct Reader {
  std::string path;
  fs::path base;  ///< the file's directory, for relative paths

  std::string string(const toml::node& n, const std::string& key) const {
    if (!n.is_string()) throw Error(loc_of(path, n, key), "expected a string");
    return expand_env(n.as_string()->get(), loc_of(path, n, key));
  }
  std::string dir(const toml::node& n, const std::string& key) const {
    fs::path p = string(n, key);
    return p.is_absolute() || base.empty() ? p.string() : (base / p).lexically_normal().string();
  }
  std::vector<std::string> strings(const toml::node& n, const std::string& key) const {
    if (!n.is_array()) throw Error(loc_of(path, n, key), "expected an array of strings");
    std::vector<std::string> out;
    for (const auto& el : *n.as_array()) out.push_back(string(el, key));
    return out;
  }
  /// The optional kinds to manage: "grants" is the one there is.
  std::vector<std::string> manage(const toml::node& n, const std::string& key) const {
    auto kinds = strings(n, key);
    for (const auto& k : kinds)
      if (k != "grants") throw Error(loc_of(path, n, key), "unknown kind \"" + k + "\" to manage (expected \"grants\")");
    return kinds;
  }
  long duration_ms(const toml::node& n, const std::string& key) const {
    if (n.is_integer()) {
      int64_t ms = n.as_integer()->get();
      if (ms < 0 || ms > kMaxDurationMs)
        throw Error(loc_of(path, n, key), "expected milliseconds from 0 to " + std::to_string(kMaxDurationMs) +
                                              " (about 24 days), not " + std::to_string(ms));
      return static_cast<long>(ms);
    }
    if (!n.is_string()) throw Error(loc_of(path, n, key), "expected milliseconds or a duration such as \"5s\"");
    try {
      return parse_duration_ms(string(n, key), key);
    } catch (const Error& e) {
      throw Error(loc_of(path, n, key), e.what());
    }
  }
  const toml::table& table(const toml::node& n, const std::string& key) const {
    if (!n.is_table()) throw Error(loc_of(path, n, key), "expected a table");
    return *n.as_table();
  }
  [[noreturn]] void unknown(const toml::node& n, const std::string& key, const std::string& known) const {
    throw Error(loc_of(path, n, key), "unknown key (known: " + known + ")");
  }

  void lint(const toml::table& t, Config& c) const {
    for (auto&& [k, v] : t) {
      std::string key = "lint." + std::string(k.str());
      if (k.str() != "disable") unknown(v, key, "disable");
      for (const auto& rule : strings(v, key)) {
        if (!lint_rules().count(rule)) {
          std::string known;
          for (const auto& r : lint_rules()) known += (known.empty() ? "" : ", ") + r;
          throw Error(loc_of(path, v, key), "unknown lint rule \"" + rule + "\" (known: " + known + ")");
        }
        c.lint_disable.insert(rule);
      }
    }
  }

  /// [generate.sqlalchemy] and [generate.typescript]: where `reconcile generate` writes (out).
  void generate(const toml::table& t, Config& c) const {
    for (auto&& [k, v] : t) {
      std::string target(k.str()), key = "generate." + target;
      if (target != "sqlalchemy" && target != "typescript") unknown(v, key, "[generate.sqlalchemy], [generate.typescript]");
      for (auto&& [k2, v2] : table(v, key)) {
        std::string sub = key + "." + std::string(k2.str());
        if (k2.str() == "out") c.generate_out[target] = dir(v2, sub);
        else unknown(v2, sub, "out");
      }
    }
  }

  void controller(const toml::table& t, Config& c) const {
    for (auto&& [k, v] : t) {
      std::string key = "controller." + std::string(k.str());
      if (k.str() == "interval") {
        c.interval_s = v.is_integer() ? v.as_integer()->get() : duration_ms(v, key) / 1000;
        if (*c.interval_s < 1 || *c.interval_s > kMaxDurationMs / 1000)
          throw Error(loc_of(path, v, key), "expected seconds from 1 to " + std::to_string(kMaxDurationMs / 1000));
      }
      else if (k.str() == "policy") c.policy = string(v, key);
      else if (k.str() == "listen") c.listen = string(v, key);
      else unknown(v, key, "interval, policy, listen");
    }
  }

  Config read(const toml::table& doc) const {
    Config c;
    c.path = path;
    for (auto&& [k, v] : doc) {
      std::string key(k.str());
      if (key == "schema_dir") c.schema_dir = dir(v, key);
      else if (key == "plan_dir") c.plan_dir = dir(v, key);
      else if (key == "database") c.database = string(v, key);
      else if (key == "shadow_url") c.shadow_url = string(v, key);
      else if (key == "exclude") c.exclude = strings(v, key);
      else if (key == "manage") c.manage = manage(v, key);
      else if (key == "lock_timeout") c.lock_timeout_ms = duration_ms(v, key);
      else if (key == "statement_timeout") c.statement_timeout_ms = duration_ms(v, key);
      else if (key == "lint") lint(table(v, key), c);
      else if (key == "controller") controller(table(v, key), c);
      else if (key == "generate") generate(table(v, key), c);
      else
        unknown(v, key,
                "schema_dir, plan_dir, database, shadow_url, exclude, manage, lock_timeout, statement_timeout, [lint], [controller], [generate]");
    }
    return c;
  }
};

}  // namespace

long parse_duration_ms(const std::string& text, const std::string& what) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  long factor = unit.empty() || unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "min" ? 60000 : unit == "h" ? 3600000 : 0;
  if (digits == 0 || factor == 0)
    throw Error(what + ": invalid duration \"" + text + "\" (expected milliseconds, or a number with ms, s, min or h)");
  if (digits > 10 || std::stol(text.substr(0, digits)) > kMaxDurationMs / factor)
    throw Error(what + ": duration \"" + text + "\" is too long (PostgreSQL's timeouts end at " +
                std::to_string(kMaxDurationMs) + " ms, about 24 days)");
  return std::stol(text.substr(0, digits)) * factor;
}

Config load_config(const std::string& path, bool required) {
  if (!fs::exists(path)) {
    if (required) throw Error("configuration file " + path + " does not exist");
    return Config{};
  }
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw Error(SourceLoc{path, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column), ""},
                "invalid TOML: " + std::string(e.description()));
  }
  return Reader{path, fs::path(path).parent_path()}.read(doc);
}

std::string starter_config() {
  return R"(# reconcile.toml: settings for the reconcile commands run in this directory.
# Every key is also a flag of the same name (--schema-dir, --plan-dir, --database, ...); a flag
# overrides the file, the file overrides the defaults. "${NAME}" (or "${NAME:-default}") is replaced
# by the environment variable NAME. Relative paths are relative to this file.

# The desired-state TOML files.
schema_dir = "schemas"
# Where `reconcile plan` writes plan files.
plan_dir = "plans"

# The target database: any libpq URI or key=value string. Keep passwords out of this file: use the
# environment (DATABASE_URL, PGPASSWORD, ~/.pgpass).
# database = "${DATABASE_URL}"

# The shadow database used to canonicalize and verify plans (default: a temporary database that
# reconcile creates on the target server and always drops).
# shadow_url = "${RECONCILE_SHADOW_URL}"

# Tables that reconcile must never touch, as "schema.table", "schema.*" or "*.table".
# exclude = ["public.spatial_ref_sys", "audit.*"]
# manage = ["grants"]   # also give and revoke privileges to match the files (roles differ between environments)

# apply: how long a step may wait for a lock, and how long a statement may run ("0" = no limit).
lock_timeout = "5s"
statement_timeout = "0"

[lint]
# Rules to skip: fk-without-index, fk-without-on-delete, table-without-primary-key,
# timestamp-without-time-zone, security-definer-without-search-path, plan-hazard.
disable = []

[controller]
# reconcile controller: seconds between runs, what it may apply (observe | safe | all), and where it
# serves /healthz and /metrics.
interval = "60s"
policy = "observe"
listen = "127.0.0.1:9187"
)";
}

}  // namespace reconcile::cli
