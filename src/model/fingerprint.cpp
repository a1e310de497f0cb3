// Canonical serialization of a model and its SHA-256 fingerprint.
#include <openssl/evp.h>

#include <algorithm>
#include <sstream>

#include "reconcile/model.hpp"
#include "reconcile/sql.hpp"

namespace reconcile {
namespace {

std::string opt(const std::optional<std::string>& v) { return v ? quote_literal(*v) : "-"; }

std::string list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const auto& s : v) out += quote_literal(s) + ",";
  return out + "]";
}

std::string identity_options(const Column& c) {
  std::string out;
  for (const auto& [k, v] : c.identity_options) out += " " + k + "=" + v;
  return out;
}

void write_column(std::ostringstream& out, const Column& c) {
  out << "  column " << quote_ident(c.name) << " type=" << quote_literal(c.type)
      << " nullable=" << c.nullable << " default=" << opt(c.default_expr)
      << " identity=" << quote_literal(c.identity) << identity_options(c) << " generated=" << opt(c.generated)
      << " collation=" << opt(c.collation) << " comment=" << opt(c.comment) << "\n";
}

void write_constraint(std::ostringstream& out, const Constraint& c) {
  out << "  constraint " << quote_ident(c.name) << " kind=" << to_string(c.kind)
      << " columns=" << list(c.columns) << " expr=" << quote_literal(c.expression)
      << " ref=" << quote_literal(c.ref_table.schema.empty() ? "" : c.ref_table.str())
      << list(c.ref_columns) << " on_delete=" << c.on_delete << " on_update=" << c.on_update
      << " deferrable=" << c.deferrable << c.initially_deferred << " options=" << c.not_valid << c.no_inherit
      << c.match_full << c.nulls_not_distinct << " comment=" << opt(c.comment) << "\n";
}

void write_index(std::ostringstream& out, const Index& i) {
  out << "  index " << quote_ident(i.name) << " unique=" << i.unique << " method=" << i.method
      << " keys=" << list(i.keys) << " where=" << quote_literal(i.where)
      << " include=" << list(i.include) << (i.valid ? "" : " invalid") << " nnd=" << i.nulls_not_distinct
      << " with=" << list(i.with) << " comment=" << opt(i.comment) << "\n";
}

void write_table(std::ostringstream& out, const Table& t) {
  out << "table " << t.name.sql() << " comment=" << opt(t.comment)
      << (t.replica_identity.empty() ? "" : " replica_identity=" + quote_literal(t.replica_identity)) << "\n";
  std::vector<const Column*> cols;
  for (const auto& c : t.columns) cols.push_back(&c);
  std::sort(cols.begin(), cols.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (auto* c : cols) write_column(out, *c);
  auto cons = t.constraints;
  std::sort(cons.begin(), cons.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (const auto& c : cons) write_constraint(out, c);
  auto idx = t.indexes;
  std::sort(idx.begin(), idx.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (const auto& i : idx) write_index(out, i);
}

}  // namespace

std::string table_signature(const Table& t) {
  std::vector<std::string> lines;
  auto keep = [&](std::ostringstream& out) {
    lines.push_back(out.str());
    out.str("");
  };
  std::ostringstream out;
  for (const auto& c : t.columns) write_column(out, c), keep(out);
  for (auto c : t.constraints) {
    if (!c.named) c.name.clear();
    write_constraint(out, c), keep(out);
  }
  for (auto i : t.indexes) {
    if (!i.named) i.name.clear();
    write_index(out, i), keep(out);
  }
  std::sort(lines.begin(), lines.end());
  std::string text = "table " + t.name.sql() + " comment=" + opt(t.comment) +
                     (t.replica_identity.empty() ? "" : " replica_identity=" + quote_literal(t.replica_identity)) + "\n";
  for (const auto& l : lines) text += l;
  return text;
}

std::string canonical_text(const Model& m) {
  std::ostringstream out;
  out << "reconcile-model 1\n";
  for (const auto& [n, e] : m.extensions)
    out << "extension " << quote_ident(n) << " schema=" << quote_literal(e.schema) << "\n";
  for (const auto& [n, s] : m.schemas) out << "schema " << quote_ident(n) << " comment=" << opt(s.comment) << "\n";
  for (const auto& [n, e] : m.enums)
    out << "enum " << n.sql() << " values=" << list(e.values) << " comment=" << opt(e.comment) << "\n";
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
