// Lint: rules a careful reviewer would apply to a desired schema, each with an id that can be disabled.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "reconcile/model.hpp"
#include "reconcile/plan.hpp"

namespace reconcile {

struct Finding {
  std::string rule;    ///< fk-without-index | fk-without-on-delete | table-without-primary-key |
                       ///< timestamp-without-time-zone | security-definer-without-search-path | plan-hazard
  std::string object;  ///< e.g. "table public.orders"
  std::string message;
  SourceLoc loc;
};

/// The rule ids lint knows.
const std::set<std::string>& lint_rules();

/// Findings for the desired model and (when given) the pending plan's hazards, without the
/// `disabled` rules, in a stable order.
std::vector<Finding> lint(const Model& desired, const Plan* pending, const std::set<std::string>& disabled);

}  // namespace reconcile
