// Building a model in an empty shadow database: objects first, then tables in batches over two
// connections, then foreign keys, then views and policies.
#include <algorithm>
#include <future>
#include <set>

#include "reconcile/sql.hpp"
#include "shadow_internal.hpp"

namespace reconcile::shadow {
namespace {

/// Tables per batch when materializing a model (see build).
constexpr size_t kTablesPerBatch = 500;

/// The schema `public` as every new database has it: the starting point of a materialization.
Model empty_database() {
  Model base;
  base.schemas["public"] = Schema{"public", std::string("standard public schema"), {}};
  return base;
}

/// Schemas that the model's extensions live in but the model does not declare (an `extensions`
/// schema, say): created first, so that the extensions can be.
std::string extension_schemas_sql(const Model& m) {
  std::string out;
  for (const auto& [n, e] : m.extensions)
    if (!e.schema.empty() && e.schema != "public" && !m.schemas.count(e.schema))
      out += "CREATE SCHEMA IF NOT EXISTS " + quote_ident(e.schema) + ";\n";
  return out;
}

}  // namespace

Table without_references(Table t) {
  std::erase_if(t.constraints, [](const Constraint& c) { return c.kind == ConstraintKind::foreign_key; });
  t.policies.clear();
  return t;
}

namespace {

/// Runs the steps from `from` to `to` on `raw`; a failure goes to `rejected` (which throws).
void run_diff(RawConnection& raw, const std::string& prelude, const Model& from, const Model& to, const DiffOptions& options,
              const std::function<void(const ChunkFailure&)>& rejected) {
  std::vector<Step> steps = plan_steps(diff(from, to, options));  // the failure points into them
  if (auto f = run_in_chunks(raw, prelude, steps)) rejected(*f);
}

/// Whether a check or the default of domain `d` names a function of `model` (a superset: the
/// server says which it calls).
bool names_function(const Domain& d, const Model& model) {
  std::set<std::string> names;
  for (const auto& [ref, f] : model.functions) names.insert(ref.name.name);
  std::string text = d.default_expr.value_or("");
  for (const auto& k : d.checks) text += " " + k.expression;
  for (const auto& t : sql_tokens(text))
    if (t.identifier() && names.count(t.value)) return true;
  return false;
}

/// Runs `steps` one statement at a time, round after round while a round makes progress: a view's
/// or function's dependencies are not known before the server has it, so the order is found by
/// trying. Returns the steps that never ran, and in `first` the first failure of the last round.
std::vector<const Step*> run_by_trying(RawConnection& raw, const std::vector<Step>& steps, std::optional<ChunkFailure>& first) {
  std::vector<const Step*> pending;
  for (const auto& s : steps) pending.push_back(&s);
  while (!pending.empty()) {
    std::vector<const Step*> failed;
    first.reset();
    for (const Step* s : pending)
      if (auto failure = raw.run(s->sql)) {
        failed.push_back(s);
        if (!first) first = ChunkFailure{s, failure->byte_offset == std::string::npos ? 0 : failure->byte_offset, failure->message};
      }
    if (failed.size() == pending.size()) return failed;
    pending = failed;
  }
  return {};
}

}  // namespace

/// Builds `model` in an empty shadow database: its schemas, enums and extensions first; then its
/// tables without their foreign keys, kTablesPerBatch at a time, each batch split over the two
/// connections (such tables never touch each other, and the server works on two cores); then the
/// foreign keys, on one connection (two could deadlock on the tables a key joins). One batch's
/// changes and steps are held at a time, not a copy of the whole schema. A failure goes to
/// `rejected`, which throws.
void build(RawConnection& raw, RawConnection& second, const Model& model, bool grants,
           const std::function<void(const ChunkFailure&)>& rejected) {
  const DiffOptions options{false, grants};
  // Sequences first without their owners: the columns that own them come later.
  Model objects = model.with_tables({});
  for (auto& [name, s] : objects.sequences) s.owned_by.reset();
  objects.views.clear();  // last, over the tables
  objects.materialized_views.clear();
  objects.functions.clear();
  // A domain whose check or default names a function of the model is made with the functions.
  std::map<QName, Domain> calling;
  for (auto it = objects.domains.begin(); it != objects.domains.end();)
    if (names_function(it->second, model)) {
      calling.insert(*it);
      it = objects.domains.erase(it);
    } else {
      ++it;
    }
  run_diff(raw, extension_schemas_sql(model), empty_database(), objects, options, rejected);
  // Functions before the tables whose defaults, checks and triggers call them; those that need a
  // table (its row type) once the tables are there.
  Model with_functions = objects;
  with_functions.functions = model.functions;
  with_functions.domains.insert(calling.begin(), calling.end());
  std::optional<ChunkFailure> tried;
  std::set<ObjectRef> unbuilt;
  std::vector<Step> function_steps = plan_steps(diff(objects, with_functions, options));
  for (const Step* s : run_by_trying(raw, function_steps, tried))
    if (s->ref) unbuilt.insert(*s->ref);
  for (const auto& [name, d] : calling)
    if (unbuilt.count(ref_of(d))) rejected(*tried);
  objects.domains.insert(calling.begin(), calling.end());
  // A default that calls nextval() may name another table's sequence, and a partition or a table
  // that inherits needs its parent: such tables come after the others, on one connection.
  auto later_table = [](const Table& t) {
    return t.is_partition() || !t.inherits.empty() || std::any_of(t.columns.begin(), t.columns.end(), [](const Column& c) {
             return c.default_expr && c.default_expr->find("nextval(") != std::string::npos;
           });
  };
  for (auto begin = model.tables.begin(); begin != model.tables.end();) {
    Model halves[2] = {objects, objects};
    for (size_t n = 0; n < kTablesPerBatch && begin != model.tables.end(); ++begin)
      if (!later_table(begin->second)) halves[n++ % 2].tables.emplace(begin->first, without_references(begin->second));
    std::vector<Step> steps[2] = {plan_steps(diff(objects, halves[0], options)),
                                  plan_steps(diff(objects, halves[1], options))};
    auto other = std::async(std::launch::async, [&] { return run_in_chunks(second, "", steps[1]); });
    auto failure = run_in_chunks(raw, "", steps[0]);
    auto other_failure = other.get();
    if (failure) rejected(*failure);
    if (other_failure) rejected(*other_failure);
  }
  Model later = objects;
  for (const auto& [name, t] : model.tables)
    if (later_table(t)) later.tables.emplace(name, without_references(t));
  // The parents built already are on both sides: what a table inherits is told from them.
  Model built = objects;
  for (const auto& [name, t] : later.tables)
    for (const QName& p : t.inherits)
      if (const Table* parent = model.find_table(p); parent && !later_table(*parent)) {
        built.tables.emplace(p, without_references(*parent));
        later.tables.emplace(p, without_references(*parent));
      }
  if (!later.tables.empty()) run_diff(raw, "", built, later, options, rejected);
  for (auto begin = model.tables.begin(); begin != model.tables.end();) {
    Model before = objects, after = objects;
    for (size_t n = 0; n < kTablesPerBatch && begin != model.tables.end(); ++n, ++begin) {
      before.tables.emplace(begin->first, without_references(begin->second));
      Table keyed = begin->second;
      keyed.policies.clear();
      after.tables.emplace(begin->first, std::move(keyed));
    }
    run_diff(raw, "", before, after, options, rejected);
  }
  // Then their owners, those built here (not a table taken from the cache, nor a column that a copy
  // for verification left out).
  Model owned = objects;
  for (auto& [name, s] : owned.sequences) {
    const auto& owner = model.sequences.at(name).owned_by;
    const Table* t = owner ? model.find_table(owner->table) : nullptr;
    if (t && t->find_column(owner->column)) s.owned_by = owner;
  }
  run_diff(raw, "", objects, owned, options, rejected);
  Model viewed = owned;
  viewed.views = model.views;
  viewed.materialized_views = model.materialized_views;
  for (const auto& [ref, f] : model.functions)
    if (unbuilt.count(ref)) viewed.functions.emplace(ref, f);
  // Policies last: their expressions may read any table, view or function.
  std::vector<Change> late_changes = diff(owned, viewed, options);
  for (const auto& [name, t] : model.tables)
    for (const auto& p : t.policies) late_changes.push_back(Create<Policy>{p});
  std::vector<Step> late = plan_steps(late_changes);
  if (!run_by_trying(raw, late, tried).empty()) rejected(*tried);
}

}  // namespace reconcile::shadow
