// Change -> step draft: the SQL of each change (one exhaustive visitor), joined with what the
// change is about (describe.cpp), its hazards (hazards.cpp) and its dependency keys (dependencies.cpp).
#include <algorithm>
#include <utility>

#include "draft.hpp"
#include "reconcile/object_ref.hpp"
#include "reconcile/sql.hpp"
#include "reconcile/types.hpp"

namespace reconcile {
namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

/// A draft that runs `sql`; render() adds what the change is about, its hazards and its keys.
StepDraft draft(StepOp op, std::string sql, int rank) {
  StepDraft d;
  d.step.op = op;
  d.step.sql = std::move(sql);
  d.rank = rank;
  d.is_drop = op == StepOp::drop;
  return d;
}

std::string comment_sql(const std::string& what, const std::optional<std::string>& c) {
  return "COMMENT ON " + what + " IS " + (c ? quote_literal(*c) : "NULL") + ";";
}

/// A value as the plan's one-line detail shows it: "(none)" when absent, control characters escaped,
/// long values shortened.
std::string shown(const std::optional<std::string>& v) {
  if (!v) return "(none)";
  std::string out;
  for (unsigned char c : *v) {
    if (c == '\n') out += "\\n";
    else if (c < 0x20 || c == 0x7f) out += "?";
    else out += static_cast<char>(c);
  }
  if (out.size() > 120) {
    out.resize(117);
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    out += "...";
  }
  return out;
}

/// nullopt for "".
std::optional<std::string> optional_text(const std::string& text) { return text.empty() ? std::nullopt : std::optional<std::string>(text); }

std::string from_to(const std::string& what, const std::optional<std::string>& from, const std::optional<std::string>& to) {
  return what + " " + shown(from) + " -> " + shown(to);
}

std::string comment_detail(const std::optional<std::string>& from, const std::optional<std::string>& to) {
  auto quoted = [](const std::optional<std::string>& c) { return c ? std::optional<std::string>(quote_literal(*c)) : std::nullopt; };
  return from_to("comment", quoted(from), quoted(to));
}

// Ranks: drops first, dependents before what they depend on; then creates, in build order.
enum Rank {
  r_drop_trigger = 0, r_drop_view, r_drop_fk, r_drop_index, r_drop_constraint, r_drop_column, r_drop_table, r_drop_function,
  r_drop_sequence, r_drop_enum, r_drop_schema, r_drop_extension, r_rename, r_create_extension = 20, r_create_schema, r_create_enum,
  r_create_sequence, r_create_function, r_enum_value, r_create_table, r_add_column, r_alter_column, r_add_constraint, r_create_index,
  r_add_fk, r_create_view, r_alter_view, r_create_trigger, r_comment
};

/// A view's query without the statement's ';' and the space after it.
std::string query_body(std::string query) {
  while (!query.empty() && (query.back() == ';' || std::isspace(static_cast<unsigned char>(query.back())))) query.pop_back();
  return query;
}

/// A function's argument list without defaults (`a integer DEFAULT 1` -> `a integer`): what DROP
/// and COMMENT ON take.
std::string without_defaults(const std::string& arguments) {
  std::vector<std::string> parts(1);
  int depth = 0;
  bool skipping = false;
  for (const auto& t : sql_tokens(arguments)) {
    if (t.kind == SqlToken::punct && (t.text == "(" || t.text == "[")) ++depth;
    if (t.kind == SqlToken::punct && (t.text == ")" || t.text == "]")) --depth;
    if (depth == 0 && t.kind == SqlToken::punct && t.text == ",") {
      parts.emplace_back();
      skipping = false;
      continue;
    }
    if (depth == 0 && ((t.kind == SqlToken::word && t.value == "default") || (t.kind == SqlToken::punct && t.text == "=")))
      skipping = true;
    if (!skipping) parts.back() += std::string(t.text);
  }
  std::string out;
  for (auto& p : parts) {
    while (!p.empty() && std::isspace(static_cast<unsigned char>(p.back()))) p.pop_back();
    p.erase(0, p.find_first_not_of(" \t\n"));
    if (!p.empty()) out += (out.empty() ? "" : ", ") + p;
  }
  return out;
}

/// `public.f(a integer)`: a function as DROP and COMMENT ON name it.
std::string routine_name(const Function& f) { return f.name.sql() + "(" + without_defaults(f.arguments) + ")"; }

/// Whether a body is in SQL-standard form (BEGIN ATOMIC ... END, RETURN ...), written as it is.
bool standard_body(const Function& f) {
  if (f.language != "sql") return false;
  auto tokens = sql_tokens(f.body);
  std::vector<std::string> words;
  for (const auto& t : tokens)
    if (t.kind != SqlToken::space && words.size() < 2) words.push_back(t.kind == SqlToken::word ? t.value : std::string(t.text));
  return (!words.empty() && words[0] == "return") || (words.size() == 2 && words[0] == "begin" && words[1] == "atomic");
}

/// A dollar-quote tag that `body` does not contain.
std::string dollar_tag(const std::string& body) {
  std::string tag = "$function$";
  for (int n = 1; body.find(tag) != std::string::npos; ++n) tag = "$function" + std::to_string(n) + "$";
  return tag;
}

/// CREATE [OR REPLACE] FUNCTION | PROCEDURE with every attribute (those left out take their
/// defaults again on replace).
std::string function_sql(const Function& f, bool replace) {
  std::string sql = std::string("CREATE ") + (replace ? "OR REPLACE " : "") + (f.procedure ? "PROCEDURE " : "FUNCTION ") +
                    f.name.sql() + "(" + f.arguments + ")";
  if (!f.procedure) sql += " RETURNS " + f.returns;
  sql += "\n LANGUAGE " + printed_ident(f.language);
  if (!f.procedure) {
    std::string volatility = f.volatility;
    std::transform(volatility.begin(), volatility.end(), volatility.begin(), [](unsigned char c) { return std::toupper(c); });
    sql += " " + volatility + (f.strict ? " STRICT" : "") + (f.leakproof ? " LEAKPROOF" : "");
    if (f.parallel != "unsafe") sql += f.parallel == "safe" ? " PARALLEL SAFE" : " PARALLEL RESTRICTED";
    if (f.cost) sql += " COST " + *f.cost;
    if (f.rows) sql += " ROWS " + *f.rows;
  }
  if (f.security_definer) sql += " SECURITY DEFINER";
  for (const auto& [name, value] : f.set)
    sql += "\n SET " + quote_ident(name) + " TO " + (list_setting(name) ? value : quote_literal(value));
  if (standard_body(f)) return sql + "\n" + f.body + ";";
  std::string tag = dollar_tag(f.body);
  return sql + "\nAS " + tag + f.body + tag + ";";
}

/// CREATE [OR REPLACE] TRIGGER.
std::string trigger_sql(const Trigger& g, bool replace) {
  std::vector<std::string> events;
  for (const auto& e : g.events) {
    std::string event = e;
    std::transform(event.begin(), event.end(), event.begin(), [](unsigned char c) { return std::toupper(c); });
    if (e == "update" && !g.update_of.empty()) event += " OF " + quote_ident_list(g.update_of);
    events.push_back(event);
  }
  std::string timing = g.timing;
  std::transform(timing.begin(), timing.end(), timing.begin(), [](unsigned char c) { return std::toupper(c); });
  std::string sql = std::string("CREATE ") + (replace ? "OR REPLACE " : "") + "TRIGGER " + quote_ident(g.name) + " " + timing + " " +
                    join(events, " OR ") + " ON " + g.table.sql() + " FOR EACH " + (g.for_each == "row" ? "ROW" : "STATEMENT");
  if (!g.when.empty()) sql += " WHEN (" + g.when + ")";
  return sql + " EXECUTE FUNCTION " + g.execute + ";";
}

/// A policy's roles: PUBLIC, or each role quoted.
std::string policy_roles(const Policy& p) {
  std::vector<std::string> roles;
  for (const auto& r : p.roles) roles.push_back(r == "public" ? "PUBLIC" : quote_ident(r));
  return join(roles, ", ");
}

/// CREATE POLICY.
std::string policy_sql(const Policy& p) {
  std::string command = p.command;
  std::transform(command.begin(), command.end(), command.begin(), [](unsigned char c) { return std::toupper(c); });
  std::string sql = "CREATE POLICY " + quote_ident(p.name) + " ON " + p.table.sql() + (p.permissive ? "" : " AS RESTRICTIVE") +
                    " FOR " + command + " TO " + policy_roles(p);
  if (!p.using_expr.empty()) sql += " USING (" + p.using_expr + ")";
  if (!p.with_check.empty()) sql += " WITH CHECK (" + p.with_check + ")";
  return sql + ";";
}

/// The SQL of each change, and how its step runs (rank, detail, transaction, origin).
struct Renderer {
  const RenderOptions& options;

  StepDraft operator()(const CreateSchema& c) {
    std::string sql = "CREATE SCHEMA " + quote_ident(c.schema.name) + ";";
    if (c.schema.comment) sql += "\n" + comment_sql("SCHEMA " + quote_ident(c.schema.name), c.schema.comment);
    auto d = draft(StepOp::create, sql, r_create_schema);
    d.step.origin = c.schema.loc;
    return d;
  }
  StepDraft operator()(const DropSchema& c) {
    auto d = draft(StepOp::drop, "DROP SCHEMA " + quote_ident(c.schema.name) + ";", r_drop_schema);
    return d;
  }
  StepDraft operator()(const SetSchemaComment& c) {
    auto d = draft(StepOp::alter, comment_sql("SCHEMA " + quote_ident(c.schema), c.comment), r_comment);
    d.step.detail = comment_detail(c.previous, c.comment);
    return d;
  }
  StepDraft operator()(const CreateExtension& c) {
    std::string sql = "CREATE EXTENSION IF NOT EXISTS " + quote_ident(c.extension.name);
    if (!c.extension.schema.empty()) sql += " SCHEMA " + quote_ident(c.extension.schema);
    auto d = draft(StepOp::create, sql + ";", r_create_extension);
    d.step.origin = c.extension.loc;
    return d;
  }
  StepDraft operator()(const DropExtension& c) {
    auto d = draft(StepOp::drop, "DROP EXTENSION " + quote_ident(c.extension.name) + ";", r_drop_extension);
    return d;
  }
  StepDraft operator()(const CreateEnum& c) {
    std::vector<std::string> vals;
    for (const auto& v : c.enumeration.values) vals.push_back(quote_literal(v));
    std::string sql = "CREATE TYPE " + c.enumeration.name.sql() + " AS ENUM (" + join(vals, ", ") + ");";
    if (c.enumeration.comment) sql += "\n" + comment_sql("TYPE " + c.enumeration.name.sql(), c.enumeration.comment);
    auto d = draft(StepOp::create, sql, r_create_enum);
    d.step.origin = c.enumeration.loc;
    return d;
  }
  StepDraft operator()(const DropEnum& c) {
    auto d = draft(StepOp::drop, "DROP TYPE " + c.enumeration.name.sql() + ";", r_drop_enum);
    return d;
  }
  StepDraft operator()(const AddEnumValue& c) {
    std::string sql = "ALTER TYPE " + c.enumeration.sql() + " ADD VALUE " + quote_literal(c.value);
    if (!c.before.empty()) sql += " BEFORE " + quote_literal(c.before);
    else if (!c.after.empty()) sql += " AFTER " + quote_literal(c.after);
    auto d = draft(StepOp::alter, sql + ";", r_enum_value);
    d.step.detail = "add value " + quote_literal(c.value);
    d.step.transactional = false;  // committed first, so that the plan's steps may use the value
    d.leads = true;
    return d;
  }
  StepDraft operator()(const SetEnumComment& c) {
    auto d = draft(StepOp::alter, comment_sql("TYPE " + c.enumeration.sql(), c.comment), r_comment);
    d.step.detail = comment_detail(c.previous, c.comment);
    return d;
  }
  StepDraft operator()(const CreateTable& c);
  StepDraft operator()(const DropTable& c) {
    auto d = draft(StepOp::drop, "DROP TABLE " + c.table.name.sql() + ";", r_drop_table);
    return d;
  }
  StepDraft operator()(const SetTableComment& c) {
    auto d = draft(StepOp::alter, comment_sql("TABLE " + c.table.sql(), c.comment), r_comment);
    d.step.detail = comment_detail(c.previous, c.comment);
    return d;
  }
  StepDraft operator()(const AddColumn& c) {
    std::string head = "ALTER TABLE " + c.table.sql() + " ADD COLUMN ";
    std::vector<SqlOrigin> origins;
    std::string sql = head + column_sql(c.column, head.size(), origins) + ";";
    if (c.column.comment)
      sql += "\n" + comment_sql("COLUMN " + c.table.sql() + "." + quote_ident(c.column.name), c.column.comment);
    auto d = draft(StepOp::create, sql, r_add_column);
    d.step.sql_origins = origins;
    d.step.origin = c.column.loc;
    return d;
  }
  StepDraft operator()(const DropColumn& c) {
    auto d = draft(StepOp::drop,
                   "ALTER TABLE " + c.table.sql() + " DROP COLUMN " + quote_ident(c.column.name) + ";", r_drop_column);
    return d;
  }
  StepDraft operator()(const AlterColumn& c);
  StepDraft operator()(const SetColumnComment& c) {
    auto d = draft(StepOp::alter,
                   comment_sql("COLUMN " + c.table.sql() + "." + quote_ident(c.column), c.comment), r_comment);
    d.step.detail = comment_detail(c.previous, c.comment);
    return d;
  }
  StepDraft operator()(const SetConstraintComment& c) {
    auto d = draft(StepOp::alter, constraint_comment_sql(c.table, c.name, c.comment), r_comment);
    d.step.detail = comment_detail(c.previous, c.comment);
    return d;
  }
  StepDraft operator()(const AddConstraint& c) {
    bool fk = c.constraint.kind == ConstraintKind::foreign_key;
    auto d = draft(StepOp::create, add_constraint_sql(c.table, c.constraint),
                   fk ? r_add_fk : r_add_constraint);
    d.step.detail = shown(constraint_definition(c.constraint));
    d.step.origin = c.constraint.loc;
    return d;
  }
  StepDraft operator()(const DropConstraint& c) {
    bool fk = c.constraint.kind == ConstraintKind::foreign_key;
    auto d = draft(StepOp::drop,
                   "ALTER TABLE " + c.table.sql() + " DROP CONSTRAINT " + quote_ident(c.constraint.name) + ";",
                   fk ? r_drop_fk : r_drop_constraint);
    d.step.detail = "was " + shown(constraint_definition(c.constraint));
    return d;
  }
  /// ALTER TABLE ... ADD the constraint [NOT VALID], and its comment.
  static std::string add_constraint_sql(const QName& t, const Constraint& c) {
    std::string sql = "ALTER TABLE " + t.sql() + " ADD " + constraint_sql(c) + (c.not_valid ? " NOT VALID" : "") + ";";
    if (c.comment) sql += "\n" + constraint_comment_sql(t, c.name, c.comment);
    return sql;
  }
  static std::string constraint_comment_sql(const QName& t, const std::string& name, const std::optional<std::string>& comment) {
    return comment_sql("CONSTRAINT " + quote_ident(name) + " ON " + t.sql(), comment);
  }
  /// A constraint's definition without its name (the object line names it).
  static std::string constraint_definition(Constraint c) {
    c.named = false;
    return constraint_sql(c);
  }
  /// An index as a reviewer reads it: [UNIQUE] [USING method] (keys) [INCLUDE (...)] [WHERE ...].
  static std::string index_definition(const Index& ix) {
    std::string out = std::string(ix.unique ? "UNIQUE " : "") + (ix.method != "btree" ? "USING " + ix.method + " " : "") + "(" +
                      join(ix.keys, ", ") + ")";
    if (!ix.include.empty()) out += " INCLUDE (" + join(ix.include, ", ") + ")";
    if (ix.nulls_not_distinct) out += " NULLS NOT DISTINCT";
    if (!ix.with.empty()) out += " WITH (" + join(ix.with, ", ") + ")";
    if (!ix.where.empty()) out += " WHERE " + ix.where;
    return out;
  }
  /// "name=value" storage parameters as SQL: name = 'value', ...
  static std::string storage_sql(const std::vector<std::string>& with) {
    std::vector<std::string> parts;
    for (const auto& w : with) {
      auto eq = w.find('=');
      parts.push_back(quote_ident(w.substr(0, eq)) + " = " + quote_literal(eq == std::string::npos ? "" : w.substr(eq + 1)));
    }
    return join(parts, ", ");
  }
  /// GRANT what `to` has and `from` lacks, REVOKE the rest (a grant option alone: REVOKE GRANT
  /// OPTION FOR), grouped per role: a table's privileges in one statement, a column's per privilege.
  StepDraft operator()(const SetGrants& c) {
    auto from = privilege_atoms(c.from), to = privilege_atoms(c.to);
    auto held = [](const std::set<PrivilegeAtom>& atoms, const PrivilegeAtom& a, bool option) {
      return atoms.count({a.role, a.privilege, a.column, option}) > 0;
    };
    // (statement head, role, grant option, column) -> privileges
    std::map<std::tuple<int, std::string, bool, std::string>, std::vector<std::string>> groups;
    enum { grant = 0, revoke_option = 1, revoke = 2 };
    for (const auto& a : from) {
      if (to.count(a)) continue;
      bool kept_plain = a.with_grant_option && held(to, a, false);
      if (!a.with_grant_option && held(to, a, true)) continue;  // the option is added below
      groups[{kept_plain ? revoke_option : revoke, a.role, false, a.column}].push_back(a.privilege);
    }
    for (const auto& a : to)
      if (!from.count(a)) groups[{grant, a.role, a.with_grant_option, a.column}].push_back(a.privilege);
    std::vector<std::string> sql, what;
    for (const auto& [key, privileges] : groups) {
      const auto& [kind, role, option, column] = key;
      std::string list;
      for (const auto& p : privileges) {
        std::string upper = p;
        std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
        list += (list.empty() ? "" : ", ") + upper + (column.empty() ? "" : " (" + quote_ident(column) + ")");
      }
      std::string who = role == "public" ? "PUBLIC" : quote_ident(role);
      std::string head = c.defaults.empty() ? "" : c.defaults + " ";
      if (kind == grant) sql.push_back(head + "GRANT " + list + " ON " + c.target + " TO " + who + (option ? " WITH GRANT OPTION" : "") + ";");
      else sql.push_back(head + "REVOKE " + (kind == revoke_option ? "GRANT OPTION FOR " : "") + list + " ON " + c.target + " FROM " + who + ";");
      what.push_back((kind == grant ? "+ " : "- ") + role + ": " + join(privileges, ", ") + (column.empty() ? "" : " (" + column + ")") +
                     (kind == revoke_option ? " grant option" : option ? " with grant option" : ""));
    }
    auto d = draft(StepOp::alter, join(sql, "\n"), r_comment);
    d.step.detail = join(what, "; ");
    d.step.origin = c.loc;
    return d;
  }
  StepDraft operator()(const SetTableStorage& c) {
    std::vector<std::string> sql, what;
    std::string alter = "ALTER TABLE " + c.table.sql();
    if (c.unlogged != c.was_unlogged) {
      sql.push_back(alter + (c.unlogged ? " SET UNLOGGED;" : " SET LOGGED;"));
      what.push_back(c.unlogged ? "unlogged" : "logged");
    }
    auto name_of = [](const std::string& w) { return w.substr(0, w.find('=')); };
    std::vector<std::string> set, reset;
    for (const auto& w : c.with)
      if (std::find(c.previous_with.begin(), c.previous_with.end(), w) == c.previous_with.end()) set.push_back(w);
    for (const auto& w : c.previous_with)
      if (std::none_of(c.with.begin(), c.with.end(), [&](const std::string& n) { return name_of(n) == name_of(w); }))
        reset.push_back(quote_ident(name_of(w)));
    if (!set.empty()) sql.push_back(alter + " SET (" + storage_sql(set) + ");");
    if (!reset.empty()) sql.push_back(alter + " RESET (" + join(reset, ", ") + ");");
    if (c.with != c.previous_with) what.push_back("storage parameters (" + join(c.previous_with, ", ") + ") -> (" + join(c.with, ", ") + ")");
    auto d = draft(StepOp::alter, join(sql, "\n"), r_alter_column);
    d.step.detail = join(what, "; ");
    return d;
  }
  StepDraft operator()(const SetReplicaIdentity& c) {
    std::string how = c.value.empty() ? "DEFAULT" : c.value == "full" ? "FULL" : c.value == "nothing" ? "NOTHING"
                                                                          : "USING INDEX " + quote_ident(c.value.substr(12));
    auto d = draft(StepOp::alter, "ALTER TABLE " + c.table.sql() + " REPLICA IDENTITY " + how + ";", r_comment);
    d.step.detail = "replica identity " + (c.previous.empty() ? "default" : c.previous) + " -> " + (c.value.empty() ? "default" : c.value);
    return d;
  }
  StepDraft operator()(const SetIndexComment& c) {
    auto d = draft(StepOp::alter,
                   comment_sql("INDEX " + quote_qualified(c.table.schema, c.name), c.comment), r_comment);
    d.step.detail = comment_detail(c.previous, c.comment);
    return d;
  }
  /// CREATE INDEX on a table or materialized view, and its comment.
  static std::string create_index_sql(const QName& table, const Index& ix, bool online) {
    std::string sql = std::string("CREATE ") + (ix.unique ? "UNIQUE " : "") + "INDEX " + (online ? "CONCURRENTLY " : "") +
                      (ix.named ? quote_ident(ix.name) + " " : "") + "ON " + table.sql();
    if (ix.method != "btree") sql += " USING " + ix.method;
    sql += " (" + join(ix.keys, ", ") + ")";
    if (!ix.include.empty()) sql += " INCLUDE (" + quote_ident_list(ix.include) + ")";
    if (ix.nulls_not_distinct) sql += " NULLS NOT DISTINCT";
    if (!ix.with.empty()) sql += " WITH (" + storage_sql(ix.with) + ")";
    if (!ix.where.empty()) sql += " WHERE (" + ix.where + ")";
    sql += ";";
    if (ix.comment) sql += "\n" + comment_sql("INDEX " + quote_qualified(table.schema, ix.name), ix.comment);
    return sql;
  }
  StepDraft operator()(const CreateIndex& c) {
    const Index& ix = c.index;
    bool online = options.concurrently && !c.new_table;
    auto d = draft(StepOp::create, create_index_sql(c.table, ix, online), r_create_index);
    d.step.detail = shown(index_definition(ix));
    d.step.transactional = !online;
    d.step.origin = ix.loc;
    return d;
  }
  StepDraft operator()(const DropIndex& c) {
    auto d = draft(StepOp::drop,
                   "DROP INDEX " + quote_qualified(c.table.schema, c.index.name) + ";", r_drop_index);
    d.step.detail = "was " + shown(index_definition(c.index));
    return d;
  }

  StepDraft operator()(const RenameTable& c) {
    std::string sql = rename_sql("TABLE", c.from, c.table.name);
    auto d = draft(StepOp::rename, sql, r_rename);
    d.step.origin = c.table.loc;
    return d;
  }
  StepDraft operator()(const Create<Domain>& c) {
    const Domain& dm = c.object;
    std::string sql = "CREATE DOMAIN " + dm.name.sql() + " AS " + dm.type;
    if (dm.collation) sql += " COLLATE " + quote_ident(*dm.collation);
    if (dm.default_expr) sql += " DEFAULT " + *dm.default_expr;
    if (!dm.nullable) sql += " NOT NULL";
    for (const auto& k : dm.checks) sql += " " + constraint_sql(k) + (k.not_valid ? " NOT VALID" : "");
    sql += ";";
    if (dm.comment) sql += "\n" + comment_sql("DOMAIN " + dm.name.sql(), dm.comment);
    auto d = draft(StepOp::create, sql, r_create_enum);
    d.step.origin = dm.loc;
    return d;
  }
  static std::string attribute_sql(const TypeAttribute& a) {
    return quote_ident(a.name) + " " + a.type + (a.collation ? " COLLATE " + quote_ident(*a.collation) : "");
  }
  StepDraft operator()(const Create<CompositeType>& c) {
    const CompositeType& t = c.object;
    std::vector<std::string> attributes;
    for (const auto& a : t.attributes) attributes.push_back(attribute_sql(a));
    std::string sql = "CREATE TYPE " + t.name.sql() + " AS (" + join(attributes, ", ") + ");";
    if (t.comment) sql += "\n" + comment_sql("TYPE " + t.name.sql(), t.comment);
    auto d = draft(StepOp::create, sql, r_create_enum);
    d.step.origin = t.loc;
    return d;
  }
  StepDraft operator()(const Drop<CompositeType>& c) {
    return draft(StepOp::drop, "DROP TYPE " + c.object.name.sql() + ";", r_drop_enum);
  }
  /// ALTER TYPE: attributes dropped, changed and added (the differ keeps the order), and the comment.
  StepDraft operator()(const Alter<CompositeType>& c) {
    auto find = [](const std::vector<TypeAttribute>& v, const std::string& name) -> const TypeAttribute* {
      for (const auto& a : v)
        if (a.name == name) return &a;
      return nullptr;
    };
    std::vector<std::string> actions, what;
    for (const auto& a : c.from.attributes)
      if (!find(c.to.attributes, a.name)) actions.push_back("DROP ATTRIBUTE " + quote_ident(a.name)), what.push_back("- " + a.name);
    for (const auto& a : c.to.attributes) {
      const TypeAttribute* old = find(c.from.attributes, a.name);
      if (!old) {
        actions.push_back("ADD ATTRIBUTE " + attribute_sql(a));
        what.push_back("+ " + a.name);
      } else if (!(*old == a)) {
        actions.push_back("ALTER ATTRIBUTE " + quote_ident(a.name) + " TYPE " + a.type + (a.collation ? " COLLATE " + quote_ident(*a.collation) : ""));
        what.push_back(a.name + " " + old->type + " -> " + a.type);
      }
    }
    std::string sql = actions.empty() ? "" : "ALTER TYPE " + c.to.name.sql() + " " + join(actions, ", ") + ";";
    if (c.from.comment != c.to.comment) {
      sql += (sql.empty() ? "" : "\n") + comment_sql("TYPE " + c.to.name.sql(), c.to.comment);
      what.push_back(comment_detail(c.from.comment, c.to.comment));
    }
    auto d = draft(StepOp::alter, sql, r_create_enum);
    d.step.detail = join(what, "; ");
    d.step.origin = c.to.loc;
    return d;
  }
  StepDraft operator()(const Drop<Domain>& c) {
    return draft(StepOp::drop, "DROP DOMAIN " + c.object.name.sql() + ";", r_drop_enum);
  }
  StepDraft operator()(const Rename<CompositeType>& c) {
    return draft(StepOp::rename, rename_sql("TYPE", c.from, c.object.name), r_rename);
  }
  StepDraft operator()(const Rename<Domain>& c) {
    return draft(StepOp::rename, rename_sql("DOMAIN", c.from, c.object.name), r_rename);
  }
  /// Default, nullability, checks and comment in place. A new check is added NOT VALID and then
  /// validated (unless the files say not_valid): the columns' rows are checked without a long lock.
  StepDraft operator()(const Alter<Domain>& c) {
    const Domain& from = c.from;
    const Domain& to = c.to;
    std::string head = "ALTER DOMAIN " + to.name.sql();
    std::vector<std::string> sql, what;
    if (from.default_expr != to.default_expr) {
      sql.push_back(head + (to.default_expr ? " SET DEFAULT " + *to.default_expr : std::string(" DROP DEFAULT")) + ";");
      what.push_back(from_to("default", from.default_expr, to.default_expr));
    }
    if (from.nullable != to.nullable) {
      sql.push_back(head + (to.nullable ? " DROP NOT NULL;" : " SET NOT NULL;"));
      what.push_back(to.nullable ? "nullable" : "not null");
    }
    for (const auto& k : from.checks)
      if (!same_check(to.checks, k)) {
        sql.push_back(head + " DROP CONSTRAINT " + quote_ident(k.name) + ";");
        what.push_back("drop check " + k.name);
      }
    for (const auto& k : to.checks) {
      const Constraint* had = same_check(from.checks, k);
      if (!had) {
        sql.push_back(head + " ADD " + constraint_sql(k) + " NOT VALID;");
        what.push_back("add check " + k.name);
      }
      if (!k.not_valid && (!had || had->not_valid)) sql.push_back(head + " VALIDATE CONSTRAINT " + quote_ident(k.name) + ";");
    }
    if (from.comment != to.comment) {
      sql.push_back(comment_sql("DOMAIN " + to.name.sql(), to.comment));
      what.push_back(comment_detail(from.comment, to.comment));
    }
    auto d = draft(StepOp::alter, join(sql, "\n"), r_alter_column);
    d.step.detail = join(what, "; ");
    d.step.origin = to.loc;
    return d;
  }
  StepDraft operator()(const Create<Sequence>& c) {
    const Sequence& s = c.object;
    std::string sql = "CREATE SEQUENCE " + s.name.sql() + " AS " + s.type;
    for (const auto& [k, v] : s.options) sql += " " + identity_option_sql(k, v);
    sql += ";";
    if (s.comment) sql += "\n" + comment_sql("SEQUENCE " + s.name.sql(), s.comment);
    auto d = draft(StepOp::create, sql, r_create_sequence);
    d.step.origin = s.loc;
    return d;
  }
  /// CREATE MATERIALIZED VIEW [WITH NO DATA], its indexes and comment.
  StepDraft operator()(const Create<MaterializedView>& c) {
    const MaterializedView& v = c.object;
    std::string query = query_body(v.query);
    std::string sql = "CREATE MATERIALIZED VIEW " + v.name.sql() + " AS\n" + query + (v.with_data ? "" : "\nWITH NO DATA") + ";";
    for (const auto& ix : v.indexes) sql += "\n" + create_index_sql(v.name, ix, false);
    if (v.comment) sql += "\n" + comment_sql("MATERIALIZED VIEW " + v.name.sql(), v.comment);
    auto d = draft(StepOp::create, sql, r_create_view);
    d.step.origin = v.loc;
    return d;
  }
  StepDraft operator()(const Drop<MaterializedView>& c) {
    return draft(StepOp::drop, "DROP MATERIALIZED VIEW " + c.object.name.sql() + ";", r_drop_view);
  }
  /// Its indexes (those that differ dropped and created again), comment and data (REFRESH).
  StepDraft operator()(const Alter<MaterializedView>& c) {
    const MaterializedView& from = c.from;
    const MaterializedView& to = c.to;
    std::vector<std::string> sql, what;
    auto has = [](const std::vector<Index>& in, const Index& ix) { return std::find(in.begin(), in.end(), ix) != in.end(); };
    for (const auto& ix : from.indexes)
      if (!has(to.indexes, ix)) {
        sql.push_back("DROP INDEX " + quote_qualified(from.name.schema, ix.name) + ";");
        what.push_back("index " + ix.name + " dropped");
      }
    for (const auto& ix : to.indexes)
      if (!has(from.indexes, ix)) {
        sql.push_back(create_index_sql(to.name, ix, false));
        what.push_back("index " + ix.name + " created");
      }
    if (from.with_data != to.with_data) {
      sql.push_back("REFRESH MATERIALIZED VIEW " + to.name.sql() + (to.with_data ? "" : " WITH NO DATA") + ";");
      what.push_back(to.with_data ? "refreshed" : "emptied (WITH NO DATA)");
    }
    if (from.comment != to.comment) {
      sql.push_back(comment_sql("MATERIALIZED VIEW " + to.name.sql(), to.comment));
      what.push_back(comment_detail(from.comment, to.comment));
    }
    auto d = draft(StepOp::alter, join(sql, "\n"), r_alter_view);
    d.step.detail = join(what, "; ");
    d.step.origin = to.loc;
    return d;
  }
  StepDraft operator()(const Rename<MaterializedView>& c) {
    return draft(StepOp::rename, rename_sql("MATERIALIZED VIEW", c.from, c.object.name), r_rename);
  }
  StepDraft operator()(const Create<Function>& c) {
    const Function& f = c.object;
    std::string sql = function_sql(f, false);
    if (f.comment) sql += "\n" + comment_sql((f.procedure ? "PROCEDURE " : "FUNCTION ") + routine_name(f), f.comment);
    auto d = draft(StepOp::create, sql, r_create_function);
    d.step.origin = f.loc;
    return d;
  }
  StepDraft operator()(const Drop<Function>& c) {
    const Function& f = c.object;
    return draft(StepOp::drop, std::string("DROP ") + (f.procedure ? "PROCEDURE " : "FUNCTION ") + routine_name(f) + ";", r_drop_function);
  }
  /// CREATE OR REPLACE: the differ asks for it only when the arguments and the result stay.
  StepDraft operator()(const Alter<Function>& c) {
    const Function& from = c.from;
    const Function& to = c.to;
    std::string sql;
    std::vector<std::string> what;
    if (!same_fields(from, to, [](FieldRole r) { return r == FieldRole::definition; })) {
      sql = function_sql(to, true);
      what.push_back(from.body != to.body ? "body replaced" : "attributes replaced");
    }
    if (from.comment != to.comment) {
      sql += (sql.empty() ? "" : "\n") + comment_sql((to.procedure ? "PROCEDURE " : "FUNCTION ") + routine_name(to), to.comment);
      what.push_back(comment_detail(from.comment, to.comment));
    }
    auto d = draft(StepOp::alter, sql, r_create_function);
    d.step.detail = join(what, "; ");
    d.step.origin = to.loc;
    return d;
  }
  StepDraft operator()(const Rename<Function>& c) {
    const Function& f = c.object;
    Function old = f;
    old.name = c.from;
    std::string sql = std::string("ALTER ") + (f.procedure ? "PROCEDURE " : "FUNCTION ") + routine_name(old);
    if (c.from.schema != f.name.schema) {
      sql += " SET SCHEMA " + quote_ident(f.name.schema) + ";";
      if (c.from.name != f.name.name) {
        old.name.schema = f.name.schema;
        sql += "\nALTER " + std::string(f.procedure ? "PROCEDURE " : "FUNCTION ") + routine_name(old) + " RENAME TO " +
               quote_ident(f.name.name) + ";";
      }
    } else {
      sql += " RENAME TO " + quote_ident(f.name.name) + ";";
    }
    return draft(StepOp::rename, sql, r_rename);
  }
  StepDraft operator()(const Create<Trigger>& c) {
    std::string sql = trigger_sql(c.object, false);
    if (c.object.comment) sql += "\n" + comment_sql("TRIGGER " + quote_ident(c.object.name) + " ON " + c.object.table.sql(), c.object.comment);
    auto d = draft(StepOp::create, sql, r_create_trigger);
    d.step.origin = c.object.loc;
    return d;
  }
  StepDraft operator()(const Create<Policy>& c) {
    std::string sql = policy_sql(c.object);
    if (c.object.comment) sql += "\n" + comment_sql("POLICY " + quote_ident(c.object.name) + " ON " + c.object.table.sql(), c.object.comment);
    auto d = draft(StepOp::create, sql, r_create_trigger);
    d.step.origin = c.object.loc;
    return d;
  }
  StepDraft operator()(const Drop<Policy>& c) {
    return draft(StepOp::drop, "DROP POLICY " + quote_ident(c.object.name) + " ON " + c.object.table.sql() + ";", r_drop_trigger);
  }
  /// ALTER POLICY: its roles and expressions (the differ drops and creates it for anything else), and its comment.
  StepDraft operator()(const Alter<Policy>& c) {
    const Policy& p = c.to;
    std::string on = quote_ident(p.name) + " ON " + p.table.sql();
    std::string alter;
    std::vector<std::string> what;
    if (c.from.roles != p.roles) alter += " TO " + policy_roles(p), what.push_back("roles " + join(c.from.roles, ", ") + " -> " + join(p.roles, ", "));
    if (c.from.using_expr != p.using_expr) alter += " USING (" + p.using_expr + ")", what.push_back("using changed");
    if (c.from.with_check != p.with_check) alter += " WITH CHECK (" + p.with_check + ")", what.push_back("with_check changed");
    std::string sql = alter.empty() ? "" : "ALTER POLICY " + on + alter + ";";
    if (c.from.comment != p.comment) {
      sql += (sql.empty() ? "" : "\n") + comment_sql("POLICY " + on, p.comment);
      what.push_back(comment_detail(c.from.comment, p.comment));
    }
    auto d = draft(StepOp::alter, sql, r_create_trigger);
    d.step.detail = join(what, "; ");
    d.step.origin = p.loc;
    return d;
  }
  StepDraft operator()(const AttachPartition& c) {
    auto d = draft(StepOp::alter, "ALTER TABLE " + c.parent.sql() + " ATTACH PARTITION " + c.table.sql() + " " + c.bound + ";", r_add_fk);
    d.step.detail = c.bound;
    return d;
  }
  StepDraft operator()(const InheritTable& c) {
    std::string sql;
    for (const auto& k : c.passed.checks) sql += add_constraint_sql(c.table, k) + "\n";
    auto d = draft(StepOp::alter, sql + "ALTER TABLE " + c.table.sql() + " INHERIT " + c.parent.sql() + ";", r_add_fk);
    d.step.detail = "inherits from " + c.parent.str() + (c.passed.checks.empty() ? "" : ", whose checks it gets first");
    return d;
  }
  StepDraft operator()(const NoInheritTable& c) {
    auto d = draft(StepOp::alter, "ALTER TABLE " + c.table.sql() + " NO INHERIT " + c.parent.sql() + ";", r_drop_constraint);
    d.step.detail = "no longer inherits from " + c.parent.str() + "; keeps the columns and checks it inherited, as its own";
    return d;
  }
  StepDraft operator()(const DetachPartition& c) {
    auto d = draft(StepOp::alter, "ALTER TABLE " + c.parent.sql() + " DETACH PARTITION " + c.table.sql() + ";", r_drop_constraint);
    d.step.detail = "was " + c.bound;
    return d;
  }
  StepDraft operator()(const SetRowSecurity& c) {
    std::string sql;
    std::vector<std::string> what;
    if (c.value.enabled != c.previous.enabled) {
      sql += "ALTER TABLE " + c.table.sql() + (c.value.enabled ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY;";
      what.push_back(c.value.enabled ? "row-level security enabled (a role without a policy sees no rows)" : "row-level security disabled");
    }
    if (c.value.forced != c.previous.forced) {
      sql += std::string(sql.empty() ? "" : "\n") + "ALTER TABLE " + c.table.sql() + (c.value.forced ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY;";
      what.push_back(c.value.forced ? "forced on the table's owner too" : "no longer forced on the owner");
    }
    auto d = draft(StepOp::alter, sql, r_comment);
    d.step.detail = join(what, "; ");
    return d;
  }
  StepDraft operator()(const Drop<Trigger>& c) {
    return draft(StepOp::drop, "DROP TRIGGER " + quote_ident(c.object.name) + " ON " + c.object.table.sql() + ";", r_drop_trigger);
  }
  /// CREATE OR REPLACE TRIGGER, and its comment.
  StepDraft operator()(const Alter<Trigger>& c) {
    std::string sql;
    std::vector<std::string> what;
    if (!same_fields(c.from, c.to, [](FieldRole r) { return r == FieldRole::definition; })) {
      sql = trigger_sql(c.to, true);
      what.push_back("replaced");
    }
    if (c.from.comment != c.to.comment) {
      sql += (sql.empty() ? "" : "\n") + comment_sql("TRIGGER " + quote_ident(c.to.name) + " ON " + c.to.table.sql(), c.to.comment);
      what.push_back(comment_detail(c.from.comment, c.to.comment));
    }
    auto d = draft(StepOp::alter, sql, r_create_trigger);
    d.step.detail = join(what, "; ");
    d.step.origin = c.to.loc;
    return d;
  }
  StepDraft operator()(const Create<View>& c) {
    auto d = draft(StepOp::create, view_sql("CREATE VIEW ", c.object), r_create_view);
    d.step.origin = c.object.loc;
    return d;
  }
  StepDraft operator()(const Drop<View>& c) {
    return draft(StepOp::drop, "DROP VIEW " + c.object.name.sql() + ";", r_drop_view);
  }
  /// CREATE OR REPLACE VIEW: the differ asks for it only when the columns only grow.
  StepDraft operator()(const Alter<View>& c) {
    const View& from = c.from;
    const View& to = c.to;
    std::string sql;
    std::vector<std::string> what;
    if (from.query != to.query || from.security_barrier != to.security_barrier || from.security_invoker != to.security_invoker ||
        from.check_option != to.check_option) {
      sql = view_sql("CREATE OR REPLACE VIEW ", to, false);
      what.push_back(from.query != to.query ? "query replaced" : "options replaced");
    }
    if (from.comment != to.comment) {
      sql += (sql.empty() ? "" : "\n") + comment_sql("VIEW " + to.name.sql(), to.comment);
      what.push_back(comment_detail(from.comment, to.comment));
    }
    auto d = draft(StepOp::alter, sql, r_alter_view);
    d.step.detail = join(what, "; ");
    d.step.origin = to.loc;
    return d;
  }
  StepDraft operator()(const Rename<View>& c) {
    return draft(StepOp::rename, rename_sql("VIEW", c.from, c.object.name), r_rename);
  }
  /// `head` name WITH (options) AS query; and its comment.
  static std::string view_sql(const std::string& head, const View& v, bool with_comment = true) {
    std::vector<std::string> options;
    if (v.security_barrier) options.push_back("security_barrier = true");
    if (v.security_invoker) options.push_back("security_invoker = true");
    if (!v.check_option.empty()) options.push_back("check_option = " + quote_literal(v.check_option));
    std::string query = query_body(v.query);
    std::string sql = head + v.name.sql() + (options.empty() ? "" : " WITH (" + join(options, ", ") + ")") + " AS\n" + query + ";";
    if (with_comment && v.comment) sql += "\n" + comment_sql("VIEW " + v.name.sql(), v.comment);
    return sql;
  }
  StepDraft operator()(const Rename<Sequence>& c) {
    return draft(StepOp::rename, rename_sql("SEQUENCE", c.from, c.object.name), r_rename);
  }
  /// ALTER <what> ... SET SCHEMA, then RENAME TO, as far as each is needed.
  static std::string rename_sql(const std::string& what, const QName& from, const QName& to) {
    std::string sql;
    QName at = from;
    if (from.schema != to.schema) {
      sql = "ALTER " + what + " " + at.sql() + " SET SCHEMA " + quote_ident(to.schema) + ";";
      at.schema = to.schema;
    }
    if (at.name != to.name) sql += (sql.empty() ? "" : "\n") + ("ALTER " + what + " " + at.sql() + " RENAME TO " + quote_ident(to.name) + ";");
    return sql;
  }
  StepDraft operator()(const Drop<Sequence>& c) {
    return draft(StepOp::drop, "DROP SEQUENCE " + c.object.name.sql() + ";", r_drop_sequence);
  }
  /// Options as the files say them, the others back to their defaults; never the current value.
  StepDraft operator()(const Alter<Sequence>& c) {
    const Sequence& from = c.from;
    const Sequence& to = c.to;
    std::string parts;
    std::vector<std::string> what;
    if (from.type != to.type) parts += " AS " + to.type, what.push_back("type " + from.type + " -> " + to.type);
    auto had = identity_defaults(from.type, from.options), want = identity_defaults(to.type, to.options);
    for (const auto& [k, v] : from.options) had[k] = v;
    for (const auto& [k, v] : to.options) want[k] = v;
    for (const auto& [k, v] : want)
      if (had[k] != v) parts += " " + identity_option_sql(k, v), what.push_back(k + " " + had[k] + " -> " + v);
    if (from.owned_by != to.owned_by) {
      parts += " OWNED BY " + (to.owned_by ? to.owned_by->table.sql() + "." + quote_ident(to.owned_by->column) : std::string("NONE"));
      auto shown_owner = [](const std::optional<ColumnRef>& o) { return o ? std::optional<std::string>(format_column_ref(*o)) : std::nullopt; };
      what.push_back(from_to("owned by", shown_owner(from.owned_by), shown_owner(to.owned_by)));
    }
    std::string sql = parts.empty() ? "" : "ALTER SEQUENCE " + to.name.sql() + parts + ";";
    if (from.comment != to.comment) {
      sql += (sql.empty() ? "" : "\n") + comment_sql("SEQUENCE " + to.name.sql(), to.comment);
      what.push_back(comment_detail(from.comment, to.comment));
    }
    auto d = draft(StepOp::alter, sql, r_alter_column);
    d.step.detail = join(what, "; ");
    d.step.origin = to.loc;
    return d;
  }
  StepDraft operator()(const RenameObject& c) {
    QName from{c.table.schema, c.from};
    std::string sql = c.kind == ObjectKind::constraint
                          ? "ALTER TABLE " + c.table.sql() + " RENAME CONSTRAINT " + quote_ident(c.from) + " TO "
                          : "ALTER " + std::string(c.kind == ObjectKind::index ? "INDEX " : "SEQUENCE ") + from.sql() + " RENAME TO ";
    return draft(StepOp::rename, sql + quote_ident(c.to) + ";", r_rename);
  }
  StepDraft operator()(const RenameColumn& c) {
    auto d = draft(StepOp::rename,
                   "ALTER TABLE " + c.table.sql() + " RENAME COLUMN " + quote_ident(c.from) + " TO " + quote_ident(c.to) + ";",
                   r_rename);
    return d;
  }
  StepDraft operator()(const RenameEnumValue& c) {
    auto d = draft(StepOp::rename,
                   "ALTER TYPE " + c.enumeration.sql() + " RENAME VALUE " + quote_literal(c.from) + " TO " + quote_literal(c.to) + ";",
                   r_rename);
    return d;
  }

  /// The old type renamed, the new one made, each column converted attribute by attribute (by
  /// name, cast to the new attribute type; NULL for a new one), the old type dropped.
  StepDraft operator()(const Rebuild<CompositeType>& c) {
    std::string made = (*this)(Create<CompositeType>{c.to}).step.sql;
    return rebuild("TYPE", c.to.name, made, c.columns, c.to.loc, [&](const std::string& name) {
      std::vector<std::string> values;
      for (const auto& a : c.to.attributes) {
        bool had = std::any_of(c.from.attributes.begin(), c.from.attributes.end(), [&](const TypeAttribute& b) { return b.name == a.name; });
        values.push_back(had ? "((" + name + ")." + quote_ident(a.name) + ")::" + a.type : "NULL::" + a.type);
      }
      return "CASE WHEN " + name + " IS NULL THEN NULL ELSE ROW(" + join(values, ", ") + ")::" + c.to.name.sql() + " END";
    });
  }
  /// The old domain renamed, the new one made, each column's values cast to the new base type and
  /// domain (its checks tried on them), the old domain dropped.
  StepDraft operator()(const Rebuild<Domain>& c) {
    std::string made = (*this)(Create<Domain>{c.to}).step.sql;
    return rebuild("DOMAIN", c.to.name, made, c.columns, c.to.loc,
                   [&](const std::string& name) { return name + "::" + c.to.type + "::" + c.to.name.sql(); });
  }
  /// ALTER <kind> t RENAME, `made` (the new t), each column converted by `convert` (of its quoted
  /// name) with its default set again, DROP <kind> of the old one.
  template <class Convert>
  StepDraft rebuild(const std::string& kind, const QName& t, const std::string& made, const std::vector<std::pair<QName, Column>>& columns,
                    const SourceLoc& loc, Convert convert) {
    QName old{t.schema, t.name + "__reconcile_old"};
    std::string sql = "ALTER " + kind + " " + t.sql() + " RENAME TO " + quote_ident(old.name) + ";\n" + made;
    for (const auto& [table, col] : columns) {
      std::string name = quote_ident(col.name);
      std::string at = "ALTER TABLE " + table.sql() + " ALTER COLUMN " + name;
      if (col.default_expr) sql += "\n" + at + " DROP DEFAULT;";
      sql += "\n" + at + " TYPE " + t.sql() + " USING " + convert(name) + ";";
      if (col.default_expr) sql += "\n" + at + " SET DEFAULT (" + *col.default_expr + ");";
    }
    sql += "\nDROP " + kind + " " + old.sql() + ";";
    auto d = draft(StepOp::alter, sql, r_enum_value);
    d.step.origin = loc;
    return d;
  }
  StepDraft operator()(const RebuildEnum& c) {
    const QName& e = c.to.name;
    QName old{e.schema, e.name + "__reconcile_old"};
    std::vector<std::string> vals;
    for (const auto& v : c.to.values) vals.push_back(quote_literal(v));
    std::string sql = "ALTER TYPE " + e.sql() + " RENAME TO " + quote_ident(old.name) + ";\n" + "CREATE TYPE " + e.sql() +
                      " AS ENUM (" + join(vals, ", ") + ");";
    auto d = draft(StepOp::alter, "", r_enum_value);
    for (const auto& [table, col] : c.columns) {
      std::string target = e.sql() + (col.type.find('[') != std::string::npos ? "[]" : "");
      std::string at = "ALTER TABLE " + table.sql() + " ALTER COLUMN " + quote_ident(col.name);
      if (col.default_expr) sql += "\n" + at + " DROP DEFAULT;";
      sql += "\n" + at + " TYPE " + target + " USING " + quote_ident(col.name) + "::text" +
             (target.back() == ']' ? "[]" : "") + "::" + target + ";";
      if (col.default_expr) sql += "\n" + at + " SET DEFAULT (" + *col.default_expr + ");";
    }
    sql += "\nDROP TYPE " + old.sql() + ";";
    d.step.sql = sql;
    d.step.origin = c.to.loc;
    return d;
  }

  StepDraft operator()(const BackfillColumn& c) {
    std::string col = quote_ident(c.column);
    std::string sql = "UPDATE " + c.table.sql() + " SET " + col + " = (" + c.expression + ") WHERE " + col + " IS NULL;";
    if (options.batch_size > 0)  // committed batches, outside the apply transaction: resumable
      sql = "DO $reconcile$\nDECLARE reconcile_rows bigint;\nBEGIN\n  LOOP\n    UPDATE " + c.table.sql() + " SET " + col + " = (" +
            c.expression + ")\n    WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + c.table.sql() + " WHERE " + col +
            " IS NULL LIMIT " + std::to_string(options.batch_size) +
            "));\n    GET DIAGNOSTICS reconcile_rows = ROW_COUNT;\n    EXIT WHEN reconcile_rows = 0;\n    COMMIT;\n  END LOOP;\nEND\n$reconcile$;";
    auto d = draft(StepOp::alter, sql, r_alter_column);
    d.step.transactional = options.batch_size <= 0;
    d.step.origin = c.loc;
    return d;
  }

  static std::string column_sql(const Column& c) {
    std::vector<SqlOrigin> ignored;
    return column_sql(c, 0, ignored);
  }

  /// The column definition; records where its type, default and expression came from, for errors.
  static std::string column_sql(const Column& c, size_t base, std::vector<SqlOrigin>& origins) {
    auto at = [&](const std::string& s, const char* key) {
      if (c.has_key_loc(key)) origins.push_back({base + s.size(), c.key_loc(key)});
    };
    origins.push_back({base, c.loc});
    std::string s = quote_ident(c.name) + " ";
    at(s, "type");
    s += c.type;
    if (c.collation) { at(s, "collation"); s += " COLLATE " + quote_ident(*c.collation); }
    if (c.generated) { at(s, "generated"); s += " GENERATED ALWAYS AS (" + *c.generated + ") STORED"; }
    if (c.identity != Identity::none)
      s += " GENERATED " + std::string(c.identity == Identity::always ? "ALWAYS" : "BY DEFAULT") + " AS IDENTITY" + identity_options_sql(c);
    if (!c.nullable) s += " NOT NULL";
    if (c.default_expr) { at(s, "default"); s += " DEFAULT (" + *c.default_expr + ")"; }
    return s;
  }

  /// ` (START WITH 100 INCREMENT BY 10 ...)` for the options that differ from the defaults, or "".
  static std::string identity_options_sql(const Column& c) {
    std::vector<std::string> parts;
    for (const auto& [k, v] : c.identity_options) parts.push_back(identity_option_sql(k, v));
    return parts.empty() ? "" : " (" + join(parts, " ") + ")";
  }
  static std::string identity_option_sql(const std::string& k, const std::string& v) {
    if (k == "start") return "START WITH " + v;
    if (k == "increment") return "INCREMENT BY " + v;
    if (k == "minvalue") return "MINVALUE " + v;
    if (k == "maxvalue") return "MAXVALUE " + v;
    if (k == "cache") return "CACHE " + v;
    return v == "true" ? "CYCLE" : "NO CYCLE";
  }
  static std::string constraint_sql(const Constraint& c) {
    std::string s = c.named ? "CONSTRAINT " + quote_ident(c.name) + " " : "";
    std::string deferral = !c.deferrable ? "" : c.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
    switch (c.kind) {
      case ConstraintKind::primary_key: return s + "PRIMARY KEY (" + quote_ident_list(c.columns) + ")" + deferral;
      case ConstraintKind::unique:
        return s + "UNIQUE" + (c.nulls_not_distinct ? " NULLS NOT DISTINCT" : "") + " (" + quote_ident_list(c.columns) + ")" + deferral;
      case ConstraintKind::check: return s + "CHECK (" + c.expression + ")" + (c.no_inherit ? " NO INHERIT" : "");
      case ConstraintKind::exclusion: {
        std::string elements;
        for (const auto& e : c.elements) elements += (elements.empty() ? "" : ", ") + e;
        return s + "EXCLUDE USING " + c.method + " (" + elements + ")" +
               (c.include.empty() ? "" : " INCLUDE (" + quote_ident_list(c.include) + ")") +
               (c.where.empty() ? "" : " WHERE (" + c.where + ")") + deferral;
      }
      case ConstraintKind::foreign_key: break;
    }
    s += "FOREIGN KEY (" + quote_ident_list(c.columns) + ") REFERENCES " + c.ref_table.sql() + " (" +
         quote_ident_list(c.ref_columns) + ")" + (c.match_full ? " MATCH FULL" : "");
    auto upper = [](std::string a) {
      std::transform(a.begin(), a.end(), a.begin(), [](unsigned char ch) { return std::toupper(ch); });
      return a;
    };
    if (c.on_delete != FkAction::no_action) s += " ON DELETE " + upper(to_string(c.on_delete));
    if (c.on_update != FkAction::no_action) s += " ON UPDATE " + upper(to_string(c.on_update));
    return s + deferral;
  }
};

StepDraft Renderer::operator()(const CreateTable& c) {
  const Table& t = c.table;
  std::vector<SqlOrigin> origins{{0, t.loc}};
  // A partition takes its parent's columns: its list holds only its own constraints, if any.
  bool partition = t.is_partition();
  std::string sql = std::string(t.unlogged ? "CREATE UNLOGGED TABLE " : "CREATE TABLE ") + t.name.sql() +
                    (partition ? " PARTITION OF " + t.partition_of.sql() : "") + " (";
  const char* sep = "\n  ";
  // A table that inherits gets the columns it does not declare itself from its parents.
  if (!partition)
    for (const auto& col : t.columns) {
      if (col.inherited && !t.inherits.empty()) continue;
      sql += std::exchange(sep, ",\n  ");
      sql += column_sql(col, sql.size(), origins);
    }
  // CREATE TABLE folds a key on the same columns as an earlier one into it; such a key is added by
  // its own statement, so that every declared constraint exists.
  std::set<std::vector<std::string>> keys;
  std::vector<const Constraint*> later;
  for (const auto& k : t.constraints) {
    if (k.inherited && !t.inherits.empty()) continue;  // from a parent
    bool key = k.kind == ConstraintKind::primary_key || k.kind == ConstraintKind::unique;
    if ((key && !keys.insert(k.columns).second) || k.not_valid) {  // NOT VALID holds only when added to a table
      later.push_back(&k);
      continue;
    }
    sql += std::exchange(sep, ",\n  ");
    origins.push_back({sql.size(), k.loc});
    sql += constraint_sql(k);
  }
  if (partition && sql.back() == '(') sql.resize(sql.size() - 2);  // no list
  else sql += "\n)";
  if (!t.inherits.empty()) {
    std::vector<std::string> parents;
    for (const auto& p : t.inherits) parents.push_back(p.sql());
    sql += " INHERITS (" + join(parents, ", ") + ")";
  }
  if (partition) sql += " " + t.bound;
  if (!t.partition_by.empty()) sql += " PARTITION BY " + t.partition_by;
  if (!t.with.empty()) sql += " WITH (" + storage_sql(t.with) + ")";
  sql += ";";
  for (const Constraint* k : later) {
    sql += "\n";
    origins.push_back({sql.size(), k->loc});
    sql += add_constraint_sql(t.name, *k);
  }
  for (const auto& k : t.constraints)
    if (k.comment && std::find(later.begin(), later.end(), &k) == later.end()) sql += "\n" + constraint_comment_sql(t.name, k.name, k.comment);
  if (t.comment) sql += "\n" + comment_sql("TABLE " + t.name.sql(), t.comment);
  for (const auto& col : t.columns)
    if (col.comment && !partition) sql += "\n" + comment_sql("COLUMN " + t.name.sql() + "." + quote_ident(col.name), col.comment);
  auto d = draft(StepOp::create, sql, r_create_table);
  d.step.sql_origins = origins;
  d.step.origin = t.loc;
  return d;
}

StepDraft Renderer::operator()(const AlterColumn& c) {
  const Column& from = c.from;
  const Column& to = c.to;
  std::string col = "ALTER COLUMN " + quote_ident(to.name);
  std::vector<std::string> before, parts, after;
  TypeChange type = (c.what & delta_type) ? classify_type_change(from.type, to.type) : TypeChange{false, false, false, false};
  bool from_serial = !serial_base(from.type).empty(), to_serial = !serial_base(to.type).empty();
  bool serial_change = (c.what & delta_type) && from_serial != to_serial;
  // A type or identity change goes with the default dropped first and set again after, so that
  // PostgreSQL never has to cast the old default to the new type.
  bool reset_default = (c.what & (delta_type | delta_identity)) && (from.default_expr || (serial_change && from_serial));
  if (reset_default) parts.push_back(col + " DROP DEFAULT");
  if ((c.what & delta_identity) && from.identity != Identity::none && to.identity == Identity::none) parts.push_back(col + " DROP IDENTITY");
  if (type.changes || (c.what & delta_collation)) {
    std::string p = col + " TYPE " + stored_type(to.type);
    if (to.collation) p += " COLLATE " + quote_ident(*to.collation);
    if (to.using_expr) p += " USING (" + *to.using_expr + ")";
    parts.push_back(p);
  }
  if (c.what & delta_nullable) {
    parts.push_back(col + (to.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
  }
  if (((c.what & delta_default) || reset_default) && !(to_serial && serial_change)) {
    if (to.default_expr) parts.push_back(col + " SET DEFAULT (" + *to.default_expr + ")");
    else if (!reset_default) parts.push_back(col + " DROP DEFAULT");
  }
  if ((c.what & delta_identity) && to.identity != Identity::none) {
    std::string mode = to.identity == Identity::always ? "ALWAYS" : "BY DEFAULT";
    if (from.identity == Identity::none) {
      parts.push_back(col + " ADD GENERATED " + mode + " AS IDENTITY" + identity_options_sql(to));
    } else {
      std::string p = col + (from.identity != to.identity ? " SET GENERATED " + mode : "");
      // Options as the files say them; the others back to their defaults for the column's type.
      auto defaults = identity_defaults(to.type, to.identity_options);
      for (const auto& [k, v] : defaults) {
        auto want = to.identity_options.count(k) ? to.identity_options.at(k) : v;
        auto had = from.identity_options.count(k) ? from.identity_options.at(k) : identity_defaults(from.type, from.identity_options)[k];
        if (want != had) p += " SET " + identity_option_sql(k, want);
      }
      if (p != col) parts.push_back(p);
    }
  }
  if (serial_change && to_serial) {
    // A new serial: its own sequence, continuing after the rows the table already has.
    QName seq{c.table.schema, default_object_name(c.table.name, to.name, "seq")};
    before.push_back("CREATE SEQUENCE " + seq.sql() + " AS " + stored_type(to.type) + " OWNED BY " + c.table.sql() + "." +
                     quote_ident(to.name) + ";");
    parts.push_back(col + " SET DEFAULT nextval(" + quote_literal(seq.sql()) + "::regclass)");
    after.push_back("SELECT setval(" + quote_literal(seq.sql()) + ", max(" + quote_ident(to.name) + ")) FROM " +
                    c.table.sql() + " HAVING max(" + quote_ident(to.name) + ") IS NOT NULL;");
  } else if (serial_change && from.sequence) {
    after.push_back("DROP SEQUENCE " + from.sequence->sql() + ";");  // the column no longer uses it
  } else if (from_serial && to_serial && type.changes && from.sequence) {
    after.push_back("ALTER SEQUENCE " + from.sequence->sql() + " AS " + stored_type(to.type) + ";");
  }
  std::vector<std::string> statements = before;
  if (!parts.empty()) statements.push_back("ALTER TABLE " + c.table.sql() + "\n  " + join(parts, ",\n  ") + ";");
  statements.insert(statements.end(), after.begin(), after.end());
  std::string sql = join(statements, "\n");
  auto d = draft(StepOp::alter, sql, r_alter_column);
  std::vector<std::string> what;
  if (c.what & delta_type) what.push_back("type " + from.type + " -> " + to.type);
  if (c.what & delta_nullable) what.push_back(std::string("nullable ") + (from.nullable ? "yes -> no" : "no -> yes"));
  if (c.what & delta_default) what.push_back(from_to("default", from.default_expr, to.default_expr));
  if (c.what & delta_identity)
    what.push_back(from_to("identity", optional_text(to_string(from.identity)), optional_text(to_string(to.identity))));
  if (c.what & delta_collation) what.push_back(from_to("collation", from.collation, to.collation));
  if (to.using_expr && (c.what & delta_type)) what.push_back("using " + shown(to.using_expr));
  d.step.detail = join(what, "; ");
  d.step.origin = to.loc;
  return d;
}

}  // namespace

StepDraft render(const Change& change, const RenderOptions& options) {
  StepDraft d = std::visit(Renderer{options}, change);
  d.step.ref = object_of(change);
  d.step.object = describe(change);
  d.step.hazards = hazards_of(change, options);
  add_dependencies(change, d);
  return d;
}

}  // namespace reconcile
