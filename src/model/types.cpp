// Type changes by PostgreSQL's cast rules for the built-in types (see pg_cast: castcontext 'i' and
// 'a' are automatic, castmethod 'b' is binary coercible, and every type converts to a string type
// through its output function).
#include "reconcile/types.hpp"

#include <set>

#include "reconcile/sql.hpp"

namespace reconcile {
namespace {

struct Spelled {
  std::string base;  ///< without modifier or array brackets
  int mod1 = -1, mod2 = -1;
  bool array = false;
};

Spelled spell(const std::string& type) {
  Spelled s;
  s.array = type.size() >= 2 && type.compare(type.size() - 2, 2, "[]") == 0;
  std::string t = s.array ? type.substr(0, type.size() - 2) : type;
  auto open = t.find('(');
  if (open == std::string::npos || t.back() != ')' || t.front() == '"') {
    s.base = t;
    return s;
  }
  s.base = t.substr(0, open);
  while (!s.base.empty() && s.base.back() == ' ') s.base.pop_back();
  std::string mods = t.substr(open + 1, t.size() - open - 2);
  auto comma = mods.find(',');
  try {
    s.mod1 = std::stoi(mods.substr(0, comma));
    if (comma != std::string::npos) s.mod2 = std::stoi(mods.substr(comma + 1));
  } catch (const std::exception&) {
    s.base = t;  // not a numeric modifier (a time zone spelling, say): compare whole
  }
  // "timestamp(3) without time zone": the modifier sits inside the name
  return s;
}

bool is_string(const std::string& base) {
  return base == "text" || base == "character varying" || base == "character" || base == "name" || base == "citext";
}

/// Integers and floats: each converts to another automatically; the rank orders the widening.
int numeric_rank(const std::string& base) {
  static const char* order[] = {"smallint", "integer", "bigint", "numeric", "real", "double precision"};
  for (int i = 0; i < 6; ++i)
    if (base == order[i]) return i;
  return -1;
}

bool widens(const std::string& from, const std::string& to) {
  static const std::set<std::pair<std::string, std::string>> kWider = {
      {"smallint", "integer"}, {"smallint", "bigint"}, {"integer", "bigint"}, {"smallint", "numeric"},
      {"integer", "numeric"},  {"bigint", "numeric"},  {"real", "double precision"}, {"smallint", "double precision"},
      {"integer", "double precision"}, {"smallint", "real"}, {"date", "timestamp without time zone"},
      {"date", "timestamp with time zone"}, {"json", "jsonb"}, {"jsonb", "json"}, {"cidr", "inet"}};
  return kWider.count({from, to}) > 0;
}

/// Same base type, different modifier: no rewrite when the new one holds every old value.
TypeChange modifier_change(const Spelled& f, const Spelled& t) {
  TypeChange c;
  c.changes = true;
  bool unbounded = t.mod1 < 0;
  bool lengths = f.base == "character varying" || f.base == "bit varying";
  if (unbounded && (lengths || f.base == "numeric")) c.rewrites = c.may_fail = false;
  else if (lengths && f.mod1 >= 0 && t.mod1 >= f.mod1) c.rewrites = c.may_fail = false;
  else if (f.base == "numeric" && f.mod1 >= 0 && t.mod1 >= f.mod1 && t.mod2 == f.mod2) c.rewrites = c.may_fail = false;
  else if ((f.base == "numeric" && f.mod1 >= 0 && t.mod1 - t.mod2 >= f.mod1 - f.mod2 && t.mod2 >= f.mod2) ||
           (f.base == "character" && f.mod1 >= 0 && t.mod1 >= f.mod1))
    c.may_fail = false;  // more digits on both sides of the point, a longer char(n): rewritten, never fails
  return c;
}

}  // namespace

std::map<std::string, std::string> identity_defaults(const std::string& type, const std::map<std::string, std::string>& set) {
  std::string base = stored_type(type);
  std::string top = base == "smallint" ? "32767" : base == "integer" ? "2147483647" : "9223372036854775807";
  std::string bottom = base == "smallint" ? "-32768" : base == "integer" ? "-2147483648" : "-9223372036854775808";
  auto given = [&](const char* k, const std::string& otherwise) {
    auto it = set.find(k);
    return it == set.end() ? otherwise : it->second;
  };
  bool down = given("increment", "1").rfind('-', 0) == 0;
  std::map<std::string, std::string> d;
  d["increment"] = "1";
  d["minvalue"] = down ? bottom : "1";
  d["maxvalue"] = down ? "-1" : top;
  d["start"] = down ? given("maxvalue", d["maxvalue"]) : given("minvalue", d["minvalue"]);
  d["cache"] = "1";
  d["cycle"] = "false";
  return d;
}

std::string serial_base(const std::string& type) {
  if (type == "serial" || type == "serial4") return "integer";
  if (type == "bigserial" || type == "serial8") return "bigint";
  if (type == "smallserial" || type == "serial2") return "smallint";
  return "";
}

std::string stored_type(const std::string& type) {
  std::string base = serial_base(type);
  return base.empty() ? type : base;
}

TypeChange classify_type_change(const std::string& from_type, const std::string& to_type) {
  std::string from = stored_type(from_type), to = stored_type(to_type);
  TypeChange c;
  if (from == to) return TypeChange{false, false, false, false};
  c.changes = true;
  Spelled f = spell(from), t = spell(to);
  if (f.array != t.array) {
    c.needs_using = true;
    return c;
  }
  if (f.base == t.base) return modifier_change(f, t);
  bool to_string = is_string(t.base);
  if (is_string(f.base) && to_string) {
    // varchar <-> text <-> unbounded varchar are binary coercible; a length is checked (rewrite).
    bool bounded = t.mod1 >= 0;
    c.rewrites = c.may_fail = bounded || t.base == "character" || f.base == "character";
    if (t.base == "character" && !bounded) c.may_fail = false;
    return c;
  }
  if (f.base == "cidr" && t.base == "inet") return TypeChange{true, false, false, false};
  if (to_string) {
    c.may_fail = t.mod1 >= 0 || t.base == "character";  // every value has a text form
    return c;
  }
  if (widens(f.base, t.base)) {
    c.may_fail = false;
    return c;
  }
  c.needs_using = !(numeric_rank(f.base) >= 0 && numeric_rank(t.base) >= 0) && !widens(f.base, t.base) &&
                  !(f.base == "timestamp without time zone" && t.base == "timestamp with time zone") &&
                  !(f.base == "timestamp with time zone" && t.base == "timestamp without time zone") &&
                  !((f.base == "timestamp without time zone" || f.base == "timestamp with time zone") && t.base == "date");
  return c;
}

std::optional<std::string> default_using(const std::string& column, const std::string& from, const std::string& to,
                                         bool to_is_enum) {
  if (!classify_type_change(from, to).needs_using) return std::nullopt;
  Spelled f = spell(stored_type(from));
  std::string target = stored_type(to);
  bool via_text = to_is_enum && !is_string(f.base);
  return quote_ident(column) + (via_text ? (f.array ? "::text[]" : "::text") : "") + "::" + target;
}

}  // namespace reconcile
