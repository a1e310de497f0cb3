// Pieces the freeze writers share: the migration directory's files, the plan marker, step groups.
#pragma once
#include <string>
#include <vector>

#include "reconcile/freeze.hpp"

namespace reconcile {

/// The bytes of a file; throws Error naming it.
std::string read_text_file(const std::string& path);
/// Throws Error listing the differences when `dir` has a reconcile.sum and a file it records was
/// edited or removed; returns a warning for each file added since (freezing records it).
std::vector<std::string> check_sum_before_freeze(const std::string& dir);

/// The line that ties a frozen file to its plan: "reconcile-plan: <source> -> <target>".
std::string plan_marker(const Plan& plan);
/// The fingerprints of a marker line in `text`, or empty strings when there is none.
struct Marker {
  std::string source, target;
};
Marker find_marker(const std::string& text);

/// Throws Error when a file of `dir` already holds this plan's marker.
void check_not_frozen(const std::string& dir, const Plan& plan);
/// A warning when the plan does not start where `last_target` (the last frozen plan) ended.
std::string chain_warning(const Plan& plan, const std::string& last_file, const Marker& last);

/// Steps of one migration, up and down.
struct MigrationUnit {
  std::vector<const Step*> up;
  std::vector<const Step*> down;
  bool transactional = true;
};

/// The plan as one unit, or (`split`) its transactional steps as one unit and every other step as
/// a unit of its own. A reverse step goes down with the last unit that touches its object, else
/// with the first unit.
std::vector<MigrationUnit> migration_units(const Plan& plan, bool split);

/// "3 to create, 1 to alter, 0 to drop, 0 to rename"
std::string summary_line(const Plan& plan);
/// "step 4: create index public.ix [locks] (outside the transaction)"
std::string step_title(const Step& step);
/// The hazards of `steps`, sorted and unique.
Hazards hazards_of(const std::vector<const Step*>& steps);
std::string join_words(const std::vector<std::string>& words, const std::string& sep = ", ");

/// The statement that comes first when `steps` create or replace a function or procedure: as in
/// apply and in pg_dump's output, bodies are not checked when created, so they never force an
/// order ("" when there is none).
std::string function_bodies_setting(const std::vector<const Step*>& steps);

/// The Alembic revision file for the plan (alembic.cpp).
FreezeResult freeze_alembic(const FreezeRequest& request, const std::string& message, const std::string& slug);

}  // namespace reconcile
