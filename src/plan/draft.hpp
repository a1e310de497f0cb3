// StepDraft: a step before ordering, with the dependency keys the graph is built from.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "reconcile/plan.hpp"

namespace reconcile {

/// Keys are ObjectRefs: objects (table public.orders, column public.orders.id, ...) and the facts
/// the ordering tracks (a type by name, a key's columns, a filled column). A step that `creates` K runs before every step that `uses` K; a step that `drops` K runs after
/// every dropping step that `uses` K and every step that `releases` K (stops using it), and before
/// a step that creates K again. Non-drop steps run after the step that creates what they use.
struct StepDraft {
  Step step;
  int rank = 0;  ///< tie-break: lower runs first
  bool is_drop = false;
  /// Runs before the transaction, committed on its own (ALTER TYPE ... ADD VALUE: a value is usable
  /// only once committed). Its dependents stay in the transaction.
  bool leads = false;
  std::set<ObjectRef> creates;
  std::set<ObjectRef> drops;
  std::set<ObjectRef> uses;
  std::set<ObjectRef> releases;
};

/// The draft of the step that makes `change`: its SQL, identity, label, hazards and dependency keys.
StepDraft render(const Change& change, const RenderOptions& options = {});

/// Adds what `change` creates, drops, uses and releases to `draft`'s keys (dependencies.cpp).
void add_dependencies(const Change& change, StepDraft& draft);

/// The hazards of the step that makes `change` (hazards.cpp).
Hazards hazards_of(const Change& change, const RenderOptions& options);

/// Orders drafts topologically (ties by rank, object, sql) and numbers them from 1.
std::vector<Step> order_drafts(std::vector<StepDraft> drafts);

}  // namespace reconcile
