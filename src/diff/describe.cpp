// What each change is about: its object's identity and the label people read. One exhaustive
// visitor: a new change kind does not compile until it says what it is about.
#include <algorithm>

#include "reconcile/change.hpp"

namespace reconcile {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

/// A change's object, what the label adds after it ("(was public.a)"), and a label of its own
/// when the object's label will not do.
struct About {
  ObjectRef ref;
  std::string note = "";
  std::string own_label = "";
};

struct Describer {
  About operator()(const CreateSchema& c) const { return {schema_ref(c.schema.name)}; }
  About operator()(const DropSchema& c) const { return {schema_ref(c.schema.name)}; }
  About operator()(const SetSchemaComment& c) const { return {schema_ref(c.schema)}; }
  About operator()(const CreateExtension& c) const { return {extension_ref(c.extension.name)}; }
  About operator()(const DropExtension& c) const { return {extension_ref(c.extension.name)}; }
  About operator()(const CreateEnum& c) const { return {enum_ref(c.enumeration.name)}; }
  About operator()(const DropEnum& c) const { return {enum_ref(c.enumeration.name)}; }
  About operator()(const AddEnumValue& c) const { return {enum_ref(c.enumeration)}; }
  About operator()(const SetEnumComment& c) const { return {enum_ref(c.enumeration)}; }
  About operator()(const RenameEnumValue& c) const { return {{ObjectKind::enum_value, c.enumeration, c.to}, "(was " + c.from + ")"}; }
  template <class T>
  About operator()(const Rebuild<T>& c) const {
    std::vector<std::string> columns;
    for (const auto& [table, col] : c.columns) columns.push_back(table.str() + "." + col.name);
    return {ref_of(c.to), "(rebuilt, converting " + joined(columns) + ")"};
  }
  About operator()(const RebuildEnum& c) const {
    auto removed = removed_values(c);
    return {enum_ref(c.to.name), "(rebuilt" + (removed.empty() ? "" : ", without " + joined(removed)) + ")"};
  }
  About operator()(const CreateTable& c) const { return {table_ref(c.table.name)}; }
  About operator()(const DropTable& c) const { return {table_ref(c.table.name)}; }
  About operator()(const RenameTable& c) const { return {table_ref(c.table.name), "(was " + c.from.str() + ")"}; }
  About operator()(const SetTableComment& c) const { return {table_ref(c.table)}; }
  About operator()(const SetReplicaIdentity& c) const { return {table_ref(c.table)}; }
  About operator()(const SetRowSecurity& c) const { return {table_ref(c.table)}; }
  About operator()(const SetTableStorage& c) const { return {table_ref(c.table)}; }
  About operator()(const SetGrants& c) const { return {c.on, "(" + c.about + ")"}; }
  About operator()(const AttachPartition& c) const { return {table_ref(c.table), "(attached to " + c.parent.str() + ")"}; }
  About operator()(const DetachPartition& c) const { return {table_ref(c.table), "(detached from " + c.parent.str() + ")"}; }
  About operator()(const InheritTable& c) const { return {table_ref(c.table), "(inherits from " + c.parent.str() + ")"}; }
  About operator()(const NoInheritTable& c) const { return {table_ref(c.table), "(no longer inherits from " + c.parent.str() + ")"}; }
  About operator()(const AddColumn& c) const { return {column_ref(c.table, c.column.name)}; }
  About operator()(const DropColumn& c) const { return {column_ref(c.table, c.column.name)}; }
  About operator()(const AlterColumn& c) const { return {column_ref(c.table, c.to.name)}; }
  About operator()(const RenameColumn& c) const { return {column_ref(c.table, c.to), "(was " + c.from + ")"}; }
  About operator()(const SetColumnComment& c) const { return {column_ref(c.table, c.column)}; }
  About operator()(const BackfillColumn& c) const { return {column_ref(c.table, c.column), "(backfill)"}; }
  About operator()(const AddConstraint& c) const { return {constraint_identity(c.table, c.constraint)}; }
  About operator()(const DropConstraint& c) const { return {constraint_identity(c.table, c.constraint)}; }
  About operator()(const SetConstraintComment& c) const { return {{ObjectKind::constraint, c.table, c.name}}; }
  About operator()(const CreateIndex& c) const { return {index_identity(c.table, c.index)}; }
  About operator()(const DropIndex& c) const { return {index_identity(c.table, c.index)}; }
  About operator()(const SetIndexComment& c) const { return {index_ref(c.table.schema, c.name)}; }
  template <class T>
  About operator()(const Create<T>& c) const {
    return {ref_of(c.object)};
  }
  template <class T>
  About operator()(const Drop<T>& c) const {
    return {ref_of(c.object)};
  }
  template <class T>
  About operator()(const Alter<T>& c) const {
    return {ref_of(c.to)};
  }
  template <class T>
  About operator()(const Rename<T>& c) const {
    return {ref_of(c.object), "(was " + c.from.str() + ")"};
  }
  About operator()(const RenameObject& c) const {
    ObjectRef ref = c.kind == ObjectKind::constraint ? ObjectRef{ObjectKind::constraint, c.table, c.to}
                    : c.kind == ObjectKind::index    ? index_ref(c.table.schema, c.to)
                                                     : sequence_ref({c.table.schema, c.to});
    // Named with its table, which the rename that it follows changed.
    return {ref, "", to_string(c.kind) + " " + c.table.str() + "." + c.to + " (was " + c.from + ")"};
  }
};

}  // namespace

ObjectRef constraint_identity(const QName& table, const Constraint& c) {
  if (c.named) return {ObjectKind::constraint, table, c.name};
  std::string what = c.kind == ConstraintKind::check       ? c.expression
                     : c.kind == ConstraintKind::exclusion ? joined(c.elements)
                                                           : joined(c.columns);
  return {ObjectKind::constraint, table, "(" + to_string(c.kind) + " " + what + ")"};
}

ObjectRef index_identity(const QName& table, const Index& i) {
  if (i.named) return index_ref(table.schema, i.name);
  return {ObjectKind::index, table, "(" + joined(i.keys) + ")"};
}

std::vector<std::string> removed_values(const RebuildEnum& c) {
  std::vector<std::string> out;
  for (const auto& v : c.from.values)
    if (std::find(c.to.values.begin(), c.to.values.end(), v) == c.to.values.end()) out.push_back(v);
  return out;
}

ObjectRef object_of(const Change& change) { return std::visit(Describer{}, change).ref; }

std::string describe(const Change& change) {
  About a = std::visit(Describer{}, change);
  if (!a.own_label.empty()) return a.own_label;
  return label(a.ref) + (a.note.empty() ? "" : " " + a.note);
}

}  // namespace reconcile
