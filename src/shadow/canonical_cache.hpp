// What the shadow taught us: table declaration -> its canonical form, kept on disk so that a
// declaration canonicalized once is not materialized again.
#pragma once
#include <map>
#include <string>

namespace reconcile {

/// The cache file for one server version and reconcile version, under RECONCILE_CACHE_DIR, else
/// $XDG_CACHE_HOME/reconcile, else ~/.cache/reconcile. A cache that cannot be read or written is
/// simply empty: it only ever saves work. Values must not contain newlines.
class CanonicalCache {
 public:
  explicit CanonicalCache(const std::string& context);
  /// The value recorded for a key (an encoded canonical table), or "".
  std::string get(const std::string& key) const;
  void put(const std::string& key, const std::string& value);
  /// Writes new entries (atomically: a temporary file renamed over the old one).
  void save() const;

 private:
  std::string path_;
  std::map<std::string, std::string> entries_;
  bool changed_ = false;
};

}  // namespace reconcile
