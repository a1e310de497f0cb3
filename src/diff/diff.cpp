// Model x model -> changes, by object identity. No SQL and no I/O here.
#include <algorithm>

#include "reconcile/change.hpp"
#include "reconcile/object_ref.hpp"
#include "reconcile/sql.hpp"
#include "reconcile/types.hpp"

namespace reconcile {
namespace {

template <class T>
struct is_create : std::false_type {};
template <class T>
struct is_create<Create<T>> : std::true_type {};

class Differ {
 public:
  Differ(const Model& cur, const Model& des, const DiffOptions& opt)
      : changed_(changes_current(cur, des) ? std::optional<Model>(cur) : std::nullopt),
        cur_(changed_ ? *changed_ : cur), des_(des), opt_(opt) {}

  std::vector<Change> run() {
    if (changed_) {
      out_ = resolve_renames(*changed_, des_);
      follow_renamed_owners();
    }
    extensions();
    schemas();
    enums();
    domains();
    types();
    sequences();
    functions();
    tables();
    views();
    if (opt_.grants) grants();
    return std::move(out_);
  }

 private:
  void extensions() {
    for (const auto& [n, e] : des_.extensions)
      if (!cur_.extensions.count(n)) out_.push_back(CreateExtension{e});
    if (opt_.drop_extensions)
      for (const auto& [n, e] : cur_.extensions)
        if (!des_.extensions.count(n)) out_.push_back(DropExtension{e});
  }

  void schemas() {
    for (const auto& [n, s] : des_.schemas) {
      auto it = cur_.schemas.find(n);
      if (it == cur_.schemas.end()) {
        out_.push_back(CreateSchema{s});
      } else if (it->second.comment != s.comment) {
        out_.push_back(SetSchemaComment{n, s.comment, it->second.comment});
      }
    }
    for (const auto& [n, s] : cur_.schemas)
      if (!des_.schemas.count(n) && n != "public") out_.push_back(DropSchema{s});
  }

  void enums() {
    for (const auto& [n, e] : des_.enums) {
      auto it = cur_.enums.find(n);
      if (it == cur_.enums.end()) {
        out_.push_back(CreateEnum{e});
        continue;
      }
      enum_values(it->second, e);
      if (it->second.comment != e.comment) out_.push_back(SetEnumComment{n, e.comment, it->second.comment});
    }
    for (const auto& [n, e] : cur_.enums)
      if (!des_.enums.count(n)) out_.push_back(DropEnum{e});
  }

  /// The roles of the fields that a change to a whole object (a sequence, a view) compares.
  static bool changed_in_place(FieldRole r) { return r == FieldRole::definition || r == FieldRole::comment; }

  /// A sequence owned by a renamed table or column is owned by it under its new name, and a live
  /// view uses it under that name.
  void follow_renamed_owners() {
    auto follow = [](const Change& c, std::vector<ObjectRef>& uses) {
      for (auto& r : uses) {
        if (auto* t = std::get_if<RenameTable>(&c); t && r.name == t->from && (r.kind == ObjectKind::table || r.kind == ObjectKind::column))
          r.name = t->table.name;
        if (auto* col = std::get_if<RenameColumn>(&c); col && r.kind == ObjectKind::column && r.name == col->table && r.sub == col->from)
          r.sub = col->to;
      }
    };
    Model& cur = *changed_;
    for (const auto& c : out_) {
      for (auto& [n, v] : cur.views) follow(c, v.depends_on);
      for (auto& [n, v] : cur.materialized_views) follow(c, v.depends_on);
      for (auto& [r, f] : cur.functions) follow(c, f.depends_on);
      for (auto& [n, s] : cur.sequences) {
        if (!s.owned_by) continue;
        if (auto* r = std::get_if<RenameTable>(&c); r && s.owned_by->table == r->from) s.owned_by->table = r->table.name;
        if (auto* r = std::get_if<RenameColumn>(&c); r && s.owned_by->table == r->table && s.owned_by->column == r->from)
          s.owned_by->column = r->to;
      }
    }
  }

  /// Privileges, for each desired object: from what it has today (nothing when the plan creates it,
  /// or drops and creates it again) to what the files say. Both sides are empty unless grants are
  /// managed (the live side is read without them, the files' are left out).
  void grants() {
    std::set<ObjectRef> created;
    for (const auto& c : out_)
      std::visit(
          [&](const auto& ch) {
            using T = std::decay_t<decltype(ch)>;
            if constexpr (std::is_same_v<T, CreateTable>) created.insert(table_ref(ch.table.name));
            else if constexpr (std::is_same_v<T, CreateEnum>) created.insert(enum_ref(ch.enumeration.name));
            else if constexpr (std::is_same_v<T, RebuildEnum>) created.insert(enum_ref(ch.to.name));
            else if constexpr (std::is_same_v<T, Rebuild<CompositeType>> || std::is_same_v<T, Rebuild<Domain>>) created.insert(ref_of(ch.to));
            else if constexpr (std::is_same_v<T, CreateSchema>) created.insert(schema_ref(ch.schema.name));
            else if constexpr (is_create<T>::value) {
              if constexpr (requires { ch.object.grants; }) created.insert(ref_of(ch.object));
            }
          },
          c);
    // A new object holds its kind's default privileges (none for others than its owner, but
    // EXECUTE for PUBLIC on a function or procedure, USAGE on a type) and those its schema gives
    // the objects of its kind that the applying role makes.
    auto each = [&](const auto& wanted, const auto& live, auto ref, auto target, const char* kind, std::vector<Grant> builtin = {}) {
      for (const auto& [key, o] : wanted) {
        auto it = live.find(key);
        const auto& from = it == live.end() || created.count(ref(o)) ? fresh(o.name.schema, kind, builtin) : it->second.grants;
        std::vector<ObjectRef> uses;
        if constexpr (requires { o.depends_on; }) uses = o.depends_on;
        if (from != o.grants) out_.push_back(SetGrants{ref(o), target(o), from, o.grants, uses, o.loc});
      }
    };
    for (const auto& [name, s] : des_.schemas) {
      auto it = cur_.schemas.find(name);
      const Schema* live = it == cur_.schemas.end() || created.count(schema_ref(name)) ? nullptr : &it->second;
      const std::vector<Grant> none;
      const auto& from = live ? live->grants : none;
      if (from != s.grants) out_.push_back(SetGrants{schema_ref(name), "SCHEMA " + quote_ident(name), from, s.grants, {}, s.loc});
      default_privileges(s, live);
    }
    each(des_.tables, cur_.tables, [](const Table& t) { return table_ref(t.name); }, [](const Table& t) { return "TABLE " + t.name.sql(); },
         "tables");
    each(des_.views, cur_.views, [](const View& v) { return ref_of(v); }, [](const View& v) { return "TABLE " + v.name.sql(); }, "tables");
    each(des_.materialized_views, cur_.materialized_views, [](const MaterializedView& v) { return ref_of(v); },
         [](const MaterializedView& v) { return "TABLE " + v.name.sql(); }, "tables");
    each(des_.sequences, cur_.sequences, [](const Sequence& s) { return ref_of(s); }, [](const Sequence& s) { return "SEQUENCE " + s.name.sql(); },
         "sequences");
    each(
        des_.functions, cur_.functions, [](const Function& f) { return ref_of(f); },
        [](const Function& f) { return std::string(f.procedure ? "PROCEDURE " : "FUNCTION ") + f.name.sql() + "(" + f.signature + ")"; },
        "functions", {Grant{"public", {"execute"}, {}, false}});
    const std::vector<Grant> usage{Grant{"public", {"usage"}, {}, false}};
    each(des_.enums, cur_.enums, [](const Enum& e) { return enum_ref(e.name); }, [](const Enum& e) { return "TYPE " + e.name.sql(); }, "types",
         usage);
    each(des_.domains, cur_.domains, [](const Domain& d) { return ref_of(d); }, [](const Domain& d) { return "DOMAIN " + d.name.sql(); },
         "types", usage);
    each(des_.types, cur_.types, [](const CompositeType& t) { return ref_of(t); }, [](const CompositeType& t) { return "TYPE " + t.name.sql(); },
         "types", usage);
  }

  /// What a new object of `kind` ("tables") in `schema` holds: `builtin` and what the schema's
  /// default privileges give the objects of that kind the applying role makes.
  std::vector<Grant> fresh(const std::string& schema, const std::string& kind, const std::vector<Grant>& builtin) const {
    auto it = des_.schemas.find(schema);
    if (it == des_.schemas.end()) return builtin;
    const Schema* s = &it->second;
    std::set<PrivilegeAtom> atoms = privilege_atoms(builtin);
    for (const auto& d : s->default_privileges)
      if (d.on == kind && d.for_role.empty())
        for (const auto& a : privilege_atoms(d.grants)) atoms.insert(a);
    return canonical_grants(atoms);
  }

  /// ALTER DEFAULT PRIVILEGES in schema `s`, from what `live` gives (none when it is new), for
  /// each kind and role whose privileges differ.
  void default_privileges(const Schema& s, const Schema* live) {
    std::map<std::pair<std::string, std::string>, std::pair<std::vector<Grant>, std::vector<Grant>>> both;  // (role, on) -> from, to
    if (live)
      for (const auto& d : live->default_privileges) both[{d.for_role, d.on}].first = d.grants;
    for (const auto& d : s.default_privileges) both[{d.for_role, d.on}].second = d.grants;
    for (const auto& [key, grants] : both) {
      if (grants.first == grants.second) continue;
      const auto& [role, on] = key;
      std::string upper = on;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
      SetGrants g{schema_ref(s.name), upper, grants.first, grants.second, {}, s.loc};
      g.defaults = "ALTER DEFAULT PRIVILEGES" + (role.empty() ? "" : " FOR ROLE " + quote_ident(role)) + " IN SCHEMA " + quote_ident(s.name);
      g.about = "default privileges on " + on + (role.empty() ? "" : " for role " + role);
      out_.push_back(std::move(g));
    }
  }

  /// Composite types change in place (ALTER TYPE) when the attributes kept stay in their order and
  /// new ones come last: attributes are added, dropped, or given a new type or collation. Any other
  /// change creates the type again, which a table column of the type does not allow.
  void types() {
    for (const auto& [n, t] : des_.types) {
      auto it = cur_.types.find(n);
      if (it == cur_.types.end()) {
        out_.push_back(Create<CompositeType>{t});
      } else if (!same_fields(it->second, t, changed_in_place)) {
        auto users = columns_of_type(n);
        bool alterable = attributes_alterable(it->second.attributes, t.attributes);
        if (alterable && (users.empty() || !retyped(it->second.attributes, t.attributes))) {
          out_.push_back(Alter<CompositeType>{it->second, t});
        } else if (users.empty()) {
          out_.push_back(Drop<CompositeType>{it->second});
          out_.push_back(Create<CompositeType>{t});
        } else {
          for (const auto& [table, col] : users)
            if (col.type.find('[') != std::string::npos)
              throw Error(t.loc, "type " + n.str() + " would be made again (" + (alterable ? "an attribute's type changes" : "its attributes change order") +
                                     "), but the array column " + table.str() + "." + col.name + " uses it; change it by hand");
          out_.push_back(Rebuild<CompositeType>{it->second, t, users});
        }
      }
    }
    for (const auto& [n, t] : cur_.types)
      if (!des_.types.count(n)) out_.push_back(Drop<CompositeType>{t});
  }

  /// Whether ALTER TYPE turns `from` into `to`: the attributes both have are in the same order, and
  /// those only `to` has come after them.
  static bool attributes_alterable(const std::vector<TypeAttribute>& from, const std::vector<TypeAttribute>& to) {
    auto in = [](const std::vector<TypeAttribute>& v, const std::string& name) {
      return std::any_of(v.begin(), v.end(), [&](const TypeAttribute& a) { return a.name == name; });
    };
    std::vector<std::string> kept_from, kept_to;
    for (const auto& a : from)
      if (in(to, a.name)) kept_from.push_back(a.name);
    bool added = false;
    for (const auto& a : to) {
      if (!in(from, a.name)) {
        added = true;
        continue;
      }
      if (added) return false;  // an old attribute after a new one
      kept_to.push_back(a.name);
    }
    return kept_from == kept_to;
  }

  /// Whether an attribute both have gets a new type or collation.
  static bool retyped(const std::vector<TypeAttribute>& from, const std::vector<TypeAttribute>& to) {
    for (const auto& a : from)
      for (const auto& b : to)
        if (a.name == b.name && !(a == b)) return true;
    return false;
  }

  /// "table.column" of a live table column whose type is the composite type `name`, if any.
  /// The current columns of type `name` (or an array of it), as the desired model has them (its
  /// default); those it drops are not converted.
  std::vector<std::pair<QName, Column>> columns_of_type(const QName& name) const {
    std::vector<std::pair<QName, Column>> out;
    for (const auto& [tn, t] : cur_.tables)
      for (const auto& c : t.columns)
        if (type_ref(c.type).name == name)
          if (const Table* keep = des_.find_table(tn); keep && keep->find_column(c.name)) {
            Column col = c;
            col.default_expr = keep->find_column(c.name)->default_expr;
            out.emplace_back(tn, col);
          }
    return out;
  }

  /// Domains change in place (default, nullability, checks, comment); a new base type or collation
  /// would have to convert every column that uses the domain, which is not planned yet.
  void domains() {
    for (const auto& [n, d] : des_.domains) {
      auto it = cur_.domains.find(n);
      if (it == cur_.domains.end()) {
        out_.push_back(Create<Domain>{d});
      } else if (!same_fields(it->second, d, changed_in_place)) {
        if (it->second.type == d.type && it->second.collation == d.collation) {
          out_.push_back(Alter<Domain>{it->second, d});
          continue;
        }
        auto users = columns_of_type(n);  // a new base type or collation: the domain is made again
        if (users.empty()) {
          out_.push_back(Drop<Domain>{it->second});
          out_.push_back(Create<Domain>{d});
          continue;
        }
        for (const auto& [table, col] : users)
          if (col.type.find('[') != std::string::npos)
            throw Error(d.loc, "domain " + n.str() + " would be made again (a new base type or collation), but the array column " +
                                   table.str() + "." + col.name + " uses it; change it by hand");
        out_.push_back(Rebuild<Domain>{it->second, d, users});
      }
    }
    for (const auto& [n, d] : cur_.domains)
      if (!des_.domains.count(n)) out_.push_back(Drop<Domain>{d});
  }

  /// Sequences are created without an owner and given it by a step of their own, once the column
  /// exists (a column's default may need the sequence first). One whose owning column goes away
  /// goes with it.
  void sequences() {
    for (const auto& [n, s] : des_.sequences) {
      auto it = cur_.sequences.find(n);
      if (it == cur_.sequences.end()) {
        Sequence bare = s;
        bare.owned_by.reset();
        out_.push_back(Create<Sequence>{bare});
        if (s.owned_by) out_.push_back(Alter<Sequence>{bare, s});
      } else if (!same_fields(it->second, s, changed_in_place)) {
        out_.push_back(Alter<Sequence>{it->second, s});
      }
    }
    for (const auto& [n, s] : cur_.sequences)
      if (!des_.sequences.count(n) && !dropped_by_owner(s)) out_.push_back(Drop<Sequence>{s});
  }

  /// Whether dropping the column that owns `s` drops it too, and must: the column's default calls
  /// it, so it cannot go first. (Other owned sequences are dropped by a step of their own, first.)
  bool dropped_by_owner(const Sequence& s) {
    if (!s.owned_by) return false;
    const Table* wanted = des_.find_table(s.owned_by->table);
    if (wanted && wanted->find_column(s.owned_by->column)) return false;
    const Table* t = cur_.find_table(s.owned_by->table);
    const Column* c = t ? t->find_column(s.owned_by->column) : nullptr;
    return c && std::count(c->default_uses.begin(), c->default_uses.end(), sequence_ref(s.name));
  }

  /// Functions and procedures: replaced in place (CREATE OR REPLACE) when their arguments and
  /// result stay; else dropped and created again, with the views and triggers that use them.
  void functions() {
    for (const auto& [r, f] : des_.functions) {
      auto it = cur_.functions.find(r);
      if (it == cur_.functions.end()) {
        out_.push_back(Create<Function>{f});
      } else if (!same_fields(it->second, f, changed_in_place)) {
        if (it->second.arguments == f.arguments && it->second.returns == f.returns) {
          out_.push_back(Alter<Function>{it->second, f});
        } else {
          out_.push_back(Drop<Function>{it->second});
          out_.push_back(Create<Function>{f});
        }
      }
    }
    for (const auto& [r, f] : cur_.functions)
      if (!des_.functions.count(r)) out_.push_back(Drop<Function>{f});
  }

  /// What the changes so far drop or rebuild, that views and triggers may use: columns whose type
  /// changes, dropped columns, columns of a rebuilt enum, dropped or rebuilt functions. Kept up to
  /// date from the changes added since the last call (it is asked once per altered table).
  const std::set<ObjectRef>& affected() {
    for (; affected_upto_ < out_.size(); ++affected_upto_) {
      const Change& ch = out_[affected_upto_];
      if (auto* a = std::get_if<AlterColumn>(&ch); a && (a->what & delta_type)) {
        affected_.insert(column_ref(a->table, a->to.name));
        affected_.insert(column_ref(a->table, a->from.name));
      } else if (auto* c = std::get_if<DropColumn>(&ch)) {
        affected_.insert(column_ref(c->table, c->column.name));
      } else if (auto* e = std::get_if<RebuildEnum>(&ch)) {
        for (const auto& [table, col] : e->columns) affected_.insert(column_ref(table, col.name));
      } else if (auto* r = std::get_if<Rebuild<CompositeType>>(&ch)) {
        for (const auto& [table, col] : r->columns) affected_.insert(column_ref(table, col.name));
      } else if (auto* r = std::get_if<Rebuild<Domain>>(&ch)) {
        for (const auto& [table, col] : r->columns) affected_.insert(column_ref(table, col.name));
      } else if (auto* f = std::get_if<Drop<Function>>(&ch)) {
        affected_.insert(ref_of(f->object));
      }
    }
    return affected_;
  }

  /// Triggers and policies match by name: a new one is created, a changed one altered in place
  /// (CREATE OR REPLACE TRIGGER, ALTER POLICY) when `in_place` says it can be, else dropped and
  /// created again; one over a column or function that the plan drops or rebuilds is dropped first
  /// and created again.
  template <class T, class InPlace>
  void parts(const std::vector<T>& from, const std::vector<T>& to, InPlace in_place) {
    const auto& hit = affected();
    for (const auto& g : to) {
      auto old = std::find_if(from.begin(), from.end(), [&](const T& o) { return o.name == g.name; });
      if (old == from.end()) {
        out_.push_back(Create<T>{g});
      } else if (std::any_of(old->depends_on.begin(), old->depends_on.end(), [&](const ObjectRef& r) { return hit.count(r); }) ||
                 (!same_fields(*old, g, changed_in_place) && !in_place(*old, g))) {
        out_.push_back(Drop<T>{*old});
        out_.push_back(Create<T>{g});
      } else if (!same_fields(*old, g, changed_in_place)) {
        out_.push_back(Alter<T>{*old, g});
      }
    }
    for (const auto& g : from)
      if (std::none_of(to.begin(), to.end(), [&](const T& o) { return o.name == g.name; })) out_.push_back(Drop<T>{g});
  }
  void triggers(const std::vector<Trigger>& from, const std::vector<Trigger>& to) {
    parts(from, to, [](const Trigger&, const Trigger&) { return true; });
  }
  /// ALTER POLICY changes the roles and expressions, but cannot change the command or the kind, nor
  /// take an expression away.
  void policies(const std::vector<Policy>& from, const std::vector<Policy>& to) {
    parts(from, to, [](const Policy& a, const Policy& b) {
      return a.command == b.command && a.permissive == b.permissive && (a.using_expr.empty() || !b.using_expr.empty()) &&
             (a.with_check.empty() || !b.with_check.empty());
    });
  }

  /// Views: replaced in place when their columns only grow (CREATE OR REPLACE), else dropped and
  /// created again. Materialized views: rebuilt when their query or columns change, their indexes,
  /// comment and data changed in place. The live views of either kind over anything the plan drops
  /// or rebuilds (a column whose type changes, a dropped column, table, function or view) are
  /// dropped and created again too, in dependency order, never with CASCADE.
  void views() {
    std::set<ObjectRef> rebuilt, gone;
    std::set<QName> replaced, altered;
    for (const auto& [n, v] : des_.views) {
      auto it = cur_.views.find(n);
      if (it == cur_.views.end()) {
        create_view(v);
      } else if (!same_fields(it->second, v, changed_in_place)) {
        const auto& was = it->second.columns;
        bool grows = v.columns.size() >= was.size() && std::equal(was.begin(), was.end(), v.columns.begin());
        if (grows) replaced.insert(n);
        else rebuilt.insert(view_ref(n));
      }
    }
    for (const auto& [n, v] : des_.materialized_views) {
      auto it = cur_.materialized_views.find(n);
      if (it == cur_.materialized_views.end()) out_.push_back(Create<MaterializedView>{v});
      else if (it->second.query != v.query || it->second.columns != v.columns || indexes_call_affected(it->second)) rebuilt.insert(materialized_view_ref(n));
      else if (!same_fields(it->second, v, changed_in_place)) altered.insert(n);
    }
    for (const auto& [n, v] : cur_.views)
      if (!des_.views.count(n)) gone.insert(view_ref(n));
    for (const auto& [n, v] : cur_.materialized_views)
      if (!des_.materialized_views.count(n)) gone.insert(materialized_view_ref(n));
    carry_dependent_views(rebuilt, gone);
    for (const auto& n : replaced)
      if (!rebuilt.count(view_ref(n))) out_.push_back(Alter<View>{cur_.views.at(n), des_.views.at(n)});
    // The triggers of a view kept (or replaced in place, which keeps them).
    for (const auto& [n, v] : des_.views)
      if (auto it = cur_.views.find(n); it != cur_.views.end() && !rebuilt.count(view_ref(n))) triggers(it->second.triggers, v.triggers);
    for (const auto& n : altered)
      if (!rebuilt.count(materialized_view_ref(n))) out_.push_back(Alter<MaterializedView>{cur_.materialized_views.at(n), des_.materialized_views.at(n)});
    for (const auto& r : gone) drop_view(r);
    for (const auto& r : rebuilt) {
      drop_view(r);
      if (r.kind == ObjectKind::view) {
        if (auto it = des_.views.find(r.name); it != des_.views.end()) create_view(it->second);
      } else if (auto it = des_.materialized_views.find(r.name); it != des_.materialized_views.end()) {
        out_.push_back(Create<MaterializedView>{it->second});
      }
    }
  }

  bool indexes_call_affected(const MaterializedView& v) {
    return std::any_of(v.indexes.begin(), v.indexes.end(), [&](const Index& i) { return calls_affected(i.depends_on); });
  }

  /// A view and then its triggers (a dropped view takes its triggers with it).
  void create_view(const View& v) {
    View bare = v;
    bare.triggers.clear();
    out_.push_back(Create<View>{bare});
    for (const auto& g : v.triggers) out_.push_back(Create<Trigger>{g});
  }

  void drop_view(const ObjectRef& r) {
    if (r.kind == ObjectKind::view) out_.push_back(Drop<View>{cur_.views.at(r.name)});
    else out_.push_back(Drop<MaterializedView>{cur_.materialized_views.at(r.name)});
  }

  /// Adds to `rebuilt` every live view (of either kind) that uses, directly or through other
  /// views, what the changes so far drop or rebuild.
  void carry_dependent_views(std::set<ObjectRef>& rebuilt, const std::set<ObjectRef>& gone) {
    std::set<ObjectRef> affected = this->affected();  // a copy: the views rebuilt join it below
    std::set<QName> dropped_tables;
    for (const auto& ch : out_)
      if (auto* t = std::get_if<DropTable>(&ch)) dropped_tables.insert(t->table.name);
    affected.insert(rebuilt.begin(), rebuilt.end());
    affected.insert(gone.begin(), gone.end());
    auto hit = [&](const ObjectRef& r) {
      bool table_gone = (r.kind == ObjectKind::table || r.kind == ObjectKind::column) && dropped_tables.count(r.name);
      return table_gone || affected.count(r);
    };
    auto carry = [&](const ObjectRef& self, const std::vector<ObjectRef>& uses) {
      if (rebuilt.count(self) || gone.count(self) || std::none_of(uses.begin(), uses.end(), hit)) return false;
      rebuilt.insert(self);
      affected.insert(self);
      return true;
    };
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [n, v] : cur_.views) grew = carry(view_ref(n), v.depends_on) || grew;
      for (const auto& [n, v] : cur_.materialized_views) grew = carry(materialized_view_ref(n), v.depends_on) || grew;
    }
  }

  /// Whether going from `from` to `to` removes or reorders values (which rebuilds the type).
  static bool rebuilds(const Enum& from, const Enum& to) {
    std::vector<std::string> kept;
    for (const auto& v : to.values)
      if (std::find(from.values.begin(), from.values.end(), v) != from.values.end()) kept.push_back(v);
    return kept != from.values;
  }

  /// Whether the diff changes the current model as it goes (renames, enum rebuilds): then it works
  /// on a copy; else on the model itself (a copy of a large schema costs time and memory).
  static bool changes_current(const Model& cur, const Model& des) {
    for (const auto& [n, e] : des.enums)
      if (auto it = cur.enums.find(n); it != cur.enums.end() && rebuilds(it->second, e)) return true;
    return has_rename_hints(des);
  }

  /// New values are added at their declared position. Removing or reordering existing values
  /// rebuilds the type.
  void enum_values(const Enum& from, const Enum& to) {
    if (rebuilds(from, to)) {
      out_.push_back(RebuildEnum{from, to, enum_columns(to.name)});
      return;
    }
    for (size_t i = 0; i < to.values.size(); ++i) {
      const auto& v = to.values[i];
      if (std::find(from.values.begin(), from.values.end(), v) != from.values.end()) continue;
      AddEnumValue add{to.name, v, "", ""};
      for (size_t j = i + 1; j < to.values.size() && add.before.empty(); ++j)
        if (std::find(from.values.begin(), from.values.end(), to.values[j]) != from.values.end()) add.before = to.values[j];
      if (add.before.empty() && i > 0) add.after = to.values[i - 1];
      out_.push_back(add);
    }
  }

  /// The current columns of type `e` (or an array of it) that the desired model keeps.
  std::vector<std::pair<QName, Column>> enum_columns(const QName& e) {
    std::vector<std::pair<QName, Column>> out;
    for (auto& [tn, t] : changed_->tables) {
      const Table* keep = des_.find_table(tn);
      if (!keep) continue;
      for (auto& c : t.columns) {
        TypeName type = parse_type_name(c.type);
        bool same = type.name == e.name && (type.schema == e.schema || (type.schema.empty() && e.schema == "public"));
        const Column* wanted = keep->find_column(c.name);
        if (!same || !wanted) continue;
        // The rebuilt column gets its desired default (the old one may name a removed value), and
        // the columns compared later have it already.
        c.default_expr = wanted->type == c.type ? wanted->default_expr : std::nullopt;
        out.emplace_back(tn, c);
      }
    }
    return out;
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  void tables() {
    for (const auto& [n, t] : des_.tables) {
      auto it = cur_.tables.find(n);
      if (it == cur_.tables.end()) create_table(t);
      else alter_table(it->second, t);
    }
    for (const auto& [n, t] : cur_.tables)
      if (!des_.tables.count(n)) drop_table(t);
  }

  void create_table(const Table& t) {
    Table body = t;
    body.indexes.clear();
    body.triggers.clear();
    body.constraints.clear();
    for (const auto& c : t.constraints)
      if (c.kind != ConstraintKind::foreign_key) body.constraints.push_back(c);
    out_.push_back(CreateTable{body});
    // An inherited column whose default or NOT NULL was changed on this table alone.
    for (const auto& c : t.columns)
      if (auto passed = c.inherited ? passed_on_column(des_, t, c) : std::nullopt; passed && !passed->same_definition(c))
        if (unsigned what = column_delta(*passed, c) & (delta_default | delta_nullable)) out_.push_back(AlterColumn{t.name, *passed, c, what});
    for (const auto& c : t.constraints)
      if (c.kind == ConstraintKind::foreign_key) out_.push_back(AddConstraint{t.name, c, true});
    for (const auto& ix : t.indexes) out_.push_back(CreateIndex{t.name, ix, true});
    for (const auto& g : t.triggers) out_.push_back(Create<Trigger>{g});
    if (!t.replica_identity.empty()) out_.push_back(SetReplicaIdentity{t.name, t.replica_identity, ""});
    if (t.row_level_security || t.force_row_level_security) out_.push_back(SetRowSecurity{t.name, row_security(t), {}});
    for (const auto& p : t.policies) out_.push_back(Create<Policy>{p});
  }

  void drop_table(const Table& t) {
    // Foreign keys between dropped tables go first, so that no DROP needs CASCADE. The others go
    // with the table, which therefore drops before the keys they use.
    Table gone = t;
    std::erase_if(gone.constraints, [&](const Constraint& c) {
      bool first = c.kind == ConstraintKind::foreign_key && c.ref_table != t.name && !des_.tables.count(c.ref_table) &&
                   cur_.tables.count(c.ref_table);
      if (first) out_.push_back(DropConstraint{t.name, c});
      return first;
    });
    // A partition is detached first: a foreign key to its parent reaches it too.
    if (t.is_partition()) out_.push_back(DetachPartition{t.name, t.partition_of, t.bound});
    out_.push_back(DropTable{gone});
  }

  void alter_table(const Table& from, const Table& to) {
    if (from.partition_by != to.partition_by)
      throw Error(to.loc, "table " + to.name.str() + ": changing how a table is partitioned (partition_by " +
                              (from.partition_by.empty() ? "none" : from.partition_by) + " -> " +
                              (to.partition_by.empty() ? "none" : to.partition_by) +
                              ") is not supported: create a new table under another name and move the rows");
    bool moved = from.partition_of != to.partition_of || from.bound != to.bound;
    if (moved && from.is_partition()) out_.push_back(DetachPartition{from.name, from.partition_of, from.bound});
    for (const QName& p : from.inherits)
      if (!contains(to.inherits, p)) out_.push_back(NoInheritTable{to.name, p, inheritance_of(p, cur_, nullptr)});
    // A partition's columns are its parent's: they change with the parent, unless it is detached
    // meanwhile (it is attached again after). A table that inherits gets what its parents' changes
    // pass on; the rest are its own.
    Table reached = inherited_changes(from, to);
    if (!from.is_partition() || moved) columns(reached, to);
    constraints(reached, to);
    indexes(from, to);
    triggers(from.triggers, to.triggers);
    if (from.comment != to.comment) out_.push_back(SetTableComment{to.name, to.comment, from.comment});
    if (from.replica_identity != to.replica_identity) out_.push_back(SetReplicaIdentity{to.name, to.replica_identity, from.replica_identity});
    if (row_security(from) != row_security(to)) out_.push_back(SetRowSecurity{to.name, row_security(to), row_security(from)});
    policies(from.policies, to.policies);
    if (from.unlogged != to.unlogged || from.with != to.with)
      out_.push_back(SetTableStorage{to.name, to.unlogged, to.with, from.unlogged, from.with});
    if (moved && to.is_partition()) out_.push_back(AttachPartition{to.name, to.partition_of, to.bound});
    for (const QName& p : to.inherits)
      if (!contains(from.inherits, p)) out_.push_back(InheritTable{to.name, p, inheritance_of(p, des_, &from)});
  }

  static bool contains(const std::vector<QName>& names, const QName& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  }

  /// What table `parent` of `m` passes on to a table that inherits from it: its columns and its
  /// checks (not those declared NO INHERIT), but for the checks that `child` has already.
  static Inheritance inheritance_of(const QName& parent, const Model& m, const Table* child) {
    Inheritance out;
    const Table* t = m.find_table(parent);
    if (!t) return out;
    for (const auto& c : t->columns) out.columns.push_back(c.name);
    for (std::vector<QName> next{parent}; !next.empty();) {
      QName q = next.back();
      next.pop_back();
      if (contains(out.line, q)) continue;
      out.line.push_back(q);
      if (const Table* up = m.find_table(q)) next.insert(next.end(), up->inherits.begin(), up->inherits.end());
    }
    for (const auto& k : t->constraints) {
      bool has = child && std::any_of(child->constraints.begin(), child->constraints.end(), [&](const Constraint& o) { return o.name == k.name; });
      if (passed_on(k) && !has) out.checks.push_back(k);
    }
    return out;
  }

  /// `from` as its parents' changes leave it: the server passes a change to a parent's column on
  /// to the tables that inherit it (a column added, dropped unless the table declares it too, a
  /// type, default or NOT NULL changed) and so a check added or dropped; a table that starts
  /// inheriting gets the parent's checks with INHERIT, one that stops keeps what it inherited.
  Table inherited_changes(const Table& from, const Table& to) const {
    Table out = from;
    for (const QName& p : to.inherits)
      if (!contains(from.inherits, p))
        for (const auto& k : inheritance_of(p, des_, &from).checks) out.constraints.push_back(k);
    for (const QName& p : from.inherits) {
      const Table* was = cur_.find_table(p);
      const Table* now = des_.find_table(p);
      if (!contains(to.inherits, p)) {
        for (auto& c : out.columns) c.inherited = false;
        for (auto& k : out.constraints) k.inherited = false;
        continue;
      }
      if (!was || !now) continue;
      follow_columns(out, p, *was, *now, to);
      follow_checks(out, *was, *now);
    }
    return out;
  }

  /// The columns of `child` as the changes from `was` to `now` of its parent `p` leave them.
  static void follow_columns(Table& child, const QName& p, const Table& was, const Table& now, const Table& to) {
    for (const auto& c : now.columns) {
      const Column* before = was.find_column(c.name);
      Column* mine = child.find_column(c.name);
      Column reached = inherited_column(c, p);
      if (const Column* wanted = to.find_column(c.name); wanted && !serial_base(c.type).empty())
        reached.default_expr = wanted->default_expr;  // the parent's sequence, as the server spells it
      if (!before && !mine) child.columns.push_back(reached);  // one it has already is merged: its own stays
      if (before && mine) take_changed_fields(*mine, inherited_column(*before, p), reached);
    }
    std::erase_if(child.columns, [&](const Column& c) { return c.inherited && was.find_column(c.name) && !now.find_column(c.name); });
  }

  /// The checks of `child` as the changes from `was` to `now` of its parent leave them: one dropped
  /// goes unless the child declares it too, one added comes.
  static void follow_checks(Table& child, const Table& was, const Table& now) {
    auto has = [](const std::vector<Constraint>& in, const Constraint& k, bool same) {
      return std::any_of(in.begin(), in.end(), [&](const Constraint& o) { return o.name == k.name && (!same || (passed_on(o) && o.same_definition(k))); });
    };
    for (const auto& k : was.constraints)
      if (passed_on(k) && !has(now.constraints, k, true))
        std::erase_if(child.constraints, [&](const Constraint& o) { return o.inherited && o.name == k.name; });
    for (const auto& k : now.constraints)
      if (passed_on(k) && !has(was.constraints, k, true) && !has(child.constraints, k, false)) child.constraints.push_back(inherited_check(k));
  }

  /// The definition fields that differ between `was` and `now`, set to `now`'s in `target`.
  template <class T>
  static void take_changed_fields(T& target, const T& was, const T& now) {
    auto ft = T::fields(target);
    auto fw = T::fields(was);
    auto fn = T::fields(now);
    [&]<size_t... I>(std::index_sequence<I...>) {
      auto one = [](auto& t, const auto& w, const auto& n) {
        if (w.role == FieldRole::definition && !(w.value == n.value)) t.value = n.value;
      };
      (one(std::get<I>(ft), std::get<I>(fw), std::get<I>(fn)), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(ft)>>{});
  }

  /// Whether live parts that call `uses` must go before the plan drops or rebuilds one of them
  /// (a function whose arguments or result change), and come back after.
  bool calls_affected(const std::vector<ObjectRef>& uses) {
    const auto& hit = affected();
    return std::any_of(uses.begin(), uses.end(), [&](const ObjectRef& r) { return hit.count(r) > 0; });
  }

  /// A column whose default calls a function the plan drops loses its default first and gets the
  /// desired one after; a generated one is dropped and added again (its values are computed).
  void columns(const Table& from, const Table& to) {
    std::string added;  // the last column added, in file order
    for (const auto& c : to.columns) {
      const Column* old = from.find_column(c.name);
      bool carried = old && calls_affected(old->default_uses);
      if (!old || old->generated != c.generated || (carried && old->generated)) {
        if (old) out_.push_back(DropColumn{to.name, *old});
        add_column(to.name, c, added);
        added = c.name;
        continue;
      }
      Column was = *old;
      if (carried && was.default_expr) {
        Column bare = was;
        bare.default_expr.reset();
        bare.default_uses.clear();
        out_.push_back(AlterColumn{to.name, was, bare, delta_default});
        was = bare;
      }
      unsigned what = column_delta(was, c);
      if ((what & delta_nullable) && !c.nullable && c.backfill)
        out_.push_back(BackfillColumn{to.name, c.name, *c.backfill, c.key_loc("backfill")});
      if (what) out_.push_back(AlterColumn{to.name, was, with_default_using(was, c, what), what});
      if (was.comment != c.comment) out_.push_back(SetColumnComment{to.name, c.name, c.comment, was.comment});
    }
    for (const auto& c : from.columns)
      if (!to.find_column(c.name)) out_.push_back(DropColumn{to.name, c});
  }

  static unsigned column_delta(const Column& was, const Column& c) {
    unsigned what = 0;
    if (was.type != c.type) what |= delta_type;
    if (was.nullable != c.nullable) what |= delta_nullable;
    if (was.default_expr != c.default_expr) what |= delta_default;
    if (was.identity != c.identity || was.identity_options != c.identity_options) what |= delta_identity;
    if (was.collation != c.collation) what |= delta_collation;
    return what;
  }

  /// A type change PostgreSQL cannot make by itself gets the USING a person would write.
  Column with_default_using(const Column& from, Column to, unsigned what) const {
    if (!(what & delta_type) || to.using_expr) return to;
    TypeName t = parse_type_name(to.type);
    bool to_enum = des_.enums.count(QName{t.schema.empty() ? "public" : t.schema, t.name}) > 0;
    to.using_expr = default_using(to.name, from.type, to.type, to_enum);
    return to;
  }

  /// A NOT NULL column with a backfill and no default is added nullable, filled, then set NOT NULL.
  void add_column(const QName& table, const Column& c, const std::string& after) {
    bool fill = !c.nullable && c.backfill && !c.default_expr && c.identity == Identity::none && !c.generated;
    if (!fill) {
      out_.push_back(AddColumn{table, c, after});
      return;
    }
    Column nullable = c;
    nullable.nullable = true;
    out_.push_back(AddColumn{table, nullable, after});
    out_.push_back(BackfillColumn{table, c.name, *c.backfill, c.key_loc("backfill")});
    out_.push_back(AlterColumn{table, nullable, c, delta_nullable});
  }

  /// Named desired objects match by name (and must have the same definition); unnamed ones
  /// match any unclaimed live object with the same definition. `kept` gets each named pair that
  /// matched (live, desired), for what is changed in place (a comment).
  template <class T, class Add, class Drop, class Kept>
  void match(const std::vector<T>& from, const std::vector<T>& to, Add add, Drop drop, Kept kept) {
    std::vector<bool> claimed(from.size(), false);
    std::vector<const T*> unmatched;
    std::vector<std::pair<const T*, const T*>> named;
    for (const auto& d : to) {
      if (!d.named) continue;
      auto it = std::find_if(from.begin(), from.end(), [&](const T& c) { return c.name == d.name; });
      if (it != from.end() && it->same_definition(d)) {
        claimed[it - from.begin()] = true;
        named.emplace_back(&*it, &d);
      } else {
        unmatched.push_back(&d);
      }
    }
    for (const auto& d : to) {
      if (d.named) continue;
      bool found = false;
      for (size_t i = 0; i < from.size() && !found; ++i)
        if (!claimed[i] && from[i].same_definition(d)) claimed[i] = found = true;
      if (!found) unmatched.push_back(&d);
    }
    for (size_t i = 0; i < from.size(); ++i)
      if (!claimed[i]) drop(from[i]);
    for (const T* d : unmatched) add(*d);
    for (const auto& [live, d] : named) kept(*live, *d);
  }

  /// The parts of `from` that call what the plan drops or rebuilds are dropped first (then, missing
  /// from the live side, they are made again from the desired side).
  template <class T, class Drop>
  std::vector<T> without_carried(const std::vector<T>& from, Drop drop) {
    std::vector<T> kept;
    for (const auto& p : from)
      if (calls_affected(p.depends_on)) drop(p);
      else kept.push_back(p);
    return kept;
  }

  void constraints(const Table& from, const Table& to) {
    auto drop = [&](const Constraint& c) { out_.push_back(DropConstraint{to.name, c}); };
    match(without_carried(from.constraints, drop), to.constraints,
          [&](const Constraint& c) { out_.push_back(AddConstraint{to.name, c, false}); },
          drop, [&](const Constraint& c, const Constraint& d) {  // a comment is not part of the definition
            if (c.comment != d.comment) out_.push_back(SetConstraintComment{to.name, d.name, d.comment, c.comment});
          });
  }

  void indexes(const Table& from, const Table& to) {
    auto drop = [&](const Index& i) { out_.push_back(DropIndex{to.name, i}); };
    match(without_carried(from.indexes, drop), to.indexes, [&](const Index& i) { out_.push_back(CreateIndex{to.name, i, false}); }, drop,
          [&](const Index& i, const Index& d) {
            if (i.comment != d.comment) out_.push_back(SetIndexComment{to.name, d.name, d.comment, i.comment});
          });
  }

  std::optional<Model> changed_;  ///< a copy of the current model, when renames or enum rebuilds change it
  const Model& cur_;              ///< the current model, as the rename steps leave it
  const Model& des_;
  const DiffOptions& opt_;
  std::vector<Change> out_;
  std::set<ObjectRef> affected_;  ///< see affected()
  size_t affected_upto_ = 0;      ///< the changes affected_ has looked at
};

}  // namespace

std::vector<Change> diff(const Model& current, const Model& desired, const DiffOptions& options) {
  return Differ(current, desired, options).run();
}

}  // namespace reconcile

namespace reconcile {
namespace {

std::string blockers(const Model& live, const QName& table, const std::string& column) {
  std::string out;
  for (const auto& u : live.unmanaged)
    for (const auto& [t, c] : u.depends_on)
      if (t == table && (column.empty() || c == column || c.empty())) {
        out += (out.empty() ? "" : ", ") + u.kind + " " + u.name.str();
        break;
      }
  return out;
}

[[noreturn]] void blocked(const std::string& what, const std::string& by) {
  throw Error("cannot " + what + ": " + by + (by.find(',') == std::string::npos ? " depends" : " depend") + " on it, and reconcile does not manage that kind of object; "
              "change or drop it first, then plan again");
}

}  // namespace

void check_unmanaged_blockers(const std::vector<Change>& changes, const Model& live) {
  for (const auto& ch : changes) {
    if (auto* s = std::get_if<DropSchema>(&ch)) {
      std::string by;
      for (const auto& u : live.unmanaged)
        if (u.name.schema == s->schema.name) by += (by.empty() ? "" : ", ") + u.kind + " " + u.name.str();
      if (!by.empty()) blocked("drop schema " + s->schema.name, by);
    } else if (auto* d = std::get_if<DropTable>(&ch)) {
      std::string by = blockers(live, d->table.name, "");
      if (!by.empty()) blocked("drop table " + d->table.name.str(), by);
    } else if (auto* c = std::get_if<DropColumn>(&ch)) {
      std::string by = blockers(live, c->table, c->column.name);
      if (!by.empty()) blocked("drop column " + c->table.str() + "." + c->column.name, by);
    } else if (auto* a = std::get_if<AlterColumn>(&ch); a && (a->what & delta_type)) {
      std::string by = blockers(live, a->table, a->to.name);
      if (!by.empty()) blocked("change the type of column " + a->table.str() + "." + a->to.name, by);
    }
  }
}

}  // namespace reconcile
