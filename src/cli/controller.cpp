// reconcile controller: plan on a timer (and on SIGHUP), apply per policy, hold the rest for a
// person, serve /healthz, /readyz and /metrics, back off while the database is away, stop on SIGTERM.
#include "controller.hpp"

#include <httplib.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "output.hpp"
#include "reconcile/db.hpp"
#include "reconcile/error.hpp"

namespace reconcile::cli {
namespace {

const std::vector<std::string> kHazards = {"none", "destructive", "may-fail", "rewrite", "locks"};

/// What /metrics and /healthz report; guarded by `mutex`.
struct State {
  std::mutex mutex;
  bool drift = false;
  std::map<std::string, int> pending;   ///< hazard -> steps of the pending plan
  std::map<std::string, long> applies;  ///< success | failure | locked
  std::map<std::string, long> runs;     ///< ok | error
  double last_run = 0;                  ///< unix time of the last finished run
  double plan_duration = 0;
  bool up = false;  ///< the last run reached the database
  std::string last_error, held_plan;
};

/// Wakes the loop for SIGHUP (run now) and SIGTERM / SIGINT (stop).
struct Wakeup {
  std::mutex mutex;
  std::condition_variable cv;
  bool run_now = false, stop = false;
};

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string metrics_text(State& s) {
  std::lock_guard<std::mutex> lock(s.mutex);
  std::string out;
  auto metric = [&](const std::string& name, const std::string& type, const std::string& help) {
    out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  metric("reconcile_drift", "gauge", "1 while the database differs from the desired state, else 0.");
  out += "reconcile_drift " + std::to_string(s.drift ? 1 : 0) + "\n";
  metric("reconcile_pending_steps", "gauge", "Steps of the pending plan, by hazard (none: steps without one).");
  for (const auto& h : kHazards) out += "reconcile_pending_steps{hazard=\"" + h + "\"} " + std::to_string(s.pending[h]) + "\n";
  metric("reconcile_applies_total", "counter", "Plans the controller applied, by result (success, failure, locked).");
  for (const char* r : {"success", "failure", "locked"})
    out += "reconcile_applies_total{result=\"" + std::string(r) + "\"} " + std::to_string(s.applies[r]) + "\n";
  metric("reconcile_runs_total", "counter", "Reconcile runs, by result (ok, error).");
  for (const char* r : {"ok", "error"}) out += "reconcile_runs_total{result=\"" + std::string(r) + "\"} " + std::to_string(s.runs[r]) + "\n";
  metric("reconcile_last_run_timestamp_seconds", "gauge", "Unix time at which the last run ended.");
  out += "reconcile_last_run_timestamp_seconds " + number(s.last_run) + "\n";
  metric("reconcile_plan_duration_seconds", "gauge", "How long the last plan took.");
  out += "reconcile_plan_duration_seconds " + number(s.plan_duration) + "\n";
  metric("reconcile_up", "gauge", "1 when the last run reached the database, else 0.");
  out += "reconcile_up " + std::to_string(s.up ? 1 : 0) + "\n";
  return out;
}

std::string health_json(State& s, bool& ok) {
  std::lock_guard<std::mutex> lock(s.mutex);
  ok = s.up;
  return "{\"format_version\": 1, \"status\": " + json_string(s.up ? "ok" : "database unreachable or run failing") +
         ", \"drift\": " + (s.drift ? "true" : "false") + ", \"last_run\": " + number(s.last_run) +
         ", \"last_error\": " + json_string(s.last_error) + ", \"held_plan\": " + json_string(s.held_plan) + "}\n";
}

bool has_hazard(const Plan& plan, std::initializer_list<Hazard> hazards) {
  for (Hazard h : hazards)
    if (plan.hazards.count(h)) return true;
  return false;
}

std::map<std::string, int> pending_by_hazard(const Plan& plan) {
  std::map<std::string, int> out;
  for (const auto& s : plan.steps) {
    if (s.hazards.empty()) out["none"]++;
    for (const auto& h : hazard_names(s.hazards)) out[h]++;
  }
  return out;
}

class Controller {
 public:
  Controller(const Global& g, const ControllerOptions& o) : g_(g), o_(o) {}

  /// One run: plan, then apply or hold per policy. Returns false when it failed.
  bool run_once() {
    auto started = std::chrono::steady_clock::now();
    try {
      PlanRequest req = request_of(g_, o_.plan);
      req.allow_destructive = true;  // the policy decides, not the planner
      PlanOutcome outcome = make_plan(req);
      for (const auto& w : outcome.warnings) spdlog::warn("{}", w);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      record([&](State& s) { s.plan_duration = secs; });
      handle(outcome.plan);
      record([&](State& s) {
        s.up = true;
        s.runs["ok"]++;
        s.last_error.clear();
      });
      return true;
    } catch (const std::exception& e) {  // Error, and a connection lost mid-run (pqxx::broken_connection)
      spdlog::error("run failed: {}", e.what());
      record([&](State& s) {
        s.up = false;
        s.runs["error"]++;
        s.last_error = redact_secrets(e.what());  // served by /healthz
      });
      return false;
    }
  }

  State& state() { return state_; }

 private:
  template <class F>
  void record(F f) {
    std::lock_guard<std::mutex> lock(state_.mutex);
    f(state_);
    state_.last_run = unix_now();
  }

  void handle(const Plan& plan) {
    if (!plan.has_changes()) {
      spdlog::info("no drift: the database matches the desired state");
      record([](State& s) {
        s.drift = false;
        s.pending.clear();
      });
      return;
    }
    bool may_apply = o_.policy == "all" || (o_.policy == "safe" && !has_hazard(plan, {Hazard::destructive, Hazard::may_fail}));
    if (may_apply && apply(plan)) return;
    hold(plan);
  }

  bool apply(const Plan& plan) {
    ApplyOptions opt;
    opt.lock_timeout_ms = o_.lock_timeout_ms;
    opt.statement_timeout_ms = o_.statement_timeout_ms;
    opt.plan_hash = sha256_hex(write_plan_file(plan));
    try {
      ApplyResult r = apply_plan(g_.database, plan, opt);
      spdlog::info("applied {} step(s) (policy {})", r.steps_run, o_.policy);
      record([](State& s) {
        s.applies["success"]++;
        s.drift = false;
        s.pending.clear();
        s.held_plan.clear();
      });
      return true;
    } catch (const LockBusy& e) {
      spdlog::warn("not applied: {}", e.what());
      record([](State& s) { s.applies["locked"]++; });
    } catch (const std::exception& e) {
      spdlog::error("apply failed: {}", e.what());
      record([](State& s) { s.applies["failure"]++; });
    }
    return false;
  }

  /// Writes the plan for a person to review, once per distinct plan.
  void hold(const Plan& plan) {
    std::string key = plan.source_fingerprint + plan.target_fingerprint;
    for (const auto& s : plan.steps) key += s.sql;
    PlanOptions where = o_.plan;
    where.out.clear();
    std::string path = held_key_ == key ? held_path_ : save_plan(plan, where);
    if (held_key_ != key) spdlog::info("drift: {} step(s) held for review in {} (policy {})", plan.steps.size(), path, o_.policy);
    held_key_ = key;
    held_path_ = path;
    record([&](State& s) {
      s.drift = true;
      s.pending = pending_by_hazard(plan);
      s.held_plan = path;
    });
  }

  const Global& g_;
  const ControllerOptions& o_;
  State state_;
  std::string held_key_, held_path_;
};

std::pair<std::string, int> parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  int port = 0;
  try {
    if (colon != std::string::npos) port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
  }
  if (colon == std::string::npos || port <= 0 || port > 65535)
    throw Error("invalid --listen \"" + listen + "\" (expected HOST:PORT, e.g. 127.0.0.1:9187)");
  return {listen.substr(0, colon), port};
}

/// Waits for signals on its own thread: SIGHUP asks for a run, SIGTERM / SIGINT for a stop.
std::thread signal_thread(const sigset_t& set, Wakeup& wake, httplib::Server& server) {
  return std::thread([set, &wake, &server] {
    for (;;) {
      int sig = 0;
      sigwait(&set, &sig);
      std::lock_guard<std::mutex> lock(wake.mutex);
      if (sig == SIGHUP) {
        spdlog::info("SIGHUP: running now");
        wake.run_now = true;
      } else {
        spdlog::info("stopping (signal {}) after the current run", sig);
        wake.stop = true;
        server.stop();
      }
      wake.cv.notify_all();
      if (wake.stop) return;
    }
  });
}

/// The endpoints serve small bodies to probes and scrapers: a client gets little time and one
/// request per connection, a body is refused, Range is ignored, and more threads than a handful of
/// slow clients can hold keep /healthz answering.
void harden(httplib::Server& server) {
  server.new_task_queue = [] { return new httplib::ThreadPool(32); };
  server.set_read_timeout(2, 0);
  server.set_write_timeout(2, 0);
  server.set_keep_alive_max_count(1);
  server.set_keep_alive_timeout(1);
  server.set_payload_max_length(1024);
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    // Range is ignored (HTTP allows it): thousands of ranges would multiply a body. The request is
    // the server's own non-const object, handed to this hook as const.
    const_cast<httplib::Request&>(req).ranges.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
}

}  // namespace

int cmd_controller(const Global& g, const ControllerOptions& o) {
  if (o.policy != "observe" && o.policy != "safe" && o.policy != "all")
    throw Error("unknown policy \"" + o.policy + "\" (expected observe, safe or all)");
  if (o.interval_s <= 0 || o.interval_s > 2147483647L / 1000)
    throw Error("--interval must be a number of seconds from 1 to " + std::to_string(2147483647L / 1000));
  auto [host, port] = parse_listen(o.listen);

  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGHUP, SIGTERM, SIGINT}) sigaddset(&set, sig);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts: only signal_thread takes them

  Controller controller(g, o);
  httplib::Server server;
  harden(server);
  server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_text(controller.state()), "text/plain; version=0.0.4");
  });
  server.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
    bool ok = false;
    res.set_content(health_json(controller.state(), ok), "application/json");  // alive, whatever the database
  });
  server.Get("/readyz", [&](const httplib::Request&, httplib::Response& res) {
    bool ok = false;
    res.set_content(health_json(controller.state(), ok), "application/json");
    res.status = ok ? 200 : 503;
  });
  if (!server.bind_to_port(host.c_str(), port)) throw Error("cannot listen on " + o.listen + " (address in use?)");
  std::thread http([&] { server.listen_after_bind(); });
  Wakeup wake;
  std::thread signals = signal_thread(set, wake, server);
  spdlog::info("controller: policy {}, every {} s, schema dir {}, serving http://{}/metrics", o.policy, o.interval_s,
               o.plan.schema_dir, o.listen);

  int failures = 0;
  for (;;) {
    bool ok = controller.run_once();
    failures = ok ? 0 : failures + 1;
    // After a failure, try again sooner: 1 s, 2 s, 4 s ... up to the interval.
    long wait_s = ok ? o.interval_s : std::min<long>(o.interval_s, 1L << std::min(failures - 1, 16));
    std::unique_lock<std::mutex> lock(wake.mutex);
    wake.cv.wait_for(lock, std::chrono::seconds(wait_s), [&] { return wake.run_now || wake.stop; });
    if (wake.stop) break;
    wake.run_now = false;
  }
  server.stop();
  http.join();
  signals.join();
  spdlog::info("controller stopped");
  return 0;
}

}  // namespace reconcile::cli
