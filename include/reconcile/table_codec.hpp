// A canonical table (and a model's other objects) as one line of text and back, for the
// canonicalization cache.
#pragma once
#include <optional>
#include <string>

#include "reconcile/model.hpp"

namespace reconcile {

/// The schema of `table` (names, columns, constraints, indexes, comments; no hints, no source
/// locations) as one line without tabs or newlines.
std::string encode_table(const Table& table);
/// The table `encode_table` wrote; nullopt for text it did not write.
std::optional<Table> decode_table(const std::string& line);

/// The schemas, enums and extensions of `model` (no hints, no source locations) as one line.
std::string encode_objects(const Model& model);
/// A model holding only what `encode_objects` wrote; nullopt for text it did not write.
std::optional<Model> decode_objects(const std::string& line);

}  // namespace reconcile
