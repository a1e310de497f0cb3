// The keys of the desired-state format (toml_keys.hpp): SPEC §2 and §11, one entry per key.
#include "reconcile/toml_keys.hpp"

#include <map>
#include <stdexcept>

#include "reconcile/text.hpp"

namespace reconcile {
namespace {

using K = KeyType;

struct Registry {
  std::map<std::string, Section> sections;
  Section file;
};

const std::vector<std::string> kFkActions = {"no action", "restrict", "cascade", "set null", "set default"};

Registry build() {
  Registry r;
  auto add = [&](Section s) -> const Section* {
    std::string name = s.name;
    return &(r.sections[name] = std::move(s));
  };
  auto comment = [](const char* what) { return KeySpec{"comment", K::string, std::string("COMMENT ON the ") + what}; };
  auto renamed_from = [](const char* what) {
    return KeySpec{"renamed_from", K::string, std::string("The ") + what + "'s previous name: the plan renames it instead of dropping and creating"};
  };
  const KeySpec prevent_destroy{"prevent_destroy", K::boolean, "Refuse any plan that would drop it"};

  const Section* grant = add({"grant", "Privileges a role holds (managed with manage = [\"grants\"] in reconcile.toml)",
                              {{"role", K::string, "The role, or \"public\" for PUBLIC", nullptr, {}, true},
                               {"privileges", K::strings, "Privileges, e.g. [\"select\", \"insert\"], or [\"all\"]", nullptr, {}, true},
                               {"columns", K::strings, "Only on these columns (tables and views)"},
                               {"with_grant_option", K::boolean, "WITH GRANT OPTION"}}});
  auto grants = [&](const char* what) { return KeySpec{"grants", K::tables, std::string("Privileges on the ") + what, grant}; };
  const Section* default_privileges =
      add({"default_privileges", "ALTER DEFAULT PRIVILEGES IN SCHEMA: what new objects of one kind get",
           {{"on", K::string, "The kind of new objects", nullptr, {"tables", "sequences", "functions", "types"}, true},
            {"for_role", K::string, "Whose new objects (default: the role that applies the plans)"},
            {"grants", K::tables, "The privileges they get", grant}}});
  const Section* extension = add({"extension", "CREATE EXTENSION", {{"schema", K::string, "The schema it is installed in"}}});
  const Section* schema = add({"schema", "CREATE SCHEMA",
                               {comment("schema"), grants("schema"),
                                {"default_privileges", K::tables, "Default privileges for objects created in the schema", default_privileges}}});
  const Section* enumeration =
      add({"enum", "CREATE TYPE ... AS ENUM",
           {{"values", K::strings, "The labels, in order", nullptr, {}, true}, comment("enum"),
            {"renamed_values", K::string_values, "Labels renamed: { new = \"old\" }"}, grants("enum")}});
  const Section* domain_check = add({"domain_check", "A CHECK constraint of a domain (VALUE is the value checked)",
                                     {{"name", K::string, "The constraint's name"},
                                      {"expression", K::sql, "The condition, e.g. \"VALUE > 0\"", nullptr, {}, true},
                                      {"not_valid", K::boolean, "NOT VALID: values there before it are not checked"}}});
  const Section* domain = add({"domain", "CREATE DOMAIN",
                               {{"type", K::sql, "The base type", nullptr, {}, true},
                                {"nullable", K::boolean, "false: NOT NULL"},
                                {"default", K::sql, "DEFAULT expression"},
                                {"collation", K::string, "COLLATE"},
                                {"checks", K::tables, "CHECK constraints", domain_check},
                                comment("domain"), renamed_from("domain"), grants("domain")}});
  const Section* attribute = add({"attribute", "An attribute of a composite type",
                                  {{"name", K::string, "The attribute's name", nullptr, {}, true},
                                   {"type", K::sql, "Its type", nullptr, {}, true},
                                   {"collation", K::string, "COLLATE"}}});
  const Section* composite = add({"type", "CREATE TYPE ... AS (composite type)",
                                  {{"attributes", K::tables, "The attributes, in order", attribute}, comment("type"),
                                   renamed_from("type"), grants("type")}});
  const Section* sequence =
      add({"sequence", "CREATE SEQUENCE (those of serial and identity columns stay with their column)",
           {{"type", K::sql, "smallint, integer or bigint (default bigint)"},
            {"start", K::integer, "START WITH"}, {"increment", K::integer, "INCREMENT BY"},
            {"min", K::integer, "MINVALUE"}, {"max", K::integer, "MAXVALUE"}, {"cache", K::integer, "CACHE"},
            {"cycle", K::boolean, "CYCLE"},
            {"owned_by", K::string, "OWNED BY table.column: dropped with that column"},
            comment("sequence"), renamed_from("sequence"), prevent_destroy, grants("sequence")}});
  const Section* trigger =
      add({"trigger", "CREATE TRIGGER",
           {{"name", K::string, "The trigger's name", nullptr, {}, true},
            {"timing", K::string, "When it fires", nullptr, {"before", "after", "instead of"}, true},
            {"events", K::strings, "insert, update, delete and/or truncate", nullptr, {}, true},
            {"update_of", K::strings, "UPDATE OF these columns"},
            {"for_each", K::string, "FOR EACH ROW or STATEMENT (default statement)", nullptr, {"row", "statement"}},
            {"when", K::sql, "WHEN condition"},
            {"execute", K::sql, "The function call, e.g. \"touch_updated_at()\"", nullptr, {}, true},
            comment("trigger")}});
  const Section* view = add({"view", "CREATE VIEW",
                             {{"query", K::sql, "The SELECT", nullptr, {}, true},
                              {"security_barrier", K::boolean, "WITH (security_barrier)"},
                              {"security_invoker", K::boolean, "WITH (security_invoker)"},
                              {"check_option", K::string, "WITH CHECK OPTION", nullptr, {"local", "cascaded"}},
                              comment("view"), renamed_from("view"),
                              {"triggers", K::tables, "Triggers on the view (INSTEAD OF ...)", trigger}, grants("view")}});
  const Section* index =
      add({"index", "CREATE INDEX",
           {{"name", K::string, "The index's name (default: PostgreSQL's)"},
            {"columns", K::strings, "The keys: a column or (expression), with opclass, ASC/DESC, NULLS FIRST/LAST", nullptr, {}, true},
            {"unique", K::boolean, "UNIQUE"},
            {"method", K::string, "USING btree, hash, gist, gin, brin, ..."},
            {"where", K::sql, "WHERE predicate (a partial index)"},
            {"include", K::strings, "INCLUDE columns"},
            {"nulls_not_distinct", K::boolean, "NULLS NOT DISTINCT (unique)"},
            {"with", K::values, "Storage parameters, e.g. { fillfactor = 70 }"},
            comment("index")}});
  const Section* materialized_view =
      add({"materialized_view", "CREATE MATERIALIZED VIEW",
           {{"query", K::sql, "The SELECT", nullptr, {}, true},
            {"with_data", K::boolean, "false: WITH NO DATA"},
            {"indexes", K::tables, "Its indexes", index},
            comment("materialized view"), renamed_from("materialized view"), prevent_destroy, grants("materialized view")}});
  const KeySpec arguments{"arguments", K::sql, "The argument list as in CREATE FUNCTION, e.g. \"a integer, b text DEFAULT ''\""};
  const KeySpec language{"language", K::string, "sql, plpgsql, ...", nullptr, {}, true};
  const KeySpec security{"security", K::string, "SECURITY DEFINER or INVOKER (default invoker)", nullptr, {"definer", "invoker"}};
  const KeySpec set{"set", K::values, "SET configuration parameters, e.g. { search_path = \"public\" }"};
  const KeySpec body{"body", K::string, "The body, as after AS", nullptr, {}, true};
  const Section* function =
      add({"function", "CREATE FUNCTION",
           {arguments,
            {"returns", K::sql, "The return type, e.g. \"integer\", \"trigger\", \"SETOF orders\"", nullptr, {}, true},
            language,
            {"volatility", K::string, "Default volatile", nullptr, {"immutable", "stable", "volatile"}},
            {"strict", K::boolean, "STRICT"},
            security,
            {"leakproof", K::boolean, "LEAKPROOF"},
            {"parallel", K::string, "PARALLEL (default unsafe)", nullptr, {"safe", "restricted", "unsafe"}},
            {"cost", K::number, "COST"}, {"rows", K::number, "ROWS"},
            set, body, comment("function"), renamed_from("function"), grants("function")}});
  const Section* procedure = add({"procedure", "CREATE PROCEDURE",
                                  {arguments, language, security, set, body, comment("procedure"), renamed_from("procedure"),
                                   grants("procedure")}});
  const Section* identity_options =
      add({"identity_options", "The identity's sequence options",
           {{"start", K::integer, "START WITH"}, {"increment", K::integer, "INCREMENT BY"},
            {"minvalue", K::integer, "MINVALUE"}, {"maxvalue", K::integer, "MAXVALUE"},
            {"cache", K::integer, "CACHE"}, {"cycle", K::boolean, "CYCLE"}}});
  const Section* column =
      add({"column", "A column",
           {{"name", K::string, "The column's name", nullptr, {}, true},
            {"type", K::sql, "Its type, as in PostgreSQL DDL (required unless inherited)"},
            {"nullable", K::boolean, "false: NOT NULL (columns are nullable unless said otherwise)"},
            {"default", K::sql, "DEFAULT expression"},
            {"identity", K::string, "GENERATED ... AS IDENTITY", nullptr, {"always", "by default"}},
            {"identity_options", K::table, "The identity's sequence options", identity_options},
            {"generated", K::sql, "GENERATED ALWAYS AS (expression) STORED"},
            {"collation", K::string, "COLLATE"},
            comment("column"), renamed_from("column"),
            {"using", K::sql, "The USING expression of a type change"},
            {"backfill", K::sql, "An expression that fills existing rows before NOT NULL is set"},
            {"inherited", K::boolean, "Only inherited from a parent table (INHERITS): declared here for a default or NOT NULL of its own"}}});
  const KeySpec deferrable{"deferrable", K::boolean, "DEFERRABLE"};
  const KeySpec initially_deferred{"initially_deferred", K::boolean, "INITIALLY DEFERRED (needs deferrable)"};
  const KeySpec key_columns{"columns", K::strings, "The columns", nullptr, {}, true};
  const KeySpec constraint_name{"name", K::string, "The constraint's name (default: PostgreSQL's)"};
  const Section* primary_key = add({"primary_key", "PRIMARY KEY",
                                    {constraint_name, key_columns, deferrable, initially_deferred, comment("constraint")}});
  const Section* unique = add({"unique", "UNIQUE constraint",
                               {constraint_name, key_columns, deferrable, initially_deferred,
                                {"nulls_not_distinct", K::boolean, "NULLS NOT DISTINCT"}, comment("constraint")}});
  const KeySpec not_valid{"not_valid", K::boolean, "NOT VALID: rows there before it are not checked"};
  const Section* check = add({"check", "CHECK constraint",
                              {constraint_name, {"expression", K::sql, "The condition", nullptr, {}, true}, not_valid,
                               {"no_inherit", K::boolean, "NO INHERIT"}, comment("constraint")}});
  const Section* references = add({"references", "The referenced table and columns",
                                    {{"table", K::string, "The table (schema.table outside public)", nullptr, {}, true},
                                     {"columns", K::strings, "Its columns (default: its primary key)"}}});
  const Section* foreign_key =
      add({"foreign_key", "FOREIGN KEY",
           {constraint_name, key_columns, {"references", K::table, "REFERENCES", references, {}, true},
            {"on_delete", K::string, "ON DELETE", nullptr, kFkActions}, {"on_update", K::string, "ON UPDATE", nullptr, kFkActions},
            deferrable, initially_deferred, not_valid,
            {"match", K::string, "MATCH", nullptr, {"simple", "full"}}, comment("constraint")}});
  const Section* exclusion =
      add({"exclusion", "EXCLUDE constraint",
           {constraint_name, {"using", K::string, "The index method, e.g. gist"},
            {"elements", K::strings, "Each \"<column or (expression)> WITH <operator>\"", nullptr, {}, true},
            {"where", K::sql, "WHERE predicate"}, {"include", K::strings, "INCLUDE columns"},
            deferrable, initially_deferred, comment("constraint")}});
  const Section* policy =
      add({"policy", "CREATE POLICY (row-level security)",
           {{"name", K::string, "The policy's name", nullptr, {}, true},
            {"command", K::string, "FOR (default all)", nullptr, {"all", "select", "insert", "update", "delete"}},
            {"permissive", K::boolean, "false: AS RESTRICTIVE"},
            {"roles", K::strings, "TO these roles (default PUBLIC)"},
            {"using", K::sql, "USING: the rows it may see"},
            {"with_check", K::sql, "WITH CHECK: the rows it may write"},
            comment("policy")}});
  const Section* table =
      add({"table", "CREATE TABLE",
           {{"columns", K::tables, "The columns, in order (a created table's column order)", column},
            {"primary_key", K::strings_or_table, "PRIMARY KEY: the columns, or { name, columns, ... }", primary_key},
            {"unique", K::tables, "UNIQUE constraints", unique},
            {"checks", K::tables, "CHECK constraints", check},
            {"foreign_keys", K::tables, "FOREIGN KEY constraints", foreign_key},
            {"exclusions", K::tables, "EXCLUDE constraints", exclusion},
            {"indexes", K::tables, "Indexes", index},
            {"triggers", K::tables, "Triggers", trigger},
            {"policies", K::tables, "Row-level security policies", policy},
            {"row_level_security", K::boolean, "ENABLE ROW LEVEL SECURITY"},
            {"force_row_level_security", K::boolean, "FORCE ROW LEVEL SECURITY (the owner too)"},
            {"partition_by", K::sql, "PARTITION BY, e.g. \"RANGE (created_at)\""},
            {"partition_of", K::string, "PARTITION OF this partitioned table (the columns are its)"},
            {"bound", K::sql, "The partition's FOR VALUES ... or DEFAULT"},
            {"inherits", K::strings, "INHERITS from these tables"},
            {"unlogged", K::boolean, "UNLOGGED"},
            {"with", K::values, "Storage parameters, e.g. { fillfactor = 70 }"},
            {"replica_identity", K::string, "REPLICA IDENTITY: default, full, nothing or \"using index NAME\""},
            comment("table"), renamed_from("table"), {"prevent_destroy", K::boolean, "Refuse any plan that would drop the table or its columns"},
            grants("table")}});
  r.file = Section{"schema_file", "A reconcile desired-state file (format 1): every *.toml under the schema directory is merged",
                   {{"extensions", K::entries, "Extensions, by name", extension},
                    {"schemas", K::entries, "Schemas, by name", schema},
                    {"enums", K::entries, "Enum types, by name (schema.name outside public)", enumeration},
                    {"domains", K::entries, "Domains, by name", domain},
                    {"types", K::entries, "Composite types, by name", composite},
                    {"tables", K::entries, "Tables, by name (schema.name outside public)", table},
                    {"sequences", K::entries, "Sequences, by name", sequence},
                    {"views", K::entries, "Views, by name", view},
                    {"materialized_views", K::entries, "Materialized views, by name", materialized_view},
                    {"functions", K::entries_or_tables, "Functions, by name (an array of tables for overloads)", function},
                    {"procedures", K::entries_or_tables, "Procedures, by name (an array of tables for overloads)", procedure}}};
  return r;
}

/// The JSON Schema of one key's value.
std::string value_schema(const KeySpec& k) {
  auto ref = [&] { return "{\"$ref\": \"#/definitions/" + k.section->name + "\"}"; };
  const std::string strings = "{\"type\": \"array\", \"items\": {\"type\": \"string\"}}";
  switch (k.type) {
    case K::string:
    case K::sql: {
      if (k.allowed.empty()) return "{\"type\": \"string\"}";
      std::string values;
      for (const auto& a : k.allowed) values += (values.empty() ? "" : ", ") + quote_double(a);
      return "{\"type\": \"string\", \"enum\": [" + values + "]}";
    }
    case K::boolean: return "{\"type\": \"boolean\"}";
    case K::integer: return "{\"type\": \"integer\"}";
    case K::number: return "{\"type\": \"number\"}";
    case K::strings: return strings;
    case K::table: return "{\"allOf\": [" + ref() + "]}";  // a $ref alone would hide the key's description
    case K::tables: return "{\"type\": \"array\", \"items\": " + ref() + "}";
    case K::strings_or_table: return "{\"anyOf\": [" + strings + ", " + ref() + "]}";
    case K::entries: return "{\"type\": \"object\", \"additionalProperties\": " + ref() + "}";
    case K::entries_or_tables:
      return "{\"type\": \"object\", \"additionalProperties\": {\"anyOf\": [" + ref() + ", {\"type\": \"array\", \"items\": " + ref() + "}]}}";
    case K::values:
      return "{\"type\": \"object\", \"additionalProperties\": {\"type\": [\"string\", \"number\", \"boolean\"]}}";
    case K::string_values: return "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"string\"}}";
  }
  return "{}";
}

/// A section as a JSON Schema object: its keys, the required ones, nothing else; `indent` spaces deep.
std::string section_schema(const Section& s, const std::string& indent) {
  std::string out = "{\n" + indent + "  \"type\": \"object\",\n" + indent + "  \"description\": " + quote_double(s.description) + ",\n";
  out += indent + "  \"properties\": {\n";
  std::string required;
  for (size_t i = 0; i < s.keys.size(); ++i) {
    const KeySpec& k = s.keys[i];
    std::string value = value_schema(k);
    // the value's own keys, and its description
    out += indent + "    " + quote_double(k.name) + ": " + value.substr(0, value.size() - 1) +
           (value.size() > 2 ? ", " : "") + "\"description\": " + quote_double(k.description) + "}" +
           (i + 1 < s.keys.size() ? "," : "") + "\n";
    if (k.required) required += (required.empty() ? "" : ", ") + quote_double(k.name);
  }
  out += indent + "  },\n";
  if (!required.empty()) out += indent + "  \"required\": [" + required + "],\n";
  return out + indent + "  \"additionalProperties\": false\n" + indent + "}";
}

const Registry& registry() {
  static const Registry r = build();
  return r;
}

}  // namespace

const KeySpec* Section::find(std::string_view key) const {
  for (const auto& k : keys)
    if (k.name == key) return &k;
  return nullptr;
}

std::set<std::string> Section::names() const {
  std::set<std::string> out;
  for (const auto& k : keys) out.insert(k.name);
  return out;
}

const Section& schema_file_keys() { return registry().file; }

const Section& section_keys(const std::string& name) { return registry().sections.at(name); }

std::string desired_state_json_schema() {
  const Registry& r = registry();
  std::string body = section_schema(r.file, "");
  std::string out = "{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n";
  out += "  \"title\": \"reconcile desired state (format 1)\",\n";
  // the file's own keys, then the sections they use
  out += body.substr(2, body.size() - 4) + ",\n  \"definitions\": {\n";
  size_t i = 0;
  for (const auto& [name, s] : r.sections)
    out += "    " + quote_double(name) + ": " + section_schema(s, "    ") + (++i < r.sections.size() ? "," : "") + "\n";
  return out + "  }\n}\n";
}

}  // namespace reconcile
