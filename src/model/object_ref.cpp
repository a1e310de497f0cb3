// ObjectRef: constructors, its one string codec and its human label.
#include "reconcile/object_ref.hpp"

#include <array>
#include <utility>

#include "reconcile/sql.hpp"

namespace reconcile {
namespace {

constexpr std::array<std::pair<ObjectKind, const char*>, 21> kKindCodes{{
    {ObjectKind::schema, "schema"},
    {ObjectKind::extension, "extension"},
    {ObjectKind::enum_type, "enum"},
    {ObjectKind::domain, "domain"},
    {ObjectKind::composite, "composite-type"},
    {ObjectKind::table, "table"},
    {ObjectKind::column, "column"},
    {ObjectKind::constraint, "constraint"},
    {ObjectKind::index, "index"},
    {ObjectKind::sequence, "sequence"},
    {ObjectKind::view, "view"},
    {ObjectKind::materialized_view, "materialized-view"},
    {ObjectKind::function, "function"},
    {ObjectKind::procedure, "procedure"},
    {ObjectKind::trigger, "trigger"},
    {ObjectKind::policy, "policy"},
    {ObjectKind::column_type, "column-type"},
    {ObjectKind::type, "type"},
    {ObjectKind::enum_value, "enum-value"},
    {ObjectKind::key_columns, "key-columns"},
    {ObjectKind::filled, "filled"},
}};

const char* kind_code(ObjectKind kind) {
  for (const auto& [k, code] : kKindCodes)
    if (k == kind) return code;
  return "?";
}

/// Reads a double-quoted part at `i` ("" is one quote); advances `i` past it.
std::optional<std::string> quoted_part(const std::string& text, size_t& i) {
  if (i >= text.size() || text[i] != '"') return std::nullopt;
  std::string out;
  for (++i; i < text.size(); ++i) {
    if (text[i] != '"') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '"') {
      out += '"';
      ++i;
      continue;
    }
    ++i;
    return out;
  }
  return std::nullopt;
}

/// Whether refs of `kind` name a schema-qualified object (not a schema or extension by itself).
bool qualified(ObjectKind kind) { return kind != ObjectKind::schema && kind != ObjectKind::extension; }

}  // namespace

std::string to_string(ObjectKind kind) {
  if (kind == ObjectKind::enum_value) return "enum value";
  if (kind == ObjectKind::key_columns) return "key columns";
  if (kind == ObjectKind::column_type) return "column type";
  if (kind == ObjectKind::materialized_view) return "materialized view";
  if (kind == ObjectKind::composite) return "type";
  return kind_code(kind);
}

ObjectRef schema_ref(const std::string& schema) { return {ObjectKind::schema, {"", schema}, ""}; }
ObjectRef extension_ref(const std::string& extension) { return {ObjectKind::extension, {"", extension}, ""}; }
ObjectRef enum_ref(const QName& name) { return {ObjectKind::enum_type, name, ""}; }
ObjectRef domain_ref(const QName& name) { return {ObjectKind::domain, name, ""}; }
ObjectRef composite_ref(const QName& name) { return {ObjectKind::composite, name, ""}; }
ObjectRef table_ref(const QName& name) { return {ObjectKind::table, name, ""}; }
ObjectRef column_ref(const QName& table, const std::string& column) { return {ObjectKind::column, table, column}; }
ObjectRef sequence_ref(const QName& name) { return {ObjectKind::sequence, name, ""}; }
ObjectRef view_ref(const QName& name) { return {ObjectKind::view, name, ""}; }
ObjectRef materialized_view_ref(const QName& name) { return {ObjectKind::materialized_view, name, ""}; }
ObjectRef function_ref(const QName& name, const std::string& signature, bool procedure) {
  return {procedure ? ObjectKind::procedure : ObjectKind::function, name, signature};
}
ObjectRef trigger_ref(const QName& table, const std::string& name) { return {ObjectKind::trigger, table, name}; }
ObjectRef policy_ref(const QName& table, const std::string& name) { return {ObjectKind::policy, table, name}; }
ObjectRef index_ref(const std::string& schema, const std::string& name) { return {ObjectKind::index, {schema, name}, ""}; }

ObjectRef type_ref(const std::string& column_type) {
  TypeName t = parse_type_name(column_type);
  return {ObjectKind::type, {t.schema.empty() ? "public" : t.schema, t.name}, ""};
}

std::string encode_ref(const ObjectRef& ref) {
  std::string out = kind_code(ref.kind);
  out += " ";
  if (qualified(ref.kind)) out += quote_ident(ref.name.schema) + ".";
  out += quote_ident(ref.name.name);
  // A function's signature may be empty: it is always written.
  bool routine = ref.kind == ObjectKind::function || ref.kind == ObjectKind::procedure;
  if (!ref.sub.empty() || routine) out += "." + quote_ident(ref.sub);
  return out;
}

std::optional<ObjectRef> decode_ref(const std::string& text) {
  auto space = text.find(' ');
  if (space == std::string::npos) return std::nullopt;
  ObjectRef ref;
  bool known = false;
  for (const auto& [k, code] : kKindCodes)
    if (text.compare(0, space, code) == 0 && std::char_traits<char>::length(code) == space) ref.kind = k, known = true;
  if (!known) return std::nullopt;
  size_t i = space + 1;
  std::vector<std::string> parts;
  while (true) {
    auto part = quoted_part(text, i);
    if (!part) return std::nullopt;
    parts.push_back(*part);
    if (i == text.size()) break;
    if (text[i] != '.') return std::nullopt;
    ++i;
  }
  size_t first = qualified(ref.kind) ? 1 : 0;
  if (parts.size() < first + 1 || parts.size() > first + 2) return std::nullopt;
  if (first) ref.name.schema = parts[0];
  ref.name.name = parts[first];
  if (parts.size() == first + 2) ref.sub = parts[first + 1];
  return ref;
}

std::string label(const ObjectRef& ref) {
  std::string word = to_string(ref.kind);
  switch (ref.kind) {
    case ObjectKind::schema:
    case ObjectKind::extension: return word + " " + ref.name.name;
    case ObjectKind::enum_value: return "enum " + ref.name.str() + " value " + ref.sub;
    case ObjectKind::constraint:
    case ObjectKind::index:
      if (!ref.sub.empty() && ref.sub[0] == '(')  // unnamed: known by its definition
        return word + (ref.kind == ObjectKind::index ? " on " : " ") + ref.name.str() + " " + ref.sub;
      break;
    case ObjectKind::function:
    case ObjectKind::procedure: return word + " " + ref.name.str() + "(" + ref.sub + ")";
    case ObjectKind::trigger:
    case ObjectKind::policy: return word + " " + ref.sub + " on " + ref.name.str();
    default: break;
  }
  return word + " " + ref.name.str() + (ref.sub.empty() ? "" : "." + ref.sub);
}

std::string leaf_name(const ObjectRef& ref) {
  bool routine = ref.kind == ObjectKind::function || ref.kind == ObjectKind::procedure;
  return routine || ref.sub.empty() || ref.sub[0] == '(' ? ref.name.name : ref.sub;
}

}  // namespace reconcile
