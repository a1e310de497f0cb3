// Tokens separated by spaces; a token escapes backslash and whitespace, and "\0" is the empty string.
#include "reconcile/table_codec.hpp"

#include <sstream>
#include <stdexcept>

namespace reconcile {
namespace {

class Writer {
 public:
  void str(const std::string& s) {
    out_ += ' ';
    if (s.empty()) out_ += "\\0";
    for (char c : s) {
      if (c == '\\') out_ += "\\\\";
      else if (c == ' ') out_ += "\\s";
      else if (c == '\n') out_ += "\\n";
      else if (c == '\t') out_ += "\\t";
      else if (c == '\r') out_ += "\\r";
      else if (c == '\v') out_ += "\\v";
      else if (c == '\f') out_ += "\\f";
      else out_ += c;
    }
  }
  void opt(const std::optional<std::string>& s) {
    str(s ? "+" : "-");
    if (s) str(*s);
  }
  void flag(bool b) { str(b ? "1" : "0"); }
  void list(const std::vector<std::string>& v) {
    str(std::to_string(v.size()));
    for (const auto& s : v) str(s);
  }
  /// The tokens after `tag`, which says what they encode.
  std::string text(const char* tag) const { return tag + out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& line) : in_(line) {}
  std::string str() {
    std::string token, out;
    if (!(in_ >> token)) throw std::runtime_error("truncated");
    for (size_t i = 0; i < token.size(); ++i) {
      if (token[i] != '\\' || i + 1 == token.size()) {
        out += token[i];
        continue;
      }
      char e = token[++i];
      if (e == 's') out += ' ';
      else if (e == 'n') out += '\n';
      else if (e == 't') out += '\t';
      else if (e == 'r') out += '\r';
      else if (e == 'v') out += '\v';
      else if (e == 'f') out += '\f';
      else if (e == '\\') out += '\\';
      else if (e != '0') throw std::runtime_error("bad escape");
    }
    return out;
  }
  std::optional<std::string> opt() {
    if (str() == "+") return str();
    return std::nullopt;
  }
  bool flag() { return str() == "1"; }
  size_t count() { return std::stoul(str()); }
  std::vector<std::string> list() {
    std::vector<std::string> v(count());
    for (auto& s : v) s = str();
    return v;
  }
  bool done() {
    std::string rest;
    return !(in_ >> rest);
  }

 private:
  std::istringstream in_;
};

ConstraintKind kind_of(const std::string& s) {
  for (auto k : {ConstraintKind::primary_key, ConstraintKind::unique, ConstraintKind::check, ConstraintKind::foreign_key})
    if (to_string(k) == s) return k;
  throw std::runtime_error("bad kind");
}

}  // namespace

std::string encode_objects(const Model& m) {
  Writer w;
  w.str(std::to_string(m.schemas.size()));
  for (const auto& [name, s] : m.schemas) {
    w.str(name);
    w.opt(s.comment);
  }
  w.str(std::to_string(m.enums.size()));
  for (const auto& [name, e] : m.enums) {
    w.str(name.schema);
    w.str(name.name);
    w.list(e.values);
    w.opt(e.comment);
  }
  w.str(std::to_string(m.extensions.size()));
  for (const auto& [name, e] : m.extensions) {
    w.str(name);
    w.str(e.schema);
  }
  return w.text("o1");
}

std::optional<Model> decode_objects(const std::string& line) {
  if (line.rfind("o1 ", 0) != 0) return std::nullopt;
  try {
    Reader r(line.substr(3));
    Model m;
    for (size_t n = r.count(); n > 0; --n) {
      Schema s;
      s.name = r.str();
      s.comment = r.opt();
      m.schemas[s.name] = s;
    }
    for (size_t n = r.count(); n > 0; --n) {
      Enum e;
      e.name.schema = r.str();
      e.name.name = r.str();
      e.values = r.list();
      e.comment = r.opt();
      m.enums[e.name] = e;
    }
    for (size_t n = r.count(); n > 0; --n) {
      Extension e;
      e.name = r.str();
      e.schema = r.str();
      m.extensions[e.name] = e;
    }
    if (!r.done()) return std::nullopt;
    return m;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string encode_table(const Table& t) {
  Writer w;
  w.str(t.name.schema);
  w.str(t.name.name);
  w.opt(t.comment);
  w.str(t.replica_identity);
  w.str(std::to_string(t.columns.size()));
  for (const auto& c : t.columns) {
    w.str(c.name);
    w.str(c.type);
    w.flag(c.nullable);
    w.opt(c.default_expr);
    w.str(c.identity);
    std::vector<std::string> options;
    for (const auto& [k, v] : c.identity_options) options.push_back(k + "=" + v);
    w.list(options);
    w.opt(c.generated);
    w.opt(c.collation);
    w.opt(c.comment);
  }
  w.str(std::to_string(t.constraints.size()));
  for (const auto& k : t.constraints) {
    w.str(to_string(k.kind));
    w.str(k.name);
    w.flag(k.named);
    w.list(k.columns);
    w.str(k.expression);
    w.str(k.ref_table.schema);
    w.str(k.ref_table.name);
    w.list(k.ref_columns);
    w.str(k.on_delete);
    w.str(k.on_update);
    w.flag(k.deferrable);
    w.flag(k.initially_deferred);
    w.flag(k.not_valid);
    w.flag(k.no_inherit);
    w.flag(k.match_full);
    w.flag(k.nulls_not_distinct);
    w.opt(k.comment);
  }
  w.str(std::to_string(t.indexes.size()));
  for (const auto& i : t.indexes) {
    w.str(i.name);
    w.flag(i.named);
    w.flag(i.unique);
    w.str(i.method);
    w.list(i.keys);
    w.str(i.where);
    w.list(i.include);
    w.flag(i.valid);
    w.flag(i.nulls_not_distinct);
    w.list(i.with);
    w.opt(i.comment);
  }
  return w.text("t1");
}

std::optional<Table> decode_table(const std::string& line) {
  if (line.rfind("t1 ", 0) != 0) return std::nullopt;
  try {
    Reader r(line.substr(3));
    Table t;
    t.name.schema = r.str();
    t.name.name = r.str();
    t.comment = r.opt();
    t.replica_identity = r.str();
    t.columns.resize(r.count());
    for (auto& c : t.columns) {
      c.name = r.str();
      c.type = r.str();
      c.nullable = r.flag();
      c.default_expr = r.opt();
      c.identity = r.str();
      for (const auto& o : r.list()) c.identity_options[o.substr(0, o.find('='))] = o.substr(o.find('=') + 1);
      c.generated = r.opt();
      c.collation = r.opt();
      c.comment = r.opt();
    }
    t.constraints.resize(r.count());
    for (auto& k : t.constraints) {
      k.kind = kind_of(r.str());
      k.name = r.str();
      k.named = r.flag();
      k.columns = r.list();
      k.expression = r.str();
      k.ref_table.schema = r.str();
      k.ref_table.name = r.str();
      k.ref_columns = r.list();
      k.on_delete = r.str();
      k.on_update = r.str();
      k.deferrable = r.flag();
      k.initially_deferred = r.flag();
      k.not_valid = r.flag();
      k.no_inherit = r.flag();
      k.match_full = r.flag();
      k.nulls_not_distinct = r.flag();
      k.comment = r.opt();
    }
    t.indexes.resize(r.count());
    for (auto& i : t.indexes) {
      i.name = r.str();
      i.named = r.flag();
      i.unique = r.flag();
      i.method = r.str();
      i.keys = r.list();
      i.where = r.str();
      i.include = r.list();
      i.valid = r.flag();
      i.nulls_not_distinct = r.flag();
      i.with = r.list();
      i.comment = r.opt();
    }
    if (!r.done()) return std::nullopt;
    return t;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace reconcile
