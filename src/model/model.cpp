// The schema model: lookups, scope and comparisons.
#include "reconcile/model.hpp"

#include <algorithm>

#include "reconcile/sql.hpp"
#include "reconcile/types.hpp"

namespace reconcile {

std::string SourceLoc::str() const {
  std::string out;
  if (!file.empty()) out = file.str() + ":" + std::to_string(line) + ":" + std::to_string(column);
  if (!path.empty()) out += (out.empty() ? "" : ": ") + path.str();
  return out;
}

std::string QName::sql() const { return quote_qualified(schema, name); }

namespace {

/// Reads one part of a qualified name at `i` (quoted or up to the next dot); advances `i`.
std::string qname_part(const std::string& text, size_t& i) {
  auto fail = [&](const std::string& why) -> Error { return Error("invalid name \"" + text + "\": " + why); };
  std::string out;
  if (i < text.size() && text[i] == '"') {
    for (++i;; ++i) {
      if (i >= text.size()) throw fail("unterminated double quote");
      if (text[i] == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') { out += '"'; ++i; continue; }
        ++i;
        break;
      }
      out += text[i];
    }
    if (i < text.size() && text[i] != '.') throw fail("expected a dot after the quoted part");
  } else {
    size_t end = std::min(text.find('.', i), text.size());
    out = text.substr(i, end - i);
    i = end;
  }
  if (out.empty()) throw fail("empty part");
  return out;
}

bool needs_quotes(const std::string& part) { return part.find('.') != std::string::npos || (!part.empty() && part[0] == '"'); }

std::string quoted_part(const std::string& part) {
  if (!needs_quotes(part)) return part;
  std::string out = "\"";
  for (char c : part) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

QName parse_qname(const std::string& text) {
  size_t i = 0;
  std::string first = qname_part(text, i);
  if (i >= text.size()) return {"public", first};
  ++i;  // the dot
  std::string second = qname_part(text, i);
  if (i < text.size())
    throw Error("invalid name \"" + text + "\": more than schema.name (write a name that contains a dot in double quotes)");
  return {first, second};
}

std::string format_qname(const QName& q) {
  return q.schema == "public" ? quoted_part(q.name) : quoted_part(q.schema) + "." + quoted_part(q.name);
}

ColumnRef parse_column_ref(const std::string& text) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (true) {
    parts.push_back(qname_part(text, i));
    if (i >= text.size()) break;
    ++i;  // the dot
  }
  if (parts.size() == 2) return {{"public", parts[0]}, parts[1]};
  if (parts.size() == 3) return {{parts[0], parts[1]}, parts[2]};
  throw Error("invalid column \"" + text + "\": expected table.column or schema.table.column");
}

std::string format_column_ref(const ColumnRef& c) { return format_qname(c.table) + "." + quoted_part(c.column); }

std::string to_string(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::primary_key: return "primary key";
    case ConstraintKind::unique: return "unique";
    case ConstraintKind::check: return "check";
    case ConstraintKind::foreign_key: return "foreign key";
    case ConstraintKind::exclusion: return "exclusion";
  }
  return "?";
}

std::string to_string(Identity identity) {
  switch (identity) {
    case Identity::none: return "";
    case Identity::always: return "always";
    case Identity::by_default: return "by default";
  }
  return "?";
}

std::optional<Identity> parse_identity(const std::string& text) {
  return enum_named(text, {Identity::none, Identity::always, Identity::by_default});
}

std::string to_string(FkAction action) {
  switch (action) {
    case FkAction::no_action: return "no action";
    case FkAction::restrict: return "restrict";
    case FkAction::cascade: return "cascade";
    case FkAction::set_null: return "set null";
    case FkAction::set_default: return "set default";
  }
  return "?";
}

std::optional<FkAction> parse_fk_action(const std::string& text) {
  std::string lower;
  for (unsigned char c : text) lower += static_cast<char>(std::tolower(c));
  return enum_named(lower, {FkAction::no_action, FkAction::restrict, FkAction::cascade, FkAction::set_null, FkAction::set_default});
}

bool Column::same_definition(const Column& o) const {
  return same_fields(*this, o, [](FieldRole r) { return r != FieldRole::state; });
}

bool Constraint::same_definition(const Constraint& o) const {
  return same_fields(*this, o, [](FieldRole r) { return r == FieldRole::definition; });
}

bool Index::same_definition(const Index& o) const {
  return same_fields(*this, o, [](FieldRole r) { return r == FieldRole::definition; });
}

const Column* Table::find_column(const std::string& n) const {
  for (const auto& c : columns)
    if (c.name == n) return &c;
  return nullptr;
}

Column* Table::find_column(const std::string& n) {
  for (auto& c : columns)
    if (c.name == n) return &c;
  return nullptr;
}

const Constraint* Table::primary_key() const {
  for (const auto& c : constraints)
    if (c.kind == ConstraintKind::primary_key) return &c;
  return nullptr;
}

std::set<std::string> Model::managed_schemas() const {
  std::set<std::string> out;
  for (const auto& [name, s] : schemas) out.insert(name);
  for (const auto& [name, e] : enums) out.insert(name.schema);
  for (const auto& [name, d] : domains) out.insert(name.schema);
  for (const auto& [name, t] : types) out.insert(name.schema);
  for (const auto& [name, t] : tables) out.insert(name.schema);
  for (const auto& [name, s] : sequences) out.insert(name.schema);
  for (const auto& [name, v] : views) out.insert(name.schema);
  for (const auto& [name, v] : materialized_views) out.insert(name.schema);
  for (const auto& [ref, f] : functions) out.insert(ref.name.schema);
  return out;
}

void Model::keep_schemas(const std::set<std::string>& keep) {
  auto outside = [&](const QName& n) { return !keep.count(n.schema); };
  std::erase_if(schemas, [&](const auto& e) { return !keep.count(e.first); });
  std::erase_if(enums, [&](const auto& e) { return outside(e.first); });
  std::erase_if(domains, [&](const auto& e) { return outside(e.first); });
  std::erase_if(types, [&](const auto& e) { return outside(e.first); });
  std::erase_if(tables, [&](const auto& e) { return outside(e.first); });
  std::erase_if(sequences, [&](const auto& e) { return outside(e.first); });
  std::erase_if(views, [&](const auto& e) { return outside(e.first); });
  std::erase_if(materialized_views, [&](const auto& e) { return outside(e.first); });
  std::erase_if(functions, [&](const auto& e) { return outside(e.first.name); });
  std::erase_if(unmanaged, [&](const UnmanagedObject& u) { return outside(u.name); });
  std::erase_if(uncarried, [&](const auto& u) { return outside(u.first); });
}

Model Model::restricted_to(const std::set<std::string>& keep) const {
  Model out;
  out.extensions = extensions;
  for (const auto& [n, s] : schemas)
    if (keep.count(n)) out.schemas.emplace(n, s);
  for (const auto& [n, e] : enums)
    if (keep.count(n.schema)) out.enums.emplace(n, e);
  for (const auto& [n, d] : domains)
    if (keep.count(n.schema)) out.domains.emplace(n, d);
  for (const auto& [n, t] : types)
    if (keep.count(n.schema)) out.types.emplace(n, t);
  for (const auto& [n, t] : tables)
    if (keep.count(n.schema)) out.tables.emplace(n, t);
  for (const auto& [n, s] : sequences)
    if (keep.count(n.schema)) out.sequences.emplace(n, s);
  for (const auto& [n, v] : views)
    if (keep.count(n.schema)) out.views.emplace(n, v);
  for (const auto& [r, f] : functions)
    if (keep.count(r.name.schema)) out.functions.emplace(r, f);
  for (const auto& [n, v] : materialized_views)
    if (keep.count(n.schema)) out.materialized_views.emplace(n, v);
  for (const auto& u : unmanaged)
    if (keep.count(u.name.schema)) out.unmanaged.push_back(u);
  return out;
}

Model Model::with_tables(const std::set<QName>& keep) const {
  Model out;
  out.schemas = schemas;
  out.extensions = extensions;
  out.enums = enums;
  out.domains = domains;
  out.types = types;
  out.sequences = sequences;
  out.views = views;
  out.functions = functions;
  out.materialized_views = materialized_views;
  out.unmanaged = unmanaged;
  for (const auto& name : keep)
    if (auto it = tables.find(name); it != tables.end()) out.tables.emplace(name, it->second);
  return out;
}

bool Column::has_key_loc(const std::string& key) const {
  return std::any_of(key_locs.begin(), key_locs.end(), [&](const KeyLoc& k) { return key == k.key; });
}

SourceLoc Column::key_loc(const std::string& key) const {
  for (const auto& k : key_locs)
    if (key == k.key) return SourceLoc{loc.file, k.line, k.column, loc.path.str() + "." + key};
  return loc;
}

const Table* Model::find_table(const QName& name) const {
  auto it = tables.find(name);
  return it == tables.end() ? nullptr : &it->second;
}

void adopt_hints(Table& t, const Table& d) {
  t.loc = d.loc;
  t.renamed_from = d.renamed_from;
  t.prevent_destroy = d.prevent_destroy;
  t.grants = d.grants;  // given as declared: the shadow checks the roles exist, and is not read for them
  for (auto& c : t.columns) {
    const Column* dc = d.find_column(c.name);
    if (!dc) continue;
    c.loc = dc->loc;
    c.key_locs = dc->key_locs;
    c.renamed_from = dc->renamed_from;
    c.using_expr = dc->using_expr;
    c.backfill = dc->backfill;
  }
  for (auto& g : t.triggers)
    for (const auto& dg : d.triggers)
      if (dg.name == g.name) g.loc = dg.loc;
  for (auto& p : t.policies)
    for (const auto& dp : d.policies)
      if (dp.name == p.name) p.loc = dp.loc;
}

namespace {

/// Text without spaces, in lower case: two spellings of an argument list compared loosely.
std::string loose(const std::string& text) {
  std::string out;
  for (unsigned char c : text)
    if (!std::isspace(c)) out += static_cast<char>(std::tolower(c));
  return out;
}

/// The declared function that became canonical `f` in the shadow: the only one of its name, else
/// the one whose argument list is spelt as the server spells f's (declared functions are keyed by
/// their arguments as written, canonical ones by their argument types).
const Function* declared_as(const Model& declared, const Model& canonical, const Function& f) {
  auto same_name = [&](const Model& m) {
    std::vector<const Function*> out;
    for (const auto& [r, g] : m.functions)
      if (g.name == f.name && g.procedure == f.procedure) out.push_back(&g);
    return out;
  };
  auto candidates = same_name(declared);
  if (candidates.size() == 1 && same_name(canonical).size() == 1) return candidates[0];
  for (const Function* g : candidates)
    if (loose(g->arguments) == loose(f.arguments) || loose(g->arguments) == loose(f.signature)) return g;
  return nullptr;
}

}  // namespace

void Model::adopt_hints(const Model& from) {
  // Grants too: the shadow gives them (so a missing role is an error there) but is read without them.
  for (auto& [name, v] : materialized_views)
    if (auto it = from.materialized_views.find(name); it != from.materialized_views.end()) {
      v.loc = it->second.loc;
      v.renamed_from = it->second.renamed_from;
      v.prevent_destroy = it->second.prevent_destroy;
      v.grants = it->second.grants;
    }
  for (auto& [ref, f] : functions)
    if (const Function* d = declared_as(from, *this, f)) {
      f.loc = d->loc;
      f.renamed_from = d->renamed_from;
      f.grants = d->grants;
    }
  for (auto& [name, v] : views)
    if (auto it = from.views.find(name); it != from.views.end()) {
      v.loc = it->second.loc;
      v.renamed_from = it->second.renamed_from;
      v.grants = it->second.grants;
    }
  for (auto& [name, s] : schemas)
    if (auto it = from.schemas.find(name); it != from.schemas.end()) {
      s.grants = it->second.grants;
      s.default_privileges = it->second.default_privileges;
    }
  for (auto& [name, d] : domains)
    if (auto it = from.domains.find(name); it != from.domains.end()) {
      d.loc = it->second.loc;
      d.renamed_from = it->second.renamed_from;
      d.grants = it->second.grants;
    }
  for (auto& [name, t] : types)
    if (auto it = from.types.find(name); it != from.types.end()) {
      t.loc = it->second.loc;
      t.renamed_from = it->second.renamed_from;
      t.grants = it->second.grants;
    }
  for (auto& [name, s] : sequences)
    if (auto it = from.sequences.find(name); it != from.sequences.end()) {
      s.loc = it->second.loc;
      s.renamed_from = it->second.renamed_from;
      s.prevent_destroy = it->second.prevent_destroy;
      s.grants = it->second.grants;
    }
  for (auto& [name, t] : tables)
    if (const Table* d = from.find_table(name)) reconcile::adopt_hints(t, *d);
  for (auto& [name, e] : enums)
    if (auto it = from.enums.find(name); it != from.enums.end()) {
      e.loc = it->second.loc;
      e.renamed_values = it->second.renamed_values;
      e.grants = it->second.grants;
    }
}

namespace {

/// Calls `f` on the grants of every object of `m` that has them.
template <class M, class F>
void each_grants(M& m, F f) {
  for (auto& [n, s] : m.schemas) f(s.grants);
  for (auto& [n, t] : m.tables) f(t.grants);
  for (auto& [n, v] : m.views) f(v.grants);
  for (auto& [n, v] : m.materialized_views) f(v.grants);
  for (auto& [n, s] : m.sequences) f(s.grants);
  for (auto& [r, fn] : m.functions) f(fn.grants);
  for (auto& [n, e] : m.enums) f(e.grants);
  for (auto& [n, d] : m.domains) f(d.grants);
  for (auto& [n, t] : m.types) f(t.grants);
}

}  // namespace

bool has_grants(const Model& m) {
  bool any = false;
  each_grants(m, [&](const std::vector<Grant>& g) { any = any || !g.empty(); });
  for (const auto& [n, s] : m.schemas) any = any || !s.default_privileges.empty();
  return any;
}

bool drop_grants(Model& m) {
  bool any = has_grants(m);
  each_grants(m, [](std::vector<Grant>& g) { g.clear(); });
  for (auto& [n, s] : m.schemas) s.default_privileges.clear();
  return any;
}

std::vector<DefaultPrivileges> canonical_default_privileges(const std::vector<DefaultPrivileges>& entries) {
  std::map<std::pair<std::string, std::string>, std::set<PrivilegeAtom>> atoms;  // (for_role, on) -> atoms
  for (const auto& e : entries) {
    auto mine = privilege_atoms(e.grants);
    atoms[{e.for_role, e.on}].insert(mine.begin(), mine.end());
  }
  std::vector<DefaultPrivileges> out;
  for (const auto& [key, set] : atoms)
    if (!set.empty()) out.push_back({key.second, key.first, canonical_grants(set)});
  return out;
}

std::set<PrivilegeAtom> privilege_atoms(const std::vector<Grant>& grants) {
  std::set<PrivilegeAtom> out;
  for (const auto& g : grants)
    for (const auto& p : g.privileges) {
      if (g.columns.empty()) out.insert({g.role, p, "", g.with_grant_option});
      for (const auto& c : g.columns) out.insert({g.role, p, c, g.with_grant_option});
    }
  for (auto it = out.begin(); it != out.end();)  // with the grant option, not also without
    it = !it->with_grant_option && out.count({it->role, it->privilege, it->column, true}) ? out.erase(it) : std::next(it);
  return out;
}

std::vector<Grant> canonical_grants(const std::set<PrivilegeAtom>& atoms) {
  // role, option, privilege -> its columns ("" for the whole object); then one entry per column set.
  // A privilege held with the grant option is not also listed without it.
  std::map<std::tuple<std::string, bool, std::string>, std::vector<std::string>> columns;
  for (const auto& a : atoms)
    if (a.with_grant_option || !atoms.count({a.role, a.privilege, a.column, true}))
      columns[{a.role, a.with_grant_option, a.privilege}].push_back(a.column);
  std::map<std::tuple<std::string, bool, std::vector<std::string>>, std::vector<std::string>> grouped;
  for (auto& [key, cols] : columns) {
    auto& [role, option, privilege] = key;
    bool whole = std::find(cols.begin(), cols.end(), "") != cols.end();
    if (whole) grouped[{role, option, {}}].push_back(privilege);
    std::erase(cols, "");
    if (!cols.empty()) grouped[{role, option, cols}].push_back(privilege);
  }
  std::vector<Grant> out;
  for (auto& [key, privileges] : grouped) {
    auto& [role, option, cols] = key;
    out.push_back(Grant{role, privileges, cols, option});
  }
  return out;
}

void add_reference_stubs(Model& part, const std::set<std::string>& scope, const Model* also) {
  std::map<QName, Table> stubs;
  std::vector<const Table*> referencing;
  for (const Model* m : {static_cast<const Model*>(&part), also})
    if (m)
      for (const auto& [name, t] : m->tables) referencing.push_back(&t);
  for (const Table* tp : referencing)
    for (const auto& k : tp->constraints) {
      const Table& t = *tp;
      if (k.kind != ConstraintKind::foreign_key || part.tables.count(k.ref_table) || scope.count(k.ref_table.schema)) continue;
      Table& stub = stubs[k.ref_table];
      stub.name = k.ref_table;
      for (size_t i = 0; i < k.ref_columns.size() && i < k.columns.size(); ++i) {
        const Column* from = t.find_column(k.columns[i]);
        if (stub.find_column(k.ref_columns[i]) || !from) continue;
        Column c;
        c.name = k.ref_columns[i];
        c.type = stored_type(from->type);
        stub.columns.push_back(c);
      }
      Constraint key;
      key.kind = ConstraintKind::unique;
      key.named = false;
      key.columns = k.ref_columns;
      if (std::none_of(stub.constraints.begin(), stub.constraints.end(), [&](const Constraint& c) { return c.columns == key.columns; }))
        stub.constraints.push_back(key);
      if (k.ref_table.schema != "public") part.schemas.emplace(k.ref_table.schema, Schema{k.ref_table.schema, std::nullopt, {}});
    }
  for (auto& [name, stub] : stubs) part.tables.emplace(name, std::move(stub));
}

Column inherited_column(const Column& c, const QName& parent) {
  Column out;
  out.name = c.name;
  out.type = stored_type(c.type);
  out.nullable = c.nullable && c.identity == Identity::none && serial_base(c.type).empty();
  out.default_expr = c.default_expr;
  if (!serial_base(c.type).empty())
    out.default_expr = "nextval(" + quote_literal(QName{parent.schema, default_object_name(parent.name, c.name, "seq")}.sql()) + "::regclass)";
  out.generated = c.generated;
  out.collation = c.collation;
  out.default_uses = c.default_uses;
  out.inherited = true;
  out.loc = c.loc;
  return out;
}

std::optional<Column> passed_on_column(const Model& m, const Table& t, const Column& c) {
  for (const QName& name : t.inherits) {
    const Table* parent = m.find_table(name);
    const Column* from = parent ? parent->find_column(c.name) : nullptr;
    if (!from) continue;
    Column out = inherited_column(*from, name);
    if (!serial_base(from->type).empty()) out.default_expr = c.default_expr;
    return out;
  }
  return std::nullopt;
}

bool passed_on(const Constraint& k) { return k.kind == ConstraintKind::check && !k.no_inherit; }

Constraint inherited_check(const Constraint& k) {
  Constraint out = k;
  out.comment.reset();
  out.inherited = true;
  return out;
}

std::vector<QName> inheriting(const Model& m, const QName& name) {
  std::vector<QName> out;
  for (const auto& [other, t] : m.tables)
    if (std::find(t.inherits.begin(), t.inherits.end(), name) != t.inherits.end()) out.push_back(other);
  return out;
}

}  // namespace reconcile
