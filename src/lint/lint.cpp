// Lint rules over the desired model and the pending plan. No I/O.
#include "reconcile/lint.hpp"

#include <algorithm>

#include "reconcile/object_ref.hpp"

namespace reconcile {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// True when some index, primary key or unique constraint starts with exactly `cols` (any order).
bool covered(const Table& t, const std::vector<std::string>& cols) {
  auto leads = [&](std::vector<std::string> keys) {
    if (keys.size() < cols.size()) return false;
    keys.resize(cols.size());
    std::vector<std::string> a = keys, b = cols;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
  };
  for (const auto& c : t.constraints)
    if ((c.kind == ConstraintKind::primary_key || c.kind == ConstraintKind::unique) && leads(c.columns)) return true;
  for (const auto& ix : t.indexes) {
    if (!ix.where.empty()) continue;
    std::vector<std::string> keys;
    for (const auto& k : ix.keys) {
      std::string col = k.substr(0, k.find(' '));
      if (!col.empty() && col.front() == '"') col = col.substr(1, col.size() - 2);
      keys.push_back(col);
    }
    if (leads(keys)) return true;
  }
  return false;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void lint_table(const Table& t, std::vector<Finding>& out) {
  std::string obj = "table " + t.name.str();
  if (!t.primary_key() && !t.is_partition()) out.push_back({"table-without-primary-key", obj, "table " + t.name.str() + " has no primary key", t.loc});
  for (const auto& c : t.columns) {
    std::string type = lower(c.type);
    if (type.rfind("timestamp", 0) == 0 && type.find("tz") == std::string::npos && type.find("with time zone") == std::string::npos)
      out.push_back({"timestamp-without-time-zone", "column " + t.name.str() + "." + c.name,
                     "column " + t.name.str() + "." + c.name + " is " + c.type + "; use timestamptz", c.loc});
  }
  for (const auto& c : t.constraints) {
    if (c.kind != ConstraintKind::foreign_key) continue;
    std::string what = "foreign key (" + join(c.columns) + ") on " + t.name.str() + " -> " + c.ref_table.str();
    if (!covered(t, c.columns))
      out.push_back({"fk-without-index", "table " + t.name.str(), what + " has no index whose leading columns cover it", c.loc});
    if (!c.on_delete_given)
      out.push_back({"fk-without-on-delete", "table " + t.name.str(), what + " does not say on_delete", c.loc});
  }
}

/// A SECURITY DEFINER routine runs with its owner's rights; without its own search_path, a caller
/// can put objects of the same names earlier in theirs and have them run with those rights.
void lint_function(const Function& f, std::vector<Finding>& out) {
  if (!f.security_definer) return;
  bool pinned = std::any_of(f.set.begin(), f.set.end(), [](const auto& s) { return lower(s.first) == "search_path"; });
  std::string obj = label(ref_of(f));
  if (!pinned)
    out.push_back({"security-definer-without-search-path", obj,
                   obj + " is security definer without set = { search_path = ... }: callers could make it run their objects "
                         "with its owner's rights", f.loc});
}

}  // namespace

const std::set<std::string>& lint_rules() {
  static const std::set<std::string> rules = {"fk-without-index", "fk-without-on-delete", "table-without-primary-key",
                                              "timestamp-without-time-zone", "security-definer-without-search-path",
                                              "plan-hazard"};
  return rules;
}

std::vector<Finding> lint(const Model& desired, const Plan* pending, const std::set<std::string>& disabled) {
  std::vector<Finding> all;
  for (const auto& [name, t] : desired.tables) lint_table(t, all);
  for (const auto& [ref, f] : desired.functions) lint_function(f, all);
  if (pending)
    for (const auto& s : pending->steps)
      if (!s.hazards.empty())
        all.push_back({"plan-hazard", s.object, "pending step " + std::to_string(s.id) + " (" + to_string(s.op) + " " + s.object +
                                                    ") is " + join(hazard_names(s.hazards)), s.origin});
  std::vector<Finding> out;
  for (auto& f : all)
    if (!disabled.count(f.rule)) out.push_back(std::move(f));
  return out;
}

}  // namespace reconcile
