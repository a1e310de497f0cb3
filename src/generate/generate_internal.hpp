// What the code generators share: reading a type as the server spells it, naming things in the
// target language, the header every generated file starts with.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reconcile/model.hpp"

namespace reconcile::generate {

/// A column type as format_type prints it, taken apart: "timestamp(3) with time zone[]" is
/// base "timestamp with time zone", args {"3"}, dims 1.
struct TypeText {
  std::string base;
  std::vector<std::string> args;
  int dims = 0;
};
TypeText parse_type_text(const std::string& type);

/// What a column's type is once domains are resolved to their base types (their array dimensions
/// added): a built-in type by its base name, or an enum or a composite type of `m`.
struct ResolvedType {
  TypeText text;
  bool not_null = false;                    ///< a domain on the way says NOT NULL
  std::optional<std::string> default_expr;  ///< the first domain's default on the way
  const Enum* enum_type = nullptr;
  const CompositeType* composite = nullptr;
};
ResolvedType resolve_type(const Model& m, const std::string& type);

/// "order_items" -> "OrderItems": the name's words (split at anything not a letter or digit)
/// capitalized; "T" in front when it would start with a digit or be empty.
std::string pascal_case(const std::string& name);
/// `name` as an identifier of the target language: characters outside [A-Za-z0-9_] become "_", a
/// leading digit gets "_" in front, and a name in `reserved` or already in `taken` gets "_" after it
/// until it is neither; the result is added to `taken`.
std::string identifier(const std::string& name, const std::set<std::string>& reserved, std::set<std::string>& taken);

/// The lines (each starting with `comment`) that open a generated file: what made it, from which
/// files, and not to edit it.
std::string header(const std::string& comment, const std::string& command, const std::vector<std::string>& sources);

/// The name PostgreSQL gives a constraint or index that the files leave unnamed, as its
/// ChooseConstraintName / ChooseIndexName do (table, columns, "pkey" / "key" / "fkey" / "excl" /
/// "idx", shortened to 63 bytes); `k.name` or `ix.name` when named. A check's name depends on the
/// columns its expression uses, which only the server knows: "" for an unnamed check.
std::string server_name(const Table& t, const Constraint& k);
std::string server_name(const Table& t, const Index& ix);

/// The parts joined by ", ".
std::string joined(const std::vector<std::string>& parts);
/// ["a", "b"]: the items as double-quoted strings in brackets (a Python list, a TypeScript tuple).
std::string quoted_list(const std::vector<std::string>& items);

/// The length of the name that `text` starts with (a bare lower-case name, or a quoted one with ""
/// for a quote), which must end `text` or be followed by a space; the name goes to `name`. 0 when
/// `text` starts otherwise ("lower(x)", "a::text").
size_t leading_name(const std::string& text, std::string& name);
/// Whether `key` (an index key as the server prints it) is a bare column name, and which.
bool plain_column(const std::string& key, std::string& column);

}  // namespace reconcile::generate
