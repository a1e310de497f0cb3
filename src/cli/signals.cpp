// SIGINT / SIGTERM handling: the only place, with main's return, where the process ends.
#include "signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "reconcile/db.hpp"

namespace reconcile::cli {
namespace {

std::atomic<bool> g_interrupted{false};

}  // namespace

bool interrupted() { return g_interrupted; }

void install_signal_guard() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      int sig = 0;
      sigwait(&set, &sig);
      g_interrupted = true;
      drop_live_shadows();
      const char msg[] = "reconcile: interrupted; nothing was left behind\n";
      (void)!write(2, msg, sizeof msg - 1);
      _exit(sig == SIGINT ? 130 : 143);
    }).detach();
  });
}

}  // namespace reconcile::cli
