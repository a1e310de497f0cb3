// Plan files: TOML format 1, written byte-identically for identical plans, and read back.
#include <fstream>
#include <set>
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
    out << "op = " << quote_double(to_string(s.op)) << "\n";
    out << "object = " << quote_double(s.object) << "\n";
    if (s.ref) out << "ref = " << quote_double(encode_ref(*s.ref)) << "\n";
    if (!s.detail.empty()) out << "detail = " << quote_double(s.detail) << "\n";
    out << "sql = " << sql_string(s.sql) << "\n";
    out << "transactional = " << (s.transactional ? "true" : "false") << "\n";
    out << "hazards = " << string_list(hazard_names(s.hazards)) << "\n";
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

/// Refuses keys of `t` outside `allowed` and missing keys of `required` (`where` names the table).
void check_keys(const toml::table& t, const std::set<std::string>& allowed, const std::set<std::string>& required,
                const std::string& path, const std::string& where) {
  for (auto&& [k, v] : t)
    if (!allowed.count(std::string(k.str()))) bad(path, &v, "unknown key \"" + std::string(k.str()) + "\"" + where);
  for (const auto& key : required)
    if (!t.get(key)) bad(path, &t, "missing \"" + key + "\"" + where);
}

std::string get_string(const toml::table& t, const std::string& key, const std::string& path) {
  const toml::node* n = t.get(key);
  if (!n) return "";
  if (n->is_date_time()) {
    std::ostringstream o;
    o << *n->as_date_time();
    return o.str();
  }
  if (!n->is_string()) bad(path, n, "\"" + key + "\" must be a string");
  return n->as_string()->get();
}

bool get_bool(const toml::table& t, const std::string& key, const std::string& path) {
  const toml::node* n = t.get(key);
  if (!n) return false;
  if (!n->is_boolean()) bad(path, n, "\"" + key + "\" must be true or false");
  return n->as_boolean()->get();
}

/// A fingerprint as plan writes it: "sha256:" and hex digits.
std::string get_fingerprint(const toml::table& t, const std::string& key, const std::string& path) {
  std::string v = get_string(t, key, path);
  bool ok = v.rfind("sha256:", 0) == 0 && v.size() > 7 && v.find_first_not_of("0123456789abcdef", 7) == std::string::npos;
  if (!v.empty() && !ok) bad(path, t.get(key), "\"" + key + "\" is not a fingerprint (sha256:<hex>)");
  return v;
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

Hazards get_hazards(const toml::table& t, const std::string& path) {
  Hazards out;
  for (const auto& h : get_strings(t, "hazards", path)) {
    auto hazard = parse_hazard(h);
    if (!hazard) bad(path, t.get("hazards"), "unknown hazard \"" + h + "\"");
    out.insert(*hazard);
  }
  return out;
}

/// Step `number` (1-based) of `key`: its id must be its position, and it may depend only on steps before it.
Step read_step(const toml::node& el, const std::string& key, int number, const std::string& path) {
  std::string where = " in " + key + " step " + std::to_string(number);
  if (!el.is_table()) bad(path, &el, "each of \"" + key + "\" must be a table");
  const toml::table& t = *el.as_table();
  check_keys(t, {"id", "op", "object", "ref", "detail", "sql", "transactional", "hazards", "depends_on"},
             {"id", "op", "object", "sql", "transactional"}, path, where);
  Step s;
  const toml::node* id = t.get("id");
  if (!id->is_integer() || id->as_integer()->get() != number)
    bad(path, id, "\"id\" must be " + std::to_string(number) + where + " (steps are numbered 1, 2, ... in order)");
  s.id = number;
  std::string op = get_string(t, "op", path);
  auto parsed_op = parse_step_op(op);
  if (!parsed_op) bad(path, t.get("op"), "unknown op \"" + op + "\"" + where);
  s.op = *parsed_op;
  s.object = get_string(t, "object", path);
  for (unsigned char c : s.object)  // shown on terminals and in Markdown, DOT and JSON
    if (c < 0x20 || c == 0x7f) bad(path, t.get("object"), "\"object\" contains a control character" + where);
  if (t.get("ref")) {
    s.ref = decode_ref(get_string(t, "ref", path));
    if (!s.ref) bad(path, t.get("ref"), "\"ref\" is not an object reference (kind \"schema\".\"name\")" + where);
  }
  if (t.get("detail")) {
    s.detail = get_string(t, "detail", path);
    for (unsigned char c : s.detail)  // shown on terminals and in Markdown like the object
      if (c < 0x20 || c == 0x7f) bad(path, t.get("detail"), "\"detail\" contains a control character" + where);
  }
  s.sql = get_string(t, "sql", path);
  if (s.sql.find('\0') != std::string::npos) bad(path, t.get("sql"), "\"sql\" contains a NUL byte" + where);
  s.transactional = get_bool(t, "transactional", path);
  s.hazards = get_hazards(t, path);
  if (const toml::node* deps = t.get("depends_on")) {
    if (!deps->is_array()) bad(path, deps, "\"depends_on\" must be an array of step ids" + where);
    for (const auto& d : *deps->as_array()) {
      if (!d.is_integer() || d.as_integer()->get() < 1 || d.as_integer()->get() >= number)
        bad(path, &d, "\"depends_on\" must list ids of earlier steps (1 to " + std::to_string(number - 1) + ")" + where);
      s.depends_on.push_back(static_cast<int>(d.as_integer()->get()));
    }
  }
  return s;
}

std::vector<Step> read_steps(const toml::table& doc, const std::string& key, const std::string& path) {
  std::vector<Step> out;
  const toml::node* n = doc.get(key);
  if (!n) return out;
  if (!n->is_array()) bad(path, n, "\"" + key + "\" must be an array of tables");
  for (const auto& el : *n->as_array()) out.push_back(read_step(el, key, static_cast<int>(out.size()) + 1, path));
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
    check_keys(t, {"name", "columns", "references", "dropped"}, {"name"}, path, " in tables");
    TableSketch sk;
    sk.name = get_string(t, "name", path);
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
    sk.dropped = get_bool(t, "dropped", path);
    out.push_back(sk);
  }
  return out;
}

std::map<StepOp, int> read_summary(const toml::table& doc, const std::string& path) {
  std::map<StepOp, int> out;
  const toml::node* n = doc.get("summary");
  if (!n->is_table()) bad(path, n, "\"summary\" must be a table");
  check_keys(*n->as_table(), {"create", "alter", "drop", "rename"}, {}, path, " in summary");
  for (auto&& [k, v] : *n->as_table()) {
    if (!v.is_integer() || v.as_integer()->get() < 0 || v.as_integer()->get() > 100000000)
      bad(path, &v, "\"summary." + std::string(k.str()) + "\" must be a count");
    out[*parse_step_op(std::string(k.str()))] = static_cast<int>(v.as_integer()->get());
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
  if (p.target_fingerprint.empty()) out << "verified = false\n";  // --no-verify: apply cannot check the result
  if (!p.transaction_fingerprint.empty() && p.transaction_fingerprint != p.target_fingerprint)
    out << "transaction_fingerprint = " << quote_double(p.transaction_fingerprint) << "\n";
  out << "managed_schemas = " << string_list(p.managed_schemas) << "\n";
  out << "exclude = " << string_list(p.exclude) << "\n";
  if (!p.manage.empty()) out << "manage = " << string_list(p.manage) << "\n";
  out << "protected_tables = " << string_list(p.protected_tables) << "\n";
  if (!p.protected_objects.empty()) out << "protected_objects = " << string_list(p.protected_objects) << "\n";
  if (p.protection_changed) out << "protection_changed = true\n";
  out << "hazards = " << string_list(hazard_names(p.hazards)) << "\n";
  out << "\n[summary]\n";
  for (StepOp op : kStepOps) {
    auto it = p.summary.find(op);
    out << to_string(op) << " = " << (it == p.summary.end() ? 0 : it->second) << "\n";
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
  if (fmt->as_integer()->get() != 1)
    bad(path, fmt, "unsupported format " + std::to_string(fmt->as_integer()->get()) + " (this reconcile reads format 1)");
  p.format = 1;
  // Every key that plan writes is required: a plan without its fingerprints, scope or protected
  // tables would skip a safety check instead of failing it.
  check_keys(doc,
             {"format", "reconcile_version", "created_at", "database", "source_fingerprint", "target_fingerprint",
              "transaction_fingerprint", "managed_schemas", "exclude", "manage", "protected_tables", "protected_objects",
              "protection_changed", "hazards", "summary", "steps", "reverse_steps", "tables", "verified"},
             {"reconcile_version", "created_at", "database", "source_fingerprint", "target_fingerprint", "managed_schemas",
              "exclude", "protected_tables", "hazards", "summary"},
             path, "");
  p.reconcile_version = get_string(doc, "reconcile_version", path);
  p.created_at = get_string(doc, "created_at", path);
  p.database = get_string(doc, "database", path);
  p.source_fingerprint = get_fingerprint(doc, "source_fingerprint", path);
  p.target_fingerprint = get_fingerprint(doc, "target_fingerprint", path);
  if (p.source_fingerprint.empty()) bad(path, doc.get("source_fingerprint"), "\"source_fingerprint\" must not be empty");
  // Only a plan made with --no-verify has no target, and it says so: apply then cannot check it.
  bool unverified = doc.get("verified") && !get_bool(doc, "verified", path);
  if (p.target_fingerprint.empty() != unverified)
    bad(path, doc.get("target_fingerprint"),
        unverified ? "\"verified = false\" with a \"target_fingerprint\""
                   : "\"target_fingerprint\" must not be empty (only a plan made with --no-verify, marked \"verified = false\", has none)");
  p.transaction_fingerprint = get_fingerprint(doc, "transaction_fingerprint", path);
  if (p.transaction_fingerprint.empty()) p.transaction_fingerprint = p.target_fingerprint;
  p.managed_schemas = get_strings(doc, "managed_schemas", path);
  p.exclude = get_strings(doc, "exclude", path);
  if (doc.contains("manage")) p.manage = get_strings(doc, "manage", path);
  p.protected_tables = get_strings(doc, "protected_tables", path);
  p.protected_objects = get_strings(doc, "protected_objects", path);
  p.protection_changed = get_bool(doc, "protection_changed", path);
  p.hazards = get_hazards(doc, path);
  p.summary = read_summary(doc, path);
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
