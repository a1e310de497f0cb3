// Error: the one exception type whose message a user sees, with where it came from.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>

namespace reconcile {

/// An immutable string shared by its copies: a source location is copied into every step and
/// canonical object made from a declaration, and a large schema has hundreds of thousands.
class SharedText {
 public:
  SharedText() = default;
  SharedText(std::shared_ptr<const std::string> text) : text_(std::move(text)) {}
  SharedText(std::string text) : text_(std::make_shared<const std::string>(std::move(text))) {}
  SharedText(const char* text) : SharedText(std::string(text)) {}
  const std::string& str() const {
    static const std::string empty;
    return text_ ? *text_ : empty;
  }
  operator const std::string&() const { return str(); }
  bool empty() const { return str().empty(); }

 private:
  std::shared_ptr<const std::string> text_;
};

/// Where a piece of desired state came from: `file:line:col` plus the TOML key path.
struct SourceLoc {
  SharedText file;
  int line = 0;
  int column = 0;
  SharedText path;  ///< key path, e.g. tables.users.columns[2].type

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
