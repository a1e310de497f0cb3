// Proving that a database may be used, and emptied, as a shadow: never the target, never a
// database holding objects reconcile did not put there; and finding shadows that crashed runs left.
#pragma once
#include <string>

namespace reconcile {

/// Checks the shadow database the user gave before anything in it is dropped, and marks it as
/// reconcile's (a comment on the database). Throws Error, touching nothing, when it reaches the
/// same database as `target_conninfo` (compared by what the servers say: system identifier,
/// postmaster start, database; never by the URL text), when it holds reconcile's own history (it is
/// some project's target), or when it is not marked and holds any object; also when it cannot be
/// marked. Both connection strings are shown redacted.
void claim_given_shadow(const std::string& shadow_conninfo, const std::string& target_conninfo);

/// The comment a temporary shadow database carries: who made it (this process on this host) and for
/// which target database.
std::string temporary_shadow_comment(const std::string& target_database);

/// Temporary shadow databases on the target's server whose maker (a process on this host, by its
/// comment) is gone and that nobody is connected to are dropped; others that look abandoned (made
/// on another host, or before shadows were marked) are named in a warning. Failures only warn.
void collect_abandoned_shadows(const std::string& admin_conninfo);

}  // namespace reconcile
