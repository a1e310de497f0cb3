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

std::string printed_ident(const std::string& name) {
  bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (unsigned char c : name)
    if (!(std::islower(c) || std::isdigit(c) || c == '_' || c == '$')) plain = false;
  return plain ? name : quote_ident(name);
}

bool list_setting(const std::string& name) {
  return name == "search_path" || name == "temp_tablespaces" || name == "local_preload_libraries" ||
         name == "session_preload_libraries" || name == "shared_preload_libraries";
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

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$'; }

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

/// The token that starts at `i`.
SqlToken next_token(std::string_view s, size_t i) {
  SqlToken t;
  auto until = [&](size_t end, SqlToken::Kind kind) {
    t.kind = end == std::string_view::npos ? SqlToken::unterminated : kind;
    t.text = s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    return t;
  };
  char c = s[i];
  if (std::isspace(static_cast<unsigned char>(c))) {
    size_t j = i;
    while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    return until(j, SqlToken::space);
  }
  if (c == '\'') return until(quoted_end(s, i, false), SqlToken::string);
  if ((c == 'E' || c == 'e') && i + 1 < s.size() && s[i + 1] == '\'') {
    size_t end = quoted_end(s, i + 1, true);
    return until(end, SqlToken::string);
  }
  if (c == '"') {
    until(quoted_end(s, i, false), SqlToken::quoted_ident);
    if (t.kind == SqlToken::quoted_ident)
      for (size_t j = 1; j + 1 < t.text.size(); ++j) {
        t.value += t.text[j];
        if (t.text[j] == '"') ++j;  // a doubled quote is one
      }
    return t;
  }
  if (c == '$') {
    if (auto tag = dollar_tag(s, i); !tag.empty()) {
      size_t end = s.find(tag, i + tag.size());
      return until(end == std::string_view::npos ? end : end + tag.size(), SqlToken::string);
    }
    size_t j = i + 1;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    return until(j, SqlToken::punct);
  }
  if (ident_start(c)) {
    size_t j = i;
    while (j < s.size() && ident_char(s[j])) ++j;
    until(j, SqlToken::word);
    for (char ch : t.text) t.value += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return t;
  }
  if (std::isdigit(static_cast<unsigned char>(c))) {
    size_t j = i;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '_')) ++j;
    return until(j, SqlToken::number);
  }
  return until(i + 1, SqlToken::punct);
}

}  // namespace

std::vector<SqlToken> sql_tokens(std::string_view s) {
  std::vector<SqlToken> out;
  for (size_t i = 0; i < s.size(); i += out.back().text.size()) out.push_back(next_token(s, i));
  return out;
}

std::string index_key_column(std::string_view key) {
  auto tokens = sql_tokens(key);
  size_t i = 0;
  while (i < tokens.size() && tokens[i].kind == SqlToken::space) ++i;
  if (i >= tokens.size() || !tokens[i].identifier()) return "";
  std::string name = tokens[i].value;
  // What follows a column is options (COLLATE, an operator class, ASC / DESC, NULLS ...): words,
  // quoted names and the dots between them. Anything else makes the key an expression.
  for (++i; i < tokens.size(); ++i)
    if (!tokens[i].identifier() && tokens[i].kind != SqlToken::space && tokens[i].text != ".") return "";
  return name;
}

ExclusionElement split_exclusion_element(std::string_view element) {
  auto tokens = sql_tokens(element);
  size_t at = 0, with = std::string_view::npos;
  for (const auto& t : tokens) {
    if (t.kind == SqlToken::word && t.value == "with") with = at;
    at += t.text.size();
  }
  if (with == std::string_view::npos) return {};
  auto trim = [](std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    return std::string(v);
  };
  return {trim(element.substr(0, with)), trim(element.substr(with + 4))};
}

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
  for (const auto& t : sql_tokens(type)) {
    if (t.kind == SqlToken::unterminated) return {};
    if (t.text == "[" || t.text == "(") break;
    if (t.text == ".") {
      parts.emplace_back();
    } else if (t.identifier()) {  // a multi-word name (double precision) keeps its words
      parts.back() += (parts.back().empty() || t.kind == SqlToken::quoted_ident ? "" : " ") + t.value;
    } else if (t.kind != SqlToken::space) {
      parts.back() += t.text;
    }
  }
  if (parts.size() == 1) return {"", parts[0]};
  if (parts.size() == 2) return {parts[0], parts[1]};
  return {};
}

std::optional<std::string> fragment_problem(std::string_view s) {
  int depth = 0;
  auto tokens = sql_tokens(s);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const SqlToken& t = tokens[i];
    if (t.kind == SqlToken::unterminated) {
      if (t.text[0] == '"') return std::string("unterminated quoted identifier");
      if (t.text[0] == '$') return "unterminated dollar quote " + std::string(dollar_tag(t.text, 0));
      return std::string("unterminated string");
    }
    if (t.kind != SqlToken::punct) continue;
    std::string two = i + 1 < tokens.size() && tokens[i + 1].kind == SqlToken::punct ? std::string(t.text) + std::string(tokens[i + 1].text) : "";
    if (t.text == ";") return "a statement separator ';' outside quotes";
    if (two == "--" || two == "/*") return "a comment ('" + two + "') outside quotes";
    if (t.text == "(") ++depth;
    if (t.text == ")" && --depth < 0) return "a ')' without its '('";
  }
  if (depth > 0) return "an unclosed '('";
  return std::nullopt;
}

}  // namespace reconcile
