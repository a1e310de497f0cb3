// SQL quoting: the one path by which names and literals enter SQL text.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reconcile {

/// Always-quoted identifier: "name", with embedded quotes doubled.
std::string quote_ident(std::string_view name);
/// String literal: 'text', quotes doubled; E'' form when backslashes are present.
std::string quote_literal(std::string_view text);
/// "schema"."name"
std::string quote_qualified(std::string_view schema, std::string_view name);
/// How PostgreSQL prints an identifier: bare when it is a plain lower-case name, else quoted.
std::string printed_ident(const std::string& name);
/// Whether setting `name` takes a list of names, written bare in SET (search_path TO "$user", public);
/// the others take one value, written as a literal.
bool list_setting(const std::string& name);
/// Comma-separated quoted identifiers.
std::string quote_ident_list(const std::vector<std::string>& names);

/// The name PostgreSQL makes for an object it names itself (makeObjectName): name1_name2_label,
/// the longer of the two names cut first (at a character boundary) to fit 63 bytes. `name2` may be
/// empty (a primary key: table_pkey).
std::string default_object_name(std::string name1, std::string name2, const std::string& label);

/// One token of a SQL fragment, as PostgreSQL's lexer would cut it.
struct SqlToken {
  enum Kind {
    word,          ///< keyword or unquoted identifier; `value` folded to lower case
    quoted_ident,  ///< "name"; `value` without the quotes, "" as one quote
    string,        ///< '...', E'...' or $tag$...$tag$
    number,
    punct,         ///< any other character (one per token; `$1` parameters too)
    space,         ///< a run of whitespace
    unterminated,  ///< a quote, quoted identifier or dollar quote that never closes (the rest of the text)
  };
  Kind kind = punct;
  std::string_view text;  ///< as written
  std::string value;      ///< the identifier's name (word, quoted_ident), else empty

  /// A word or quoted identifier.
  bool identifier() const { return kind == word || kind == quoted_ident; }
};
/// `fragment` cut into tokens; concatenating their `text` gives `fragment` back. The one lexer every
/// reader of SQL fragments (type names, index keys, expressions) goes through, so that all fold
/// case and quote alike.
std::vector<SqlToken> sql_tokens(std::string_view fragment);

/// The column an index key names (`"Name" DESC` -> Name, `email text_pattern_ops` -> email), or ""
/// when the key is an expression.
std::string index_key_column(std::string_view key);

/// An exclusion constraint's element cut at its last `WITH`: the index key ("room", "(lower(a))",
/// "during gist_ops") and the operator ("=", "&&"), both trimmed. Empty key and operator when the
/// element has no WITH.
struct ExclusionElement {
  std::string key;
  std::string op;
};
ExclusionElement split_exclusion_element(std::string_view element);

/// The type a column type names, as SQL reads it: `schema.name` or `name` (schema empty), each part
/// unquoted (`"a""b"` is a"b) or folded to lower case, without array brackets or a type modifier.
/// Empty parts when `type` is not a plain type name (a multi-word type such as `double precision`
/// is returned whole as the name).
struct TypeName {
  std::string schema, name;
};
TypeName parse_type_name(std::string_view type);

/// Why `fragment` (an expression, type or index key from the desired state, pasted into a
/// statement) could end that statement or hide the rest of it: a `;`, `--` or `/*` outside quoted
/// strings, quoted identifiers and dollar quotes, a closing parenthesis without its opening one,
/// an unclosed parenthesis or quote. nullopt when it cannot.
std::optional<std::string> fragment_problem(std::string_view fragment);

}  // namespace reconcile
