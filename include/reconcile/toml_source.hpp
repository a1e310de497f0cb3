// TOML desired state (format 1): loading files into the model and writing a model back as TOML.
#pragma once
#include <map>
#include <set>
#include <string>

#include "reconcile/model.hpp"

namespace reconcile {

/// Loads every *.toml under `dir` (recursively, in path order) into one model. Strict: unknown keys,
/// wrong value types, objects defined twice and dangling references throw Error with
/// file:line:col and the key path.
Model load_schema_dir(const std::string& dir);
/// Loads TOML documents given as (file name, text) pairs; same rules as load_schema_dir.
Model load_schema_texts(const std::vector<std::pair<std::string, std::string>>& files);
/// The (path, text) of every *.toml under `dir`, in path order: what load_schema_dir loads.
std::vector<std::pair<std::string, std::string>> read_schema_files(const std::string& dir);
/// The schemas that `files` most likely manage, from their section headers alone ([tables.x],
/// [schemas."a b"], [[functions."s.f"]]), without parsing them: a guess for reading the database
/// while the files load. Loading them says for sure (Model::managed_schemas).
std::set<std::string> guess_managed_schemas(const std::vector<std::pair<std::string, std::string>>& files);

/// The model as TOML format 1, one document per schema (key: schema name). Loading the result
/// gives back the same model.
std::map<std::string, std::string> write_schema_toml(const Model& model);
/// One document per table (key: "schema.table"), plus one per schema for its enums and the schema.
std::map<std::string, std::string> write_schema_toml_split(const Model& model);
/// The file name (without .toml) for a document key: `/`, `\`, `%`, control characters and a
/// leading dot percent-encoded, the rest kept, so that a name from the database (`../x`, `a/b`)
/// can never leave the output directory or collide with another.
std::string file_stem(const std::string& key);

}  // namespace reconcile
