// The canonicalization cache's keys: what a table's canonical form depends on, and where a cached
// table's parts were declared.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "reconcile/sql.hpp"
#include "shadow_internal.hpp"

namespace reconcile::shadow {

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

std::string sequences_text(const Model& desired) {
  std::string text;
  for (const auto& [name, s] : desired.sequences) text += "sequence " + name.sql() + "\n";
  return "sequences " + sha256_hex(text) + "\n";
}

/// The names a table's policies mention when they hold a subquery (a superset of the tables they
/// read; the server says which they really use).
static std::set<std::string> policy_reads(const Table& t) {
  std::set<std::string> out;
  for (const auto& p : t.policies) {
    auto tokens = sql_tokens(p.using_expr + " " + p.with_check);
    if (std::none_of(tokens.begin(), tokens.end(), [](const SqlToken& k) { return k.kind == SqlToken::word && k.value == "select"; }))
      continue;
    for (const auto& k : tokens)
      if (k.identifier()) out.insert(k.value);
  }
  return out;
}

/// The cache key of a table declaration: its signature, and what its canonical form also depends
/// on: the declarations of the tables its foreign keys point at, of the enums its columns use and
/// of the sequences its defaults may call. `signatures`: table_signature of each desired table;
/// `sequences`: sequences_text of the desired model.
std::string declaration_key(const Table& t, const std::map<QName, std::string>& signatures,
                            const std::map<std::string, std::string>& enums, const std::string& sequences) {
  std::string text = signatures.at(t.name);
  for (const auto& k : t.constraints)
    if (k.kind == ConstraintKind::foreign_key)
      if (auto r = signatures.find(k.ref_table); r != signatures.end()) text += r->second;
  for (const auto& c : t.columns)
    if (auto it = enums.find(c.type.substr(0, c.type.find('['))); it != enums.end()) text += it->second;
  // A default may call a sequence (the shadow says which): such a table depends on the sequences
  // declared, conservatively all of them (`sequences`: their names, hashed once).
  bool defaults = std::any_of(t.columns.begin(), t.columns.end(), [](const Column& c) { return c.default_expr.has_value(); });
  if (defaults) text += sequences;
  // A policy's subquery reads other tables, whose columns decide what its names mean: those whose
  // name it mentions count too.
  for (const auto& name : policy_reads(t))
    for (const auto& [other, signature] : signatures)
      if (other.name == name && other != t.name) text += signature;
  return sha256_hex(text);
}

/// What `materialize` must build: the `declared` tables (those not taken from the cache) and, for
/// their foreign keys, views, policies and partitions, the tables those need that came from the
/// cache (`cached`, canonical already), without their own foreign keys and policies.
Model to_materialize(Model declared, const Model& cached) {
  std::set<QName> targets;
  for (const auto& [name, t] : declared.tables)
    for (const auto& k : t.constraints)
      if (k.kind == ConstraintKind::foreign_key && !declared.tables.count(k.ref_table)) targets.insert(k.ref_table);
  // The views and policies need the tables they read: those whose name a view's query or a
  // policy's subquery mentions (a superset, for building only; the server says what each uses).
  std::set<std::string> mentioned;
  auto mentions = [&](const std::string& query) {
    for (const auto& token : sql_tokens(query))
      if (token.identifier()) mentioned.insert(token.value);
  };
  for (const auto& [name, v] : declared.views) mentions(v.query);
  for (const auto& [name, t] : declared.tables) {
    auto reads = policy_reads(t);
    mentioned.insert(reads.begin(), reads.end());
  }
  for (const auto& [name, v] : declared.materialized_views) mentions(v.query);
  for (const auto& [ref, f] : declared.functions) mentions(f.arguments + " " + f.returns);
  for (const auto& [name, t] : cached.tables)
    if (mentioned.count(name.name)) targets.insert(name);
  // A partition needs its parent, and that its own; a table that inherits, its parents and theirs.
  std::function<void(const Table&)> parents = [&](const Table& t) {
    std::vector<QName> names = t.inherits;
    if (t.is_partition()) names.push_back(t.partition_of);
    for (const QName& p : names)
      if (!declared.tables.count(p) && targets.insert(p).second)
        if (const Table* r = cached.find_table(p)) parents(*r);
  };
  for (const auto& [name, t] : declared.tables) parents(t);
  for (const auto& name : targets)
    if (const Table* r = cached.find_table(name); r && !declared.tables.count(name)) declared.tables[name] = without_references(*r);
  return declared;
}

}  // namespace reconcile::shadow
