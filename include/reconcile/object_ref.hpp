// ObjectRef: the typed identity of a database object, and of the few facts about objects that the
// ordering tracks. It is both a step's identity and the key of dependency edges; its one string
// form (encode_ref / decode_ref) appears only in plan files and logs, and human labels are
// rendered from it, never parsed back.
#pragma once
#include <compare>
#include <optional>
#include <string>

#include "reconcile/model.hpp"

namespace reconcile {

ObjectRef schema_ref(const std::string& schema);
ObjectRef extension_ref(const std::string& extension);
ObjectRef enum_ref(const QName& name);
ObjectRef domain_ref(const QName& name);
ObjectRef composite_ref(const QName& name);
ObjectRef table_ref(const QName& name);
ObjectRef column_ref(const QName& table, const std::string& column);
ObjectRef sequence_ref(const QName& name);
ObjectRef view_ref(const QName& name);
ObjectRef materialized_view_ref(const QName& name);
/// A function (or procedure) by name and argument types, as the server prints them.
ObjectRef function_ref(const QName& name, const std::string& signature, bool procedure = false);
ObjectRef trigger_ref(const QName& table, const std::string& name);
ObjectRef policy_ref(const QName& table, const std::string& name);
/// A named index: the schema of its table and its name.
ObjectRef index_ref(const std::string& schema, const std::string& name);
/// The type a column type names ("order_status[]" -> public.order_status, quoted parts unquoted,
/// unquoted parts folded to lower case, as parse_type_name reads it).
ObjectRef type_ref(const std::string& column_type);

/// Each kind's identity.
inline ObjectRef ref_of(const Domain& d) { return domain_ref(d.name); }
inline ObjectRef ref_of(const CompositeType& t) { return composite_ref(t.name); }
inline ObjectRef ref_of(const Sequence& s) { return sequence_ref(s.name); }
inline ObjectRef ref_of(const View& v) { return view_ref(v.name); }
inline ObjectRef ref_of(const MaterializedView& v) { return materialized_view_ref(v.name); }
inline ObjectRef ref_of(const Function& f) { return function_ref(f.name, f.signature, f.procedure); }
inline ObjectRef ref_of(const Trigger& t) { return trigger_ref(t.table, t.name); }
inline ObjectRef ref_of(const Policy& p) { return policy_ref(p.table, p.name); }

/// The one string form: the kind, then each part of the name double-quoted ("" for a quote
/// inside): `column "public"."orders"."total"`.
std::string encode_ref(const ObjectRef& ref);
/// The ref `encode_ref` wrote; nullopt for any other text.
std::optional<ObjectRef> decode_ref(const std::string& text);

/// What people read: "table public.orders", "column public.orders.total",
/// "constraint public.orders (check total > 0)", "enum public.status value archived".
std::string label(const ObjectRef& ref);
/// The object's own name without its schema or table ("total" for a column), for file-name slugs.
std::string leaf_name(const ObjectRef& ref);

}  // namespace reconcile
