// The schema model: plain values describing a PostgreSQL schema, from TOML or from a live database.
#pragma once
#include <compare>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "reconcile/error.hpp"

namespace reconcile {

/// A schema-qualified object name. Objects refer to each other by QName, never by pointer.
struct QName {
  std::string schema;
  std::string name;
  auto operator<=>(const QName&) const = default;
  bool operator==(const QName&) const = default;
  /// schema.name, unquoted (for messages and plan files).
  std::string str() const { return schema + "." + name; }
  /// "schema"."name", for SQL.
  std::string sql() const;
};

/// What a field of an object's definition is to the code that walks it.
enum class FieldRole {
  name,        ///< the object's name: compared for columns, not for constraints and indexes (matched by definition)
  definition,  ///< what the object is: compared, fingerprinted, cached, written
  comment,     ///< changed in place: fingerprinted, cached, written; not part of a constraint's or index's definition
  state,       ///< read and cached, not fingerprinted (how the files spelled it, how the server left it)
  part,        ///< objects of their own inside this one (a view's triggers): fingerprinted, cached, written,
               ///< changed by steps of their own, not by changing the owner
};

/// One field of a kind's definition: its key (as the canonical text, cache codec and TOML files
/// spell it), a reference to its value and its role. Each kind lists its fields once, in
/// `fields(self)`; equality, fingerprint, cache codec and TOML writer walk that list.
template <class T>
struct Field {
  const char* key;
  T& value;
  FieldRole role = FieldRole::definition;
};
template <class T>
Field<T> field(const char* key, T& value, FieldRole role = FieldRole::definition) {
  return {key, value, role};
}

/// Calls `f` on each field of `fields` (a tuple of Field) in order.
template <class Tuple, class F>
void each_field(const Tuple& fields, F&& f) {
  std::apply([&](const auto&... each) { (f(each), ...); }, fields);
}

/// Whether `a` and `b` (the same kind) have equal values in every field whose role `counts`.
template <class T, class Counts>
bool same_fields(const T& a, const T& b, Counts counts) {
  auto fa = T::fields(a), fb = T::fields(b);
  bool same = true;
  [&]<size_t... I>(std::index_sequence<I...>) {
    ((same = same && (!counts(std::get<I>(fa).role) || std::get<I>(fa).value == std::get<I>(fb).value)), ...);
  }(std::make_index_sequence<std::tuple_size_v<decltype(fa)>>{});
  return same;
}

/// The kinds of ObjectRef (object_ref.hpp has their constructors, codec and labels).
enum class ObjectKind {
  // Objects: what a step creates, alters, drops or renames.
  schema,      ///< name.name = the schema (name.schema empty)
  extension,   ///< name.name = the extension
  enum_type,   ///< name = the enum
  domain,      ///< name = the domain
  composite,   ///< name = the composite type
  table,       ///< name = the table
  column,      ///< name = its table, sub = the column
  constraint,  ///< name = its table, sub = the constraint's name (or "(kind what)" when unnamed)
  index,       ///< name = schema and index name (or its table, sub = "(keys)" when unnamed)
  sequence,    ///< name = the sequence
  view,        ///< name = the view
  materialized_view,  ///< name = the materialized view
  function,    ///< name = the function, sub = its argument types as the server prints them ("integer, text")
  procedure,   ///< as function
  trigger,     ///< name = its table, sub = the trigger
  policy,      ///< name = its table, sub = the policy
  // Facts the ordering tracks: not objects of their own, never a step's identity.
  type,         ///< a type by name (any kind of type), as a column uses it
  enum_value,   ///< name = the enum, sub = the value (a label that a new value is placed next to)
  key_columns,  ///< name = a table, sub = the columns of a primary key or unique key (what a foreign key needs)
  filled,       ///< name = a table, sub = a column whose NULLs a backfill has replaced
  column_type,  ///< name = a table, sub = a column whose type a step changes (views over it go first)
};

/// "schema", "table", "column", ... ("enum" for an enum type, "enum value" for an enum's value).
std::string to_string(ObjectKind kind);

struct ObjectRef {
  ObjectKind kind = ObjectKind::table;
  QName name;
  std::string sub;
  auto operator<=>(const ObjectRef&) const = default;
  bool operator==(const ObjectRef&) const = default;
};

/// Parses `name` or `schema.name` (a quoted TOML key); unqualified names live in `public`. A part
/// that contains a dot (or starts with a double quote) is written in double quotes, with `""` for a
/// quote inside: `public."a.b"`, `"my.schema".t`. Throws Error on text that is not such a name (an
/// unterminated quote, a second unquoted dot, an empty part).
QName parse_qname(const std::string& text);
/// The inverse of parse_qname: `name` for public, else `schema.name`, a part quoted when needed.
std::string format_qname(const QName& q);

struct ColumnRef;
/// Parses `table.column` or `schema.table.column` (parts quoted as for parse_qname). Throws Error.
ColumnRef parse_column_ref(const std::string& text);
/// The inverse of parse_column_ref.
std::string format_column_ref(const ColumnRef& c);

/// The one of `values` that to_string spells `text`: every enum's parser.
template <class E>
std::optional<E> enum_named(const std::string& text, std::initializer_list<E> values) {
  for (E v : values)
    if (to_string(v) == text) return v;
  return std::nullopt;
}

/// GENERATED ... AS IDENTITY, or none.
enum class Identity { none, always, by_default };
/// "", "always", "by default": the files' spelling.
std::string to_string(Identity identity);
std::optional<Identity> parse_identity(const std::string& text);

/// What a foreign key does when the row it points at is deleted or its key updated.
enum class FkAction { no_action, restrict, cascade, set_null, set_default };
/// "no action", "restrict", "cascade", "set null", "set default": the files' spelling.
std::string to_string(FkAction action);
/// Case-insensitive.
std::optional<FkAction> parse_fk_action(const std::string& text);

struct Column {
  std::string name;
  std::string type;                      ///< SQL type as written; canonical after the shadow
  bool nullable = true;
  std::optional<std::string> default_expr;
  Identity identity = Identity::none;
  /// The identity sequence's options that differ from PostgreSQL's defaults for the column's type:
  /// start, increment, minvalue, maxvalue, cache (numbers as text), cycle ("true").
  std::map<std::string, std::string> identity_options;
  std::optional<std::string> generated;  ///< stored generated expression
  std::optional<std::string> collation;
  std::optional<std::string> comment;
  /// The sequence a serial column owns, as the database named it (read, never compared).
  std::optional<QName> sequence;
  /// The standalone sequences and the functions that the column's default or generation expression
  /// calls, as the server's pg_depend says (read from the database or the shadow, never compared):
  /// they are created before and dropped after.
  std::vector<ObjectRef> default_uses;
  /// Read and cached, never compared: the column is only inherited (INHERITS), not declared on its
  /// table (attislocal false; the loader marks those it copies from a parent).
  bool inherited = false;
  // Hints that steer a change; they are not part of the schema (not compared, not fingerprinted).
  std::optional<std::string> renamed_from;  ///< the column's previous name
  std::optional<std::string> using_expr;    ///< USING expression for a type change
  std::optional<std::string> backfill;      ///< fills existing rows before NOT NULL is set
  SourceLoc loc;
  /// Line and column of each key written (type, default, ...); `key` is a string literal.
  struct KeyLoc {
    const char* key;
    int line;
    int column;
  };
  std::vector<KeyLoc> key_locs;

  /// Whether `key` was written, and where (file and path from `loc`; else `loc`).
  bool has_key_loc(const std::string& key) const;
  SourceLoc key_loc(const std::string& key) const;

  /// The column's definition, once (see Field); hints and source locations are not part of it.
  template <class Self>
  static auto fields(Self& c) {
    return std::tuple{field("name", c.name, FieldRole::name), field("type", c.type), field("nullable", c.nullable),
                      field("default", c.default_expr), field("identity", c.identity),
                      field("identity_options", c.identity_options), field("generated", c.generated),
                      field("collation", c.collation), field("comment", c.comment, FieldRole::comment),
                      field("default_uses", c.default_uses, FieldRole::state), field("inherited", c.inherited, FieldRole::state)};
  }
  /// Everything but hints and the source location.
  bool same_definition(const Column& o) const;
};

enum class ConstraintKind { primary_key, unique, check, foreign_key, exclusion };
std::string to_string(ConstraintKind kind);

/// PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY or EXCLUDE. `named` is false when the TOML left the name to
/// PostgreSQL: such a constraint matches any live one with the same definition.
struct Constraint {
  ConstraintKind kind = ConstraintKind::check;
  std::string name;
  bool named = true;
  std::vector<std::string> columns;
  std::string expression;  ///< check only
  QName ref_table;         ///< foreign key only
  std::vector<std::string> ref_columns;
  FkAction on_delete = FkAction::no_action;
  FkAction on_update = FkAction::no_action;
  bool deferrable = false;          ///< primary key, unique, foreign key
  bool initially_deferred = false;
  bool not_valid = false;           ///< NOT VALID (check, foreign key): rows there before it are not checked
  bool no_inherit = false;          ///< NO INHERIT (check)
  bool match_full = false;          ///< MATCH FULL (foreign key)
  bool nulls_not_distinct = false;  ///< NULLS NOT DISTINCT (unique)
  std::string method;                 ///< exclusion only: the index method (USING gist)
  std::vector<std::string> elements;  ///< exclusion only: "expression WITH operator", as the server prints them
  std::vector<std::string> include;   ///< exclusion only: INCLUDE columns
  std::string where;                  ///< exclusion only: WHERE predicate
  std::optional<std::string> comment;  ///< not part of the definition: changed in place
  /// Read, never compared: the functions a check or an exclusion calls (pg_depend).
  std::vector<ObjectRef> depends_on;
  /// Read and cached, never compared: a check only inherited (INHERITS), not declared on its table
  /// (conislocal false; the loader marks those it copies from a parent).
  bool inherited = false;
  bool on_delete_given = true;  ///< false: the TOML did not say on_delete (lint)
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& c) {
    return std::tuple{field("name", c.name, FieldRole::name), field("named", c.named, FieldRole::state),
                      field("kind", c.kind), field("columns", c.columns), field("expression", c.expression),
                      field("references", c.ref_table), field("ref_columns", c.ref_columns),
                      field("on_delete", c.on_delete), field("on_update", c.on_update),
                      field("deferrable", c.deferrable), field("initially_deferred", c.initially_deferred),
                      field("not_valid", c.not_valid), field("no_inherit", c.no_inherit),
                      field("match_full", c.match_full), field("nulls_not_distinct", c.nulls_not_distinct),
                      field("using", c.method), field("elements", c.elements), field("include", c.include),
                      field("where", c.where), field("comment", c.comment, FieldRole::comment),
                      field("depends_on", c.depends_on, FieldRole::state), field("inherited", c.inherited, FieldRole::state)};
  }
  /// Same kind and definition, ignoring the name and the comment.
  bool same_definition(const Constraint& o) const;
  /// The same constraint: name, definition and comment (a domain's checks are compared so).
  bool operator==(const Constraint& o) const {
    return same_fields(*this, o, [](FieldRole r) { return r != FieldRole::state; });
  }
};

struct Index {
  std::string name;
  bool named = true;
  bool unique = false;
  std::string method = "btree";
  std::vector<std::string> keys;  ///< each a column or (expression), with opclass / DESC / NULLS
  std::string where;
  std::vector<std::string> include;
  bool nulls_not_distinct = false;   ///< NULLS NOT DISTINCT (unique)
  std::vector<std::string> with;     ///< storage parameters, "name=value" as the server stores them, sorted
  bool valid = true;  ///< false: left invalid by a failed CREATE INDEX CONCURRENTLY (rebuilt)
  std::optional<std::string> comment;  ///< not part of the definition: changed in place
  /// Read, never compared: the functions its expressions call (pg_depend).
  std::vector<ObjectRef> depends_on;
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& i) {
    return std::tuple{field("name", i.name, FieldRole::name), field("named", i.named, FieldRole::state),
                      field("unique", i.unique), field("method", i.method), field("keys", i.keys),
                      field("where", i.where), field("include", i.include), field("valid", i.valid),
                      field("nulls_not_distinct", i.nulls_not_distinct), field("with", i.with),
                      field("comment", i.comment, FieldRole::comment), field("depends_on", i.depends_on, FieldRole::state)};
  }
  /// Same definition, ignoring the name and the comment.
  bool same_definition(const Index& o) const;
  /// The same index: name, definition and comment.
  bool operator==(const Index& o) const { return name == o.name && same_definition(o) && comment == o.comment; }
};

/// A trigger on a table or view. `execute` is the function call as written ("touch_updated_at()",
/// "audit('orders')"); the server's spelling after the shadow.
struct Trigger {
  std::string name;
  std::string timing = "after";           ///< "before", "after" or "instead of"
  std::vector<std::string> events;        ///< "insert", "update", "delete", "truncate"
  std::vector<std::string> update_of;     ///< UPDATE OF these columns
  std::string for_each = "statement";     ///< "row" or "statement"
  std::string when;                       ///< WHEN condition, as the server prints it
  std::string execute;
  std::optional<std::string> comment;
  /// Read, never compared: the function it calls and the columns it names (pg_depend).
  std::vector<ObjectRef> depends_on;
  QName table;  ///< its table or view (set by whoever puts it there; not a field of its own)
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& t) {
    return std::tuple{field("name", t.name, FieldRole::name), field("timing", t.timing), field("events", t.events),
                      field("update_of", t.update_of), field("for_each", t.for_each), field("when", t.when),
                      field("execute", t.execute), field("comment", t.comment, FieldRole::comment),
                      field("depends_on", t.depends_on, FieldRole::state)};
  }
  /// The same trigger: name, definition and comment.
  bool operator==(const Trigger& o) const {
    return same_fields(*this, o, [](FieldRole r) { return r != FieldRole::state; });
  }
};

/// Privileges a role holds on an object (SPEC §11 grants; managed only with manage = ["grants"]).
/// Kept canonical (canonical_grants): one entry per role, grant option and column set, privileges
/// and columns sorted, "public" for PUBLIC; `columns` empty for the whole object.
struct Grant {
  std::string role;
  std::vector<std::string> privileges;  ///< lower case: "select", "insert", "usage", "execute", ...
  std::vector<std::string> columns;
  bool with_grant_option = false;

  template <class Self>
  static auto fields(Self& g) {
    return std::tuple{field("role", g.role), field("privileges", g.privileges), field("columns", g.columns),
                      field("with_grant_option", g.with_grant_option)};
  }
  auto operator<=>(const Grant&) const = default;
};

/// One privilege of one role (on a column, or "" for the whole object): what GRANT and REVOKE act on.
struct PrivilegeAtom {
  std::string role, privilege, column;
  bool with_grant_option = false;
  auto operator<=>(const PrivilegeAtom&) const = default;
};
std::set<PrivilegeAtom> privilege_atoms(const std::vector<Grant>& grants);
struct Model;
/// Whether any object of `m` has grants; drop_grants takes them all out and says whether there were.
bool has_grants(const Model& m);
bool drop_grants(Model& m);
/// `grants` (or atoms) in canonical form: each role's privileges grouped per grant option and
/// column set, sorted.
std::vector<Grant> canonical_grants(const std::set<PrivilegeAtom>& atoms);

/// A row-level security policy on a table. `roles` are sorted; "public" is PUBLIC.
struct Policy {
  std::string name;
  std::string command = "all";  ///< "all", "select", "insert", "update" or "delete"
  bool permissive = true;        ///< false: AS RESTRICTIVE
  std::vector<std::string> roles{"public"};
  std::string using_expr;        ///< USING (...), as the server prints it; "" when none
  std::string with_check;        ///< WITH CHECK (...); "" when none
  std::optional<std::string> comment;
  /// Read, never compared: the columns, tables and functions its expressions use (pg_depend).
  std::vector<ObjectRef> depends_on;
  QName table;  ///< its table (set by whoever puts it there; not a field of its own)
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& p) {
    return std::tuple{field("name", p.name, FieldRole::name), field("command", p.command), field("permissive", p.permissive),
                      field("roles", p.roles), field("using", p.using_expr), field("with_check", p.with_check),
                      field("comment", p.comment, FieldRole::comment), field("depends_on", p.depends_on, FieldRole::state)};
  }
  bool operator==(const Policy& o) const {
    return same_fields(*this, o, [](FieldRole r) { return r != FieldRole::state; });
  }
};

struct Table {
  QName name;
  std::vector<Column> columns;  ///< physical order
  std::vector<Constraint> constraints;
  std::vector<Index> indexes;
  std::vector<Trigger> triggers;
  std::vector<Policy> policies;
  bool row_level_security = false;        ///< ENABLE ROW LEVEL SECURITY
  bool force_row_level_security = false;  ///< FORCE ROW LEVEL SECURITY (the owner too)
  std::string partition_by;  ///< PARTITION BY, as the server prints it ("RANGE (created_at)"); "" when not partitioned
  /// The partitioned table this one is a partition of (empty when none). A partition's columns are
  /// its parent's (copied by whoever reads it), and what it inherits from its parent (keys, checks,
  /// foreign keys, indexes, triggers) is not among its parts: those are its own.
  QName partition_of;
  std::string bound;  ///< a partition's FOR VALUES ... or DEFAULT
  bool unlogged = false;
  std::vector<std::string> with;  ///< storage parameters, "name=value" as the server stores them, sorted
  std::vector<Grant> grants;      ///< on the table and its columns
  std::optional<std::string> comment;
  /// REPLICA IDENTITY: "" (the default: the primary key), "full", "nothing" or "using index NAME".
  std::string replica_identity;
  std::optional<QName> renamed_from;  ///< hint: the table's previous name
  bool prevent_destroy = false;       ///< hint: never drop this table or its columns
  /// The tables this one INHERITS from, in order. Their columns come first among its own (copied by
  /// whoever reads it, marked Column::inherited unless the table declares them too); their checks
  /// are not among its parts.
  std::vector<QName> inherits;
  SourceLoc loc;

  /// The table's own fields (its columns, constraints and indexes are walked one by one).
  template <class Self>
  static auto fields(Self& t) {
    return std::tuple{field("name", t.name, FieldRole::name), field("comment", t.comment, FieldRole::comment),
                      field("replica_identity", t.replica_identity), field("row_level_security", t.row_level_security),
                      field("force_row_level_security", t.force_row_level_security), field("partition_by", t.partition_by),
                      field("partition_of", t.partition_of), field("bound", t.bound), field("unlogged", t.unlogged),
                      field("with", t.with), field("inherits", t.inherits), field("grants", t.grants, FieldRole::part)};
  }
  bool is_partition() const { return !partition_of.name.empty(); }

  const Column* find_column(const std::string& name) const;
  Column* find_column(const std::string& name);
  const Constraint* primary_key() const;
};

struct Enum {
  QName name;
  std::vector<std::string> values;
  std::optional<std::string> comment;
  std::vector<Grant> grants;  ///< USAGE
  std::map<std::string, std::string> renamed_values;  ///< hint: new value -> previous value
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& e) {
    return std::tuple{field("name", e.name, FieldRole::name), field("values", e.values),
                      field("comment", e.comment, FieldRole::comment), field("grants", e.grants, FieldRole::part)};
  }
};

/// ALTER DEFAULT PRIVILEGES ... IN SCHEMA: the privileges that objects of one kind get when
/// `for_role` creates them in the schema (added to the kind's own defaults).
struct DefaultPrivileges {
  std::string on;        ///< "tables", "sequences", "functions" or "types"
  std::string for_role;  ///< whose new objects; "" for the role that applies the plans
  std::vector<Grant> grants;

  template <class Self>
  static auto fields(Self& d) {
    return std::tuple{field("on", d.on), field("for_role", d.for_role), field("grants", d.grants)};
  }
  auto operator<=>(const DefaultPrivileges&) const = default;
};
/// `entries` in canonical form: one per kind and role, in order, their grants canonical, none empty.
std::vector<DefaultPrivileges> canonical_default_privileges(const std::vector<DefaultPrivileges>& entries);

struct Schema {
  std::string name;
  std::optional<std::string> comment;
  std::vector<Grant> grants;
  std::vector<DefaultPrivileges> default_privileges;
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& s) {
    return std::tuple{field("name", s.name, FieldRole::name), field("comment", s.comment, FieldRole::comment),
                      field("grants", s.grants, FieldRole::part), field("default_privileges", s.default_privileges, FieldRole::part)};
  }
};

struct Extension {
  std::string name;
  std::string schema;  ///< empty: the server's default
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& e) {
    return std::tuple{field("name", e.name, FieldRole::name), field("schema", e.schema)};
  }
};

/// A column, as a sequence's owner names it.
struct ColumnRef {
  QName table;
  std::string column;
  auto operator<=>(const ColumnRef&) const = default;
  bool operator==(const ColumnRef&) const = default;
};

/// A standalone sequence (those of identity and serial columns stay with their column).
struct Sequence {
  QName name;
  std::string type = "bigint";  ///< smallint, integer or bigint
  /// As Column::identity_options: start, increment, minvalue, maxvalue, cache, cycle, only those that
  /// differ from PostgreSQL's defaults for the type.
  std::map<std::string, std::string> options;
  std::optional<ColumnRef> owned_by;  ///< OWNED BY: dropped with that column
  std::optional<std::string> comment;
  std::vector<Grant> grants;
  std::optional<QName> renamed_from;  ///< hint: the sequence's previous name
  bool prevent_destroy = false;       ///< hint: never drop it (its current value would be lost)
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& s) {
    return std::tuple{field("name", s.name, FieldRole::name), field("type", s.type), field("options", s.options),
                      field("owned_by", s.owned_by), field("comment", s.comment, FieldRole::comment),
                      field("grants", s.grants, FieldRole::part)};
  }
};

/// A domain: a base type with a nullability, a default, a collation and named checks (SPEC §11).
/// Its checks are Constraints of kind check (name, expression, not_valid); the server names an
/// unnamed one, and its expression is as the server prints it after the shadow.
struct Domain {
  QName name;
  std::string type;  ///< the base type (another domain may be one)
  bool nullable = true;
  std::optional<std::string> default_expr;
  std::optional<std::string> collation;
  std::vector<Constraint> checks;
  std::optional<std::string> comment;
  /// Read, never compared: the types and functions its checks and default use (pg_depend).
  std::vector<ObjectRef> depends_on;
  std::vector<Grant> grants;  ///< USAGE
  std::optional<QName> renamed_from;  ///< hint: the domain's previous name
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& d) {
    return std::tuple{field("name", d.name, FieldRole::name), field("type", d.type), field("nullable", d.nullable),
                      field("default", d.default_expr), field("collation", d.collation), field("checks", d.checks),
                      field("comment", d.comment, FieldRole::comment), field("depends_on", d.depends_on, FieldRole::state),
                      field("grants", d.grants, FieldRole::part)};
  }
};

/// An attribute of a composite type.
struct TypeAttribute {
  std::string name;
  std::string type;
  std::optional<std::string> collation;  ///< when not the type's default

  template <class Self>
  static auto fields(Self& a) {
    return std::tuple{field("name", a.name, FieldRole::name), field("type", a.type), field("collation", a.collation)};
  }
  bool operator==(const TypeAttribute& o) const { return name == o.name && type == o.type && collation == o.collation; }
};

/// A composite type (CREATE TYPE ... AS (...)), SPEC §11 [types.NAME].
struct CompositeType {
  QName name;
  std::vector<TypeAttribute> attributes;
  std::optional<std::string> comment;
  /// Read, never compared: the types its attributes use (pg_depend).
  std::vector<ObjectRef> depends_on;
  std::vector<Grant> grants;  ///< USAGE
  std::optional<QName> renamed_from;  ///< hint: the type's previous name
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& t) {
    return std::tuple{field("name", t.name, FieldRole::name), field("attributes", t.attributes),
                      field("comment", t.comment, FieldRole::comment), field("depends_on", t.depends_on, FieldRole::state),
                      field("grants", t.grants, FieldRole::part)};
  }
};

/// A view. Its query, columns and dependencies are as the server prints them (pg_get_viewdef,
/// pg_depend), read from the database or from the shadow.
struct View {
  QName name;
  std::string query;
  bool security_barrier = false;
  bool security_invoker = false;
  std::string check_option;  ///< "", "local" or "cascaded"
  std::optional<std::string> comment;
  /// Read, never compared: its columns ("name type"), which CREATE OR REPLACE may only extend, and
  /// the objects it uses (tables, columns, views, sequences, types).
  std::vector<std::string> columns;
  std::vector<ObjectRef> depends_on;
  std::vector<Trigger> triggers;  ///< INSTEAD OF (and other) triggers on the view
  std::vector<Grant> grants;
  std::optional<QName> renamed_from;  ///< hint: the view's previous name
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& v) {
    return std::tuple{field("name", v.name, FieldRole::name), field("query", v.query),
                      field("security_barrier", v.security_barrier), field("security_invoker", v.security_invoker),
                      field("check_option", v.check_option), field("comment", v.comment, FieldRole::comment),
                      field("columns", v.columns, FieldRole::state), field("depends_on", v.depends_on, FieldRole::state),
                      field("triggers", v.triggers, FieldRole::part), field("grants", v.grants, FieldRole::part)};
  }
};

/// A materialized view: a view whose rows are stored, with indexes of its own. Its query, columns
/// and dependencies are as the server prints them (from the database or the shadow).
struct MaterializedView {
  QName name;
  std::string query;
  bool with_data = true;  ///< false: created WITH NO DATA (not populated)
  std::vector<Grant> grants;
  std::vector<Index> indexes;
  std::optional<std::string> comment;
  /// Read, never compared: its columns ("name type") and the objects it uses.
  std::vector<std::string> columns;
  std::vector<ObjectRef> depends_on;
  std::optional<QName> renamed_from;  ///< hint: its previous name
  bool prevent_destroy = false;       ///< hint: never drop it, nor rebuild it (its rows may take long to compute)
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& v) {
    return std::tuple{field("name", v.name, FieldRole::name), field("query", v.query), field("with_data", v.with_data),
                      field("indexes", v.indexes), field("comment", v.comment, FieldRole::comment),
                      field("columns", v.columns, FieldRole::state), field("depends_on", v.depends_on, FieldRole::state),
                      field("grants", v.grants, FieldRole::part)};
  }
};

/// A function or procedure. Its identity is its name and argument types (`signature`, as the
/// server prints them); everything else is as the server stores it, read from the database or the
/// shadow (`check_function_bodies` is off, so a body never forces an order).
struct Function {
  QName name;
  bool procedure = false;
  std::string arguments;  ///< the argument list as in CREATE FUNCTION: names, modes, defaults
  std::string signature;  ///< the input types ("integer, text"); before the shadow, `arguments` as written
  std::string returns;    ///< "" for a procedure; "trigger", "SETOF orders", "TABLE(id bigint, n text)", ...
  std::string language = "sql";
  std::string volatility = "volatile";  ///< immutable | stable | volatile
  bool strict = false;
  bool security_definer = false;
  bool leakproof = false;
  std::string parallel = "unsafe";  ///< safe | restricted | unsafe
  std::optional<std::string> cost;  ///< only when not the language's default
  std::optional<std::string> rows;  ///< only when not the default
  std::map<std::string, std::string> set;  ///< SET name = value, as the server stores the value
  std::string body;  ///< as the server stores it (prosrc, or the SQL-standard body)
  std::optional<std::string> comment;
  /// Read, never compared: the types, tables and functions it uses (pg_depend).
  std::vector<ObjectRef> depends_on;
  std::vector<Grant> grants;
  std::optional<QName> renamed_from;  ///< hint: the function's previous name
  SourceLoc loc;

  template <class Self>
  static auto fields(Self& f) {
    return std::tuple{field("name", f.name, FieldRole::name), field("procedure", f.procedure, FieldRole::name),
                      field("signature", f.signature, FieldRole::name), field("arguments", f.arguments),
                      field("returns", f.returns), field("language", f.language), field("volatility", f.volatility),
                      field("strict", f.strict), field("security_definer", f.security_definer),
                      field("leakproof", f.leakproof), field("parallel", f.parallel), field("cost", f.cost),
                      field("rows", f.rows), field("set", f.set), field("body", f.body),
                      field("comment", f.comment, FieldRole::comment), field("depends_on", f.depends_on, FieldRole::state),
                      field("grants", f.grants, FieldRole::part)};
  }
};

/// An object of a kind reconcile does not manage (view, function, trigger, ...). It is never
/// changed; `depends_on` lists the (table, column) pairs it uses ("" column = whole table).
struct UnmanagedObject {
  std::string kind;
  QName name;
  std::vector<std::pair<QName, std::string>> depends_on;
};

struct Model {
  std::map<std::string, Schema> schemas;
  std::map<std::string, Extension> extensions;
  std::map<QName, Enum> enums;
  std::map<QName, Domain> domains;
  std::map<QName, CompositeType> types;  ///< composite types
  std::map<QName, Table> tables;
  std::map<QName, Sequence> sequences;
  std::map<QName, View> views;
  std::map<QName, MaterializedView> materialized_views;
  std::map<ObjectRef, Function> functions;  ///< and procedures, by ref_of
  std::vector<UnmanagedObject> unmanaged;
  /// Properties of managed tables that the model does not carry yet (the table, and "table
  /// public.t (UNLOGGED)"): read so that they can be named in a warning, never compared or written.
  std::vector<std::pair<QName, std::string>> uncarried;

  /// The schemas this model manages: declared ones plus any schema an object lives in.
  std::set<std::string> managed_schemas() const;
  /// A copy holding only objects in `schemas` (extensions are kept whole).
  Model restricted_to(const std::set<std::string>& schemas) const;
  /// Drops, in place, every object outside `schemas` (extensions are kept whole).
  void keep_schemas(const std::set<std::string>& schemas);
  /// A copy with only the tables named in `keep` (every other kind of object is kept whole).
  Model with_tables(const std::set<QName>& keep) const;
  const Table* find_table(const QName& name) const;
  /// Copies the hints (renames, using, backfill, prevent_destroy) and source locations of
  /// `from` onto the same objects here: a canonical model keeps what its declaration said.
  void adopt_hints(const Model& from);
};

/// Copies the hints and source locations of declaration `from` onto table `to` (Model::adopt_hints
/// for one table).
void adopt_hints(Table& to, const Table& from);

/// Tables outside `scope` that the foreign keys of `part`'s tables point at (a lookup table in a
/// schema the files do not manage, such as Supabase's auth.users), added to `part` as stubs: the
/// referenced columns, typed like the columns that reference them, under a unique key, in their
/// schema. They make a verification copy or a shadow build whole, and are never read back. `also`:
/// another model whose foreign keys the stubs must serve too (the desired side of a copy).
void add_reference_stubs(Model& part, const std::set<std::string>& scope, const Model* also = nullptr);

/// Column `c` of table `parent` as a table that INHERITS from it gets it: marked inherited, without
/// the comment and identity, which are not inherited (its NOT NULL is), a serial as its stored type
/// with a default that calls the parent's sequence, and without hints.
Column inherited_column(const Column& c, const QName& parent);
/// Column `c` of table `t` of `m` as `t`'s parents pass it on (inherited_column; a serial's default
/// as `c` spells it), or none when no parent has it.
std::optional<Column> passed_on_column(const Model& m, const Table& t, const Column& c);
/// Whether a table that inherits from the one that has `k` gets it too (a check, not NO INHERIT).
bool passed_on(const Constraint& k);
/// Check `k` as a table that inherits gets it: marked inherited, without the comment and hints.
Constraint inherited_check(const Constraint& k);
/// The tables of `m` that INHERIT from `name` directly.
std::vector<QName> inheriting(const Model& m, const QName& name);

/// SHA-256 over a canonical serialization of the model ("sha256:<hex>"). Source locations and the
/// physical column order do not count.
std::string fingerprint(const Model& model);
/// The canonical serialization itself (stable, line oriented).
std::string canonical_text(const Model& model);
/// One table's canonical text, names of the constraints and indexes it leaves unnamed left out, lines
/// sorted: two tables with the same signature are the same table to the differ.
std::string table_signature(const Table& table);
/// "sha256:<hex>" of arbitrary bytes.
std::string sha256_hex(const std::string& bytes);

}  // namespace reconcile
