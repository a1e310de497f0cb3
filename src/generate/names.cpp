// What the code generators share (generate_internal.hpp).
#include <cctype>

#include "generate_internal.hpp"
#include "reconcile/sql.hpp"
#include "reconcile/text.hpp"

namespace reconcile::generate {
namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80); }

/// `text` without the spaces at its ends.
std::string trimmed(const std::string& text) {
  size_t b = text.find_first_not_of(' '), e = text.find_last_not_of(' ');
  return b == std::string::npos ? "" : text.substr(b, e - b + 1);
}

/// The enum, domain or composite type of `m` that `base` names (schema-qualified, or in public),
/// found through `map`; nullptr for a built-in type.
template <class Map>
const typename Map::mapped_type* named(const Map& map, const std::string& base) {
  try {
    auto it = map.find(parse_qname(base));
    return it == map.end() ? nullptr : &it->second;
  } catch (const Error&) {
    return nullptr;  // "double precision" and the like are not names of the files
  }
}

constexpr size_t kNameBytes = 63;  // NAMEDATALEN - 1

/// The byte length of the longest prefix of `s` of at most `n` bytes that does not cut a UTF-8 character.
size_t clip(const std::string& s, size_t n) {
  if (n >= s.size()) return s.size();
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

/// PostgreSQL's ChooseIndexNameAddition: the names joined with "_", stopping once 63 bytes are reached.
std::string name_addition(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += "_";
    out += n.substr(0, clip(n, kNameBytes + 1 - out.size()));
    if (out.size() >= kNameBytes + 1) break;
  }
  return out;
}

/// The column name PostgreSQL gives an index key: the column, a function's name for a call, else "expr".
std::string key_name(const std::string& key) {
  std::string col;
  if (leading_name(key, col)) return col;
  size_t start = key.find_first_not_of('(');
  size_t end = start;
  while (end < key.size() && (std::isalnum(static_cast<unsigned char>(key[end])) || key[end] == '_')) ++end;
  if (start != std::string::npos && end > start && end < key.size() && key[end] == '(') return key.substr(start, end - start);
  return "expr";
}

}  // namespace

std::string server_name(const Table& t, const Constraint& k) {
  if (!k.name.empty()) return k.name;
  switch (k.kind) {
    case ConstraintKind::primary_key: return default_object_name(t.name.name, "", "pkey");
    case ConstraintKind::unique: return default_object_name(t.name.name, name_addition(k.columns), "key");
    case ConstraintKind::foreign_key: return default_object_name(t.name.name, name_addition(k.columns), "fkey");
    case ConstraintKind::exclusion: {
      std::vector<std::string> names;
      for (const auto& e : k.elements) names.push_back(key_name(e.substr(0, e.rfind(" WITH "))));
      return default_object_name(t.name.name, name_addition(names), "excl");
    }
    case ConstraintKind::check: return "";
  }
  return "";
}

std::string server_name(const Table& t, const Index& ix) {
  if (!ix.name.empty()) return ix.name;
  std::vector<std::string> names;
  for (const auto& key : ix.keys) names.push_back(key_name(key));
  return default_object_name(t.name.name, name_addition(names), "idx");
}

TypeText parse_type_text(const std::string& type) {
  TypeText t;
  std::string rest = trimmed(type);
  while (rest.size() >= 2 && rest.compare(rest.size() - 2, 2, "[]") == 0) {
    ++t.dims;
    rest = trimmed(rest.substr(0, rest.size() - 2));
  }
  size_t open = rest.find('(');
  size_t close = open == std::string::npos ? std::string::npos : rest.find(')', open);
  if (open != std::string::npos && close != std::string::npos && rest.find('"') == std::string::npos) {
    std::string inside = rest.substr(open + 1, close - open - 1);
    for (size_t start = 0;;) {
      size_t comma = inside.find(',', start);
      t.args.push_back(trimmed(inside.substr(start, comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    rest = trimmed(rest.substr(0, open)) + (close + 1 < rest.size() ? " " + trimmed(rest.substr(close + 1)) : "");
  }
  t.base = trimmed(rest);
  return t;
}

ResolvedType resolve_type(const Model& m, const std::string& type) {
  ResolvedType r;
  r.text = parse_type_text(type);
  // A domain over a domain ends at a base type: the files cannot make a cycle of domains.
  for (size_t depth = 0; depth <= m.domains.size(); ++depth) {
    const Domain* d = named(m.domains, r.text.base);
    if (!d) break;
    int dims = r.text.dims;
    if (dims == 0) {  // a domain's NOT NULL and default are the column's, not an array's elements'
      r.not_null = r.not_null || !d->nullable;
      if (!r.default_expr) r.default_expr = d->default_expr;
    }
    r.text = parse_type_text(d->type);
    r.text.dims += dims;
  }
  r.enum_type = named(m.enums, r.text.base);
  r.composite = named(m.types, r.text.base);
  return r;
}

std::string pascal_case(const std::string& name) {
  std::string out;
  bool start = true;
  for (char c : name) {
    if (!word_char(c)) {
      start = true;
      continue;
    }
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    start = false;
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "T" + out;
  return out;
}

std::string identifier(const std::string& name, const std::set<std::string>& reserved, std::set<std::string>& taken) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "_" + out;
  while (reserved.count(out) || taken.count(out)) out += "_";
  taken.insert(out);
  return out;
}

std::string header(const std::string& comment, const std::string& command, const std::vector<std::string>& sources) {
  std::string out = comment + " Generated by `" + command + "` from the schema files:\n";
  for (const auto& s : sources) out += comment + "   " + s + "\n";
  out += comment + " Do not edit: change the schema files and generate it again.\n";
  return out;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& i : items) quoted.push_back(quote_double(i));
  return "[" + joined(quoted) + "]";
}

size_t leading_name(const std::string& text, std::string& name) {
  std::string out;
  size_t i = 0;
  if (!text.empty() && text[0] == '"') {
    bool closed = false;
    for (i = 1; i < text.size() && !closed; ++i) {
      if (text[i] != '"') out += text[i];
      else if (i + 1 < text.size() && text[i + 1] == '"') out += text[++i];
      else closed = true;
    }
    if (!closed) return 0;
  } else {
    while (i < text.size() && (std::islower(static_cast<unsigned char>(text[i])) || std::isdigit(static_cast<unsigned char>(text[i])) ||
                               text[i] == '_' || (text[i] & 0x80)))
      out += text[i++];
    if (i == 0 || std::isdigit(static_cast<unsigned char>(text[0]))) return 0;
  }
  if (i < text.size() && text[i] != ' ') return 0;
  name = out;
  return i;
}

bool plain_column(const std::string& key, std::string& column) {
  std::string name;
  if (key.empty() || leading_name(key, name) != key.size()) return false;
  column = name;
  return true;
}

}  // namespace reconcile::generate
