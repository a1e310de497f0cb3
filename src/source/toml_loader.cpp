// TOML desired state (format 1) -> model. Strict: every error names file:line:col and key path.
#include <algorithm>
#include <functional>
#include <map>
#include <filesystem>
#include <fstream>
#include <future>
#include <malloc.h>
#include <sstream>
#include <toml++/toml.h>

#include "reconcile/object_ref.hpp"
#include "reconcile/sql.hpp"
#include "reconcile/toml_keys.hpp"
#include "reconcile/toml_source.hpp"

namespace reconcile {
namespace {

namespace fs = std::filesystem;

SourceLoc loc_of(const toml::source_region& src, const std::string& path) {
  SourceLoc loc;
  loc.file = src.path ? SharedText(src.path) : SharedText("<input>");
  loc.line = static_cast<int>(src.begin.line);
  loc.column = static_cast<int>(src.begin.column);
  loc.path = path;
  return loc;
}

/// PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1) and silently drops the rest.
constexpr size_t kMaxNameBytes = 63;

/// Refuses text PostgreSQL cannot store as written: a NUL byte ends a C string on the server.
void check_no_nul(const std::string& text, const SourceLoc& loc) {
  if (text.find('\0') != std::string::npos) throw Error(loc, "contains a NUL byte, which PostgreSQL cannot store");
}

/// Refuses a name PostgreSQL would not keep as written: empty, or longer than 63 bytes (the server
/// would cut it, and the cut name would match another object, or none).
void check_name(const std::string& name, const SourceLoc& loc, const std::string& what) {
  check_no_nul(name, loc);
  if (name.empty()) throw Error(loc, what + " name must not be empty");
  for (unsigned char c : name)  // a terminal would act on them when the name is shown
    if (c < 0x20 || c == 0x7f) throw Error(loc, what + " name contains a control character (byte " + std::to_string(c) + ")");
  if (name.size() > kMaxNameBytes)
    throw Error(loc, what + " name \"" + name + "\" is " + std::to_string(name.size()) +
                         " bytes long; PostgreSQL keeps only the first " + std::to_string(kMaxNameBytes) +
                         " bytes of a name and would silently cut it");
}

/// A `name` or `schema.name` reference, each part checked as a name.
QName read_qname(const std::string& text, const SourceLoc& loc, const std::string& what) {
  QName q;
  check_no_nul(text, loc);
  try {
    q = parse_qname(text);
  } catch (const Error& e) {
    throw Error(loc, e.what());
  }
  check_name(q.schema, loc, "schema");
  check_name(q.name, loc, what);
  return q;
}

/// Refuses an SQL fragment that could end the statement it is pasted into, or hide its rest.
void check_fragment(const std::string& text, const SourceLoc& loc) {
  if (auto problem = fragment_problem(text))
    throw Error(loc, "not a single SQL expression: " + *problem + " (write one expression, type or key; reconcile writes the statement)");
}

/// A TOML table being read: remembers which keys were consumed so that leftovers are errors.
class Fields {
 public:
  /// Checks at once that every key of `table` is one of `section`'s (the format's table of keys).
  Fields(const toml::table& table, std::string path, const Section& section) : table_(table), path_(std::move(path)), section_(&section) {
    for (auto&& [k, v] : table_)
      if (!section.find(k.str())) unknown(k, section.names());
  }
  /// Checks at once that every key of `table` is one of `allowed` (keys that the file itself names:
  /// an enum's values).
  Fields(const toml::table& table, std::string path, const std::set<std::string>& allowed) : table_(table), path_(std::move(path)) {
    for (auto&& [k, v] : table_)
      if (!allowed.count(std::string(k.str()))) unknown(k, allowed);
  }

  /// The section of the format that sub-key `key` holds (its columns, its foreign keys, ...).
  const Section& sub_section(const std::string& key) const {
    const KeySpec* spec = section_ ? section_->find(key) : nullptr;
    if (!spec || !spec->section) throw std::logic_error("the table of keys has no section under " + key);
    return *spec->section;
  }
  /// The values that key `key` allows, from the table of keys.
  const std::vector<std::string>& allowed(const std::string& key) const {
    const KeySpec* spec = section_ ? section_->find(key) : nullptr;
    if (!spec || spec->allowed.empty()) throw std::logic_error("the table of keys lists no values for " + key);
    return spec->allowed;
  }

  const std::string& path() const { return path_; }
  SourceLoc loc() const { return loc_of(table_.source(), path_); }
  std::string sub(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  const toml::node* get(const std::string& key) const { return table_.get(key); }
  SourceLoc loc(const std::string& key) const {
    const toml::node* n = table_.get(key);
    return n ? loc_of(n->source(), sub(key)) : loc();
  }

  std::optional<std::string> string(const std::string& key) {
    expect(key, {KeyType::string, KeyType::sql});
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) throw Error(loc(key), "expected a string, found " + type_name(*n));
    check_no_nul(n->as_string()->get(), loc(key));
    return n->as_string()->get();
  }
  /// A string that is an SQL fragment (expression, type, key): checked by check_fragment.
  std::optional<std::string> fragment(const std::string& key) {
    expect(key, {KeyType::sql});
    auto v = string(key);
    if (v) check_fragment(*v, loc(key));
    return v;
  }
  /// A string that names an object: at most 63 bytes.
  std::optional<std::string> name(const std::string& key, const std::string& what) {
    auto v = string(key);
    if (v) check_name(*v, loc(key), what);
    return v;
  }
  std::optional<bool> boolean(const std::string& key) {
    expect(key, {KeyType::boolean});
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) throw Error(loc(key), "expected true or false, found " + type_name(*n));
    return n->as_boolean()->get();
  }
  std::optional<std::vector<std::string>> strings(const std::string& key) {
    expect(key, {KeyType::strings, KeyType::strings_or_table});
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    return string_array(*n, sub(key));
  }

  /// The allowed key within edit distance 2 of `key`, or "".
  static std::string closest(const std::string& key, const std::set<std::string>& allowed) {
    std::string best;
    size_t best_d = 3;
    for (const auto& a : allowed) {
      std::vector<size_t> row(a.size() + 1);
      for (size_t j = 0; j <= a.size(); ++j) row[j] = j;
      for (size_t i = 1; i <= key.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= a.size(); ++j) {
          size_t up = row[j];
          row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (key[i - 1] == a[j - 1] ? 0 : 1)});
          diag = up;
        }
      }
      if (row[a.size()] < best_d) { best_d = row[a.size()]; best = a; }
    }
    return best;
  }

  static std::string type_name(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::table: return "a table";
      case toml::node_type::array: return "an array";
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a float";
      case toml::node_type::boolean: return "a boolean";
      default: return "a date/time";
    }
  }

  static std::vector<std::string> string_array(const toml::node& n, const std::string& path) {
    if (!n.is_array()) throw Error(loc_of(n.source(), path), "expected an array of strings, found " + type_name(n));
    std::vector<std::string> out;
    size_t i = 0;
    for (const auto& el : *n.as_array()) {
      std::string p = path + "[" + std::to_string(i++) + "]";
      if (!el.is_string()) throw Error(loc_of(el.source(), p), "expected a string, found " + type_name(el));
      check_no_nul(el.as_string()->get(), loc_of(el.source(), p));
      out.push_back(el.as_string()->get());
    }
    return out;
  }

 private:
  const toml::table& table_;
  std::string path_;
  const Section* section_ = nullptr;

  [[noreturn]] void unknown(const toml::key& k, const std::set<std::string>& allowed) const {
    std::string key(k.str());
    check_no_nul(key, loc_of(k.source(), path_));
    std::string msg = "unknown key \"" + key + "\"";
    if (auto near = closest(key, allowed); !near.empty()) msg += " (did you mean \"" + near + "\"?)";
    throw Error(loc_of(k.source(), sub(key)), msg);
  }

  /// The table of keys and the loader agree on what `key` holds: a key read as one type and
  /// described to editors as another is a bug, found by any test that loads such a section.
  void expect(const std::string& key, std::initializer_list<KeyType> types) const {
    const KeySpec* spec = section_ ? section_->find(key) : nullptr;
    if (spec && std::find(types.begin(), types.end(), spec->type) == types.end())
      throw std::logic_error("the loader reads " + section_->name + "." + key + " as another type than the table of keys says");
  }
};

const toml::table& expect_table(const toml::node& n, const std::string& path) {
  if (!n.is_table()) throw Error(loc_of(n.source(), path), "expected a table, found " + Fields::type_name(n));
  return *n.as_table();
}

/// Visits each table of an array of tables (`[[x]]` or inline `x = [{...}]`).
/// A name fit to appear in a message as it is (the loader refuses the others, with their location).
bool printable_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

template <class F>
void each_table(const toml::node* n, const std::string& path, const Section& allowed, F&& f) {
  if (!n) return;
  if (!n->is_array()) throw Error(loc_of(n->source(), path), "expected an array of tables, found " + Fields::type_name(*n));
  size_t i = 0;
  for (const auto& el : *n->as_array()) {
    std::string p = path + "[" + std::to_string(i++) + "]";
    // An element with a name says it: tables.t.columns[1] (created_at).default
    if (const toml::table* t = el.as_table())
      if (const toml::node* name = t->get("name"); name && name->is_string() && printable_name(name->as_string()->get()))
        p += " (" + name->as_string()->get() + ")";
    Fields fields(expect_table(el, p), p, allowed);
    f(fields);
  }
}

/// Visits each table of the array under `key` of `parent`, with the keys the table of keys gives it.
template <class F>
void each_table(Fields& parent, const std::string& key, F&& f) {
  each_table(parent.get(key), parent.sub(key), parent.sub_section(key), f);
}

/// Key `key`'s value among those the table of keys allows (any case), or `fallback` when not written.
std::string one_of(Fields& f, const std::string& key, const std::string& fallback) {
  const std::vector<std::string>& allowed = f.allowed(key);
  auto v = f.string(key);
  if (!v) return fallback;
  std::string lower = *v;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (std::find(allowed.begin(), allowed.end(), lower) != allowed.end()) return lower;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
  throw Error(f.loc(key), key + " must be one of " + list + ", not \"" + *v + "\"");
}

std::string require_string(Fields& f, const std::string& key) {
  auto v = f.string(key);
  if (!v) throw Error(f.loc(), "missing required key \"" + key + "\"");
  if (v->empty()) throw Error(f.loc(key), "\"" + key + "\" must not be empty");
  return *v;
}

std::string require_fragment(Fields& f, const std::string& key) {
  std::string v = require_string(f, key);
  check_fragment(v, f.loc(key));
  return v;
}

std::vector<std::string> require_strings(Fields& f, const std::string& key) {
  auto v = f.strings(key);
  if (!v) throw Error(f.loc(), "missing required key \"" + key + "\"");
  if (v->empty()) throw Error(f.loc(key), "\"" + key + "\" must not be empty");
  return *v;
}

FkAction fk_action(Fields& f, const std::string& key) {
  auto v = f.string(key);
  if (!v) return FkAction::no_action;
  auto action = parse_fk_action(*v);
  if (!action)
    throw Error(f.loc(key), "unknown action \"" + *v + "\" (expected no action, restrict, cascade, set null or set default)");
  return *action;
}

/// `identity_options = { start = 100, increment = 10, minvalue = 1, maxvalue = 1000, cache = 20, cycle = true }`
std::map<std::string, std::string> identity_options(const toml::node& n, const std::string& path) {
  if (!n.is_table()) throw Error(loc_of(n.source(), path), "expected a table, e.g. { start = 100, increment = 10 }");
  std::map<std::string, std::string> out;
  for (auto&& [k, v] : *n.as_table()) {
    std::string name(k.str());
    SourceLoc at = loc_of(v.source(), path + "." + name);
    if (name == "cycle") {
      if (!v.is_boolean()) throw Error(at, "cycle must be true or false");
      out[name] = *v.value<bool>() ? "true" : "false";
    } else if (name == "start" || name == "increment" || name == "minvalue" || name == "maxvalue" || name == "cache") {
      if (!v.is_integer()) throw Error(at, name + " must be an integer");
      out[name] = std::to_string(*v.value<int64_t>());
    } else {
      throw Error(at, "unknown identity option \"" + name + "\" (start, increment, minvalue, maxvalue, cache, cycle)");
    }
  }
  return out;
}

Column read_column(Fields& f) {
  Column c;
  c.loc = f.loc();
  c.name = require_string(f, "name");
  check_name(c.name, f.loc("name"), "column");
  // An inherited column (its table declares it only for a default or NOT NULL of its own) may
  // leave its type to the parent.
  c.inherited = f.boolean("inherited").value_or(false);
  c.type = c.inherited ? f.fragment("type").value_or("") : require_fragment(f, "type");
  if (auto v = f.boolean("nullable")) c.nullable = *v;
  c.default_expr = f.fragment("default");
  if (auto v = f.string("identity")) {
    auto identity = parse_identity(*v);
    if (!identity || *identity == Identity::none)
      throw Error(f.loc("identity"), "identity must be \"always\" or \"by default\", not \"" + *v + "\"");
    c.identity = *identity;
  }
  if (const toml::node* o = f.get("identity_options")) {
    if (c.identity == Identity::none) throw Error(f.loc("identity_options"), "identity_options needs identity = \"always\" or \"by default\"");
    c.identity_options = identity_options(*o, f.sub("identity_options"));
  }
  c.generated = f.fragment("generated");
  c.collation = f.string("collation");
  c.comment = f.string("comment");
  c.renamed_from = f.name("renamed_from", "column");
  c.using_expr = f.fragment("using");
  c.backfill = f.fragment("backfill");
  for (const char* k : {"type", "default", "generated", "collation", "name", "using", "backfill", "renamed_from"})
    if (f.get(k)) {  // only keys written, and only their position: a large schema has many columns
      SourceLoc at = f.loc(k);
      c.key_locs.push_back({k, at.line, at.column});
    }
  bool identity = c.identity != Identity::none;
  if (c.default_expr && identity) throw Error(f.loc("default"), "a column cannot have both a default and an identity");
  if (c.generated && (c.default_expr || identity))
    throw Error(f.loc("generated"), "a generated column cannot have a default or an identity");
  if (identity) c.nullable = false;
  return c;
}

/// The options a constraint entry may carry (which ones, its kind's key set decides): deferrable,
/// initially_deferred, not_valid, no_inherit, match, nulls_not_distinct, comment.
void read_constraint_options(Fields& f, Constraint& c) {
  c.deferrable = f.boolean("deferrable").value_or(false);
  c.initially_deferred = f.boolean("initially_deferred").value_or(false);
  if (c.initially_deferred && !c.deferrable)
    throw Error(f.loc("initially_deferred"), "initially_deferred needs deferrable = true");
  c.not_valid = f.boolean("not_valid").value_or(false);
  c.no_inherit = f.boolean("no_inherit").value_or(false);
  c.nulls_not_distinct = f.boolean("nulls_not_distinct").value_or(false);
  if (f.get("match")) c.match_full = one_of(f, "match", "simple") == "full";
  c.comment = f.string("comment");
  if (c.comment && !c.named) throw Error(f.loc("comment"), "a constraint with a comment needs a name");
}

Constraint read_primary_key(const toml::node& n, const std::string& path, const Section& keys) {
  Constraint pk;
  pk.kind = ConstraintKind::primary_key;
  pk.loc = loc_of(n.source(), path);
  pk.named = false;
  if (n.is_array()) {
    pk.columns = Fields::string_array(n, path);
  } else if (n.is_table()) {
    Fields f(*n.as_table(), path, keys);
    if (auto name = f.name("name", "constraint")) { pk.name = *name; pk.named = true; }
    pk.columns = require_strings(f, "columns");
    read_constraint_options(f, pk);
  } else {
    throw Error(pk.loc, "expected an array of column names or { name, columns, ... }");
  }
  if (pk.columns.empty()) throw Error(pk.loc, "a primary key needs at least one column");
  return pk;
}

Constraint read_foreign_key(Fields& f) {
  Constraint fk;
  fk.kind = ConstraintKind::foreign_key;
  fk.loc = f.loc();
  if (auto name = f.name("name", "constraint")) fk.name = *name; else fk.named = false;
  fk.columns = require_strings(f, "columns");
  const toml::node* ref = f.get("references");
  if (!ref) throw Error(f.loc(), "missing required key \"references\"");
  Fields r(expect_table(*ref, f.sub("references")), f.sub("references"), f.sub_section("references"));
  fk.ref_table = read_qname(require_string(r, "table"), r.loc("table"), "table");
  if (auto cols = r.strings("columns")) fk.ref_columns = *cols;
  fk.on_delete_given = f.get("on_delete") != nullptr;
  fk.on_delete = fk_action(f, "on_delete");
  fk.on_update = fk_action(f, "on_update");
  read_constraint_options(f, fk);
  return fk;
}

/// `with = { fillfactor = 70, deduplicate_items = false }`: "name=value" strings, sorted, as the
/// server stores them in reloptions (the shadow spells them canonically).
std::vector<std::string> storage_parameters(const toml::node& n, const std::string& path) {
  if (!n.is_table()) throw Error(loc_of(n.source(), path), "expected a table of storage parameters, e.g. { fillfactor = 70 }");
  std::vector<std::string> out;
  for (auto&& [k, v] : *n.as_table()) {
    std::string name(k.str()), value;
    SourceLoc at = loc_of(v.source(), path + "." + name);
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
      throw Error(at, "storage parameter \"" + name + "\" is not a plain name");
    if (auto i = v.value<int64_t>(); v.is_integer()) value = std::to_string(*i);
    else if (v.is_floating_point()) value = std::to_string(*v.value<double>());
    else if (v.is_boolean()) value = *v.value<bool>() ? "true" : "false";
    else if (v.is_string()) value = *v.value<std::string>();
    else throw Error(at, "expected a number, boolean or string");
    check_no_nul(value, at);
    out.push_back(name + "=" + value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// An index method (btree, gist, ...) at `key`, lower-cased, or `fallback` when the key is absent.
std::string index_method(Fields& f, const std::string& key, const std::string& fallback) {
  auto m = f.string(key);
  if (!m) return fallback;
  std::string method = *m;
  std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
  if (method.empty() || method.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
    throw Error(f.loc(key), "index method \"" + *m + "\" is not a plain name (btree, hash, gist, gin, brin, ...)");
  return method;
}

Index read_index(Fields& f) {
  Index ix;
  ix.loc = f.loc();
  if (auto name = f.name("name", "index")) ix.name = *name; else ix.named = false;
  ix.keys = require_strings(f, "columns");
  for (const auto& k : ix.keys) check_fragment(k, f.loc("columns"));
  ix.unique = f.boolean("unique").value_or(false);
  ix.method = index_method(f, "method", ix.method);
  ix.where = f.fragment("where").value_or("");
  ix.include = f.strings("include").value_or(std::vector<std::string>{});
  ix.nulls_not_distinct = f.boolean("nulls_not_distinct").value_or(false);
  if (ix.nulls_not_distinct && !ix.unique) throw Error(f.loc("nulls_not_distinct"), "nulls_not_distinct needs unique = true");
  if (const toml::node* with = f.get("with")) ix.with = storage_parameters(*with, f.sub("with"));
  ix.comment = f.string("comment");
  if (ix.comment && !ix.named) throw Error(f.loc("comment"), "an index with a comment needs a name");
  return ix;
}

/// One of `allowed`, or an error at the key listing them.

Trigger read_trigger(Fields& f) {
  Trigger g;
  g.loc = f.loc();
  auto name = f.name("name", "trigger");
  if (!name) throw Error(f.loc(), "missing required key \"name\"");
  g.name = *name;
  g.timing = one_of(f, "timing", "");
  if (g.timing.empty()) throw Error(f.loc(), "missing required key \"timing\" (before, after or instead of)");
  g.events = require_strings(f, "events");
  for (auto& e : g.events) {
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
    if (e != "insert" && e != "update" && e != "delete" && e != "truncate")
      throw Error(f.loc("events"), "a trigger event is \"insert\", \"update\", \"delete\" or \"truncate\", not \"" + e + "\"");
  }
  g.update_of = f.strings("update_of").value_or(std::vector<std::string>{});
  if (!g.update_of.empty() && std::find(g.events.begin(), g.events.end(), "update") == g.events.end())
    throw Error(f.loc("update_of"), "update_of needs the \"update\" event");
  g.for_each = one_of(f, "for_each", "statement");
  g.when = f.fragment("when").value_or("");
  g.execute = require_fragment(f, "execute");
  if (g.execute.find('(') == std::string::npos || g.execute.back() != ')')
    throw Error(f.loc("execute"), "execute is a function call, e.g. \"touch_updated_at()\"");
  g.comment = f.string("comment");
  return g;
}

/// A constraint entry's kind, location and name (left to the server when the entry has none).
Constraint constraint_entry(Fields& f, ConstraintKind kind) {
  Constraint c;
  c.kind = kind;
  c.loc = f.loc();
  if (auto name = f.name("name", "constraint")) c.name = *name; else c.named = false;
  return c;
}

/// A check of a table or a domain: { name, expression, not_valid, ... }.
Constraint read_check(Fields& cf) {
  Constraint c = constraint_entry(cf, ConstraintKind::check);
  c.expression = require_fragment(cf, "expression");
  read_constraint_options(cf, c);
  return c;
}

const std::vector<std::string> kTablePrivileges = {"select", "insert", "update", "delete", "truncate", "references", "trigger"};
const std::vector<std::string> kSchemaPrivileges = {"usage", "create"};

/// `grants = [{ role, privileges, columns, with_grant_option }]` of an object whose privileges are
/// `allowed` ("all" stands for all of them); `columns` only where `columns_ok` (a table's). In
/// canonical form (canonical_grants).
std::vector<Grant> read_grants(Fields& f, const std::vector<std::string>& allowed, bool columns_ok) {
  std::set<PrivilegeAtom> atoms;
  each_table(f, "grants", [&](Fields& gf) {
    Grant g;
    g.role = require_string(gf, "role");
    check_name(g.role, gf.loc("role"), "role");
    if (g.role == "PUBLIC") g.role = "public";
    for (auto p : require_strings(gf, "privileges")) {
      std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
      if (p == "all" || p == "all privileges") {
        g.privileges.insert(g.privileges.end(), allowed.begin(), allowed.end());
      } else if (std::find(allowed.begin(), allowed.end(), p) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += a + ", ";
        throw Error(gf.loc("privileges"), "privilege \"" + p + "\" does not apply here (it takes " + list + "or all)");
      } else {
        g.privileges.push_back(p);
      }
    }
    g.columns = gf.strings("columns").value_or(std::vector<std::string>{});
    if (!g.columns.empty() && !columns_ok) throw Error(gf.loc("columns"), "column grants are for tables and views");
    for (const auto& p : g.privileges)
      if (!g.columns.empty() && p != "select" && p != "insert" && p != "update" && p != "references")
        throw Error(gf.loc("privileges"), "privilege \"" + p + "\" is not granted on columns (select, insert, update, references are)");
    g.with_grant_option = gf.boolean("with_grant_option").value_or(false);
    auto mine = privilege_atoms({g});
    atoms.insert(mine.begin(), mine.end());
  });
  return canonical_grants(atoms);
}

/// `default_privileges = [{ on = "tables", for_role, grants = [...] }]` of a schema, in canonical form.
std::vector<DefaultPrivileges> read_default_privileges(Fields& f) {
  static const std::map<std::string, std::vector<std::string>> kinds = {
      {"tables", kTablePrivileges}, {"sequences", {"usage", "select", "update"}}, {"functions", {"execute"}}, {"types", {"usage"}}};
  std::vector<DefaultPrivileges> out;
  each_table(f, "default_privileges", [&](Fields& df) {
    DefaultPrivileges d;
    d.on = one_of(df, "on", "");
    if (d.on.empty()) throw Error(df.loc(), "missing required key \"on\"");
    auto kind = kinds.find(d.on);
    d.for_role = df.string("for_role").value_or("");
    if (!d.for_role.empty()) check_name(d.for_role, df.loc("for_role"), "role");
    d.grants = read_grants(df, kind->second, false);
    out.push_back(std::move(d));
  });
  return canonical_default_privileges(out);
}

/// A row-level security policy: { name, command, permissive, roles, using, with_check, comment }.
Policy read_policy(Fields& f) {
  Policy p;
  p.loc = f.loc();
  p.name = require_string(f, "name");
  check_name(p.name, f.loc("name"), "policy");
  p.command = one_of(f, "command", "all");
  p.permissive = f.boolean("permissive").value_or(true);
  if (auto roles = f.strings("roles")) {
    if (roles->empty()) throw Error(f.loc("roles"), "\"roles\" must not be empty (leave it out for PUBLIC)");
    for (const auto& r : *roles) check_name(r, f.loc("roles"), "role");
    std::set<std::string> sorted(roles->begin(), roles->end());
    p.roles.assign(sorted.begin(), sorted.end());
  }
  p.using_expr = f.fragment("using").value_or("");
  p.with_check = f.fragment("with_check").value_or("");
  if (p.command == "insert" && !p.using_expr.empty())
    throw Error(f.loc("using"), "a policy for insert takes only with_check (the rows it may add), not using");
  if ((p.command == "select" || p.command == "delete") && !p.with_check.empty())
    throw Error(f.loc("with_check"), "a policy for " + p.command + " takes only using (the rows it may see), not with_check");
  p.comment = f.string("comment");
  return p;
}

/// An exclusion constraint: { name, using, elements = ["room WITH =", ...], where, include, ... }.
Constraint read_exclusion(Fields& f) {
  Constraint x = constraint_entry(f, ConstraintKind::exclusion);
  x.method = index_method(f, "using", "btree");
  x.elements = require_strings(f, "elements");
  for (const auto& e : x.elements) {
    check_fragment(e, f.loc("elements"));
    auto parts = split_exclusion_element(e);
    if (parts.key.empty() || parts.op.empty())
      throw Error(f.loc("elements"), "an exclusion element is \"<column or (expression)> WITH <operator>\", not \"" + e + "\"");
  }
  x.where = f.fragment("where").value_or("");
  x.include = f.strings("include").value_or(std::vector<std::string>{});
  read_constraint_options(f, x);
  return x;
}

/// partition_by, or partition_of with its bound (a partition's columns are its parent's), or
/// inherits (its parents' columns come before its own).
void read_parents(Fields& f, Table& t) {
  t.partition_by = f.fragment("partition_by").value_or("");
  if (auto of = f.string("partition_of")) {
    t.partition_of = read_qname(*of, f.loc("partition_of"), "table");
    if (f.get("columns"))
      throw Error(f.loc("columns"), "a partition's columns are those of its parent (" + t.partition_of.str() + "): leave columns out");
    t.bound = f.fragment("bound").value_or("");
    if (t.bound.empty())
      throw Error(f.loc("partition_of"), "a partition needs bound = \"FOR VALUES ...\" or \"DEFAULT\"");
    std::string upper = t.bound;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    if (upper != "DEFAULT" && upper.rfind("FOR VALUES ", 0) != 0)
      throw Error(f.loc("bound"), "bound is \"FOR VALUES IN (...)\", \"FOR VALUES FROM (...) TO (...)\", \"FOR VALUES WITH (MODULUS m, REMAINDER r)\" or \"DEFAULT\"");
  } else if (f.get("bound")) {
    throw Error(f.loc("bound"), "bound needs partition_of (the partitioned table it is a partition of)");
  }
  for (const auto& parent : f.strings("inherits").value_or(std::vector<std::string>{})) {
    if (!t.partition_by.empty() || t.is_partition())
      throw Error(f.loc("inherits"), "a partitioned table or a partition cannot also inherit from other tables (inherits)");
    t.inherits.push_back(read_qname(parent, f.loc("inherits"), "table"));
  }
}

void read_table_body(Fields& f, Table& t) {
  read_parents(f, t);
  if (const toml::node* columns = f.get("columns"); columns && columns->is_array())
    t.columns.reserve(columns->as_array()->size());
  each_table(f, "columns", [&](Fields& cf) { t.columns.push_back(read_column(cf)); });
  if (const toml::node* pk = f.get("primary_key")) t.constraints.push_back(read_primary_key(*pk, f.sub("primary_key"), f.sub_section("primary_key")));
  each_table(f, "unique", [&](Fields& uf) {
    Constraint u = constraint_entry(uf, ConstraintKind::unique);
    u.columns = require_strings(uf, "columns");
    read_constraint_options(uf, u);
    t.constraints.push_back(u);
  });
  each_table(f, "checks", [&](Fields& cf) { t.constraints.push_back(read_check(cf)); });
  each_table(f, "foreign_keys", [&](Fields& ff) { t.constraints.push_back(read_foreign_key(ff)); });
  each_table(f, "exclusions", [&](Fields& xf) { t.constraints.push_back(read_exclusion(xf)); });
  each_table(f, "indexes", [&](Fields& xf) { t.indexes.push_back(read_index(xf)); });
  each_table(f, "triggers", [&](Fields& gf) {
    Trigger g = read_trigger(gf);
    g.table = t.name;
    for (const auto& other : t.triggers)
      if (other.name == g.name) throw Error(gf.loc("name"), "trigger \"" + g.name + "\" is declared twice on table " + t.name.str());
    t.triggers.push_back(g);
  });
  each_table(f, "policies", [&](Fields& pf) {
    Policy p = read_policy(pf);
    p.table = t.name;
    for (const auto& other : t.policies)
      if (other.name == p.name) throw Error(pf.loc("name"), "policy \"" + p.name + "\" is declared twice on table " + t.name.str());
    t.policies.push_back(p);
  });
  t.grants = read_grants(f, kTablePrivileges, true);
  t.unlogged = f.boolean("unlogged").value_or(false);
  if (const toml::node* with = f.get("with")) t.with = storage_parameters(*with, f.sub("with"));
  t.row_level_security = f.boolean("row_level_security").value_or(false);
  t.force_row_level_security = f.boolean("force_row_level_security").value_or(false);
  t.comment = f.string("comment");
  if (auto ri = f.string("replica_identity")) {
    if (*ri == "default") ri = "";
    bool index = ri->rfind("using index ", 0) == 0 && ri->size() > 12;
    if (!ri->empty() && *ri != "full" && *ri != "nothing" && !index)
      throw Error(f.loc("replica_identity"), "replica_identity must be \"default\", \"full\", \"nothing\" or \"using index <name>\"");
    if (index && !std::any_of(t.indexes.begin(), t.indexes.end(), [&](const Index& i) { return i.named && i.name == ri->substr(12); }))
      throw Error(f.loc("replica_identity"), "replica_identity names index \"" + ri->substr(12) + "\", which table " +
                                                 t.name.str() + " does not declare by that name");
    t.replica_identity = *ri;
  }
  if (auto from = f.string("renamed_from")) {
    QName old = read_qname(*from, f.loc("renamed_from"), "table");
    if (from->find('.') == std::string::npos) old.schema = t.name.schema;  // a rename stays in its schema
    t.renamed_from = old;
  }
  t.prevent_destroy = f.boolean("prevent_destroy").value_or(false);
}

/// A [sequences.NAME] section: its options (min and max are minvalue and maxvalue), its owner and comment.
Sequence read_sequence(Fields& f) {
  Sequence s;
  s.loc = f.loc();
  s.grants = read_grants(f, {"usage", "select", "update"}, false);
  if (auto type = f.fragment("type")) s.type = *type;
  for (const char* key : {"start", "increment", "min", "max", "cache"}) {
    const toml::node* n = f.get(key);
    if (!n) continue;
    if (!n->is_integer()) throw Error(f.loc(key), std::string(key) + " must be an integer");
    std::string option = key == std::string("min") ? "minvalue" : key == std::string("max") ? "maxvalue" : key;
    s.options[option] = std::to_string(*n->value<int64_t>());
  }
  if (s.options.count("increment") && s.options["increment"] == "0") throw Error(f.loc("increment"), "increment must not be zero");
  if (auto cycle = f.boolean("cycle")) s.options["cycle"] = *cycle ? "true" : "false";
  if (auto owner = f.string("owned_by")) {
    try {
      s.owned_by = parse_column_ref(*owner);
    } catch (const Error& e) {
      throw Error(f.loc("owned_by"), e.what());
    }
  }
  s.comment = f.string("comment");
  if (auto from = f.string("renamed_from")) s.renamed_from = read_qname(*from, f.loc("renamed_from"), "sequence");
  return s;
}

/// COST and ROWS: a number, written as one.
std::optional<std::string> number_option(Fields& f, const std::string& key) {
  const toml::node* n = f.get(key);
  if (!n) return std::nullopt;
  if (n->is_integer() && *n->value<int64_t>() > 0) return std::to_string(*n->value<int64_t>());
  if (n->is_floating_point() && *n->value<double>() > 0) {
    std::string text = std::to_string(*n->value<double>());
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text;
  }
  throw Error(f.loc(key), key + " must be a positive number");
}

/// A function ([functions.NAME]) or procedure ([procedures.NAME]): its declaration as written;
/// the shadow gives its canonical form and argument types.
Function read_function(Fields& f, bool procedure) {
  Function fn;
  fn.loc = f.loc();
  fn.procedure = procedure;
  fn.arguments = f.fragment("arguments").value_or("");
  fn.signature = fn.arguments;
  if (!procedure) fn.returns = require_fragment(f, "returns");
  fn.language = require_string(f, "language");
  if (fn.language.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos)
    throw Error(f.loc("language"), "language \"" + fn.language + "\" is not a plain name (sql, plpgsql, ...)");
  std::transform(fn.language.begin(), fn.language.end(), fn.language.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!procedure) {
    fn.volatility = one_of(f, "volatility", "volatile");
    fn.strict = f.boolean("strict").value_or(false);
    fn.leakproof = f.boolean("leakproof").value_or(false);
    fn.parallel = one_of(f, "parallel", "unsafe");
    fn.cost = number_option(f, "cost");
    fn.rows = number_option(f, "rows");
  }
  fn.security_definer = one_of(f, "security", "invoker") == "definer";
  if (const toml::node* set = f.get("set")) {
    const toml::table& t = expect_table(*set, f.sub("set"));
    for (auto&& [k, v] : t) {
      std::string key(k.str());
      if (key.empty() || key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != std::string::npos)
        throw Error(loc_of(k.source(), f.sub("set")), "\"" + key + "\" is not a setting's name");
      if (v.is_string()) fn.set[key] = v.as_string()->get();
      else if (v.is_integer()) fn.set[key] = std::to_string(*v.value<int64_t>());
      else if (v.is_boolean()) fn.set[key] = *v.value<bool>() ? "on" : "off";
      else throw Error(loc_of(v.source(), f.sub("set") + "." + key), "a setting's value is a string, integer or boolean");
      if (list_setting(key)) check_fragment(fn.set[key], loc_of(v.source(), f.sub("set") + "." + key));
    }
  }
  fn.body = require_string(f, "body");
  fn.comment = f.string("comment");
  if (auto from = f.string("renamed_from")) fn.renamed_from = read_qname(*from, f.loc("renamed_from"), procedure ? "procedure" : "function");
  return fn;
}

/// Accumulates objects from all files; remembers where each was first defined.
class Loader {
 public:
  void load(const toml::table& doc) {
    Fields top(doc, "", schema_file_keys());
    for_each_entry(top, "extensions", [&](const std::string& name, Fields& f) {
      check_name(name, f.loc(), "extension");
      Extension e{name, f.name("schema", "schema").value_or(""), f.loc()};
      define("extension", name, f.loc());
      model_.extensions[name] = std::move(e);
    });
    for_each_entry(top, "schemas", [&](const std::string& name, Fields& f) {
      check_name(name, f.loc(), "schema");
      define("schema", name, f.loc());
      model_.schemas[name] = Schema{name, f.string("comment"), read_grants(f, kSchemaPrivileges, false), read_default_privileges(f), f.loc()};
    });
    for_each_entry(top, "enums", [&](const std::string& name, Fields& f) {
      Enum e;
      e.name = read_qname(name, f.loc(), "enum");
      e.loc = f.loc();
      e.values = require_strings(f, "values");
      for (const auto& v : e.values) check_name(v, f.loc("values"), "enum value");
      e.comment = f.string("comment");
      e.grants = read_grants(f, {"usage"}, false);
      if (const toml::node* rv = f.get("renamed_values")) {
        Fields r(expect_table(*rv, f.sub("renamed_values")), f.sub("renamed_values"),
                 std::set<std::string>(e.values.begin(), e.values.end()));
        for (const auto& v : e.values)
          if (auto old = r.string(v)) e.renamed_values[v] = *old;
      }
      define("type", e.name.str(), f.loc());
      model_.enums[e.name] = std::move(e);
    });
    for_each_entry(top, "domains", [&](const std::string& name, Fields& f) {
      Domain d;
      d.name = read_qname(name, f.loc(), "domain");
      d.loc = f.loc();
      d.type = require_string(f, "type");
      d.nullable = f.boolean("nullable").value_or(true);
      d.default_expr = f.fragment("default");
      d.collation = f.string("collation");
      each_table(f, "checks", [&](Fields& cf) { d.checks.push_back(read_check(cf)); });
      d.comment = f.string("comment");
      d.grants = read_grants(f, {"usage"}, false);
      if (auto from = f.string("renamed_from")) d.renamed_from = read_qname(*from, f.loc("renamed_from"), "domain");
      define("type", d.name.str(), f.loc());
      model_.domains[d.name] = std::move(d);
    });
    for_each_entry(top, "types", [&](const std::string& name, Fields& f) {
      CompositeType t;
      t.name = read_qname(name, f.loc(), "type");
      t.loc = f.loc();
      std::set<std::string> names;
      each_table(f, "attributes", [&](Fields& af) {
        TypeAttribute a;
        a.name = require_string(af, "name");
        check_name(a.name, af.loc("name"), "attribute");
        if (!names.insert(a.name).second) throw Error(af.loc("name"), "attribute \"" + a.name + "\" is declared twice in type " + t.name.str());
        a.type = require_fragment(af, "type");
        a.collation = af.string("collation");
        t.attributes.push_back(std::move(a));
      });
      t.comment = f.string("comment");
      t.grants = read_grants(f, {"usage"}, false);
      if (auto from = f.string("renamed_from")) t.renamed_from = read_qname(*from, f.loc("renamed_from"), "type");
      define("type", t.name.str(), f.loc());
      model_.types[t.name] = std::move(t);
    });
    for_each_entry(top, "sequences", [&](const std::string& name, Fields& f) {
      Sequence s = read_sequence(f);
      s.name = read_qname(name, f.loc(), "sequence");
      s.prevent_destroy = f.boolean("prevent_destroy").value_or(false);
      define("sequence", s.name.str(), f.loc());
      model_.sequences[s.name] = std::move(s);
    });
    for_each_entry(top, "views", [&](const std::string& name, Fields& f) {
      View v;
      v.name = read_qname(name, f.loc(), "view");
      v.loc = f.loc();
      v.query = require_fragment(f, "query");
      v.security_barrier = f.boolean("security_barrier").value_or(false);
      v.security_invoker = f.boolean("security_invoker").value_or(false);
      v.check_option = one_of(f, "check_option", "");
      v.comment = f.string("comment");
      if (auto from = f.string("renamed_from")) v.renamed_from = read_qname(*from, f.loc("renamed_from"), "view");
      each_table(f, "triggers", [&](Fields& gf) {
        Trigger g = read_trigger(gf);
        g.table = v.name;
        v.triggers.push_back(g);
      });
      v.grants = read_grants(f, kTablePrivileges, true);
      define("view", v.name.str(), f.loc());
      model_.views[v.name] = std::move(v);
    });
    for_each_entry(top, "materialized_views", [&](const std::string& name, Fields& f) {
      MaterializedView v;
      v.name = read_qname(name, f.loc(), "materialized view");
      v.loc = f.loc();
      v.query = require_fragment(f, "query");
      v.with_data = f.boolean("with_data").value_or(true);
      each_table(f, "indexes", [&](Fields& xf) { v.indexes.push_back(read_index(xf)); });
      v.comment = f.string("comment");
      if (auto from = f.string("renamed_from")) v.renamed_from = read_qname(*from, f.loc("renamed_from"), "materialized view");
      v.prevent_destroy = f.boolean("prevent_destroy").value_or(false);
      v.grants = read_grants(f, kTablePrivileges, true);
      define("view", v.name.str(), f.loc());
      model_.materialized_views[v.name] = std::move(v);
    });
    for (bool procedure : {false, true}) {
      const char* section = procedure ? "procedures" : "functions";
      for_each_entry_or_array(top, section, [&](const std::string& name, Fields& f) {
        Function fn = read_function(f, procedure);
        fn.grants = read_grants(f, {"execute"}, false);
        fn.name = read_qname(name, f.loc(), procedure ? "procedure" : "function");
        define("routine", fn.name.str() + "(" + fn.arguments + ")", f.loc());
        model_.functions[ref_of(fn)] = std::move(fn);
      });
    }
    for_each_entry(top, "tables", [&](const std::string& name, Fields& f) {
      Table t;
      t.name = read_qname(name, f.loc(), "table");
      t.loc = f.loc();
      read_table_body(f, t);
      define("table", t.name.str(), f.loc());
      model_.tables[t.name] = std::move(t);
    });
  }

  Model finish();

 private:
  /// As for_each_entry, where an entry may also be an array of tables (overloads: [[functions.f]]).
  template <class F>
  void for_each_entry_or_array(Fields& top, const std::string& section, F&& f) {
    const Section& allowed = top.sub_section(section);
    const toml::node* n = top.get(section);
    if (!n) return;
    for (auto&& [k, v] : expect_table(*n, section)) {
      std::string key(k.str());
      check_no_nul(key, loc_of(k.source(), section));
      std::string path = section + "." + (key.find('.') != std::string::npos ? "\"" + key + "\"" : key);
      if (key.empty()) throw Error(loc_of(k.source(), path), "empty name");
      if (v.is_array()) {
        each_table(&v, path, allowed, [&](Fields& fields) { f(key, fields); });
      } else {
        Fields fields(expect_table(v, path), path, allowed);
        f(key, fields);
      }
    }
  }

  template <class F>
  void for_each_entry(Fields& top, const std::string& section, F&& f) {
    const Section& allowed = top.sub_section(section);
    const toml::node* n = top.get(section);
    if (!n) return;
    const toml::table& tbl = expect_table(*n, section);
    for (auto&& [k, v] : tbl) {
      std::string key(k.str());
      check_no_nul(key, loc_of(k.source(), section));
      std::string path = section + "." + (key.find('.') != std::string::npos ? "\"" + key + "\"" : key);
      Fields fields(expect_table(v, path), path, allowed);
      if (key.empty()) throw Error(fields.loc(), "empty name");
      f(key, fields);
    }
  }

  void define(const std::string& kind, const std::string& name, const SourceLoc& loc) {
    auto [it, fresh] = defined_.emplace(kind + " " + name, loc);
    if (!fresh)
      throw Error(loc, kind + " " + name + " is defined twice: here and at " + it->second.file.str() + ":" +
                           std::to_string(it->second.line) + ":" + std::to_string(it->second.column));
  }

  Model model_;
  std::map<std::string, SourceLoc> defined_;
};

void check_columns(const Table& t, const std::vector<std::string>& cols, const SourceLoc& loc, const std::string& what) {
  for (const auto& c : cols)
    if (!t.find_column(c))
      throw Error(loc, what + " names column \"" + c + "\", which table " + t.name.str() + " does not have");
}

/// The exclusion's element columns (where an element is a plain column) and INCLUDE columns exist.
void check_exclusion(const Table& t, const Constraint& x) {
  for (const auto& e : x.elements) {
    std::string col = index_key_column(split_exclusion_element(e).key);
    if (!col.empty() && !t.find_column(col))
      throw Error(x.loc, "exclusion element \"" + e + "\" names column \"" + col + "\", which table " + t.name.str() + " does not have");
  }
  check_columns(t, x.include, x.loc, "exclusion include");
}

/// `managed`: the schemas the files manage; a foreign key may point into another one (Supabase's
/// auth.users), which reconcile never reads or changes, when it names the columns it references.
void check_table(const Model& m, const Table& t, const std::set<std::string>& managed) {
  if (t.inherits.empty())
    for (const auto& c : t.columns)
      if (c.inherited) throw Error(c.loc, "column " + c.name + " of table " + t.name.str() + " says inherited = true, but the table inherits from none (inherits)");
  std::set<std::string> names;
  for (const auto& c : t.columns)
    if (!names.insert(c.name).second) throw Error(c.loc, "column \"" + c.name + "\" is defined twice in table " + t.name.str());
  int pks = 0;
  for (const auto& c : t.constraints) {
    check_columns(t, c.columns, c.loc, to_string(c.kind));
    if (c.kind == ConstraintKind::primary_key) ++pks;
    if (c.kind == ConstraintKind::exclusion) check_exclusion(t, c);
    if (c.kind != ConstraintKind::foreign_key) continue;
    const Table* ref = m.find_table(c.ref_table);
    if (!ref && !managed.count(c.ref_table.schema) && c.ref_table.schema != "public") {
      if (c.ref_columns.empty())
        throw Error(c.loc, "foreign key references table " + c.ref_table.str() + " in schema \"" + c.ref_table.schema +
                               "\", which the files do not manage: name the columns it references");
      if (c.ref_columns.size() != c.columns.size())
        throw Error(c.loc, "foreign key has " + std::to_string(c.columns.size()) + " columns but references " + std::to_string(c.ref_columns.size()));
      continue;
    }
    if (!ref) throw Error(c.loc, "foreign key references table " + c.ref_table.str() + ", which is not declared");
    if (c.ref_columns.empty()) {
      const Constraint* pk = ref->primary_key();
      if (!pk) throw Error(c.loc, "foreign key references table " + c.ref_table.str() + " without columns, and it has no primary key");
    } else {
      check_columns(*ref, c.ref_columns, c.loc, "foreign key reference");
      if (c.ref_columns.size() != c.columns.size())
        throw Error(c.loc, "foreign key has " + std::to_string(c.columns.size()) + " columns but references " + std::to_string(c.ref_columns.size()));
    }
  }
  if (pks > 1) throw Error(t.loc, "table " + t.name.str() + " has more than one primary key");
  for (const auto& g : t.grants) check_columns(t, g.columns, t.loc, "grant to " + g.role);
  for (const auto& ix : t.indexes) {
    for (const auto& k : ix.keys) {
      std::string col = index_key_column(k);
      if (!col.empty() && !t.find_column(col))
        throw Error(ix.loc, "index key \"" + k + "\" names column \"" + col + "\", which table " + t.name.str() + " does not have");
    }
    check_columns(t, ix.include, ix.loc, "index include");
  }
}

/// Table `t`, which inherits, with what its parents (made complete by `complete`) pass on: their
/// columns first, in their order, then its own (a column it declares too keeps its declaration),
/// and their checks (one it declares too is its own as well).
void inherit_from_parents(Model& m, Table& t, const std::function<void(Table&)>& complete) {
  std::vector<Column> columns;
  auto has = [&](const std::string& name) {
    return std::any_of(columns.begin(), columns.end(), [&](const Column& c) { return c.name == name; });
  };
  std::vector<Constraint> checks;
  for (const QName& name : t.inherits) {
    auto parent = m.tables.find(name);
    if (parent == m.tables.end()) throw Error(t.loc, "table " + t.name.str() + " inherits from " + name.str() + ", which is not declared");
    if (!parent->second.partition_by.empty() || parent->second.is_partition())
      throw Error(t.loc, "table " + t.name.str() + " inherits from " + name.str() + ", which is partitioned or a partition: it cannot be inherited from");
    complete(parent->second);
    for (const auto& c : parent->second.columns) {
      if (has(c.name)) continue;
      const Column* own = t.find_column(c.name);
      columns.push_back(own ? *own : inherited_column(c, name));
      if (own && own->inherited && own->type.empty()) columns.back().type = inherited_column(c, name).type;
    }
    for (const auto& k : parent->second.constraints) {
      auto same = [&](const Constraint& o) { return o.kind == k.kind && (k.named ? o.named && o.name == k.name : o.same_definition(k)); };
      if (passed_on(k) && std::none_of(t.constraints.begin(), t.constraints.end(), same) && std::none_of(checks.begin(), checks.end(), same))
        checks.push_back(inherited_check(k));
    }
  }
  for (const auto& c : t.columns) {
    if (c.inherited && !has(c.name))
      throw Error(c.loc, "column " + c.name + " of table " + t.name.str() + " says inherited = true, but no table it inherits from has it");
    if (!has(c.name)) columns.push_back(c);
  }
  t.columns = std::move(columns);
  t.constraints.insert(t.constraints.end(), checks.begin(), checks.end());
}

/// Each partition gets its parent's columns, and each table that inherits its parents' before its
/// own (a parent that has parents of its own first).
void copy_parent_columns(Model& m) {
  std::set<QName> done;
  std::function<void(Table&, size_t)> copy = [&](Table& t, size_t depth) {
    if ((!t.is_partition() && t.inherits.empty()) || done.count(t.name)) return;
    if (depth > m.tables.size()) throw Error(t.loc, "table " + t.name.str() + " is, through its parents, its own parent");
    if (t.is_partition()) {
      auto parent = m.tables.find(t.partition_of);
      if (parent == m.tables.end())
        throw Error(t.loc, "table " + t.name.str() + " is a partition of " + t.partition_of.str() + ", which is not declared");
      if (parent->second.partition_by.empty())
        throw Error(t.loc, "table " + t.name.str() + " is a partition of " + t.partition_of.str() + ", which has no partition_by");
      copy(parent->second, depth + 1);
      t.columns = parent->second.columns;
    } else {
      inherit_from_parents(m, t, [&](Table& parent) { copy(parent, depth + 1); });
    }
    done.insert(t.name);
  };
  for (auto& [name, t] : m.tables) copy(t, 0);
}

/// Primary-key columns are never nullable.
void primary_keys_not_null(Model& m) {
  for (auto& [name, t] : m.tables)
    if (const Constraint* pk = t.primary_key())
      for (auto& c : t.columns)
        if (std::find(pk->columns.begin(), pk->columns.end(), c.name) != pk->columns.end()) c.nullable = false;
}

Model Loader::finish() {
  // Parents first: what their keys make NOT NULL, their children inherit; a child's own key may
  // be on an inherited column.
  primary_keys_not_null(model_);
  copy_parent_columns(model_);
  primary_keys_not_null(model_);
  std::set<std::string> managed = model_.managed_schemas();
  for (auto& [name, t] : model_.tables) {
    if (name.schema != "public" && !model_.schemas.count(name.schema))
      throw Error(t.loc, "table " + name.str() + " is in schema \"" + name.schema + "\", which is not declared (add [schemas." + name.schema + "])");
    check_table(model_, t, managed);
    for (auto& c : t.constraints)
      if (c.kind == ConstraintKind::foreign_key && c.ref_columns.empty())
        c.ref_columns = model_.find_table(c.ref_table)->primary_key()->columns;
  }
  for (auto& [ref, fn] : model_.functions)
    if (ref.name.schema != "public" && !model_.schemas.count(ref.name.schema))
      throw Error(fn.loc, to_string(ref.kind) + " " + ref.name.str() + " is in schema \"" + ref.name.schema + "\", which is not declared");
  for (auto& [name, t] : model_.tables)
    for (const auto& g : t.triggers) check_columns(t, g.update_of, g.loc, "trigger " + g.name);
  for (auto& [name, v] : model_.materialized_views) {
    if (name.schema != "public" && !model_.schemas.count(name.schema))
      throw Error(v.loc, "materialized view " + name.str() + " is in schema \"" + name.schema + "\", which is not declared");
    if (model_.tables.count(name) || model_.sequences.count(name))
      throw Error(v.loc, "materialized view " + name.str() + " has the name of a table or sequence (they share a namespace)");
  }
  for (auto& [name, v] : model_.views) {
    if (name.schema != "public" && !model_.schemas.count(name.schema))
      throw Error(v.loc, "view " + name.str() + " is in schema \"" + name.schema + "\", which is not declared");
    if (model_.tables.count(name) || model_.sequences.count(name))
      throw Error(v.loc, "view " + name.str() + " has the name of a table or sequence (they share a namespace)");
  }
  for (auto& [name, s] : model_.sequences) {
    if (name.schema != "public" && !model_.schemas.count(name.schema))
      throw Error(s.loc, "sequence " + name.str() + " is in schema \"" + name.schema + "\", which is not declared");
    if (model_.tables.count(name)) throw Error(s.loc, "sequence " + name.str() + " has the name of a table (they share a namespace)");
    if (!s.owned_by) continue;
    const Table* owner = model_.find_table(s.owned_by->table);
    if (!owner || !owner->find_column(s.owned_by->column))
      throw Error(s.loc, "sequences." + format_qname(name) + ".owned_by: column " + s.owned_by->table.str() + "." + s.owned_by->column +
                             " is not declared");
    if (owner->name.schema != name.schema)
      throw Error(s.loc, "sequence " + name.str() + " must be in the schema of the table that owns it (" + owner->name.schema + ")");
  }
  for (auto& [name, t] : model_.types)
    if (name.schema != "public" && !model_.schemas.count(name.schema))
      throw Error(t.loc, "type " + name.str() + " is in schema \"" + name.schema + "\", which is not declared");
  for (auto& [name, d] : model_.domains) {
    if (name.schema != "public" && !model_.schemas.count(name.schema))
      throw Error(d.loc, "domain " + name.str() + " is in schema \"" + name.schema + "\", which is not declared");
    if (model_.enums.count(name)) throw Error(d.loc, "domain " + name.str() + " has the name of an enum (types share a namespace)");
  }
  for (auto& [name, e] : model_.enums) {
    if (name.schema != "public" && !model_.schemas.count(name.schema))
      throw Error(e.loc, "enum " + name.str() + " is in schema \"" + name.schema + "\", which is not declared");
    std::set<std::string> seen;
    for (const auto& v : e.values)
      if (!seen.insert(v).second) throw Error(e.loc, "enum " + name.str() + " lists value \"" + v + "\" twice");
  }
  return std::move(model_);  // a member is copied unless moved: 50 MB at 5,000 tables
}

toml::table parse_document(const std::string& text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    SourceLoc loc = loc_of(e.source(), "");
    loc.file = file;
    throw Error(loc, "invalid TOML: " + std::string(e.description()));
  }
}

}  // namespace

Model load_schema_texts(const std::vector<std::pair<std::string, std::string>>& files) {
  // One document at a time: a parsed document takes ten times the memory of its text, and plan
  // reads the database on the other core meanwhile.
  Loader loader;
  for (const auto& [name, text] : files) loader.load(parse_document(text, name));
  return loader.finish();
}

std::vector<std::pair<std::string, std::string>> read_schema_files(const std::string& dir) {
  if (!fs::is_directory(dir)) throw Error("schema directory \"" + dir + "\" does not exist");
  std::vector<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".toml") paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw Error("cannot read " + p);
    std::ostringstream text;
    text << in.rdbuf();
    files.emplace_back(p, text.str());
  }
  return files;
}

Model load_schema_dir(const std::string& dir) { return load_schema_texts(read_schema_files(dir)); }

std::set<std::string> guess_managed_schemas(const std::vector<std::pair<std::string, std::string>>& files) {
  static const std::set<std::string> kinds = {"tables", "enums", "domains", "types", "sequences", "views", "materialized_views", "functions", "procedures"};
  std::set<std::string> out;
  for (const auto& [path, text] : files) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      size_t at = line.find_first_not_of(" \t");
      if (at == std::string::npos || line[at] != '[') continue;
      at = line.find_first_not_of("[ \t", at);
      size_t dot = line.find('.', at);
      if (at == std::string::npos || dot == std::string::npos) continue;
      std::string kind = line.substr(at, dot - at);
      // The entry's key: a bare word, or a quoted name up to its closing quote.
      size_t start = dot + 1, end = start;
      if (end < line.size() && line[end] == '"') end = line.find('"', end + 1) + 1;
      else end = line.find_first_of(".] \t", end);
      if (end == std::string::npos || end <= start) continue;
      std::string key = line.substr(start, end - start);
      if (key.size() >= 2 && key.front() == '"') key = key.substr(1, key.size() - 2);
      if (kind == "schemas") {
        out.insert(key);
      } else if (kinds.count(kind)) {
        try {
          out.insert(parse_qname(key).schema);
        } catch (const Error&) {  // not a name: loading will say so
        }
      }
    }
  }
  return out;
}

}  // namespace reconcile
