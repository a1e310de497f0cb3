// Application code generated from the desired schema (SPEC §12): SQLAlchemy declarative models and
// TypeScript types in the supabase-js `Database` shape. Pure text from a canonical model (types as
// the server spells them): no database, no files.
#pragma once
#include <string>
#include <vector>

#include "reconcile/model.hpp"

namespace reconcile {

/// One Python module: a declarative `Base`, the enums (shared by the tables that use them), and a
/// class per table (a `Table` when it has no primary key to map), with types, nullability, server
/// defaults, identities, generated columns, keys, foreign keys, checks, indexes and comments.
/// `sources` are the schema files it came from, named in its header. Works with SQLAlchemy 1.4 and 2.0.
std::string generate_sqlalchemy(const Model& canonical, const std::vector<std::string>& sources);

/// One TypeScript module: `export type Database = { schema: { Tables, Views, Enums, ... } }` with
/// Row / Insert / Update types per table and Row types per view, plus the `Tables<"name">` aliases.
std::string generate_typescript(const Model& canonical, const std::vector<std::string>& sources);

}  // namespace reconcile
