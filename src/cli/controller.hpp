// reconcile controller: a long-running GitOps reconciler with /healthz, /readyz and Prometheus /metrics.
#pragma once
#include <string>

#include "commands.hpp"

namespace reconcile::cli {

struct ControllerOptions {
  PlanOptions plan;          ///< schema dir, plan dir (held plans), shadow, exclude
  long interval_s = 60;      ///< seconds between runs (SIGHUP runs at once)
  std::string policy = "observe";  ///< observe | safe | all
  std::string listen = "127.0.0.1:9187";
  int lock_timeout_ms = 5000;
  int statement_timeout_ms = 0;
};

/// Runs until SIGTERM / SIGINT: every interval (and on SIGHUP) re-reads the schema directory, plans
/// against the database and, per policy, applies the plan or writes it to the plan directory for a
/// person. Survives the database going away (retries with backoff). Returns 0 after a clean stop;
/// throws Error for bad options or a listen address it cannot bind.
int cmd_controller(const Global& g, const ControllerOptions& o);

}  // namespace reconcile::cli
