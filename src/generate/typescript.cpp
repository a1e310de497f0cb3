// TypeScript types in the shape `supabase gen types typescript` writes (generate.hpp), so that
// `createClient<Database>()` and code written against Supabase's types take them as they are.
//
// Types: smallint, integer, bigint, real, double precision and numeric are `number` (as Supabase
// maps them); boolean is `boolean`; json and jsonb are `Json`; enums and composite types are the
// module's own; arrays are `T[]`; every other type (text, uuid, dates and times, intervals, network
// addresses, bytea, ranges) is `string`, as PostgREST sends it. A nullable column is `T | null`.
#include <algorithm>
#include <map>

#include "generate_internal.hpp"
#include "reconcile/generate.hpp"
#include "reconcile/text.hpp"
#include "reconcile/types.hpp"

namespace reconcile {
namespace {

/// A property name: bare when it is an identifier, else a string literal.
std::string property(const std::string& name) {
  bool bare = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) bare = bare && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$');
  return bare ? name : quote_double(name);
}

std::string indent(int n) { return std::string(static_cast<size_t>(n) * 2, ' '); }

std::string string_union(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : " | ") + quote_double(v);
  return out.empty() ? "never" : out;
}

class Module {
 public:
  explicit Module(const Model& m) : m_(m) {
    for (const auto& s : m.managed_schemas()) schemas_.insert(s);
  }

  std::string write(const std::vector<std::string>& sources) {
    std::string out = generate::header("//", "reconcile generate typescript", sources);
    out += "\nexport type Json =\n  | string\n  | number\n  | boolean\n  | null\n  | { [key: string]: Json | undefined }\n  | Json[]\n\n";
    out += "export type Database = {\n";
    for (const auto& s : schemas_) out += schema(s);
    out += "}\n";
    return out + aliases();
  }

 private:
  const Model& m_;
  std::set<std::string> schemas_;

  std::string ts_type(const std::string& sql_type) const {
    generate::ResolvedType r = generate::resolve_type(m_, stored_type(sql_type));
    std::string base;
    static const std::set<std::string> numbers = {"smallint", "integer", "bigint", "real", "double precision", "numeric"};
    if (r.enum_type)
      base = "Database[" + quote_double(r.enum_type->name.schema) + "][\"Enums\"][" + quote_double(r.enum_type->name.name) + "]";
    else if (r.composite)
      base = "Database[" + quote_double(r.composite->name.schema) + "][\"CompositeTypes\"][" + quote_double(r.composite->name.name) + "]";
    else if (numbers.count(r.text.base)) base = "number";
    else if (r.text.base == "boolean") base = "boolean";
    else if (r.text.base == "json" || r.text.base == "jsonb") base = "Json";
    else base = "string";
    for (int i = 0; i < r.text.dims; ++i) base += "[]";
    return base;
  }

  /// `{ name: type ... }` at depth `d`, one line per entry.
  static std::string object(const std::vector<std::string>& lines, int d) {
    if (lines.empty()) return "{\n" + indent(d + 1) + "[_ in never]: never\n" + indent(d) + "}";
    std::string out = "{\n";
    for (const auto& l : lines) out += indent(d + 1) + l + "\n";
    return out + indent(d) + "}";
  }

  std::string table(const Table& t) const {
    std::vector<std::string> row, insert, update;
    for (const auto& c : t.columns) {
      // A domain's NOT NULL and default hold for the column.
      generate::ResolvedType domain = generate::resolve_type(m_, stored_type(c.type));
      bool nullable = c.nullable && !domain.not_null;
      std::string type = ts_type(c.type) + (nullable ? " | null" : "");
      std::string name = property(c.name);
      row.push_back(name + ": " + type);
      if (c.generated || c.identity == Identity::always) {
        insert.push_back(name + "?: never");
        update.push_back(name + "?: never");
        continue;
      }
      bool optional = nullable || c.default_expr || domain.default_expr || c.identity != Identity::none;
      insert.push_back(name + (optional ? "?: " : ": ") + type);
      update.push_back(name + "?: " + type);
    }
    std::string out = indent(3) + property(t.name.name) + ": {\n";
    out += indent(4) + "Row: " + object(row, 4) + "\n";
    out += indent(4) + "Insert: " + object(insert, 4) + "\n";
    out += indent(4) + "Update: " + object(update, 4) + "\n";
    out += indent(4) + "Relationships: " + relationships(t) + "\n";
    return out + indent(3) + "}\n";
  }

  /// The foreign keys as Supabase lists them (postgrest-js reads them for embedded selects).
  std::string relationships(const Table& t) const {
    std::string out;
    for (const auto& k : t.constraints) {
      if (k.kind != ConstraintKind::foreign_key) continue;
      bool one_to_one = false;
      for (const auto& u : t.constraints)
        one_to_one = one_to_one || ((u.kind == ConstraintKind::primary_key || u.kind == ConstraintKind::unique) &&
                                    std::is_permutation(u.columns.begin(), u.columns.end(), k.columns.begin(), k.columns.end()));
      out += indent(5) + "{\n";
      out += indent(6) + "foreignKeyName: " + quote_double(generate::server_name(t, k)) + "\n";
      out += indent(6) + "columns: " + generate::quoted_list(k.columns) + "\n";
      out += indent(6) + "isOneToOne: " + (one_to_one ? "true" : "false") + "\n";
      out += indent(6) + "referencedRelation: " + quote_double(k.ref_table.name) + "\n";
      out += indent(6) + "referencedColumns: " + generate::quoted_list(k.ref_columns) + "\n";
      out += indent(5) + "},\n";
    }
    return out.empty() ? "[]" : "[\n" + out + indent(4) + "]";
  }

  /// A view's or materialized view's Row: its columns as the server reads them ("name type"; a name
  /// with a space in it is cut there, the catalog's text cannot tell), each
  /// `| null` (the server does not say whether a view's column can be NULL).
  std::string view(const QName& name, const std::vector<std::string>& columns) const {
    std::vector<std::string> row;
    for (const auto& c : columns) {
      size_t space = c.find(' ');  // "name type": the name as the catalog has it, unquoted
      std::string n = c.substr(0, space), type = space == std::string::npos ? "" : c.substr(space + 1);
      row.push_back(property(n) + ": " + ts_type(type) + " | null");
    }
    return indent(3) + property(name.name) + ": {\n" + indent(4) + "Row: " + object(row, 4) + "\n" + indent(4) +
           "Relationships: []\n" + indent(3) + "}\n";
  }

  std::string schema(const std::string& s) const {
    std::string tables, views, enums, composites;
    for (const auto& [name, t] : m_.tables)
      if (name.schema == s) tables += table(t);
    for (const auto& [name, v] : m_.views)
      if (name.schema == s) views += view(name, v.columns);
    for (const auto& [name, v] : m_.materialized_views)
      if (name.schema == s) views += view(name, v.columns);
    for (const auto& [name, e] : m_.enums)
      if (name.schema == s) enums += indent(3) + property(name.name) + ": " + string_union(e.values) + "\n";
    for (const auto& [name, ct] : m_.types) {
      if (name.schema != s) continue;
      std::vector<std::string> attrs;
      for (const auto& a : ct.attributes) attrs.push_back(property(a.name) + ": " + ts_type(a.type) + " | null");
      composites += indent(3) + property(name.name) + ": " + object(attrs, 3) + "\n";
    }
    auto section = [](const char* key, const std::string& body) {
      return indent(2) + key + ": " + (body.empty() ? object({}, 2) : "{\n" + body + indent(2) + "}") + "\n";
    };
    return indent(1) + property(s) + ": {\n" + section("Tables", tables) + section("Views", views) + section("Functions", "") +
           section("Enums", enums) + section("CompositeTypes", composites) + indent(1) + "}\n";
  }

  /// Tables<"name">, TablesInsert, TablesUpdate and Enums for the default schema (public, else the
  /// first), as Supabase's helpers spell them.
  std::string aliases() const {
    if (schemas_.empty()) return "";
    std::string def = quote_double(schemas_.count("public") ? "public" : *schemas_.begin());
    std::string out = "\ntype DefaultSchema = Database[" + def + "]\n\n";
    out += "export type Tables<T extends keyof DefaultSchema[\"Tables\"]> = DefaultSchema[\"Tables\"][T][\"Row\"]\n";
    out += "export type TablesInsert<T extends keyof DefaultSchema[\"Tables\"]> = DefaultSchema[\"Tables\"][T][\"Insert\"]\n";
    out += "export type TablesUpdate<T extends keyof DefaultSchema[\"Tables\"]> = DefaultSchema[\"Tables\"][T][\"Update\"]\n";
    out += "export type Views<T extends keyof DefaultSchema[\"Views\"]> = DefaultSchema[\"Views\"][T][\"Row\"]\n";
    out += "export type Enums<T extends keyof DefaultSchema[\"Enums\"]> = DefaultSchema[\"Enums\"][T]\n";
    out += "export type CompositeTypes<T extends keyof DefaultSchema[\"CompositeTypes\"]> = DefaultSchema[\"CompositeTypes\"][T]\n";
    return out;
  }
};

}  // namespace

std::string generate_typescript(const Model& canonical, const std::vector<std::string>& sources) {
  return Module(canonical).write(sources);
}

}  // namespace reconcile
