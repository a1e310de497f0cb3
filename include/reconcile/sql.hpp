// SQL quoting: the one path by which names and literals enter SQL text.
#pragma once
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
/// Comma-separated quoted identifiers.
std::string quote_ident_list(const std::vector<std::string>& names);

}  // namespace reconcile
