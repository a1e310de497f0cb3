// A canonical table as one line of text and back, for the canonicalization cache.
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

}  // namespace reconcile
