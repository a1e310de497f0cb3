// Tokens separated by spaces; a token escapes backslash and whitespace, and "\0" is the empty string.
#include "reconcile/table_codec.hpp"

#include "reconcile/object_ref.hpp"

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
  void put(const std::string& s) { str(s); }
  void put(bool b) { flag(b); }
  void put(const std::optional<std::string>& s) { opt(s); }
  void put(const std::vector<std::string>& v) { list(v); }
  void put(const QName& q) { str(q.schema), str(q.name); }
  void put(const std::vector<QName>& v) {
    count(v.size());
    for (const auto& q : v) put(q);
  }
  void put(ConstraintKind k) { str(to_string(k)); }
  void put(Identity i) { str(to_string(i)); }
  void put(const std::optional<ColumnRef>& c) {
    str(c ? "+" : "-");
    if (c) put(c->table), str(c->column);
  }
  void put(const std::vector<ObjectRef>& v) {
    count(v.size());
    for (const auto& r : v) str(encode_ref(r));
  }
  void put(FkAction a) { str(to_string(a)); }
  template <class Part>
  void put(const std::vector<Part>& v) {
    count(v.size());
    for (const auto& i : v) fields(i);
  }
  void put(const std::map<std::string, std::string>& m) {
    str(std::to_string(m.size()));
    for (const auto& [k, v] : m) str(k), str(v);
  }
  /// Every field of `object`, in the order its kind lists them.
  template <class T>
  void fields(const T& object) {
    each_field(T::fields(object), [&](const auto& f) { put(f.value); });
  }
  void count(size_t n) { str(std::to_string(n)); }
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
  void get(std::string& s) { s = str(); }
  void get(bool& b) { b = flag(); }
  void get(std::optional<std::string>& s) { s = opt(); }
  void get(std::vector<std::string>& v) { v = list(); }
  void get(QName& q) { q.schema = str(), q.name = str(); }
  void get(std::vector<QName>& v) {
    v.resize(count());
    for (auto& q : v) get(q);
  }
  void get(ConstraintKind& k);
  void get(std::optional<ColumnRef>& c) {
    c.reset();
    if (str() != "+") return;
    ColumnRef r;
    get(r.table);
    r.column = str();
    c = r;
  }
  void get(std::vector<ObjectRef>& v) {
    v.resize(count());
    for (auto& r : v) {
      auto ref = decode_ref(str());
      if (!ref) throw std::runtime_error("bad ref");
      r = *ref;
    }
  }
  template <class Part>
  void get(std::vector<Part>& v) {
    v.resize(count());
    for (auto& i : v) fields(i);
  }
  void get(Identity& i) {
    auto parsed = parse_identity(str());
    if (!parsed) throw std::runtime_error("bad identity");
    i = *parsed;
  }
  void get(FkAction& a) {
    auto parsed = parse_fk_action(str());
    if (!parsed) throw std::runtime_error("bad action");
    a = *parsed;
  }
  void get(std::map<std::string, std::string>& m) {
    for (size_t n = count(); n > 0; --n) {
      std::string k = str();
      m[k] = str();
    }
  }
  template <class T>
  void fields(T& object) {
    each_field(T::fields(object), [&](const auto& f) { get(f.value); });
  }
  bool done() {
    std::string rest;
    return !(in_ >> rest);
  }

 private:
  std::istringstream in_;
};

void Reader::get(ConstraintKind& kind) {
  auto parsed = enum_named(str(), {ConstraintKind::primary_key, ConstraintKind::unique, ConstraintKind::check, ConstraintKind::foreign_key,
                                   ConstraintKind::exclusion});
  if (!parsed) throw std::runtime_error("bad kind");
  kind = *parsed;
}

/// `items` as a count and each item's fields.
template <class T>
void put_all(Writer& w, const T& items) {
  w.count(items.size());
  for (const auto& item : items) w.fields(item);
}

template <class T>
void get_all(Reader& r, std::vector<T>& items) {
  items.resize(r.count());
  for (auto& item : items) r.fields(item);
}

/// A map of objects keyed by their name, as put_all wrote it.
template <class K, class T>
void get_all(Reader& r, std::map<K, T>& items) {
  for (size_t n = r.count(); n > 0; --n) {
    T item;
    r.fields(item);
    if constexpr (std::is_same_v<K, ObjectRef>) items[ref_of(item)] = item;
    else items[item.name] = item;
  }
}

template <class K, class T>
void put_all(Writer& w, const std::map<K, T>& items) {
  w.count(items.size());
  for (const auto& [name, item] : items) w.fields(item);
}

}  // namespace

std::string encode_objects(const Model& m) {
  Writer w;
  put_all(w, m.schemas);
  put_all(w, m.enums);
  put_all(w, m.domains);
  put_all(w, m.types);
  put_all(w, m.extensions);
  put_all(w, m.sequences);
  put_all(w, m.views);
  put_all(w, m.functions);
  put_all(w, m.materialized_views);
  return w.text("o10");
}

std::optional<Model> decode_objects(const std::string& line) {
  if (line.rfind("o10 ", 0) != 0) return std::nullopt;
  try {
    Reader r(line.substr(4));
    Model m;
    get_all(r, m.schemas);
    get_all(r, m.enums);
    get_all(r, m.domains);
    get_all(r, m.types);
    get_all(r, m.extensions);
    get_all(r, m.sequences);
    get_all(r, m.views);
    for (auto& [name, v] : m.views)
      for (auto& g : v.triggers) g.table = name;
    get_all(r, m.functions);
    get_all(r, m.materialized_views);
    if (!r.done()) return std::nullopt;
    return m;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string encode_table(const Table& t) {
  Writer w;
  w.fields(t);
  put_all(w, t.columns);
  put_all(w, t.constraints);
  put_all(w, t.indexes);
  put_all(w, t.triggers);
  put_all(w, t.policies);
  return w.text("t6");
}

std::optional<Table> decode_table(const std::string& line) {
  if (line.rfind("t6 ", 0) != 0) return std::nullopt;
  try {
    Reader r(line.substr(3));
    Table t;
    r.fields(t);
    get_all(r, t.columns);
    get_all(r, t.constraints);
    get_all(r, t.indexes);
    get_all(r, t.triggers);
    for (auto& g : t.triggers) g.table = t.name;
    get_all(r, t.policies);
    for (auto& p : t.policies) p.table = t.name;
    if (!r.done()) return std::nullopt;
    return t;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace reconcile
