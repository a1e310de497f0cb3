// Text helpers shared by the TOML and JSON writers.
#pragma once
#include <string>
#include <string_view>

namespace reconcile {

/// A double-quoted string with \" \\ \n \t \r and \u00XX escapes: valid as a TOML basic string and
/// as a JSON string.
std::string quote_double(std::string_view text);

}  // namespace reconcile
