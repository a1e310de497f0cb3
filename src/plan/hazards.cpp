// Why a change deserves a reviewer's attention. One exhaustive visitor: a new change kind does
// not compile until it says what it risks.
#include <algorithm>

#include "draft.hpp"
#include "reconcile/types.hpp"

namespace reconcile {
namespace {

struct HazardRules {
  const RenderOptions& options;

  Hazards operator()(const CreateSchema&) const { return {}; }
  Hazards operator()(const DropSchema&) const { return {Hazard::destructive}; }
  Hazards operator()(const SetSchemaComment&) const { return {}; }
  Hazards operator()(const CreateExtension&) const { return {}; }
  Hazards operator()(const DropExtension&) const { return {Hazard::destructive}; }
  Hazards operator()(const CreateEnum&) const { return {}; }
  Hazards operator()(const DropEnum&) const { return {Hazard::destructive}; }
  Hazards operator()(const AddEnumValue&) const { return {}; }
  Hazards operator()(const SetEnumComment&) const { return {}; }
  Hazards operator()(const RenameEnumValue&) const { return {}; }
  Hazards operator()(const RebuildEnum& c) const {
    // Every column of the type is rewritten; rows holding a removed value cannot convert.
    if (removed_values(c).empty()) return {Hazard::rewrite};
    return {Hazard::destructive, Hazard::may_fail, Hazard::rewrite};
  }
  Hazards operator()(const CreateTable&) const { return {}; }
  Hazards operator()(const DropTable&) const { return {Hazard::destructive}; }
  Hazards operator()(const RenameTable&) const { return {}; }
  Hazards operator()(const SetTableComment&) const { return {}; }
  Hazards operator()(const SetReplicaIdentity&) const { return {}; }
  Hazards operator()(const SetRowSecurity&) const { return {}; }
  Hazards operator()(const SetGrants&) const { return {}; }
  /// SET LOGGED / UNLOGGED writes the table anew; storage parameters apply to new rows only.
  Hazards operator()(const SetTableStorage& c) const {
    return c.unlogged != c.was_unlogged ? Hazards{Hazard::rewrite, Hazard::locks} : Hazards{};
  }
  // Attaching scans the table (its rows must fit the bound); detaching locks the parent.
  Hazards operator()(const AttachPartition&) const { return {Hazard::may_fail, Hazard::locks}; }
  Hazards operator()(const DetachPartition&) const { return {Hazard::locks}; }
  Hazards operator()(const InheritTable&) const { return {Hazard::may_fail, Hazard::locks}; }  // its rows must pass the checks
  Hazards operator()(const NoInheritTable&) const { return {Hazard::locks}; }
  Hazards operator()(const AddColumn& c) const {
    const Column& col = c.column;
    if (col.generated) return {Hazard::rewrite};
    if (!col.nullable && !col.default_expr && col.identity == Identity::none) return {Hazard::may_fail};  // existing rows have no value
    return {};
  }
  Hazards operator()(const DropColumn&) const { return {Hazard::destructive}; }
  Hazards operator()(const AlterColumn& c) const {
    Hazards out;
    TypeChange type = (c.what & delta_type) ? classify_type_change(c.from.type, c.to.type) : TypeChange{false, false, false, false};
    if (type.changes || (c.what & delta_collation)) {
      if (type.rewrites || (c.what & delta_collation)) out.insert(Hazard::rewrite);
      if (type.may_fail || c.to.using_expr) out.insert(Hazard::may_fail);
    }
    if ((c.what & delta_nullable) && !c.to.nullable) out.insert(Hazard::may_fail);
    return out;
  }
  Hazards operator()(const RenameColumn&) const { return {}; }
  Hazards operator()(const SetColumnComment&) const { return {}; }
  Hazards operator()(const BackfillColumn&) const { return {Hazard::rewrite}; }
  Hazards operator()(const AddConstraint& c) const {
    if (c.new_table) return {};
    return {Hazard::may_fail};  // existing rows are checked
  }
  Hazards operator()(const DropConstraint&) const { return {}; }
  Hazards operator()(const SetConstraintComment&) const { return {}; }
  Hazards operator()(const CreateIndex& c) const {
    if (c.new_table) return {};
    Hazards out;
    if (!options.concurrently) out.insert(Hazard::locks);  // blocks writes while it builds
    if (c.index.unique) out.insert(Hazard::may_fail);
    return out;
  }
  Hazards operator()(const DropIndex&) const { return {}; }
  Hazards operator()(const SetIndexComment&) const { return {}; }
  Hazards operator()(const RenameObject&) const { return {}; }
  Hazards operator()(const Create<CompositeType>&) const { return {}; }
  Hazards operator()(const Drop<CompositeType>&) const { return {}; }  // refused by the server while a column uses it
  /// A dropped attribute loses its values in the columns of the type; a new attribute type must fit them.
  Hazards operator()(const Alter<CompositeType>& c) const {
    Hazards out;
    for (const auto& a : c.from.attributes) {
      auto kept = std::find_if(c.to.attributes.begin(), c.to.attributes.end(), [&](const TypeAttribute& b) { return b.name == a.name; });
      if (kept == c.to.attributes.end()) out.insert(Hazard::destructive);
      else if (!(*kept == a)) out.insert(Hazard::may_fail);
    }
    return out;
  }
  /// Every column of the type is rewritten; a retyped attribute's values must fit, a dropped one's go.
  Hazards operator()(const Rebuild<CompositeType>& c) const {
    Hazards out = (*this)(Alter<CompositeType>{c.from, c.to});
    out.insert(Hazard::rewrite);
    out.insert(Hazard::locks);
    return out;
  }
  /// Every column of the domain is rewritten; its values must fit the new base type and checks.
  Hazards operator()(const Rebuild<Domain>&) const { return {Hazard::rewrite, Hazard::may_fail, Hazard::locks}; }
  Hazards operator()(const Create<Domain>&) const { return {}; }
  Hazards operator()(const Rename<Domain>&) const { return {}; }
  Hazards operator()(const Rename<CompositeType>&) const { return {}; }
  Hazards operator()(const Drop<Domain>&) const { return {}; }  // refused by the server while a column uses it
  /// A new check or NOT NULL is checked against the rows of every column that uses the domain.
  Hazards operator()(const Alter<Domain>& c) const {
    bool checks = c.from.nullable && !c.to.nullable;
    for (const auto& k : c.to.checks)
      if (!same_check(c.from.checks, k)) checks = true;
    return checks ? Hazards{Hazard::may_fail} : Hazards{};
  }
  Hazards operator()(const Create<Sequence>&) const { return {}; }
  Hazards operator()(const Rename<Sequence>&) const { return {}; }
  // A view holds no data: dropping or replacing one loses nothing (its grants aside).
  Hazards operator()(const Create<View>&) const { return {}; }
  Hazards operator()(const Drop<View>&) const { return {}; }
  Hazards operator()(const Alter<View>&) const { return {}; }
  Hazards operator()(const Rename<View>&) const { return {}; }
  // Functions and triggers hold no data either.
  Hazards operator()(const Create<Function>&) const { return {}; }
  Hazards operator()(const Drop<Function>&) const { return {}; }
  Hazards operator()(const Alter<Function>&) const { return {}; }
  Hazards operator()(const Rename<Function>&) const { return {}; }
  Hazards operator()(const Create<Trigger>&) const { return {}; }
  Hazards operator()(const Drop<Trigger>&) const { return {}; }
  Hazards operator()(const Alter<Trigger>&) const { return {}; }
  // Nor do policies: they change which rows a role sees, not the rows.
  Hazards operator()(const Create<Policy>&) const { return {}; }
  Hazards operator()(const Drop<Policy>&) const { return {}; }
  Hazards operator()(const Alter<Policy>&) const { return {}; }
  // A materialized view's rows are computed by its query when it is created or refreshed.
  Hazards operator()(const Create<MaterializedView>& c) const { return c.object.with_data ? Hazards{Hazard::rewrite} : Hazards{}; }
  Hazards operator()(const Drop<MaterializedView>&) const { return {}; }
  Hazards operator()(const Alter<MaterializedView>& c) const {
    return !c.from.with_data && c.to.with_data ? Hazards{Hazard::rewrite} : Hazards{};
  }
  Hazards operator()(const Rename<MaterializedView>&) const { return {}; }
  Hazards operator()(const Drop<Sequence>&) const { return {Hazard::destructive}; }  // its current value is lost
  Hazards operator()(const Alter<Sequence>& c) const {
    // A narrower type or range fails when the current value no longer fits.
    auto bound = [](const Sequence& s, const char* k) { return s.options.count(k) ? s.options.at(k) : ""; };
    bool narrower = c.from.type != c.to.type || bound(c.from, "minvalue") != bound(c.to, "minvalue") ||
                    bound(c.from, "maxvalue") != bound(c.to, "maxvalue");
    return narrower ? Hazards{Hazard::may_fail} : Hazards{};
  }
};

}  // namespace

Hazards hazards_of(const Change& change, const RenderOptions& options) { return std::visit(HazardRules{options}, change); }

}  // namespace reconcile
