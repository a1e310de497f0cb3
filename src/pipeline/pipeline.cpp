// The plan pipeline: load, introspect, canonicalize, diff, order, gate, verify, reverse.
#include "reconcile/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <malloc.h>
#include <map>

#include "reconcile/sql.hpp"
#include "reconcile/toml_source.hpp"
#include "reconcile/types.hpp"

namespace reconcile {
namespace {

std::string format_time(const char* fmt) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

void refuse_destructive(const Plan& plan) {
  auto steps = destructive_steps(plan);
  if (steps.empty()) return;
  std::string list;
  for (const Step* s : steps) list += "\n  - " + s->object;
  throw Error("the plan has destructive steps (they drop data); review them and re-run with --allow-destructive:" + list);
}

/// Replays the steps on a copy of the live schema; the result must equal the desired model.
Shadow::Replay verify(Shadow& shadow, const Model& live, const Model& desired, const std::vector<Step>& steps,
                      const std::set<std::string>& scope, bool grants) {
  Shadow::Replay replay = shadow.replay(live, steps, scope, grants);
  auto left = diff(replay.result, desired, DiffOptions{false, grants});
  if (!left.empty()) {
    std::string what;
    for (const auto& c : left) what += "\n  - " + describe(c);
    throw Error("verification failed: after replaying the plan on a copy of the live schema, these objects still differ "
                "from the desired state:" + what);
  }
  return replay;
}

/// The tables verification replays: the `touched` ones, and every table joined to one of them by a
/// foreign key in either model (a step on a table can fail because of a key pointing at it).
std::set<QName> verification_tables(const std::set<QName>& touched, const Model& live, const Model& desired) {
  std::set<QName> out = touched;
  for (const Model* m : {&live, &desired})
    for (const auto& [name, t] : m->tables)
      for (const auto& k : t.constraints)
        if (k.kind == ConstraintKind::foreign_key && (touched.count(name) || touched.count(k.ref_table))) {
          out.insert(name);
          out.insert(k.ref_table);
        }
  return out;
}

/// The tables that must be copied along with `name` in `m` for it to be built and for what a
/// change to it reaches: the tables its policies read (a subquery), its partitioned parent and its
/// partitions, the tables it inherits from and those that inherit from it (a change to a parent's
/// column reaches them).
std::set<QName> family(const Model& m, const QName& name) {
  std::set<QName> out;
  const Table* t = m.find_table(name);
  if (!t) return out;
  for (const auto& p : t->policies)
    for (const auto& r : p.depends_on)
      if ((r.kind == ObjectKind::table || r.kind == ObjectKind::column) && m.find_table(r.name)) out.insert(r.name);
  if (t->is_partition()) out.insert(t->partition_of);
  if (!t->partition_by.empty())
    for (const auto& [other, o] : m.tables)
      if (o.partition_of == name) out.insert(other);
  out.insert(t->inherits.begin(), t->inherits.end());
  for (const QName& child : inheriting(m, name)) out.insert(child);
  return out;
}

/// `tables` and their families (family()) in either model, and theirs, and so on.
std::set<QName> with_families(std::set<QName> tables, const Model& live, const Model& desired) {
  for (std::set<QName> next = tables; !next.empty();) {
    std::set<QName> found;
    for (const Model* m : {&live, &desired})
      for (const QName& name : next)
        for (const QName& other : family(*m, name))
          if (tables.insert(other).second) found.insert(other);
    next = std::move(found);
  }
  return tables;
}

/// The keys foreign keys point at, table -> the column sets referenced.
using ReferencedKeys = std::map<QName, std::set<std::set<std::string>>>;

/// The keys that the foreign keys of the tables `part` point at, in either model.
ReferencedKeys referenced_keys(const std::set<QName>& part, const Model& live, const Model& desired) {
  ReferencedKeys out;
  for (const Model* m : {&live, &desired})
    for (const QName& name : part)
      if (const Table* t = m->find_table(name))
        for (const auto& k : t->constraints)
          if (k.kind == ConstraintKind::foreign_key) out[k.ref_table].insert({k.ref_columns.begin(), k.ref_columns.end()});
  return out;
}

/// A table that verification needs only for what a step elsewhere can run into: its foreign keys
/// within `part`, and the keys that foreign keys in the part point at (`keys`: a key no foreign key
/// uses is left out, with its columns: every relation, index and TOAST table is a file the server
/// creates and deletes), the columns of both without defaults or identity.
void reduce_to_keys(Table& t, const std::set<QName>& part, const std::set<std::set<std::string>>& keys) {
  auto referenced = [&](const std::set<std::string>& columns) { return keys.count(columns) > 0; };
  std::erase_if(t.constraints, [&](const Constraint& k) {
    if (k.kind == ConstraintKind::foreign_key) return !part.count(k.ref_table);
    return k.kind == ConstraintKind::check || !referenced({k.columns.begin(), k.columns.end()});
  });
  // A foreign key can use a unique index on plain columns (an operator class may follow each),
  // without a predicate.
  std::erase_if(t.indexes, [&](const Index& i) {
    std::set<std::string> columns;
    for (const auto& key : i.keys) columns.insert(index_key_column(key));
    return !i.unique || !i.where.empty() || columns.count("") || !referenced(columns);
  });
  std::set<std::string> keep;
  for (const auto& k : t.constraints) keep.insert(k.columns.begin(), k.columns.end());
  for (const auto& i : t.indexes) {
    for (const auto& key : i.keys) keep.insert(index_key_column(key));
    keep.insert(i.include.begin(), i.include.end());
  }
  std::erase_if(t.columns, [&](const Column& c) { return !keep.count(c.name); });
  t.triggers.clear();
  t.policies.clear();
  t.row_level_security = t.force_row_level_security = false;
  for (auto& c : t.columns) {
    c.default_expr.reset();
    c.generated.reset();
    c.identity = Identity::none;
    c.comment.reset();
  }
  t.comment.reset();
}

/// The tables `part` of `m` for verification: those the plan changes are whole, the others (their
/// neighbours, and tables it drops) are reduced to the keys in `keys` (referenced_keys): each
/// statement costs, and a neighbour is the same before and after the plan.
Model verification_part(const Model& m, const std::set<QName>& part, const std::set<QName>& whole, const ReferencedKeys& keys) {
  static const std::set<std::set<std::string>> none;
  Model out = m.with_tables(part);
  // A partition key needs its columns, and a table that inherits its parents'.
  auto family = [&](const QName& name, const Table& t) {
    return !t.partition_by.empty() || t.is_partition() || !t.inherits.empty() || !inheriting(out, name).empty();
  };
  for (auto& [name, t] : out.tables)
    if (!whole.count(name) && !family(name, t)) {
      auto k = keys.find(name);
      reduce_to_keys(t, part, k == keys.end() ? none : k->second);
    }
  // Views and functions only over what is copied whole (those the plan changes are: it touches
  // their tables), and over one another as far as they are kept.
  auto copied = [&](const ObjectRef& r) {
    if (r.kind == ObjectKind::table || r.kind == ObjectKind::column) return whole.count(r.name) > 0;
    if (r.kind == ObjectKind::view) return out.views.count(r.name) > 0;
    if (r.kind == ObjectKind::materialized_view) return out.materialized_views.count(r.name) > 0;
    if (r.kind == ObjectKind::function || r.kind == ObjectKind::procedure) return out.functions.count(r) > 0;
    return true;
  };
  auto prune = [&](auto& objects) {
    bool pruned = false;
    for (auto it = objects.begin(); it != objects.end();) {
      const auto& deps = it->second.depends_on;
      bool keep = std::all_of(deps.begin(), deps.end(), copied);
      it = keep ? std::next(it) : objects.erase(it);
      pruned = pruned || !keep;
    }
    return pruned;
  };
  while (prune(out.views) || prune(out.materialized_views) || prune(out.functions)) {
  }
  return out;
}

/// The touched tables that verification copies whole: all but the ones the plan drops, unless a
/// view or function that the plan drops or changes uses them (it is built in the copy first).
std::set<QName> changed_tables(const std::set<QName>& touched, const std::vector<Change>& changes) {
  std::set<QName> out = touched, used;
  for (const auto& c : changes)
    std::visit(
        [&](const auto& ch) {
          if constexpr (requires { ch.object.depends_on.front().kind; })
            for (const auto& r : ch.object.depends_on)
              if (r.kind == ObjectKind::table || r.kind == ObjectKind::column) used.insert(r.name);
        },
        c);
  for (const auto& c : changes)
    if (auto* d = std::get_if<DropTable>(&c); d && !used.count(d->table.name)) out.erase(d->table.name);
  return out;
}

/// The whole schema after the plan: `live` with the touched tables replaced by what the replay
/// left of them (their neighbours are unchanged by definition).
Model merge_replayed(const Model& live, const std::set<QName>& touched, const Model& copy, Model result) {
  std::map<QName, Table> replayed = std::move(result.tables);
  Model out = std::move(result);
  out.tables.clear();
  for (const auto& [name, t] : live.tables)
    if (!touched.count(name)) out.tables.emplace(name, t);
  for (auto& [name, t] : replayed)
    if (touched.count(name)) out.tables[name] = std::move(t);
  // Views the replay did not copy are as they are.
  for (const auto& [name, v] : live.views)
    if (!copy.views.count(name)) out.views.emplace(name, v);
  for (const auto& [ref, f] : live.functions)
    if (!copy.functions.count(ref)) out.functions.emplace(ref, f);
  for (const auto& [name, v] : live.materialized_views)
    if (!copy.materialized_views.count(name)) out.materialized_views.emplace(name, v);
  // A sequence owned by a table the replay did not copy could not be given its owner there.
  for (auto& [name, s] : out.sequences)
    if (auto it = live.sequences.find(name); it != live.sequences.end() && it->second.owned_by &&
                                             !touched.count(it->second.owned_by->table))
      s.owned_by = it->second.owned_by;
  return out;
}

/// A destructive change to a prevent_destroy table, sequence or materialized view fails the plan,
/// --allow-destructive or not. An object is protected while its declaration says so, or, once
/// removed from the files, while the last applied plan recorded it as protected.
void check_prevent_destroy(const std::vector<Change>& changes, const Model& desired, const AppliedState& applied) {
  auto is_protected = [&](const QName& t) {
    if (const Table* d = desired.find_table(t)) return d->prevent_destroy;
    return std::count(applied.protected_tables.begin(), applied.protected_tables.end(), t.str()) > 0;
  };
  auto object_protected = [&](const auto& live, const auto& declared) {
    auto it = declared.find(live.name);
    if (it != declared.end()) return it->second.prevent_destroy;
    return std::count(applied.protected_objects.begin(), applied.protected_objects.end(), label(ref_of(live))) > 0;
  };
  std::string list;
  for (const auto& c : changes) {
    if (auto* d = std::get_if<DropTable>(&c); d && is_protected(d->table.name))
      list += "\n  - drop table " + d->table.name.str();
    if (auto* d = std::get_if<DropColumn>(&c); d && is_protected(d->table))
      list += "\n  - drop column " + d->table.str() + "." + d->column.name;
    if (auto* d = std::get_if<Drop<Sequence>>(&c); d && object_protected(d->object, desired.sequences))
      list += "\n  - drop " + label(ref_of(d->object));
    if (auto* d = std::get_if<Drop<MaterializedView>>(&c); d && object_protected(d->object, desired.materialized_views))
      list += "\n  - drop " + label(ref_of(d->object));
  }
  if (!list.empty())
    throw Error("the plan would destroy data that prevent_destroy = true protects (--allow-destructive does not override it):" +
                list + "\nTo allow it, first remove prevent_destroy from its declaration and apply that, then plan again.");
}

/// A step that changes a column or a check of a table that others inherit from changes theirs too
/// (the server passes it on): its detail names them.
void note_inheritance(std::vector<Step>& steps, const Model& live, const Model& desired) {
  for (auto& s : steps) {
    if (!s.ref || s.sql.rfind("COMMENT ON", 0) == 0) continue;
    const ObjectRef& r = *s.ref;
    auto passed_check = [&](const Model& m) {
      const Table* t = m.find_table(r.name);
      return t && std::any_of(t->constraints.begin(), t->constraints.end(), [&](const Constraint& k) {
               return k.name == r.sub && k.kind == ConstraintKind::check && !k.no_inherit;
             });
    };
    bool passed = r.kind == ObjectKind::column || (r.kind == ObjectKind::constraint && (passed_check(live) || passed_check(desired)));
    if (!passed) continue;
    std::set<QName> children;  // and theirs
    for (const Model* m : {&live, &desired})
      for (std::vector<QName> next{r.name}; !next.empty();) {
        QName parent = next.back();
        next.pop_back();
        for (const QName& child : inheriting(*m, parent))
          if (children.insert(child).second) next.push_back(child);
      }
    std::string list;
    for (const QName& child : children) list += (list.empty() ? "" : ", ") + child.str();
    if (!list.empty()) s.detail += std::string(s.detail.empty() ? "" : "; ") + "passed on to the tables that inherit from " + r.name.str() + ": " + list;
  }
}

/// The live model with the forward plan's renames as hints pointing back, so that the reverse plan
/// renames back instead of dropping and re-creating.
Model with_reverse_hints(Model live, const std::vector<Change>& forward) {
  std::map<QName, QName> original;  // table name after the plan -> before
  for (const auto& c : forward)
    if (auto* r = std::get_if<RenameTable>(&c)) {
      original[r->table.name] = r->from;
      if (auto it = live.tables.find(r->from); it != live.tables.end()) it->second.renamed_from = r->table.name;
    }
  for (const auto& c : forward) {
    if (auto* r = std::get_if<RenameColumn>(&c)) {
      QName t = original.count(r->table) ? original[r->table] : r->table;
      if (auto it = live.tables.find(t); it != live.tables.end())
        if (Column* col = it->second.find_column(r->from)) col->renamed_from = r->to;
    } else if (auto* v = std::get_if<RenameEnumValue>(&c)) {
      if (auto it = live.enums.find(v->enumeration); it != live.enums.end()) it->second.renamed_values[v->from] = v->to;
    }
  }
  return live;
}

}  // namespace

/// The process's peak resident memory so far (VmHWM), in MB; 0 where /proc does not say.
long peak_memory_mb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6) / 1024;
  return 0;
}

std::string utc_now_rfc3339() { return format_time("%Y-%m-%dT%H:%M:%SZ"); }
std::string utc_now_compact() { return format_time("%Y%m%dT%H%M%SZ"); }

std::string unmanaged_warning(const Model& live) {
  std::string out;
  for (const auto& u : live.unmanaged) out += (out.empty() ? "" : ", ") + u.kind + " " + u.name.str();
  if (!out.empty()) out = std::to_string(live.unmanaged.size()) + " object(s) that reconcile does not manage are left alone: " + out;
  std::string props;
  for (const auto& [table, p] : live.uncarried) props += (props.empty() ? "" : ", ") + p;
  if (!props.empty())
    out += std::string(out.empty() ? "" : "; ") + "properties reconcile does not carry yet (inspect does not write them; plans "
           "neither compare nor change them, and a table built again would lack them): " + props;
  return out;
}

Model canonical_schema(const std::string& conninfo, const std::string& shadow_url, const std::string& schema_dir,
                       std::vector<std::string>& sources) {
  auto files = read_schema_files(schema_dir);
  for (const auto& [path, text] : files) sources.push_back(std::filesystem::path(path).lexically_normal().generic_string());
  Model desired = load_schema_texts(files);
  Shadow shadow(conninfo, shadow_url);
  return shadow.canonicalize(std::move(desired));
}

PlanOutcome make_plan(const PlanRequest& req) {
  PlanOutcome out;
  auto started = std::chrono::steady_clock::now();
  auto phase = [&](const char* what) {
    spdlog::debug("{:.3f} s, {} MB peak: {}", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                  peak_memory_mb(), what);
  };
  // The database is read while the files load and are canonicalized (each takes a core): for the
  // schemas the files' section headers name and those the last applied plan managed. Loaded, the
  // files say which schemas the plan manages; the read is kept when it covers them, else the
  // database is read again for them. A file error still comes first: it is thrown once the read
  // has finished.
  auto files = read_schema_files(req.schema_dir);
  const std::set<std::string> guess = guess_managed_schemas(files);
  std::vector<std::string> guess_exclude = req.exclude;
  for (auto& pattern : bookkeeping_excludes(Model{})) guess_exclude.push_back(pattern);
  auto reading = std::async(std::launch::async, [&] {
    AppliedState applied = read_applied_state(req.conninfo);
    std::set<std::string> read = guess;
    read.insert(applied.managed_schemas.begin(), applied.managed_schemas.end());
    Model live = inspect_database(req.conninfo, InspectScope{read, guess_exclude, false, req.manage_grants});
    return std::tuple{std::move(applied), std::move(read), std::move(live)};
  });
  Model desired = load_schema_texts(files);
  files = {};
  if (!req.manage_grants && drop_grants(desired))
    out.warnings.push_back("the files declare grants, which are left alone: grants are managed only with manage = [\"grants\"] "
                           "in reconcile.toml (or --manage grants)");
  phase("loaded the schema files");
  std::set<std::string> scope = desired.managed_schemas();
  std::vector<std::string> exclude = req.exclude;
  for (auto& pattern : bookkeeping_excludes(desired)) exclude.push_back(pattern);
  // The files are canonicalized (from the cache, else in the shadow) while the database is still
  // being read.
  Shadow shadow(req.conninfo, req.shadow_url);
  Model canonical = shadow.canonicalize(std::move(desired));  // it carries the hints and locations still needed
  phase("canonicalized the desired schema");
  auto [applied, read, live] = reading.get();
  malloc_trim(0);  // what the reading thread and the documents freed, back to the system, not kept in its arena
  scope.insert(applied.managed_schemas.begin(), applied.managed_schemas.end());
  if (exclude == guess_exclude && std::includes(read.begin(), read.end(), scope.begin(), scope.end())) {
    live.keep_schemas(scope);
  } else {
    live = inspect_database(req.conninfo, InspectScope{scope, exclude, false, req.manage_grants});
  }
  if (auto w = unmanaged_warning(live); !w.empty()) out.warnings.push_back(w);
  phase("inspected the database");
  // The server waits while the plan is diffed and checked: the live model's fingerprint is taken
  // meanwhile, on the other core.
  auto source_fingerprint = std::async(std::launch::async, [&live] { return fingerprint(live); });
  auto changes = diff(live, canonical, DiffOptions{false, req.manage_grants});
  phase("diffed");
  check_unmanaged_blockers(changes, live);
  // Forward plans never drop an extension (other objects, and other teams, may use it): say so
  // for one installed in a managed schema that the files do not declare.
  for (const auto& [name, e] : live.extensions)
    if (!canonical.extensions.count(name) && scope.count(e.schema))
      out.warnings.push_back("extension " + name + " (in schema " + e.schema + ") is installed but not declared: plans never drop "
                             "an extension; declare it, or drop it by hand if nothing uses it");
  check_prevent_destroy(changes, canonical, applied);
  Plan& plan = out.plan;
  for (const auto& [name, t] : canonical.tables)
    if (t.prevent_destroy) plan.protected_tables.push_back(name.str());
  for (const auto& [name, s] : canonical.sequences)
    if (s.prevent_destroy) plan.protected_objects.push_back(label(ref_of(s)));
  for (const auto& [name, v] : canonical.materialized_views)
    if (v.prevent_destroy) plan.protected_objects.push_back(label(ref_of(v)));
  check_data(req.conninfo, changes, live);
  phase("checked the data");

  plan.reconcile_version = req.version;
  plan.created_at = utc_now_rfc3339();
  plan.database = redact_conninfo(req.conninfo);
  plan.managed_schemas.assign(scope.begin(), scope.end());
  plan.exclude = exclude;
  if (req.manage_grants) plan.manage = {"grants"};
  plan.protection_changed = plan.protected_tables != applied.protected_tables || plan.protected_objects != applied.protected_objects;
  plan.source_fingerprint = source_fingerprint.get();
  plan.steps = plan_steps(changes, req.render);
  note_inheritance(plan.steps, live, canonical);
  summarize(plan);
  if (!req.allow_destructive) refuse_destructive(plan);

  Model after;
  if (req.verify && !plan.steps.empty()) {
    // Only the part of the schema the plan touches is copied and replayed: cost follows the change.
    std::set<QName> touched = with_families(touched_tables(changes), live, canonical);
    std::set<QName> part = with_families(verification_tables(touched, live, canonical), live, canonical);
    std::set<QName> whole = changed_tables(touched, changes);
    ReferencedKeys keys = referenced_keys(part, live, canonical);
    Model copy = verification_part(live, part, whole, keys);
    Model wanted = verification_part(canonical, part, whole, keys);
    add_reference_stubs(copy, scope, &wanted);
    // The tables the plan does not touch are as they are today, but for what the renames change in
    // them (a foreign key follows its table's new name): the same rules the differ used. Without
    // renames they are the live ones, uncopied.
    bool renames = has_rename_hints(canonical);
    Model renamed;
    if (renames) {
      renamed = live;
      resolve_renames(renamed, canonical);
    }
    const Model& untouched = renames ? renamed : live;
    canonical = Model{};  // what verification needs of it is in `wanted`: not held through the replay
    Shadow::Replay replay = verify(shadow, copy, wanted, plan.steps, scope, req.manage_grants);
    shadow.release();  // dropped while the result is merged and the reverse planned
    wanted = Model{};
    copy.tables.clear();  // merging needs only which views and functions it copied
    after = merge_replayed(untouched, touched, copy, std::move(replay.result));
    plan.target_fingerprint = fingerprint(after);
    bool outside = std::any_of(plan.steps.begin(), plan.steps.end(), [](const Step& s) { return !s.transactional; });
    plan.transaction_fingerprint =
        outside ? fingerprint(merge_replayed(untouched, touched, copy, std::move(replay.after_transaction))) : plan.target_fingerprint;
    phase("verified the plan");
  } else {
    if (plan.steps.empty()) plan.target_fingerprint = plan.transaction_fingerprint = plan.source_fingerprint;
    after = std::move(canonical);
  }
  plan.tables = sketch_tables(changes, live, after);
  if (changes.empty()) return out;  // nothing to reverse
  try {
    plan.reverse_steps = plan_steps(diff(after, with_reverse_hints(std::move(live), changes), DiffOptions{true, req.manage_grants}));
    mark_irreversible(plan.steps, plan.reverse_steps);
    phase("planned the reverse");
  } catch (const Error& e) {
    out.warnings.push_back(std::string("no reverse steps for this plan: ") + e.what());
  }
  return out;
}

}  // namespace reconcile
