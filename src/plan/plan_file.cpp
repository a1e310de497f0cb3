// Plan files: TOML format 1, written byte-identically for identical plans, and read back.
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "reconcile/text.hpp"
#include "reconcile/plan.hpp"

namespace reconcile {
namespace {


/// SQL reads best as a multi-line literal string; fall back to an escaped string when it cannot be one.
std::string sql_string(const std::string& s) {
  bool literal = s.find("'''") == std::string::npos && (s.empty() || s.back() != '\'');
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) literal = false;
  if (literal && s.find('\n') != std::string::npos) return "'''\n" + s + "'''";
  if (literal && s.find('\'') == std::string::npos) return "'" + s + "'";
  return quote_double(s);
}

std::string string_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + quote_double(v[i]);
  return out + "]";
}

void write_steps(std::ostringstream& out, const std::string& table, const std::vector<Step>& steps) {
  for (const auto& s : steps) {
    out << "\n[[" << table << "]]\n";
    out << "id = " << s.id << "\n";
    out << "op = " << quote_double(s.op) << "\n";
    out << "object = " << quote_double(s.object) << "\n";
    out << "sql = " << sql_string(s.sql) << "\n";
    out << "transactional = " << (s.transactional ? "true" : "false") << "\n";
    out << "hazards = " << string_list(s.hazards) << "\n";
    out << "depends_on = [";
    for (size_t i = 0; i < s.depends_on.size(); ++i) out << (i ? ", " : "") << s.depends_on[i];
    out << "]\n";
  }
}

void write_tables(std::ostringstream& out, const std::vector<TableSketch>& tables) {
  for (const auto& t : tables) {
    out << "\n[[tables]]\n";
    out << "name = " << quote_double(t.name) << "\n";
    out << "columns = [";
    for (size_t i = 0; i < t.columns.size(); ++i)
      out << (i ? ", " : "") << string_list({t.columns[i].name, t.columns[i].type, t.columns[i].keys});
    out << "]\n";
    out << "references = " << string_list(t.references) << "\n";
    if (t.dropped) out << "dropped = true\n";
  }
}

[[noreturn]] void bad(const std::string& path, const toml::node* n, const std::string& what) {
  SourceLoc loc;
  loc.file = path;
  if (n) {
    loc.line = static_cast<int>(n->source().begin.line);
    loc.column = static_cast<int>(n->source().begin.column);
  }
  throw Error(loc, "invalid plan file: " + what);
}

std::string get_string(const toml::table& t, const std::string& key, const std::string& path, bool required) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) bad(path, &t, "missing \"" + key + "\"");
    return "";
  }
  if (n->is_date_time()) {
    std::ostringstream o;
    o << *n->as_date_time();
    return o.str();
  }
  if (!n->is_string()) bad(path, n, "\"" + key + "\" must be a string");
  return n->as_string()->get();
}

std::vector<std::string> get_strings(const toml::table& t, const std::string& key, const std::string& path) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  if (!n->is_array()) bad(path, n, "\"" + key + "\" must be an array of strings");
  for (const auto& el : *n->as_array()) {
    if (!el.is_string()) bad(path, &el, "\"" + key + "\" must be an array of strings");
    out.push_back(el.as_string()->get());
  }
  return out;
}

std::vector<Step> read_steps(const toml::table& doc, const std::string& key, const std::string& path) {
  std::vector<Step> out;
  const toml::node* n = doc.get(key);
  if (!n) return out;
  if (!n->is_array()) bad(path, n, "\"" + key + "\" must be an array of tables");
  for (const auto& el : *n->as_array()) {
    if (!el.is_table()) bad(path, &el, "each of \"" + key + "\" must be a table");
    const toml::table& t = *el.as_table();
    Step s;
    const toml::node* id = t.get("id");
    if (!id || !id->is_integer()) bad(path, &t, "step without an integer \"id\"");
    s.id = static_cast<int>(id->as_integer()->get());
    s.op = get_string(t, "op", path, true);
    s.object = get_string(t, "object", path, true);
    s.sql = get_string(t, "sql", path, true);
    const toml::node* tr = t.get("transactional");
    if (tr && !tr->is_boolean()) bad(path, tr, "\"transactional\" must be true or false");
    s.transactional = tr ? tr->as_boolean()->get() : true;
    s.hazards = get_strings(t, "hazards", path);
    if (const toml::node* deps = t.get("depends_on")) {
      if (!deps->is_array()) bad(path, deps, "\"depends_on\" must be an array of step ids");
      for (const auto& d : *deps->as_array()) {
        if (!d.is_integer()) bad(path, &d, "\"depends_on\" must be an array of step ids");
        s.depends_on.push_back(static_cast<int>(d.as_integer()->get()));
      }
    }
    out.push_back(s);
  }
  return out;
}

std::vector<TableSketch> read_tables(const toml::table& doc, const std::string& path) {
  std::vector<TableSketch> out;
  const toml::node* n = doc.get("tables");
  if (!n) return out;
  if (!n->is_array()) bad(path, n, "\"tables\" must be an array of tables");
  for (const auto& el : *n->as_array()) {
    if (!el.is_table()) bad(path, &el, "each of \"tables\" must be a table");
    const toml::table& t = *el.as_table();
    TableSketch sk;
    sk.name = get_string(t, "name", path, true);
    if (const toml::node* cols = t.get("columns")) {
      if (!cols->is_array()) bad(path, cols, "\"columns\" must be an array of [name, type, keys]");
      for (const auto& c : *cols->as_array()) {
        const toml::array* a = c.as_array();
        if (!a || a->size() != 3 || !(*a)[0].is_string() || !(*a)[1].is_string() || !(*a)[2].is_string())
          bad(path, &c, "each column must be [name, type, keys]");
        sk.columns.push_back({(*a)[0].as_string()->get(), (*a)[1].as_string()->get(), (*a)[2].as_string()->get()});
      }
    }
    sk.references = get_strings(t, "references", path);
    if (const toml::node* d = t.get("dropped"); d && d->is_boolean()) sk.dropped = d->as_boolean()->get();
    out.push_back(sk);
  }
  return out;
}

}  // namespace

std::string write_plan_file(const Plan& p) {
  std::ostringstream out;
  out << "# Review the steps, then: reconcile apply <this file>\n";
  out << "format = " << p.format << "\n";
  out << "reconcile_version = " << quote_double(p.reconcile_version) << "\n";
  out << "created_at = " << p.created_at << "\n";
  out << "database = " << quote_double(p.database) << "\n";
  out << "source_fingerprint = " << quote_double(p.source_fingerprint) << "\n";
  out << "target_fingerprint = " << quote_double(p.target_fingerprint) << "\n";
  if (!p.transaction_fingerprint.empty() && p.transaction_fingerprint != p.target_fingerprint)
    out << "transaction_fingerprint = " << quote_double(p.transaction_fingerprint) << "\n";
  out << "managed_schemas = " << string_list(p.managed_schemas) << "\n";
  out << "exclude = " << string_list(p.exclude) << "\n";
  out << "protected_tables = " << string_list(p.protected_tables) << "\n";
  if (p.protection_changed) out << "protection_changed = true\n";
  out << "hazards = " << string_list(p.hazards) << "\n";
  out << "\n[summary]\n";
  for (const char* k : {"create", "alter", "drop", "rename"}) {
    auto it = p.summary.find(k);
    out << k << " = " << (it == p.summary.end() ? 0 : it->second) << "\n";
  }
  write_steps(out, "steps", p.steps);
  write_steps(out, "reverse_steps", p.reverse_steps);
  write_tables(out, p.tables);
  return out.str();
}

Plan parse_plan_text(const std::string& text, const std::string& path) {
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    SourceLoc loc{path, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column), ""};
    throw Error(loc, "invalid plan file: " + std::string(e.description()));
  }
  Plan p;
  const toml::node* fmt = doc.get("format");
  if (!fmt || !fmt->is_integer()) bad(path, fmt, "missing integer \"format\"");
  p.format = static_cast<int>(fmt->as_integer()->get());
  if (p.format != 1) bad(path, fmt, "unsupported format " + std::to_string(p.format) + " (this reconcile reads format 1)");
  p.reconcile_version = get_string(doc, "reconcile_version", path, false);
  p.created_at = get_string(doc, "created_at", path, false);
  p.database = get_string(doc, "database", path, false);
  p.source_fingerprint = get_string(doc, "source_fingerprint", path, true);
  p.target_fingerprint = get_string(doc, "target_fingerprint", path, false);
  p.transaction_fingerprint = get_string(doc, "transaction_fingerprint", path, false);
  if (p.transaction_fingerprint.empty()) p.transaction_fingerprint = p.target_fingerprint;
  p.managed_schemas = get_strings(doc, "managed_schemas", path);
  p.exclude = get_strings(doc, "exclude", path);
  p.protected_tables = get_strings(doc, "protected_tables", path);
  if (const toml::node* pc = doc.get("protection_changed"); pc && pc->is_boolean()) p.protection_changed = pc->as_boolean()->get();
  p.hazards = get_strings(doc, "hazards", path);
  if (const toml::table* s = doc["summary"].as_table())
    for (auto&& [k, v] : *s)
      if (v.is_integer()) p.summary[std::string(k.str())] = static_cast<int>(v.as_integer()->get());
  p.steps = read_steps(doc, "steps", path);
  p.reverse_steps = read_steps(doc, "reverse_steps", path);
  p.tables = read_tables(doc, path);
  return p;
}

Plan read_plan_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read plan file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_plan_text(text.str(), path);
}

}  // namespace reconcile
