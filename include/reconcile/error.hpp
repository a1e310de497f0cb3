// Error: the one exception type whose message a user sees, with where it came from.
#pragma once
#include <stdexcept>
#include <string>

namespace reconcile {

/// Where a piece of desired state came from: `file:line:col` plus the TOML key path.
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;  ///< key path, e.g. tables.users.columns[2].type

  bool known() const { return !file.empty(); }
  /// "file:line:col: path" (or just the path, or "" when nothing is known).
  std::string str() const;
};

/// A failure the user must see. The message is complete and safe to print (no passwords).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
  Error(const SourceLoc& loc, const std::string& what)
      : std::runtime_error(loc.str().empty() ? what : loc.str() + ": " + what) {}
};

}  // namespace reconcile
