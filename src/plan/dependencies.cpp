// What each change creates, drops, uses and stops using: the keys the ordering graph joins steps
// by. One exhaustive visitor: a new change kind does not compile until it says what it needs.
#include "draft.hpp"
#include "reconcile/sql.hpp"
#include "reconcile/types.hpp"

namespace reconcile {
namespace {

/// A type by name, as the columns that use it refer to it.
ObjectRef type_named(const QName& q) { return {ObjectKind::type, q, ""}; }
/// One value of an enum: a new value placed before or after it waits for the step that makes it.
ObjectRef value_ref(const QName& e, const std::string& value) { return {ObjectKind::enum_value, e, value}; }
/// The columns of a primary or unique key, which foreign keys on them need.
ObjectRef key_columns_ref(const QName& t, const std::vector<std::string>& cols) {
  return {ObjectKind::key_columns, t, quote_ident_list(cols)};
}
ObjectRef filled_ref(const QName& t, const std::string& column) { return {ObjectKind::filled, t, column}; }
/// A schema once CREATE SCHEMA has run (its own key: what uses the schema's comes after more steps).
ObjectRef schema_made(const ObjectRef& schema) { return {ObjectKind::schema, schema.name, "made"}; }
bool is_key(const Constraint& k) { return k.kind == ConstraintKind::primary_key || k.kind == ConstraintKind::unique; }

struct Dependencies {
  StepDraft& d;
  const ObjectRef self;

  void operator()(const CreateSchema&) {
    d.creates.insert(self);
    d.creates.insert(schema_made(self));
  }
  void operator()(const DropSchema&) { d.drops.insert(self); }
  void operator()(const SetSchemaComment&) { d.uses.insert(self); }
  void operator()(const CreateExtension& c) {
    if (!c.extension.schema.empty()) d.uses.insert(schema_ref(c.extension.schema));
  }
  void operator()(const DropExtension&) {}
  void operator()(const CreateEnum& c) {
    d.creates.insert(type_named(c.enumeration.name));
    d.uses.insert(schema_ref(c.enumeration.name.schema));
  }
  void operator()(const DropEnum& c) {
    d.drops.insert(type_named(c.enumeration.name));
    d.uses.insert(schema_ref(c.enumeration.name.schema));
  }
  void operator()(const AddEnumValue& c) {
    d.creates.insert(type_named(c.enumeration));
    d.creates.insert(value_ref(c.enumeration, c.value));
    if (!c.before.empty()) d.uses.insert(value_ref(c.enumeration, c.before));
    if (!c.after.empty()) d.uses.insert(value_ref(c.enumeration, c.after));
  }
  void operator()(const SetEnumComment& c) { d.uses.insert(type_named(c.enumeration)); }
  void operator()(const RenameEnumValue& c) {
    d.creates.insert(type_named(c.enumeration));
    d.creates.insert(value_ref(c.enumeration, c.to));
  }
  void operator()(const RebuildEnum& c) { rebuilt(c.to.name, c.columns); }
  void operator()(const Rebuild<CompositeType>& c) {
    rebuilt(c.to.name, c.columns);
    d.creates.insert(self);
    for (const auto& a : c.to.attributes) d.uses.insert(type_ref(a.type));
    for (const auto& a : c.from.attributes) d.releases.insert(type_ref(a.type));
  }
  void operator()(const Rebuild<Domain>& c) {
    rebuilt(c.to.name, c.columns);
    d.creates.insert(self);
    d.uses.insert(type_ref(c.to.type));
    uses_all(c.to.depends_on);
    d.releases.insert(type_ref(c.from.type));
    for (const auto& r : c.from.depends_on) d.releases.insert(r);
  }
  /// A type made again, and the columns that use it converted: what is over them goes first.
  void rebuilt(const QName& type, const std::vector<std::pair<QName, Column>>& columns) {
    for (const auto& [table, col] : columns) {
      d.uses.insert(column_ref(table, col.name));
      d.drops.insert({ObjectKind::column_type, table, col.name});
      d.creates.insert({ObjectKind::column_type, table, col.name});
    }
    d.creates.insert(type_named(type));
  }
  void operator()(const CreateTable& c) {
    const Table& t = c.table;
    d.creates.insert(self);
    d.uses.insert(schema_ref(t.name.schema));
    if (t.is_partition()) d.uses.insert(table_ref(t.partition_of));
    for (const auto& p : t.inherits) d.uses.insert(table_ref(p));
    for (const auto& col : t.columns) {
      d.creates.insert(column_ref(t.name, col.name));
      d.uses.insert(type_ref(col.type));
      uses_defaults(col);
    }
    for (const auto& k : t.constraints) {
      if (is_key(k)) d.creates.insert(key_columns_ref(t.name, k.columns));
      uses_all(k.depends_on);
    }
  }
  void operator()(const DropTable& c) {
    d.drops.insert(self);
    if (c.table.is_partition()) d.uses.insert(table_ref(c.table.partition_of));
    for (const auto& p : c.table.inherits) d.uses.insert(table_ref(p));
    for (const auto& col : c.table.columns) {
      d.drops.insert(column_ref(c.table.name, col.name));
      owned_sequence(col);
      d.uses.insert(type_ref(col.type));
      uses_defaults(col);
    }
    for (const auto& k : c.table.constraints) {
      if (is_key(k)) d.drops.insert(key_columns_ref(c.table.name, k.columns));
      // Its foreign keys go with it: it drops before the keys they use.
      if (k.kind == ConstraintKind::foreign_key && k.ref_table != c.table.name) d.uses.insert(key_columns_ref(k.ref_table, k.ref_columns));
      uses_all(k.depends_on);
    }
    for (const auto& ix : c.table.indexes) uses_all(ix.depends_on);
    d.uses.insert(schema_ref(c.table.name.schema));
  }
  void operator()(const RenameTable& c) {
    d.creates.insert(self);
    d.drops.insert(table_ref(c.from));
    for (const auto& k : c.table.constraints)
      if (is_key(k)) d.creates.insert(key_columns_ref(c.table.name, k.columns));
    d.uses.insert(schema_ref(c.table.name.schema));
  }
  void operator()(const SetTableComment& c) { d.uses.insert(table_ref(c.table)); }
  void operator()(const SetRowSecurity& c) { d.uses.insert(table_ref(c.table)); }
  void operator()(const SetTableStorage& c) { d.uses.insert(table_ref(c.table)); }
  void operator()(const SetGrants& c) {
    // A schema's default privileges change once it is made and before objects are made in it,
    // which get them.
    if (!c.defaults.empty()) {
      d.uses.insert(schema_made(c.on));
      d.creates.insert(c.on);
      return;
    }
    d.uses.insert(c.on);
    if (c.on.kind == ObjectKind::enum_type) d.uses.insert(type_named(c.on.name));  // an enum is made (and rebuilt) as a type
  }
  void operator()(const AttachPartition& c) {
    d.uses.insert(table_ref(c.table));
    d.uses.insert(table_ref(c.parent));
  }
  void operator()(const DetachPartition& c) {
    d.uses.insert(table_ref(c.table));
    d.uses.insert(table_ref(c.parent));
  }
  /// After the parent, its checks and the table's copies of its columns are made.
  void operator()(const InheritTable& c) {
    d.uses.insert(table_ref(c.table));
    d.uses.insert(table_ref(c.parent));
    for (const auto& col : c.passed.columns) {
      d.uses.insert(column_ref(c.table, col));
      d.uses.insert(column_ref(c.parent, col));
    }
    for (const auto& k : c.passed.checks) d.uses.insert(constraint_identity(c.parent, k));
  }
  /// Before the parent goes, before it or a table it inherits from drops or retypes a column or
  /// drops a check (which would reach this table), and before the table drops what it inherited
  /// (which it cannot while it inherits it).
  void operator()(const NoInheritTable& c) {
    d.uses.insert(table_ref(c.table));
    d.releases.insert(table_ref(c.parent));
    for (const QName& t : c.passed.line) {
      for (const auto& col : c.passed.columns) {
        d.releases.insert(column_ref(t, col));
        d.releases.insert({ObjectKind::column_type, t, col});
      }
      for (const auto& k : c.passed.checks) d.releases.insert(constraint_identity(t, k));
    }
    for (const auto& col : c.passed.columns) d.releases.insert(column_ref(c.table, col));
    for (const auto& k : c.passed.checks) d.releases.insert(constraint_identity(c.table, k));
  }
  void operator()(const Create<Policy>& c) {
    d.creates.insert(self);
    d.uses.insert(table_ref(c.object.table));
    uses_all(c.object.depends_on);
  }
  void operator()(const Drop<Policy>& c) {
    d.drops.insert(self);
    d.uses.insert(table_ref(c.object.table));
    uses_all(c.object.depends_on);
  }
  void operator()(const Alter<Policy>& c) {
    altered(c);
  }
  /// An object changed in place: after what it uses now, and what it used may go once it has.
  template <class T>
  void altered(const Alter<T>& c) {
    d.uses.insert(self);
    uses_all(c.to.depends_on);
    for (const auto& r : c.from.depends_on) d.releases.insert(r);
  }
  void operator()(const SetReplicaIdentity& c) {
    d.uses.insert(table_ref(c.table));
    if (c.value.rfind("using index ", 0) == 0) d.uses.insert(index_ref(c.table.schema, c.value.substr(12)));
  }
  void operator()(const AddColumn& c) {
    d.creates.insert(self);
    d.uses.insert(table_ref(c.table));
    d.uses.insert(type_ref(c.column.type));
    if (!c.after.empty()) d.uses.insert(column_ref(c.table, c.after));
    uses_defaults(c.column);
  }
  void operator()(const DropColumn& c) {
    d.drops.insert(self);
    owned_sequence(c.column);
    d.uses.insert(table_ref(c.table));
    d.uses.insert(type_ref(c.column.type));
    uses_defaults(c.column);
  }
  void operator()(const AlterColumn& c) {
    d.uses.insert(table_ref(c.table));
    d.uses.insert(self);
    d.uses.insert(type_ref(c.to.type));
    if ((c.what & delta_nullable) && !c.to.nullable) d.uses.insert(filled_ref(c.table, c.to.name));
    if (c.what & delta_type) {
      d.releases.insert(type_ref(c.from.type));
      d.drops.insert({ObjectKind::column_type, c.table, c.to.name});  // the views over it go first, come back after
      d.creates.insert({ObjectKind::column_type, c.table, c.to.name});
    }
    uses_defaults(c.to);
    for (const auto& r : c.from.default_uses) d.releases.insert(r);
  }
  void operator()(const RenameColumn& c) {
    d.creates.insert(self);
    d.drops.insert(column_ref(c.table, c.from));
    d.uses.insert(table_ref(c.table));
  }
  void operator()(const SetColumnComment& c) {
    d.uses.insert(table_ref(c.table));
    d.uses.insert(self);
  }
  void operator()(const BackfillColumn& c) {
    d.uses.insert(table_ref(c.table));
    d.uses.insert(self);
    d.creates.insert(filled_ref(c.table, c.column));
  }
  void operator()(const AddConstraint& c) { constraint(c.table, c.constraint, false); }
  void operator()(const DropConstraint& c) { constraint(c.table, c.constraint, true); }
  void operator()(const SetConstraintComment& c) {
    d.uses.insert(table_ref(c.table));
    d.uses.insert(self);
  }
  void operator()(const CreateIndex& c) { index(c.table, c.index, false); }
  void operator()(const DropIndex& c) { index(c.table, c.index, true); }
  void operator()(const SetIndexComment& c) { d.uses.insert(table_ref(c.table)); }
  void operator()(const RenameObject& c) { d.uses.insert(table_ref(c.table)); }
  void operator()(const Create<CompositeType>& c) {
    d.creates.insert(self);
    d.creates.insert(type_named(c.object.name));
    d.uses.insert(schema_ref(c.object.name.schema));
    for (const auto& a : c.object.attributes) d.uses.insert(type_ref(a.type));
  }
  void operator()(const Drop<CompositeType>& c) {
    d.drops.insert(self);
    d.drops.insert(type_named(c.object.name));
    for (const auto& a : c.object.attributes) d.uses.insert(type_ref(a.type));
  }
  void operator()(const Alter<CompositeType>& c) {
    d.uses.insert(self);
    for (const auto& a : c.to.attributes) d.uses.insert(type_ref(a.type));
    for (const auto& a : c.from.attributes) d.releases.insert(type_ref(a.type));
  }
  void operator()(const Create<Domain>& c) {
    d.creates.insert(self);
    d.creates.insert(type_named(c.object.name));
    d.uses.insert(schema_ref(c.object.name.schema));
    d.uses.insert(type_ref(c.object.type));  // a domain over an enum or another domain
    uses_all(c.object.depends_on);
  }
  void operator()(const Drop<Domain>& c) {
    d.drops.insert(self);
    d.drops.insert(type_named(c.object.name));
    d.uses.insert(type_ref(c.object.type));
    uses_all(c.object.depends_on);
  }
  void operator()(const Alter<Domain>& c) { altered(c); }
  void operator()(const Rename<CompositeType>& c) { renamed_type(c, composite_ref(c.from)); }
  void operator()(const Rename<Domain>& c) { renamed_type(c, domain_ref(c.from)); }
  /// A type renamed: known by its new name after, by the old one (`was`) before.
  template <class T>
  void renamed_type(const Rename<T>& c, const ObjectRef& was) {
    d.creates.insert(self);
    d.creates.insert(type_named(c.object.name));
    d.drops.insert(was);
    d.drops.insert(type_named(c.from));
    d.uses.insert(schema_ref(c.object.name.schema));
  }
  void operator()(const Create<Sequence>& c) {
    d.creates.insert(self);
    d.uses.insert(schema_ref(c.object.name.schema));
  }
  void operator()(const Create<View>& c) { created(c.object); }
  void operator()(const Drop<View>& c) {
    d.drops.insert(self);
    uses_all(c.object.depends_on);
  }
  void operator()(const Alter<View>& c) {
    altered(c);
  }
  void operator()(const Rename<View>& c) {
    d.creates.insert(self);
    d.drops.insert(view_ref(c.from));
    d.uses.insert(schema_ref(c.object.name.schema));
  }
  void operator()(const Create<MaterializedView>& c) {
    created(c.object);
    for (const auto& ix : c.object.indexes) uses_all(ix.depends_on);
  }
  void operator()(const Drop<MaterializedView>& c) {
    d.drops.insert(self);
    uses_all(c.object.depends_on);
    for (const auto& ix : c.object.indexes) uses_all(ix.depends_on);
  }
  void operator()(const Alter<MaterializedView>&) { d.uses.insert(self); }
  void operator()(const Rename<MaterializedView>& c) {
    d.creates.insert(self);
    d.drops.insert(materialized_view_ref(c.from));
    d.uses.insert(schema_ref(c.object.name.schema));
  }
  void operator()(const Create<Function>& c) { created(c.object); }
  void operator()(const Drop<Function>& c) {
    d.drops.insert(self);
    uses_all(c.object.depends_on);
  }
  void operator()(const Alter<Function>& c) {
    altered(c);
  }
  void operator()(const Rename<Function>& c) {
    d.creates.insert(self);
    d.drops.insert(function_ref(c.from, c.object.signature, c.object.procedure));
    d.uses.insert(schema_ref(c.object.name.schema));
  }
  void operator()(const Create<Trigger>& c) {
    d.creates.insert(self);
    d.uses.insert(table_ref(c.object.table));
    d.uses.insert(view_ref(c.object.table));  // a trigger on a view
    uses_all(c.object.depends_on);
  }
  void operator()(const Drop<Trigger>& c) {
    d.drops.insert(self);
    d.uses.insert(table_ref(c.object.table));
    d.uses.insert(view_ref(c.object.table));
    uses_all(c.object.depends_on);
  }
  void operator()(const Alter<Trigger>& c) {
    altered(c);
  }
  /// A view, materialized view or function: made in its schema, after what it uses.
  template <class T>
  void created(const T& object) {
    d.creates.insert(self);
    d.uses.insert(schema_ref(object.name.schema));
    uses_all(object.depends_on);
  }
  /// What a view uses; a column also by its type, which a type change drops and creates again.
  void uses_all(const std::vector<ObjectRef>& refs) {
    for (const auto& r : refs) {
      d.uses.insert(r);
      if (r.kind == ObjectKind::column) d.uses.insert({ObjectKind::column_type, r.name, r.sub});
    }
  }
  void operator()(const Rename<Sequence>& c) {
    d.creates.insert(self);
    d.drops.insert(sequence_ref(c.from));
    d.uses.insert(schema_ref(c.object.name.schema));
  }
  void operator()(const Drop<Sequence>& c) {
    d.drops.insert(self);
    if (c.object.owned_by) d.uses.insert(column_ref(c.object.owned_by->table, c.object.owned_by->column));
  }
  void operator()(const Alter<Sequence>& c) {
    d.uses.insert(self);
    if (c.to.owned_by) d.uses.insert(column_ref(c.to.owned_by->table, c.to.owned_by->column));
    if (c.from.owned_by) d.releases.insert(column_ref(c.from.owned_by->table, c.from.owned_by->column));
  }

  /// A serial's sequence goes with its column: another table's default that calls it goes first.
  void owned_sequence(const Column& col) {
    if (col.sequence && !serial_base(col.type).empty()) d.drops.insert(sequence_ref(*col.sequence));
  }
  /// A column's default that calls a sequence or function: made after it, dropped before it.
  void uses_defaults(const Column& col) { d.uses.insert(col.default_uses.begin(), col.default_uses.end()); }

  void constraint(const QName& t, const Constraint& c, bool drop) {
    d.uses.insert(table_ref(t));
    uses_all(c.depends_on);
    for (const auto& col : c.columns) d.uses.insert(column_ref(t, col));
    for (const auto& e : c.elements)
      if (auto col = index_key_column(split_exclusion_element(e).key); !col.empty()) d.uses.insert(column_ref(t, col));
    for (const auto& col : c.include) d.uses.insert(column_ref(t, col));
    (drop ? d.drops : d.creates).insert(self);
    if (is_key(c)) (drop ? d.drops : d.creates).insert(key_columns_ref(t, c.columns));
    if (c.kind == ConstraintKind::foreign_key) {
      d.uses.insert(table_ref(c.ref_table));
      for (const auto& col : c.ref_columns) d.uses.insert(column_ref(c.ref_table, col));
      d.uses.insert(key_columns_ref(c.ref_table, c.ref_columns));
    }
  }

  void index(const QName& t, const Index& ix, bool drop) {
    d.uses.insert(table_ref(t));
    uses_all(ix.depends_on);
    for (const auto& k : ix.keys)
      if (auto col = index_key_column(k); !col.empty()) d.uses.insert(column_ref(t, col));
    for (const auto& c : ix.include) d.uses.insert(column_ref(t, c));
    (drop ? d.drops : d.creates).insert(self);
    if (ix.unique && ix.where.empty()) {
      std::vector<std::string> cols;
      for (const auto& k : ix.keys) cols.push_back(index_key_column(k));
      (drop ? d.drops : d.creates).insert(key_columns_ref(t, cols));
    }
  }
};

}  // namespace

void add_dependencies(const Change& change, StepDraft& draft) {
  std::visit(Dependencies{draft, object_of(change)}, change);
}

}  // namespace reconcile
