// reconcile controller against the test cluster: policies, SIGHUP, held plans, metrics over HTTP,
// the database stopping and starting under it, a clean SIGTERM.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <pqxx/pqxx>
#include <thread>

#include "harness.hpp"

using namespace reconcile::test;
namespace fs = std::filesystem;

namespace {

/// A process running in the background, killed when the test ends.
class Background {
 public:
  Background(const std::vector<std::string>& args, const std::string& log) {
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~Background() {
    if (pid_ > 0 && running()) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  void signal(int sig) const { kill(pid_, sig); }
  bool running() {
    if (exited_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return !exited_;
  }
  /// The exit code, or -1 when the process still runs after `seconds`.
  int wait(int seconds) {
    for (int i = 0; i < seconds * 10 && running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return running() ? -1 : code_;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  int code_ = -1;
};

/// A port nobody listens on now: the kernel picks it for a socket bound to port 0.
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  if (fd >= 0) close(fd);
  REQUIRE(port > 0);
  return port;
}

/// The value of a metric line ("name{labels} value"), or -1 when it cannot be read.
double metric(int port, const std::string& series) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  auto res = client.Get("/metrics");
  if (!res || res->status != 200) return -1;
  auto at = res->body.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(res->body.substr(at + series.size() + 2));
}

/// Polls until `ok` holds (true) or `seconds` pass (false).
bool eventually(int seconds, const std::function<bool()>& ok) {
  for (int i = 0; i < seconds * 5; ++i) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return ok();
}

int http_status(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get(path.c_str());
  return res ? res->status : -1;
}

void pg_script(const std::string& command) {
  const char* script = std::getenv("RECONCILE_PG_SCRIPT");
  REQUIRE(script);
  REQUIRE(run_program({"bash", script, command}).code == 0);
}

const char* kTables = R"TOML(
[tables.customers]
primary_key = ["id"]
columns = [{ name = "id", type = "bigint" }, { name = "email", type = "text" }, { name = "phone", type = "text" }]
)TOML";

// Drops a column (destructive) and adds one: the safe policy must hold this plan.
const char* kDestructive = R"TOML(
[tables.customers]
primary_key = ["id"]
columns = [{ name = "id", type = "bigint" }, { name = "email", type = "text" }, { name = "name", type = "text" }]
)TOML";

std::vector<std::string> controller_args(const TestDb& db, const TempDir& dir, const std::string& policy, int port) {
  return {std::getenv("RECONCILE_BIN"), "controller", "--database", db.url(), "--schema-dir", dir.path() + "/schemas",
          "--plan-dir", dir.path() + "/held", "--interval", "60", "--policy", policy,
          "--listen", "127.0.0.1:" + std::to_string(port)};
}

}  // namespace

TEST_CASE("controller with the safe policy: applies safe plans, holds destructive ones, survives a database restart, stops on SIGTERM") {
  TestDb db("controller");
  TempDir dir;
  dir.write("schemas/app.toml", kTables);
  int port = free_port();
  Background ctl(controller_args(db, dir, "safe", port), dir.path() + "/controller.log");
  INFO("controller log:\n" << (fs::exists(dir.path() + "/controller.log") ? dir.read("controller.log") : ""));

  REQUIRE(eventually(30, [&] { return metric(port, "reconcile_applies_total{result=\"success\"}") == 1; }));
  CHECK(db.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers'") == "3");
  CHECK(metric(port, "reconcile_drift") == 0);
  CHECK(http_status(port, "/healthz") == 200);
  CHECK(http_status(port, "/readyz") == 200);

  // The schema changes under it; SIGHUP makes it look now instead of in 60 s.
  dir.write("schemas/app.toml", kDestructive);
  ctl.signal(SIGHUP);
  REQUIRE(eventually(30, [&] { return metric(port, "reconcile_drift") == 1; }));
  CHECK(metric(port, "reconcile_pending_steps{hazard=\"destructive\"}") == 1);
  CHECK(metric(port, "reconcile_applies_total{result=\"success\"}") == 1);
  CHECK(db.scalar("SELECT count(*) FROM information_schema.columns WHERE column_name = 'phone'") == "1");
  REQUIRE(fs::exists(dir.path() + "/held"));
  auto held = fs::directory_iterator(dir.path() + "/held");
  REQUIRE(held != fs::directory_iterator());
  CHECK(held->path().string().find(".plan.toml") != std::string::npos);
  CHECK(metric(port, "reconcile_last_run_timestamp_seconds") > 1.7e9);
  CHECK(metric(port, "reconcile_plan_duration_seconds") > 0);

  // The database goes away: the controller keeps serving, reports it, and recovers on its own.
  pg_script("stop");
  ctl.signal(SIGHUP);
  bool down_seen = eventually(30, [&] { return metric(port, "reconcile_up") == 0; });
  int ready_while_down = http_status(port, "/readyz");
  pg_script("start");
  REQUIRE(down_seen);
  CHECK(ready_while_down == 503);
  CHECK(ctl.running());
  REQUIRE(eventually(60, [&] { return metric(port, "reconcile_up") == 1; }));
  CHECK(metric(port, "reconcile_drift") == 1);

  ctl.signal(SIGTERM);
  REQUIRE(ctl.wait(30) == 0);
  CHECK(shadow_databases(db) == 0);
  CHECK(db.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") == "0");
}

TEST_CASE("controller with the observe policy never applies and writes the held plan once, the all policy waits for a person's lock and applies") {
  TestDb db("controller_observe");
  TempDir dir;
  dir.write("schemas/app.toml", kTables);
  int port = free_port();
  {
    Background ctl(controller_args(db, dir, "observe", port), dir.path() + "/observe.log");
    bool drift_seen = eventually(30, [&] { return metric(port, "reconcile_drift") == 1; });
    INFO("controller log:\n" << (fs::exists(dir.path() + "/observe.log") ? dir.read("observe.log") : ""));
    REQUIRE(drift_seen);
    ctl.signal(SIGHUP);
    REQUIRE(eventually(30, [&] { return metric(port, "reconcile_runs_total{result=\"ok\"}") == 2; }));
    CHECK(metric(port, "reconcile_applies_total{result=\"success\"}") == 0);
    CHECK(db.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'customers'") == "0");
    CHECK(std::distance(fs::directory_iterator(dir.path() + "/held"), fs::directory_iterator()) == 1);
    ctl.signal(SIGTERM);
    REQUIRE(ctl.wait(30) == 0);
  }
  // A person's apply holds the advisory lock: the controller must not race it, only count it.
  pqxx::connection person(db.url());
  pqxx::nontransaction lock(person);
  lock.exec("SELECT pg_advisory_lock(125779785510499)");  // reconcile's apply lock key
  Background all(controller_args(db, dir, "all", port), dir.path() + "/all.log");
  REQUIRE(eventually(30, [&] { return metric(port, "reconcile_applies_total{result=\"locked\"}") >= 1; }));
  CHECK(db.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'customers'") == "0");
  lock.exec("SELECT pg_advisory_unlock(125779785510499)");
  all.signal(SIGHUP);
  REQUIRE(eventually(30, [&] { return metric(port, "reconcile_applies_total{result=\"success\"}") == 1; }));
  CHECK(db.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'customers'") == "1");
  CliResult again = run_cli({"plan", "--database", db.url(), "--schema-dir", dir.path() + "/schemas", "--out",
                             dir.path() + "/again.toml", "--detailed-exitcode"});
  CHECK(again.code == 0);
  all.signal(SIGTERM);
  REQUIRE(all.wait(30) == 0);
}

TEST_CASE("controller: /healthz and /readyz never show a password, and slow clients or Range requests cannot block them") {
  TempDir dir;
  dir.write("schemas/app.toml", kTables);
  int port = free_port();
  const std::string secret = "Hunter2Secret";
  // The server refuses the database (it does not exist): the error is served, without the password.
  std::string url = server_url();
  url = url.substr(0, url.find('@')) + ":" + secret + url.substr(url.find('@'), url.rfind('/') - url.find('@')) + "/it_absent_db";
  Background ctl({std::getenv("RECONCILE_BIN"), "controller", "--database", url, "--schema-dir", dir.path() + "/schemas",
                  "--plan-dir", dir.path() + "/held", "--interval", "60", "--listen", "127.0.0.1:" + std::to_string(port)},
                 dir.path() + "/controller.log");
  INFO("controller log:\n" << (fs::exists(dir.path() + "/controller.log") ? dir.read("controller.log") : ""));
  REQUIRE(eventually(30, [&] { return metric(port, "reconcile_runs_total{result=\"error\"}") >= 1; }));
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    httplib::Client client("127.0.0.1", port);
    auto res = client.Get(path);
    REQUIRE(res);
    CHECK(res->body.find(secret) == std::string::npos);
  }
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK_THAT(health->body, Catch::Contains("it_absent_db"));  // the error itself is there
  CHECK(dir.read("controller.log").find(secret) == std::string::npos);

  // Forty clients that send half a request and then nothing.
  std::vector<int> slow;
  for (int i = 0; i < 40; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) (void)!write(fd, "GET /healthz HTTP/1.1\r\nHo", 25);
    slow.push_back(fd);
  }
  auto started = std::chrono::steady_clock::now();
  bool answered = eventually(10, [&] { return http_status(port, "/healthz") == 200; });
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (int fd : slow) close(fd);
  CHECK(answered);
  CHECK(waited < 6);
  // A Range request (thousands of ranges would multiply the body) gets the plain body.
  httplib::Client ranged("127.0.0.1", port);
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 500; ++i) ranges += ",0-";
  auto r = ranged.Get("/metrics", {{"Range", ranges}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.size() < 5000);
  CHECK_THAT(r->body, Catch::StartsWith("# HELP"));
  ctl.signal(SIGTERM);
  CHECK(ctl.wait(30) == 0);
}
