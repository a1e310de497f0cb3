// What PostgreSQL does when a column's type changes: whether it needs a USING expression, rewrites
// the table, or can fail on existing rows. Types are spelt as the server prints them (format_type).
#pragma once
#include <map>
#include <optional>
#include <string>

namespace reconcile {

/// "integer" for serial, "bigint" for bigserial, "smallint" for smallserial, "" for other types.
std::string serial_base(const std::string& type);
/// The stored type of a column: the base type of a serial, else the type itself.
std::string stored_type(const std::string& type);

/// The identity options PostgreSQL would use for a column of `type` given the `set` ones (start,
/// increment, minvalue, maxvalue, cache, cycle), as text; `set` entries equal to them are redundant.
std::map<std::string, std::string> identity_defaults(const std::string& type, const std::map<std::string, std::string>& set);

struct TypeChange {
  bool changes = false;      ///< the stored type differs (serial <-> integer does not)
  bool needs_using = false;  ///< no assignment cast: ALTER TYPE needs USING
  bool rewrites = true;      ///< the table (and its indexes) is rewritten
  bool may_fail = true;      ///< some values may not fit the new type
};

/// How changing a column from type `from` to type `to` behaves, by PostgreSQL's cast rules for the
/// built-in types: a longer varchar or a wider numeric of the same scale, varchar -> text and
/// other binary-coercible changes keep the table; widening integers and floats and anything to an
/// unbounded string type cannot fail; casts to non-string types outside the numeric family need USING.
TypeChange classify_type_change(const std::string& from, const std::string& to);

/// The USING expression a person would write for `column` when the change needs one:
/// `"column"::to`, through text when the target is `to_is_enum` and the source is not a string.
/// nullopt when PostgreSQL converts by itself.
std::optional<std::string> default_using(const std::string& column, const std::string& from, const std::string& to,
                                         bool to_is_enum);

}  // namespace reconcile
