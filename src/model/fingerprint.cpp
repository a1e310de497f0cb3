// Canonical serialization of a model and its SHA-256 fingerprint.
#include <openssl/evp.h>

#include <algorithm>
#include <sstream>

#include "reconcile/model.hpp"
#include "reconcile/object_ref.hpp"
#include "reconcile/sql.hpp"

namespace reconcile {
namespace {

std::string opt(const std::optional<std::string>& v) { return v ? quote_literal(*v) : "-"; }

std::string list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const auto& s : v) out += quote_literal(s) + ",";
  return out + "]";
}

// A field's value as canonical text.
std::string text_of(const std::string& v) { return quote_literal(v); }
std::string text_of(bool v) { return v ? "1" : "0"; }
std::string text_of(const std::optional<std::string>& v) { return opt(v); }
std::string text_of(const std::vector<std::string>& v) { return list(v); }
std::string text_of(const QName& q) { return q.schema.empty() && q.name.empty() ? "-" : q.sql(); }
std::string text_of(ConstraintKind k) { return quote_literal(to_string(k)); }
std::string text_of(Identity i) { return quote_literal(to_string(i)); }
std::string text_of(const std::optional<ColumnRef>& c) { return c ? quote_literal(format_column_ref(*c)) : "-"; }
std::string text_of(const std::vector<ObjectRef>& v) {
  std::string out = "[";
  for (const auto& r : v) out += quote_literal(encode_ref(r)) + ",";
  return out + "]";
}
std::string text_of(FkAction a) { return quote_literal(to_string(a)); }
std::string text_of(const std::map<std::string, std::string>& m) {
  std::string out = "{";
  for (const auto& [k, v] : m) out += quote_literal(k) + "=" + quote_literal(v) + ",";
  return out + "}";
}

/// `tag` and every fingerprinted field of `object` as key=value, on one line.
std::string text_of(const std::vector<Index>& v);
std::string text_of(const std::vector<Trigger>& v);

template <class T>
std::string canonical_line(const char* tag, const T& object) {
  std::string out = tag;
  each_field(T::fields(object), [&](const auto& f) {
    if (f.role != FieldRole::state) out += std::string(" ") + f.key + "=" + text_of(f.value);
  });
  return out + "\n";
}

/// Parts kept in a list (a materialized view's indexes, a view's triggers): each one's canonical line.
template <class T>
std::string lines_of(const char* tag, const std::vector<T>& v) {
  std::string out = "[";
  for (const auto& i : v) {
    std::string line = canonical_line(tag, i);
    line.pop_back();
    out += quote_literal(line) + ",";
  }
  return out + "]";
}
std::string text_of(const std::vector<Index>& v) { return lines_of("index", v); }
std::string text_of(const std::vector<Trigger>& v) { return lines_of("trigger", v); }

void write_table(std::ostringstream& out, const Table& t) {
  out << canonical_line("table", t);
  std::vector<const Column*> cols;
  for (const auto& c : t.columns) cols.push_back(&c);
  std::sort(cols.begin(), cols.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (auto* c : cols) out << canonical_line("  column", *c);
  auto cons = t.constraints;
  std::sort(cons.begin(), cons.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (const auto& c : cons) out << canonical_line("  constraint", c);
  auto idx = t.indexes;
  std::sort(idx.begin(), idx.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (const auto& i : idx) out << canonical_line("  index", i);
  auto triggers = t.triggers;
  std::sort(triggers.begin(), triggers.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (const auto& g : triggers) out << canonical_line("  trigger", g);
}

}  // namespace

std::string table_signature(const Table& t) {
  std::vector<std::string> lines;
  for (const auto& c : t.columns) lines.push_back(canonical_line("  column", c));
  for (auto c : t.constraints) {
    if (!c.named) c.name.clear();
    lines.push_back(canonical_line("  constraint", c));
  }
  for (auto i : t.indexes) {
    if (!i.named) i.name.clear();
    lines.push_back(canonical_line("  index", i));
  }
  for (const auto& g : t.triggers) lines.push_back(canonical_line("  trigger", g));
  std::sort(lines.begin(), lines.end());
  std::string text = canonical_line("table", t);
  for (const auto& l : lines) text += l;
  return text;
}

std::string canonical_text(const Model& m) {
  std::ostringstream out;
  out << "reconcile-model 2\n";
  for (const auto& [n, e] : m.extensions) out << canonical_line("extension", e);
  for (const auto& [n, s] : m.schemas) out << canonical_line("schema", s);
  for (const auto& [n, e] : m.enums) out << canonical_line("enum", e);
  for (const auto& [n, s] : m.sequences) out << canonical_line("sequence", s);
  for (const auto& [n, v] : m.views) out << canonical_line("view", v);
  for (const auto& [n, v] : m.materialized_views) out << canonical_line("materialized_view", v);
  for (const auto& [n, f] : m.functions) out << canonical_line(f.procedure ? "procedure" : "function", f);
  for (const auto& [n, t] : m.tables) write_table(out, t);
  return out.str();
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string fingerprint(const Model& model) { return sha256_hex(canonical_text(model)); }

}  // namespace reconcile
