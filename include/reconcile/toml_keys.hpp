// The keys of the desired-state format: one table, which the loader checks every file against and
// from which `reconcile schema json-schema` describes the format to editors.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace reconcile {

/// What a key's value is.
enum class KeyType {
  string,             ///< a string
  sql,                ///< a string holding SQL (a type, an expression, an index key)
  boolean,
  integer,
  number,             ///< an integer or a float
  strings,            ///< an array of strings
  table,              ///< a table of `section`'s keys
  tables,             ///< an array of tables of `section`'s keys
  strings_or_table,   ///< an array of strings (the columns), or a table of `section`'s keys
  entries,            ///< a table whose keys are object names, each a table of `section`'s keys
  entries_or_tables,  ///< entries, each a table of `section`'s keys or an array of them (overloads)
  values,             ///< a table of free keys, each a string, number or boolean
  string_values,      ///< a table of free keys, each a string
};

struct Section;

struct KeySpec {
  std::string name;
  KeyType type;
  std::string description;
  const Section* section = nullptr;  ///< table, tables, strings_or_table, entries, entries_or_tables
  std::vector<std::string> allowed;  ///< a string's values (compared ignoring case); empty: any
  bool required = false;
};

/// The keys of one kind of TOML table (a table, a column, a foreign key, ...).
struct Section {
  std::string name;  ///< "table", "column", ...: the JSON Schema's definition name
  std::string description;
  std::vector<KeySpec> keys;

  const KeySpec* find(std::string_view key) const;
  std::set<std::string> names() const;
};

/// The top level of a schema file ([tables.x], [enums.y], ...).
const Section& schema_file_keys();
/// A section of the format by its name ("table", "column", "foreign_key", ...). Throws
/// std::out_of_range for a name that is not one.
const Section& section_keys(const std::string& name);

/// The JSON Schema (draft-07) of a schema file, for editors (Taplo, Even Better TOML): every section
/// and key with its description, its type and its allowed values, unknown keys refused.
std::string desired_state_json_schema();

}  // namespace reconcile
