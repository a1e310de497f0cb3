// Change: what the differ found, as plain values. No SQL here; the planner renders steps.
#pragma once
#include <variant>
#include <vector>

#include "reconcile/model.hpp"
#include "reconcile/object_ref.hpp"

namespace reconcile {

struct CreateSchema { Schema schema; };
struct DropSchema { Schema schema; };
struct SetSchemaComment { std::string schema; std::optional<std::string> comment; std::optional<std::string> previous; };
struct CreateExtension { Extension extension; };
struct DropExtension { Extension extension; };
struct CreateEnum { Enum enumeration; };
struct DropEnum { Enum enumeration; };
/// ALTER TYPE ... ADD VALUE, placed before `before` (or after `after` when `before` is empty).
struct AddEnumValue { QName enumeration; std::string value; std::string before; std::string after; };
struct SetEnumComment { QName enumeration; std::optional<std::string> comment; std::optional<std::string> previous; };
/// A new table with its columns, primary key, unique and check constraints and comments.
/// Foreign keys and indexes come as their own changes.
struct CreateTable { Table table; };
struct DropTable { Table table; };
struct SetTableComment { QName table; std::optional<std::string> comment; std::optional<std::string> previous; };
/// `after`: the new column declared just before this one in the same table ("" for none); it is
/// added first, so that new columns keep the order the files declare.
struct AddColumn { QName table; Column column; std::string after; };
struct DropColumn { QName table; Column column; };

/// What differs in an altered column (a bitmask).
enum ColumnDelta : unsigned {
  delta_type = 1u << 0,
  delta_nullable = 1u << 1,
  delta_default = 1u << 2,
  delta_identity = 1u << 3,
  delta_collation = 1u << 4,
};
struct AlterColumn { QName table; Column from; Column to; unsigned what = 0; };
struct SetColumnComment { QName table; std::string column; std::optional<std::string> comment; std::optional<std::string> previous; };
struct SetConstraintComment { QName table; std::string name; std::optional<std::string> comment; std::optional<std::string> previous; };
struct SetIndexComment { QName table; std::string name; std::optional<std::string> comment; std::optional<std::string> previous; };
/// ALTER TABLE ... REPLICA IDENTITY (`value` as Table::replica_identity; "" is DEFAULT).
struct SetReplicaIdentity { QName table; std::string value; std::string previous; };
/// Whether a table enables row-level security, and forces it on the table's owner too.
struct RowSecurity {
  bool enabled = false;
  bool forced = false;
  auto operator<=>(const RowSecurity&) const = default;
};
inline RowSecurity row_security(const Table& t) { return {t.row_level_security, t.force_row_level_security}; }
struct SetRowSecurity { QName table; RowSecurity value; RowSecurity previous; };
/// GRANT and REVOKE on one object (`target`: "TABLE \"public\".\"t\"", "SCHEMA \"s\"", ...), from the
/// privileges `from` to `to`. `depends_on`: what the object uses (a view's tables), for verification.
struct SetGrants {
  ObjectRef on;
  std::string target;
  std::vector<Grant> from;
  std::vector<Grant> to;
  std::vector<ObjectRef> depends_on;
  SourceLoc loc;  ///< the object's declaration
  /// For a schema's default privileges: "ALTER DEFAULT PRIVILEGES [FOR ROLE r] IN SCHEMA s", said
  /// before each GRANT and REVOKE, whose `target` is then the kind ("TABLES"). "" for an object's own.
  std::string defaults;
  std::string about = "grants";  ///< what the step says it changes
};
/// ALTER TABLE SET LOGGED / UNLOGGED, SET (storage parameters) / RESET (...).
struct SetTableStorage { QName table; bool unlogged; std::vector<std::string> with; bool was_unlogged; std::vector<std::string> previous_with; };
/// ALTER TABLE parent ATTACH PARTITION table bound / DETACH PARTITION table.
/// The check of `checks` with `k`'s name and expression (a domain's checks, before or after a
/// change), or nullptr.
inline const Constraint* same_check(const std::vector<Constraint>& checks, const Constraint& k) {
  for (const auto& c : checks)
    if (c.name == k.name && c.expression == k.expression) return &c;
  return nullptr;
}

struct AttachPartition { QName table; QName parent; std::string bound; };
/// What a parent table passes on to the tables that INHERIT from it: its columns (names) and the
/// checks not declared NO INHERIT; `line`: the parent, the tables it inherits from, and theirs,
/// whose changes to those columns and checks reach it.
struct Inheritance {
  std::vector<std::string> columns;
  std::vector<Constraint> checks;
  std::vector<QName> line;
};
/// ALTER TABLE table INHERIT parent: the table has the parent's columns by then, and gets its
/// checks first (the server requires them).
struct InheritTable { QName table; QName parent; Inheritance passed; };
/// ALTER TABLE table NO INHERIT parent: the columns and checks it inherited stay, as its own.
struct NoInheritTable { QName table; QName parent; Inheritance passed; };
struct DetachPartition { QName table; QName parent; std::string bound; };
struct AddConstraint { QName table; Constraint constraint; bool new_table = false; };
struct DropConstraint { QName table; Constraint constraint; };
struct CreateIndex { QName table; Index index; bool new_table = false; };
struct DropIndex { QName table; Index index; };

/// ALTER TABLE ... [SET SCHEMA] RENAME TO: `table` is the table as it stands after the rename.
struct RenameTable { QName from; Table table; };
struct RenameColumn { QName table; std::string from; std::string to; };
/// A constraint, index or sequence whose name PostgreSQL derived from a table or column name that a
/// rename changes: it follows, so that the table looks as if it had been created under its new name.
struct RenameObject { QName table; ObjectKind kind; std::string from; std::string to; };  ///< kind: constraint, index or sequence
struct RenameEnumValue { QName enumeration; std::string from; std::string to; };
/// Removing (or reordering) enum values rebuilds the type: rename the old one, create the new one,
/// convert every column that uses it (`columns`: table and current column), drop the old one.
struct RebuildEnum { Enum from; Enum to; std::vector<std::pair<QName, Column>> columns; };
/// UPDATE ... SET column = expression WHERE column IS NULL, before NOT NULL is set.
struct BackfillColumn { QName table; std::string column; std::string expression; SourceLoc loc; };

/// Generic changes for the kinds that are created, dropped and altered as a whole (a sequence):
/// the kind's traits say how (object_ref.hpp for its identity, src/plan for its SQL).
template <class T>
struct Create {
  T object;
};
template <class T>
struct Drop {
  T object;
};
/// The object changed in place, from `from` to `to` (same identity).
template <class T>
struct Alter {
  T from;
  T to;
};

/// ALTER ... [SET SCHEMA] RENAME TO: `object` as it stands after the rename.
/// A composite type or domain that ALTER cannot change while columns use it (an attribute
/// retyped or reordered; a new base type or collation) is rebuilt as an enum is: renamed, made
/// again, each column converted (`columns`: table and desired column), the old one dropped.
template <class T>
struct Rebuild {
  T from;
  T to;
  std::vector<std::pair<QName, Column>> columns;
};
template <class T>
struct Rename {
  QName from;
  T object;
};

using Change = std::variant<CreateSchema, DropSchema, SetSchemaComment, CreateExtension,
                            DropExtension, CreateEnum, DropEnum, AddEnumValue, SetEnumComment,
                            CreateTable, DropTable, SetTableComment, AddColumn, DropColumn,
                            AlterColumn, SetColumnComment, AddConstraint, DropConstraint,
                            CreateIndex, DropIndex, RenameTable, RenameColumn, RenameEnumValue, RenameObject,
                            BackfillColumn, RebuildEnum, SetConstraintComment, SetIndexComment,
                            SetReplicaIdentity, SetRowSecurity, SetTableStorage, SetGrants, AttachPartition, DetachPartition, InheritTable, NoInheritTable, Create<Domain>, Drop<Domain>, Alter<Domain>, Rename<Domain>,
                            Create<CompositeType>, Drop<CompositeType>, Alter<CompositeType>, Rename<CompositeType>, Rebuild<CompositeType>, Rebuild<Domain>,
                            Create<Sequence>, Drop<Sequence>, Alter<Sequence>,
                            Rename<Sequence>, Create<View>, Drop<View>, Alter<View>, Rename<View>,
                            Create<Function>, Drop<Function>, Alter<Function>, Rename<Function>,
                            Create<Trigger>, Drop<Trigger>, Alter<Trigger>, Create<Policy>, Drop<Policy>, Alter<Policy>,
                            Create<MaterializedView>,
                            Drop<MaterializedView>, Alter<MaterializedView>, Rename<MaterializedView>>;

struct DiffOptions {
  /// Drop extensions that `desired` does not declare (reverse plans); forward plans never do.
  bool drop_extensions = false;
  /// Give and revoke privileges (manage = ["grants"]); without it grants are never compared.
  bool grants = false;
};

/// Changes that turn `current` into `desired`. Both models must be canonical (spelled by the
/// server) and restricted to the managed scope. Deterministic: the same inputs give the same
/// list. Throws Error for a change reconcile cannot make (e.g. removing an enum value).
std::vector<Change> diff(const Model& current, const Model& desired, const DiffOptions& options = {});

/// Resolves the rename hints of `desired` against `current`: returns the rename changes and
/// rewrites `current` as it will be after them. A hint whose old name no longer exists is a no-op;
/// a hint whose old and new names both exist is an Error naming both.
std::vector<Change> resolve_renames(Model& current, const Model& desired);
/// Whether `desired` asks for any rename (a renamed_from or renamed_values hint): without one,
/// resolve_renames changes nothing and the current model can be used as it is, uncopied.
bool has_rename_hints(const Model& desired);

/// `expr` with the identifier `from` (bare or quoted, outside string literals, not a function
/// name) replaced by `to`, spelled as PostgreSQL prints it.
std::string rename_identifier(const std::string& expr, const std::string& from, const std::string& to);

/// Throws Error naming the object when an object reconcile does not manage (a view, say) would
/// block one of `changes` on `live`: dropping a table or column it uses, or changing a column's type.
void check_unmanaged_blockers(const std::vector<Change>& changes, const Model& live);

/// The object a change is about: the identity of the step that makes it.
ObjectRef object_of(const Change& change);
/// "table public.orders", "column public.orders.total (was amount)", ...: what a change is about,
/// for people.
std::string describe(const Change& change);
/// A constraint by name, or by its definition when the files leave the name to PostgreSQL.
ObjectRef constraint_identity(const QName& table, const Constraint& constraint);
/// An index by name, or by its table and keys when the files leave the name to PostgreSQL.
ObjectRef index_identity(const QName& table, const Index& index);
/// The values an enum rebuild leaves out.
std::vector<std::string> removed_values(const RebuildEnum& change);

}  // namespace reconcile
