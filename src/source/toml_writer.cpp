// Model -> TOML format 1, as `reconcile inspect` writes it. Loading the output gives the same model.
#include <sstream>

#include "reconcile/text.hpp"
#include "reconcile/toml_source.hpp"

namespace reconcile {
namespace {


std::string toml_key(const std::string& k) {
  bool bare = !k.empty();
  for (unsigned char c : k)
    if (!(std::isalnum(c) || c == '_' || c == '-')) bare = false;
  return bare ? k : quote_double(k);
}

std::string qname_key(const QName& q) { return toml_key(format_qname(q)); }

std::string string_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + quote_double(v[i]);
  return out + "]";
}

/// A value as TOML: numbers and booleans held as text are written bare.
std::string scalar(const std::string& value) {
  size_t digits = !value.empty() && value[0] == '-' ? 1 : 0;
  bool number = value.size() > digits && value.find_first_not_of("0123456789", digits) == std::string::npos && value.size() < 18;
  return number || value == "true" || value == "false" ? value : quote_double(value);
}

// A field's value as TOML.
std::string toml_value(const std::string& v) { return quote_double(v); }
std::string toml_value(bool v) { return v ? "true" : "false"; }
std::string toml_value(const std::optional<std::string>& v) { return quote_double(*v); }
std::string toml_value(const std::vector<std::string>& v) { return string_list(v); }
std::string toml_value(const std::map<std::string, std::string>& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + toml_key(k) + " = " + scalar(v);
  return "{ " + out + " }";
}
std::string toml_value(const QName& q) { return quote_double(format_qname(q)); }
std::string toml_value(const std::vector<QName>& v) {
  std::vector<std::string> names;
  for (const auto& q : v) names.push_back(format_qname(q));
  return string_list(names);
}
std::string toml_value(ConstraintKind k) { return quote_double(to_string(k)); }
std::string toml_value(Identity i) { return quote_double(to_string(i)); }
std::string toml_value(const std::optional<ColumnRef>& c) { return quote_double(format_column_ref(*c)); }
std::string toml_value(const std::vector<ObjectRef>&) { return "[]"; }  // state: never written
std::string toml_value(FkAction a) { return quote_double(to_string(a)); }
std::string toml_value(const std::vector<Index>& v);
std::string toml_value(const std::vector<Trigger>& v);
std::string toml_value(const std::vector<Constraint>& v);
std::string toml_value(const std::vector<TypeAttribute>& v);
std::string toml_value(const std::vector<Grant>& v);
std::string toml_value(const std::vector<DefaultPrivileges>& v);

/// A body of code: a multi-line literal string when it can be one (written as it is), else a
/// basic string with escapes.
std::string code_block(const std::string& text) {
  bool literal = text.find("'''") == std::string::npos && (text.empty() || text.back() != '\'');
  for (unsigned char c : text)
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) literal = false;
  return literal ? "'''\n" + text + "'''" : quote_double(text);
}

/// "key = value" for a field; the few keys that the files spell otherwise are spelt here.
template <class T>
std::string toml_pair(const std::string& key, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    if (key == "match_full") return "match = \"full\"";
    if (key == "security_definer") return "security = \"definer\"";
  }
  if constexpr (std::is_same_v<T, std::string>) {
    if (key == "body") return "body = " + code_block(value);
  }
  if constexpr (std::is_same_v<T, std::optional<std::string>>) {
    if (key == "cost" || key == "rows") return key + " = " + scalar(*value);
  }
  if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    if (key == "with") {  // storage parameters: "name=value" -> { name = value }
      std::map<std::string, std::string> params;
      std::string out;
      for (const auto& w : value) {
        auto eq = w.find('=');
        out += (out.empty() ? "" : ", ") + toml_key(w.substr(0, eq)) + " = " + scalar(w.substr(eq + 1));
      }
      return "with = { " + out + " }";
    }
  }
  return toml_key(key) + " = " + toml_value(value);
}

/// The fields of `object` that the files write as they are (not its name, not state, not the keys
/// in `shape` that its entry writes itself), each only when it differs from a new object's.
template <class T>
std::vector<std::string> field_pairs(const T& object, const std::vector<std::string_view>& shape) {
  static const T fresh{};
  auto mine = T::fields(object);
  auto theirs = T::fields(fresh);
  std::vector<std::string> out;
  [&]<size_t... I>(std::index_sequence<I...>) {
    auto one = [&](const auto& f, const auto& d) {
      if (f.role == FieldRole::name || f.role == FieldRole::state || f.value == d.value) return;
      for (auto skip : shape)
        if (skip == f.key) return;
      out.push_back(toml_pair(f.key, f.value));
    };
    (one(std::get<I>(mine), std::get<I>(theirs)), ...);
  }(std::make_index_sequence<std::tuple_size_v<decltype(mine)>>{});
  return out;
}

/// ", key = value" for each of field_pairs.
template <class T>
std::string inline_fields(const T& object, const std::vector<std::string_view>& shape) {
  std::string out;
  for (const auto& p : field_pairs(object, shape)) out += ", " + p;
  return out;
}

/// "key = value" lines for each of field_pairs.
template <class T>
std::string field_lines(const T& object, const std::vector<std::string_view>& shape = {}) {
  std::string out;
  for (const auto& p : field_pairs(object, shape)) out += p + "\n";
  return out;
}

std::string column_entry(Column c) {
  if (c.identity != Identity::none) c.nullable = true;  // an identity column is NOT NULL by itself
  return "{ name = " + quote_double(c.name) + inline_fields(c, {}) + " }";
}

std::string name_part(const std::string& name, bool named) { return named ? "name = " + quote_double(name) + ", " : ""; }

/// What every constraint entry writes itself; the rest are its options.
const std::vector<std::string_view> kConstraintShape = {"kind", "columns", "expression", "references", "ref_columns"};

std::string foreign_key_entry(const Constraint& c) {
  std::string ref = format_qname(c.ref_table);
  return "{ " + name_part(c.name, c.named) + "columns = " + string_list(c.columns) + ", references = { table = " +
         quote_double(ref) + ", columns = " + string_list(c.ref_columns) + " }" + inline_fields(c, kConstraintShape) + " }";
}

std::string index_entry(const Index& ix) {
  return "{ " + name_part(ix.name, ix.named) + "columns = " + string_list(ix.keys) + inline_fields(ix, {"keys", "valid"}) + " }";
}

std::string trigger_entry(const Trigger& g) {
  return "{ name = " + quote_double(g.name) + ", timing = " + quote_double(g.timing) + ", events = " + string_list(g.events) +
         ", for_each = " + quote_double(g.for_each) + ", execute = " + quote_double(g.execute) +
         inline_fields(g, {"timing", "events", "for_each", "execute"}) + " }";
}

std::string toml_value(const std::vector<Trigger>& v) {
  std::string out = "[\n";
  for (const auto& g : v) out += "  " + trigger_entry(g) + ",\n";
  return out + "]";
}

/// A domain's checks.
std::string toml_value(const std::vector<Constraint>& v) {
  std::string out = "[";
  for (const auto& c : v)
    out += std::string(out.size() > 1 ? ", " : " ") + "{ " + name_part(c.name, c.named) + "expression = " + quote_double(c.expression) +
           inline_fields(c, kConstraintShape) + " }";
  return out + (v.empty() ? "]" : " ]");
}

/// An object's grants, one per line.
std::string toml_value(const std::vector<Grant>& v) {
  std::string out = "[\n";
  for (const auto& g : v) out += "  { " + inline_fields(g, {}).substr(2) + " },\n";
  return out + "]";
}

/// A schema's default privileges, one kind and role per line (an inline table is one line).
std::string toml_value(const std::vector<DefaultPrivileges>& v) {
  std::string out = "[\n";
  for (const auto& d : v) {
    std::string grants;
    for (const auto& g : d.grants) grants += std::string(grants.empty() ? "" : ", ") + "{ " + inline_fields(g, {}).substr(2) + " }";
    out += "  { on = " + quote_double(d.on) + (d.for_role.empty() ? "" : ", for_role = " + quote_double(d.for_role)) +
           ", grants = [" + grants + "] },\n";
  }
  return out + "]";
}

/// A composite type's attributes, one per line.
std::string toml_value(const std::vector<TypeAttribute>& v) {
  std::string out = "[\n";
  for (const auto& a : v) out += "  { name = " + quote_double(a.name) + inline_fields(a, {}) + " },\n";
  return out + "]";
}

std::string toml_value(const std::vector<Index>& v) {
  std::string out = "[\n";
  for (const auto& ix : v) out += "  " + index_entry(ix) + ",\n";
  return out + "]";
}

void write_array(std::ostringstream& out, const std::string& key, const std::vector<std::string>& entries) {
  if (entries.empty()) return;
  out << key << " = [\n";
  for (const auto& e : entries) out << "  " << e << ",\n";
  out << "]\n";
}

/// An inherited column that its table changed (a default of its own): said to be inherited, so
/// that it stays so (attislocal) when it is made again.
std::string inherited_entry(const Column& c) {
  std::string entry = column_entry(c);
  return entry.substr(0, entry.size() - 2) + ", inherited = true }";
}

/// Whether table `t` of `m` declares column `c`: not when it is inherited as a parent passes it on.
bool declares(const Model& m, const Table& t, const Column& c) {
  if (!c.inherited) return true;
  auto passed = passed_on_column(m, t, c);
  return !passed || !passed->same_definition(c);
}

void write_table(std::ostringstream& out, const Model& m, const Table& t) {
  out << "\n[tables." << qname_key(t.name) << "]\n";
  if (t.prevent_destroy) out << "prevent_destroy = true\n";
  out << field_lines(t);
  std::vector<std::string> cols, uniques, checks, fks, exclusions, idx;
  if (!t.is_partition())  // a partition's columns are its parent's
    for (const auto& c : t.columns)
      if (declares(m, t, c)) cols.push_back(c.inherited && !t.inherits.empty() ? inherited_entry(c) : column_entry(c));
  for (const auto& c : t.constraints) {
    if (c.inherited && !c.comment && !t.inherits.empty()) continue;  // its parent's, as it has it
    switch (c.kind) {
      case ConstraintKind::primary_key:
        out << "primary_key = { " << name_part(c.name, c.named) << "columns = " << string_list(c.columns)
            << inline_fields(c, kConstraintShape) << " }\n";
        break;
      case ConstraintKind::unique:
        uniques.push_back("{ " + name_part(c.name, c.named) + "columns = " + string_list(c.columns) + inline_fields(c, kConstraintShape) + " }");
        break;
      case ConstraintKind::check:
        checks.push_back("{ " + name_part(c.name, c.named) + "expression = " + quote_double(c.expression) + inline_fields(c, kConstraintShape) + " }");
        break;
      case ConstraintKind::foreign_key: fks.push_back(foreign_key_entry(c)); break;
      case ConstraintKind::exclusion: exclusions.push_back("{ " + name_part(c.name, c.named) + inline_fields(c, kConstraintShape).substr(2) + " }"); break;
    }
  }
  for (const auto& ix : t.indexes) idx.push_back(index_entry(ix));
  std::vector<std::string> triggers, policies;
  for (const auto& g : t.triggers) triggers.push_back(trigger_entry(g));
  for (const auto& p : t.policies) policies.push_back("{ name = " + quote_double(p.name) + inline_fields(p, {}) + " }");
  write_array(out, "columns", cols);
  write_array(out, "unique", uniques);
  write_array(out, "checks", checks);
  write_array(out, "foreign_keys", fks);
  write_array(out, "exclusions", exclusions);
  write_array(out, "indexes", idx);
  write_array(out, "triggers", triggers);
  write_array(out, "policies", policies);
}

/// A function's or procedure's section; [[functions.NAME]] when the name is overloaded.
void write_function(std::ostringstream& out, const Model& m, const Function& f) {
  size_t overloads = 0;
  for (const auto& [r, g] : m.functions) overloads += g.name == f.name && g.procedure == f.procedure;
  std::string head = std::string(f.procedure ? "procedures." : "functions.") + qname_key(f.name);
  out << "\n" << (overloads > 1 ? "[[" + head + "]]" : "[" + head + "]") << "\n";
  out << "arguments = " << quote_double(f.arguments) << "\n";
  if (!f.procedure) out << "returns = " << quote_double(f.returns) << "\n";
  out << "language = " << quote_double(f.language) << "\n";
  out << field_lines(f, {"arguments", "returns", "language", "procedure"});
}

/// A sequence's section: its options as top-level keys (min and max for minvalue and maxvalue).
void write_sequence(std::ostringstream& out, const Sequence& s) {
  out << "\n[sequences." << qname_key(s.name) << "]\n";
  if (s.type != "bigint") out << "type = " << quote_double(s.type) << "\n";
  for (const auto& [k, v] : s.options)
    out << (k == "minvalue" ? "min" : k == "maxvalue" ? "max" : k) << " = " << scalar(v) << "\n";
  out << field_lines(s, {"type", "options"});
  if (s.prevent_destroy) out << "prevent_destroy = true\n";
}

void write_header(std::ostringstream& out, const Model& m, const std::string& schema, bool with_extensions) {
  out << "# reconcile desired state (format 1), written by `reconcile inspect`\n";
  if (with_extensions)
    for (const auto& [n, e] : m.extensions) {
      out << "\n[extensions." << toml_key(n) << "]\n" << field_lines(e);
    }
  auto s = m.schemas.find(schema);
  if (s != m.schemas.end() && (schema != "public" || s->second.comment)) {
    out << "\n[schemas." << toml_key(schema) << "]\n" << field_lines(s->second);
  }
  for (const auto& [n, e] : m.enums) {
    if (n.schema != schema) continue;
    out << "\n[enums." << qname_key(n) << "]\n" << field_lines(e);
  }
  for (const auto& [n, d] : m.domains)
    if (n.schema == schema) out << "\n[domains." << qname_key(n) << "]\n" << field_lines(d);
  for (const auto& [n, t] : m.types)
    if (n.schema == schema) out << "\n[types." << qname_key(n) << "]\n" << field_lines(t);
  for (const auto& [n, s] : m.sequences)
    if (n.schema == schema) write_sequence(out, s);
  for (const auto& [n, v] : m.views)
    if (n.schema == schema) out << "\n[views." << qname_key(n) << "]\n" << field_lines(v);
  for (const auto& [n, v] : m.materialized_views)
    if (n.schema == schema)
      out << "\n[materialized_views." << qname_key(n) << "]\n" << field_lines(v) << (v.prevent_destroy ? "prevent_destroy = true\n" : "");
  for (const auto& [r, f] : m.functions)
    if (r.name.schema == schema) write_function(out, m, f);
}

/// One document per schema with its extensions (first document only), schema and enums.
std::map<std::string, std::string> schema_headers(const Model& m) {
  auto schemas = m.managed_schemas();
  if (schemas.empty() && !m.extensions.empty()) schemas.insert("public");
  std::map<std::string, std::string> files;
  bool first = true;
  for (const auto& schema : schemas) {
    std::ostringstream out;
    write_header(out, m, schema, first);
    first = false;
    files[schema] = out.str();
  }
  return files;
}

}  // namespace

std::map<std::string, std::string> write_schema_toml(const Model& m) {
  auto files = schema_headers(m);
  for (const auto& [n, t] : m.tables) {
    std::ostringstream out;
    write_table(out, m, t);
    files[n.schema] += out.str();
  }
  return files;
}

std::map<std::string, std::string> write_schema_toml_split(const Model& m) {
  auto files = schema_headers(m);
  for (const auto& [n, t] : m.tables) {
    std::ostringstream out;
    write_table(out, m, t);
    files[n.schema + "." + n.name] = out.str().substr(1);
  }
  return files;
}

std::string file_stem(const std::string& key) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(key[i]);
    bool unsafe = c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '%' || (c == '.' && i == 0);
    if (!unsafe) out += static_cast<char>(c);
    else out += std::string("%") + hex[c >> 4] + hex[c & 15];
  }
  return out.empty() ? "_" : out;
}

}  // namespace reconcile
