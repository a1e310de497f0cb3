// Rename hints -> rename changes, and the current model as the renames leave it.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "reconcile/change.hpp"
#include "reconcile/sql.hpp"

namespace reconcile {
namespace {

void rename_in_table(Table& t, const std::string& from, const std::string& to) {
  for (auto& c : t.constraints) {
    std::replace(c.columns.begin(), c.columns.end(), from, to);
    if (!c.expression.empty()) c.expression = rename_identifier(c.expression, from, to);
    for (auto& e : c.elements) e = rename_identifier(e, from, to);
    std::replace(c.include.begin(), c.include.end(), from, to);
    if (!c.where.empty()) c.where = rename_identifier(c.where, from, to);
  }
  for (auto& p : t.policies) {
    if (!p.using_expr.empty()) p.using_expr = rename_identifier(p.using_expr, from, to);
    if (!p.with_check.empty()) p.with_check = rename_identifier(p.with_check, from, to);
    for (auto& r : p.depends_on)
      if (r.kind == ObjectKind::column && r.name == t.name && r.sub == from) r.sub = to;
  }
  for (auto& ix : t.indexes) {
    for (auto& k : ix.keys) k = rename_identifier(k, from, to);
    std::replace(ix.include.begin(), ix.include.end(), from, to);
    if (!ix.where.empty()) ix.where = rename_identifier(ix.where, from, to);
  }
  for (auto& col : t.columns)
    if (col.generated) col.generated = rename_identifier(*col.generated, from, to);
  for (auto& g : t.triggers) {
    std::replace(g.update_of.begin(), g.update_of.end(), from, to);
    if (!g.when.empty()) g.when = rename_identifier(g.when, from, to);
    for (auto& r : g.depends_on)
      if (r.kind == ObjectKind::column && r.sub == from) r.sub = to;
  }
}

std::vector<Change> rename_tables(Model& cur, const Model& des) {
  std::vector<Change> out;
  for (const auto& [name, t] : des.tables) {
    if (!t.renamed_from || *t.renamed_from == name) continue;
    const QName& old = *t.renamed_from;
    bool has_new = cur.tables.count(name), has_old = cur.tables.count(old);
    if (has_new && has_old)
      throw Error(t.loc, "table " + name.str() + " says renamed_from = \"" + old.str() + "\", but both " + name.str() +
                             " and " + old.str() + " exist; drop one of them or remove the hint");
    if (!has_old || has_new) continue;  // already renamed: the hint is inert
    auto node = cur.tables.extract(old);
    node.key() = name;
    node.mapped().name = name;
    for (auto& g : node.mapped().triggers) g.table = name;
    for (auto& p : node.mapped().policies) p.table = name;
    out.push_back(RenameTable{old, node.mapped()});
    cur.tables.insert(std::move(node));
    for (auto& [n, other] : cur.tables) {
      for (auto& c : other.constraints)
        if (c.kind == ConstraintKind::foreign_key && c.ref_table == old) c.ref_table = name;
      if (other.partition_of == old) other.partition_of = name;
      std::replace(other.inherits.begin(), other.inherits.end(), old, name);
    }
  }
  return out;
}

/// Renames of a kind renamed as a whole (`what`: "sequence"), as for tables; `cur` reads as renamed.
template <class T>
std::vector<Change> rename_objects(std::map<QName, T>& cur, const std::map<QName, T>& des, const std::string& what) {
  std::vector<Change> out;
  for (const auto& [name, o] : des) {
    if (!o.renamed_from || *o.renamed_from == name) continue;
    const QName& old = *o.renamed_from;
    bool has_new = cur.count(name), has_old = cur.count(old);
    if (has_new && has_old)
      throw Error(o.loc, what + " " + name.str() + " says renamed_from = \"" + old.str() + "\", but both " + name.str() + " and " +
                             old.str() + " exist; drop one of them or remove the hint");
    if (!has_old || has_new) continue;
    auto node = cur.extract(old);
    node.key() = name;
    node.mapped().name = name;
    if constexpr (requires { node.mapped().triggers; })
      for (auto& g : node.mapped().triggers) g.table = name;
    out.push_back(Rename<T>{old, node.mapped()});
    cur.insert(std::move(node));
  }
  return out;
}

/// `type` (a column's or attribute's type as the server prints it) naming type `from`, spelled for
/// `to` as the server would print it (qualified when it was), with its array brackets; else `type`.
std::string renamed_type(const std::string& type, const QName& from, const QName& to) {
  TypeName t = parse_type_name(type);
  if (t.name != from.name || (t.schema.empty() ? "public" : t.schema) != from.schema) return type;
  auto bracket = type.find('[');
  std::string suffix = bracket == std::string::npos ? "" : type.substr(bracket);
  return (t.schema.empty() && to.schema == "public" ? "" : printed_ident(to.schema) + ".") + printed_ident(to.name) + suffix;
}

/// After domains and composite types are renamed, the live columns, attributes and domains that
/// use them read as the server prints them then.
void follow_renamed_types(Model& cur, const std::vector<Change>& renames) {
  for (const auto& c : renames) {
    QName from, to;
    if (auto* d = std::get_if<Rename<Domain>>(&c)) from = d->from, to = d->object.name;
    else if (auto* t = std::get_if<Rename<CompositeType>>(&c)) from = t->from, to = t->object.name;
    else continue;
    for (auto& [n, t] : cur.tables)
      for (auto& col : t.columns) col.type = renamed_type(col.type, from, to);
    for (auto& [n, d] : cur.domains) d.type = renamed_type(d.type, from, to);
    for (auto& [n, t] : cur.types)
      for (auto& a : t.attributes) a.type = renamed_type(a.type, from, to);
  }
}

/// Functions renamed as a whole: the same argument types under another name.
std::vector<Change> rename_functions(Model& cur, const Model& des) {
  std::vector<Change> out;
  for (const auto& [ref, f] : des.functions) {
    if (!f.renamed_from || *f.renamed_from == f.name) continue;
    ObjectRef old = function_ref(*f.renamed_from, f.signature, f.procedure);
    bool has_new = cur.functions.count(ref), has_old = cur.functions.count(old);
    if (has_new && has_old)
      throw Error(f.loc, label(ref) + " says renamed_from = \"" + f.renamed_from->str() + "\", but both exist; drop one of them or remove the hint");
    if (!has_old || has_new) continue;
    auto node = cur.functions.extract(old);
    node.key() = ref;
    node.mapped().name = f.name;
    out.push_back(Rename<Function>{old.name, node.mapped()});
    cur.functions.insert(std::move(node));
  }
  return out;
}

/// What uses a renamed sequence, view or function (a default, a check, an index, a trigger, a view,
/// a function) uses it under its new name: the server follows it, and so does `cur`.
void follow_renamed_objects(Model& cur, const std::vector<Change>& renames) {
  std::map<ObjectRef, ObjectRef> renamed;  // old -> new
  for (const auto& c : renames)
    std::visit(
        [&](const auto& r) {
          if constexpr (requires { r.object.renamed_from; r.from; }) {
            ObjectRef now = ref_of(r.object);
            ObjectRef was = now;
            was.name = r.from;
            renamed[was] = now;
          }
        },
        c);
  auto follow = [&](std::vector<ObjectRef>& uses) {
    for (auto& u : uses)
      if (auto it = renamed.find(u); it != renamed.end()) u = it->second;
  };
  if (renamed.empty()) return;
  for (auto& [n, t] : cur.tables) {
    for (auto& col : t.columns) follow(col.default_uses);
    for (auto& k : t.constraints) follow(k.depends_on);
    for (auto& i : t.indexes) follow(i.depends_on);
    for (auto& g : t.triggers) follow(g.depends_on);
  }
  for (auto& [n, v] : cur.views) {
    follow(v.depends_on);
    for (auto& g : v.triggers) follow(g.depends_on);
  }
  for (auto& [n, v] : cur.materialized_views) {
    follow(v.depends_on);
    for (auto& i : v.indexes) follow(i.depends_on);
  }
  for (auto& [r, f] : cur.functions) follow(f.depends_on);
}

/// Column `from` of table `table` renamed `to`, and in the tables that inherit it, and theirs (the
/// server renames an inherited column with its parent's).
void rename_inherited(Model& cur, const QName& table, const std::string& from, const std::string& to) {
  Table& t = cur.tables.at(table);
  Column* col = t.find_column(from);
  if (!col) return;
  col->name = to;
  rename_in_table(t, from, to);
  for (const QName& child : inheriting(cur, table))
    rename_inherited(cur, child, from, to);
}

std::vector<Change> rename_columns(Model& cur, const Model& des) {
  std::vector<Change> out;
  for (const auto& [name, t] : des.tables) {
    auto it = cur.tables.find(name);
    if (it == cur.tables.end()) continue;
    Table& live = it->second;
    for (const auto& col : t.columns) {
      if (!col.renamed_from || *col.renamed_from == col.name) continue;
      const std::string& old = *col.renamed_from;
      bool has_new = live.find_column(col.name), has_old = live.find_column(old);
      if (has_new && has_old)
        throw Error(col.loc, "column " + name.str() + "." + col.name + " says renamed_from = \"" + old + "\", but both " +
                                 col.name + " and " + old + " exist; drop one of them or remove the hint");
      if (!has_old || has_new) continue;
      rename_inherited(cur, name, old, col.name);
      for (auto& [n, other] : cur.tables)
        for (auto& c : other.constraints)
          if (c.kind == ConstraintKind::foreign_key && c.ref_table == name)
            std::replace(c.ref_columns.begin(), c.ref_columns.end(), old, col.name);
      out.push_back(RenameColumn{name, old, col.name});
    }
  }
  return out;
}

std::vector<Change> rename_enum_values(Model& cur, const Model& des) {
  std::vector<Change> out;
  for (const auto& [name, e] : des.enums) {
    auto it = cur.enums.find(name);
    if (it == cur.enums.end()) continue;
    auto& values = it->second.values;
    for (const auto& [to, from] : e.renamed_values) {
      bool has_new = std::count(values.begin(), values.end(), to), has_old = std::count(values.begin(), values.end(), from);
      if (has_new && has_old)
        throw Error(e.loc, "enum " + name.str() + " renames \"" + from + "\" to \"" + to + "\", but both values exist");
      if (!has_old || has_new) continue;
      std::replace(values.begin(), values.end(), from, to);
      // Defaults spelled with the old label read back with the new one.
      for (auto& [tn, t] : cur.tables)
        for (auto& c : t.columns)
          if (c.default_expr)
            for (size_t p; (p = c.default_expr->find(quote_literal(from) + "::")) != std::string::npos;)
              c.default_expr->replace(p, quote_literal(from).size(), quote_literal(to));
      out.push_back(RenameEnumValue{name, from, to});
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "_") + s;
  return out;
}

/// The label PostgreSQL gives a constraint it names itself ("" for checks, whose names it derives
/// from the expression).
std::string constraint_label(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::primary_key: return "pkey";
    case ConstraintKind::unique: return "key";
    case ConstraintKind::foreign_key: return "fkey";
    default: return "";
  }
}

/// Constraint, index and sequence names that PostgreSQL derived from a table's or column's old name
/// follow the new name, unless the desired table names them explicitly. `old_table`: new -> old
/// table name; `old_columns`: table -> new -> old column name.
std::vector<Change> follow_default_names(Model& cur, const Model& des, const std::map<QName, QName>& old_table,
                                         const std::map<QName, std::map<std::string, std::string>>& old_columns) {
  std::set<QName> tables;
  for (const auto& [n, o] : old_table) tables.insert(n);
  for (const auto& [n, o] : old_columns) tables.insert(n);
  std::vector<Change> out;
  for (const QName& name : tables) {
    auto it = cur.tables.find(name);
    const Table* wanted = des.find_table(name);
    if (it == cur.tables.end() || !wanted) continue;
    Table& t = it->second;
    std::string before = old_table.count(name) ? old_table.at(name).name : name.name;
    auto was = [&](const std::string& col) {
      auto cols = old_columns.find(name);
      if (cols == old_columns.end()) return col;
      auto c = cols->second.find(col);
      return c == cols->second.end() ? col : c->second;
    };
    auto was_all = [&](const std::vector<std::string>& cols) {
      std::vector<std::string> v;
      for (const auto& c : cols) v.push_back(was(c));
      return joined(v);
    };
    auto kept = [&](const std::string& n) {
      for (const auto& c : wanted->constraints)
        if (c.named && c.name == n) return true;
      for (const auto& i : wanted->indexes)
        if (i.named && i.name == n) return true;
      return false;
    };
    auto follow = [&](std::string& current, const std::string& old_default, const std::string& new_default, ObjectKind kind) {
      if (current != old_default || old_default == new_default || kept(old_default)) return;
      out.push_back(RenameObject{name, kind, current, new_default});
      current = new_default;
    };
    for (auto& c : t.constraints) {
      std::string label = constraint_label(c.kind);
      if (label.empty()) continue;
      bool pk = c.kind == ConstraintKind::primary_key;
      follow(c.name, default_object_name(before, pk ? "" : was_all(c.columns), label),
             default_object_name(name.name, pk ? "" : joined(c.columns), label), ObjectKind::constraint);
    }
    for (auto& ix : t.indexes) {
      bool plain = std::all_of(ix.keys.begin(), ix.keys.end(), [&](const std::string& k) { return t.find_column(k) != nullptr; });
      if (plain)
        follow(ix.name, default_object_name(before, was_all(ix.keys), "idx"), default_object_name(name.name, joined(ix.keys), "idx"), ObjectKind::index);
    }
    for (auto& col : t.columns)
      if (col.sequence)
        follow(col.sequence->name, default_object_name(before, was(col.name), "seq"), default_object_name(name.name, col.name, "seq"),
               ObjectKind::sequence);
  }
  return out;
}

}  // namespace

std::string rename_identifier(const std::string& expr, const std::string& from, const std::string& to) {
  auto tokens = sql_tokens(expr);
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const SqlToken& t = tokens[i];
    size_t next = i + 1;
    while (next < tokens.size() && tokens[next].kind == SqlToken::space) ++next;
    bool function = t.kind == SqlToken::word && next < tokens.size() && tokens[next].text == "(";
    out += t.identifier() && t.value == from && !function ? printed_ident(to) : std::string(t.text);
  }
  return out;
}

bool has_rename_hints(const Model& desired) {
  auto hinted = [](const auto& objects) {
    return std::any_of(objects.begin(), objects.end(), [](const auto& entry) { return entry.second.renamed_from.has_value(); });
  };
  for (const auto& [name, t] : desired.tables)
    if (t.renamed_from || std::any_of(t.columns.begin(), t.columns.end(), [](const Column& c) { return c.renamed_from.has_value(); }))
      return true;
  for (const auto& [name, e] : desired.enums)
    if (!e.renamed_values.empty()) return true;
  return hinted(desired.sequences) || hinted(desired.views) || hinted(desired.materialized_views) || hinted(desired.functions) ||
         hinted(desired.domains) || hinted(desired.types);
}

std::vector<Change> resolve_renames(Model& current, const Model& desired) {
  std::vector<Change> out = rename_tables(current, desired);
  for (auto& c : rename_columns(current, desired)) out.push_back(std::move(c));
  std::map<QName, QName> old_table;
  std::map<QName, std::map<std::string, std::string>> old_columns;
  for (const auto& c : out) {
    if (auto* t = std::get_if<RenameTable>(&c)) old_table[t->table.name] = t->from;
    if (auto* r = std::get_if<RenameColumn>(&c)) old_columns[r->table][r->to] = r->from;
  }
  for (auto& c : follow_default_names(current, desired, old_table, old_columns)) out.push_back(std::move(c));
  for (auto& c : rename_enum_values(current, desired)) out.push_back(std::move(c));
  std::vector<Change> types = rename_objects(current.domains, desired.domains, "domain");
  for (auto& c : rename_objects(current.types, desired.types, "type")) types.push_back(std::move(c));
  follow_renamed_types(current, types);
  for (auto& c : types) out.push_back(std::move(c));
  std::vector<Change> objects = rename_objects(current.sequences, desired.sequences, "sequence");
  for (auto& c : rename_objects(current.views, desired.views, "view")) objects.push_back(std::move(c));
  for (auto& c : rename_objects(current.materialized_views, desired.materialized_views, "materialized view")) objects.push_back(std::move(c));
  for (auto& c : rename_functions(current, desired)) objects.push_back(std::move(c));
  follow_renamed_objects(current, objects);
  for (auto& c : objects) out.push_back(std::move(c));
  return out;
}

}  // namespace reconcile
