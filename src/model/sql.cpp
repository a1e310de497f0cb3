// SQL quoting: the one path by which names and literals enter SQL text.
#include "reconcile/sql.hpp"

#include <cctype>

namespace reconcile {

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_literal(std::string_view text) {
  bool backslash = text.find('\\') != std::string_view::npos;
  std::string out = backslash ? "E'" : "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    if (c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string quote_qualified(std::string_view schema, std::string_view name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

std::string quote_ident_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += quote_ident(n);
  }
  return out;
}

}  // namespace reconcile

namespace reconcile {
namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || (c & 0x80); }

/// The end of the quoted text that starts at `i` (a ', " or E' quote), or npos when it never closes.
size_t quoted_end(std::string_view s, size_t i, bool backslash_escapes) {
  char q = s[i];
  for (++i; i < s.size(); ++i) {
    if (backslash_escapes && s[i] == '\\') { ++i; continue; }
    if (s[i] != q) continue;
    if (i + 1 < s.size() && s[i + 1] == q) { ++i; continue; }  // doubled quote
    return i + 1;
  }
  return std::string_view::npos;
}

/// The dollar-quote tag (`$tag$` or `$$`) that starts at `i`, or "" when `$` starts none there.
std::string_view dollar_tag(std::string_view s, size_t i) {
  size_t j = i + 1;
  if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) return {};  // $1: a parameter
  while (j < s.size() && s[j] != '$' && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || (s[j] & 0x80))) ++j;
  if (j >= s.size() || s[j] != '$') return {};
  return s.substr(i, j - i + 1);
}

}  // namespace

std::string default_object_name(std::string name1, std::string name2, const std::string& label) {
  auto cut = [](std::string& s) {
    s.pop_back();
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
  };
  size_t overhead = (name2.empty() ? 0 : 1) + label.size() + 1;
  while (name1.size() + name2.size() + overhead > 63) cut(name1.size() > name2.size() ? name1 : name2);
  return name1 + (name2.empty() ? "" : "_" + name2) + "_" + label;
}

TypeName parse_type_name(std::string_view type) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < type.size(); ++i) {
    char c = type[i];
    if (c == '"') {
      size_t end = quoted_end(type, i, false);
      if (end == std::string_view::npos) return {};
      for (size_t j = i + 1; j + 1 < end; ++j) {
        parts.back() += type[j];
        if (type[j] == '"') ++j;  // a doubled quote is one
      }
      i = end - 1;
    } else if (c == '.') {
      parts.emplace_back();
    } else if (c == '[' || c == '(') {
      break;
    } else {
      parts.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  while (!parts.back().empty() && parts.back().back() == ' ') parts.back().pop_back();
  if (parts.size() == 1) return {"", parts[0]};
  if (parts.size() == 2) return {parts[0], parts[1]};
  return {};
}

std::optional<std::string> fragment_problem(std::string_view s) {
  int depth = 0;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    bool word_before = i > 0 && ident_char(s[i - 1]);
    if (c == '\'' || c == '"') {
      bool escapes = c == '\'' && word_before && (s[i - 1] == 'E' || s[i - 1] == 'e') && !(i > 1 && ident_char(s[i - 2]));
      size_t end = quoted_end(s, i, escapes);
      if (end == std::string_view::npos) return std::string("unterminated ") + (c == '"' ? "quoted identifier" : "string");
      i = end;
      continue;
    }
    if (c == '$' && !word_before) {
      if (auto tag = dollar_tag(s, i); !tag.empty()) {
        size_t end = s.find(tag, i + tag.size());
        if (end == std::string_view::npos) return "unterminated dollar quote " + std::string(tag);
        i = end + tag.size();
        continue;
      }
    }
    if (c == ';') return "a statement separator ';' outside quotes";
    if (s.substr(i, 2) == "--" || s.substr(i, 2) == "/*") return "a comment ('" + std::string(s.substr(i, 2)) + "') outside quotes";
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) return "a ')' without its '('";
    ++i;
  }
  if (depth > 0) return "an unclosed '('";
  return std::nullopt;
}

}  // namespace reconcile
