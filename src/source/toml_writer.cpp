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

std::string column_entry(const Column& c) {
  std::string out = "{ name = " + quote_double(c.name) + ", type = " + quote_double(c.type);
  if (!c.nullable && c.identity.empty()) out += ", nullable = false";
  if (c.default_expr) out += ", default = " + quote_double(*c.default_expr);
  if (!c.identity.empty()) out += ", identity = " + quote_double(c.identity);
  if (!c.identity_options.empty()) {
    std::string opts;
    for (const auto& [k, v] : c.identity_options) opts += (opts.empty() ? "" : ", ") + k + " = " + v;
    out += ", identity_options = { " + opts + " }";
  }
  if (c.generated) out += ", generated = " + quote_double(*c.generated);
  if (c.collation) out += ", collation = " + quote_double(*c.collation);
  if (c.comment) out += ", comment = " + quote_double(*c.comment);
  return out + " }";
}

std::string name_part(const std::string& name, bool named) { return named ? "name = " + quote_double(name) + ", " : ""; }

/// The options of a constraint entry, each only when it differs from the default.
std::string constraint_options(const Constraint& c) {
  std::string out;
  if (c.deferrable) out += ", deferrable = true";
  if (c.initially_deferred) out += ", initially_deferred = true";
  if (c.not_valid) out += ", not_valid = true";
  if (c.no_inherit) out += ", no_inherit = true";
  if (c.match_full) out += ", match = \"full\"";
  if (c.nulls_not_distinct) out += ", nulls_not_distinct = true";
  if (c.comment) out += ", comment = " + quote_double(*c.comment);
  return out;
}

std::string foreign_key_entry(const Constraint& c) {
  std::string ref = format_qname(c.ref_table);
  std::string out = "{ " + name_part(c.name, c.named) + "columns = " + string_list(c.columns) +
                    ", references = { table = " + quote_double(ref) + ", columns = " + string_list(c.ref_columns) + " }";
  if (c.on_delete != "no action") out += ", on_delete = " + quote_double(c.on_delete);
  if (c.on_update != "no action") out += ", on_update = " + quote_double(c.on_update);
  return out + constraint_options(c) + " }";
}

std::string index_entry(const Index& ix) {
  std::string out = "{ " + name_part(ix.name, ix.named) + "columns = " + string_list(ix.keys);
  if (ix.unique) out += ", unique = true";
  if (ix.method != "btree") out += ", method = " + quote_double(ix.method);
  if (!ix.where.empty()) out += ", where = " + quote_double(ix.where);
  if (!ix.include.empty()) out += ", include = " + string_list(ix.include);
  if (ix.nulls_not_distinct) out += ", nulls_not_distinct = true";
  if (!ix.with.empty()) {
    out += ", with = { ";
    for (size_t i = 0; i < ix.with.size(); ++i) {
      auto eq = ix.with[i].find('=');
      std::string value = ix.with[i].substr(eq + 1);
      bool number = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos && value.size() < 18;
      out += (i ? ", " : "") + toml_key(ix.with[i].substr(0, eq)) + " = " + (number ? value : quote_double(value));
    }
    out += " }";
  }
  if (ix.comment) out += ", comment = " + quote_double(*ix.comment);
  return out + " }";
}

void write_array(std::ostringstream& out, const std::string& key, const std::vector<std::string>& entries) {
  if (entries.empty()) return;
  out << key << " = [\n";
  for (const auto& e : entries) out << "  " << e << ",\n";
  out << "]\n";
}

void write_table(std::ostringstream& out, const Table& t) {
  out << "\n[tables." << qname_key(t.name) << "]\n";
  if (t.comment) out << "comment = " << quote_double(*t.comment) << "\n";
  if (t.prevent_destroy) out << "prevent_destroy = true\n";
  if (!t.replica_identity.empty()) out << "replica_identity = " << quote_double(t.replica_identity) << "\n";
  std::vector<std::string> cols, uniques, checks, fks, idx;
  for (const auto& c : t.columns) cols.push_back(column_entry(c));
  for (const auto& c : t.constraints) {
    switch (c.kind) {
      case ConstraintKind::primary_key:
        out << "primary_key = { " << name_part(c.name, c.named) << "columns = " << string_list(c.columns) << constraint_options(c)
            << " }\n";
        break;
      case ConstraintKind::unique:
        uniques.push_back("{ " + name_part(c.name, c.named) + "columns = " + string_list(c.columns) + constraint_options(c) + " }");
        break;
      case ConstraintKind::check:
        checks.push_back("{ " + name_part(c.name, c.named) + "expression = " + quote_double(c.expression) + constraint_options(c) + " }");
        break;
      case ConstraintKind::foreign_key: fks.push_back(foreign_key_entry(c)); break;
    }
  }
  for (const auto& ix : t.indexes) idx.push_back(index_entry(ix));
  write_array(out, "columns", cols);
  write_array(out, "unique", uniques);
  write_array(out, "checks", checks);
  write_array(out, "foreign_keys", fks);
  write_array(out, "indexes", idx);
}

void write_header(std::ostringstream& out, const Model& m, const std::string& schema, bool with_extensions) {
  out << "# reconcile desired state (format 1), written by `reconcile inspect`\n";
  if (with_extensions)
    for (const auto& [n, e] : m.extensions) {
      out << "\n[extensions." << toml_key(n) << "]\n";
      if (!e.schema.empty()) out << "schema = " << quote_double(e.schema) << "\n";
    }
  auto s = m.schemas.find(schema);
  if (s != m.schemas.end() && (schema != "public" || s->second.comment)) {
    out << "\n[schemas." << toml_key(schema) << "]\n";
    if (s->second.comment) out << "comment = " << quote_double(*s->second.comment) << "\n";
  }
  for (const auto& [n, e] : m.enums) {
    if (n.schema != schema) continue;
    out << "\n[enums." << qname_key(n) << "]\nvalues = " << string_list(e.values) << "\n";
    if (e.comment) out << "comment = " << quote_double(*e.comment) << "\n";
  }
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
    write_table(out, t);
    files[n.schema] += out.str();
  }
  return files;
}

std::map<std::string, std::string> write_schema_toml_split(const Model& m) {
  auto files = schema_headers(m);
  for (const auto& [n, t] : m.tables) {
    std::ostringstream out;
    write_table(out, t);
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
