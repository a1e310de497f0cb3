// The plan pipeline: load, introspect, canonicalize, diff, order, verify.
#pragma once
#include <string>
#include <vector>

#include "reconcile/db.hpp"

namespace reconcile {

struct PlanRequest {
  std::string conninfo;
  std::string schema_dir = "schemas";
  std::string shadow_url;  ///< empty: a temporary database on the target server
  bool allow_destructive = false;
  bool verify = true;
  std::vector<std::string> exclude;
  bool manage_grants = false;  ///< manage = ["grants"]: privileges are read, compared, given and revoked
  RenderOptions render;  ///< --concurrently, --batch-size
  std::string version = "0.1.0";
};

struct PlanOutcome {
  Plan plan;
  std::vector<std::string> warnings;  ///< for the log: objects left alone, reverse-plan gaps
};

/// Makes a plan as SPEC §3 describes. Throws Error (database untouched, shadow dropped) for bad
/// input, destructive steps without `allow_destructive`, a blocked change or a failed verification.
PlanOutcome make_plan(const PlanRequest& request);

/// The files under `schema_dir`, loaded and canonicalized (from the cache, else in the shadow: a
/// temporary database on the server of `conninfo`, or `shadow_url`), as `reconcile generate` reads
/// them; `sources` gets the files' paths. Throws Error for bad files or an unreachable server.
Model canonical_schema(const std::string& conninfo, const std::string& shadow_url, const std::string& schema_dir,
                       std::vector<std::string>& sources);

/// "N objects that reconcile does not manage are left alone: view public.v, ..." or "".
std::string unmanaged_warning(const Model& live);

/// The current UTC time as 2026-11-23T20:30:00Z, and as 20261123T203000Z for file names.
std::string utc_now_rfc3339();
std::string utc_now_compact();

}  // namespace reconcile
