// The real `stigmer server`, end to end, side by side with supervisord running 4 fixtures:
//
//   stack_bench --stigmer PATH --temporal PATH --fixture PATH [--start-runs N] [--status-runs N]
//               [--idle-seconds S]
//
// In a temporary STIGMER_HOME with free ports (never ~/.stigmer, never the default ports):
//   1. start overhead: `stigmer server` wall time minus the components' own time to ready
//      (Σ ready_at − started_at from GetStatus; they start one after the other); the median of
//      --start-runs starts (stopped in between), vs supervisord's cold start with 4 fixtures;
//   3. the idle `stigmer internal supervisor` daemon: RSS, PSS and wake-ups (all its threads),
//      and the PSS of every stigmer process of the stack (daemon, stigmer-server, the two workers
//      and what they started; not Temporal), which share one binary and its libraries;
//   4. `stigmer server status` vs `supervisorctl status` wall time.
// Then `stigmer server stop`; whatever is left is killed. Rows go to $STIGMER_BENCH_ROWS.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench_support.h"
#include "config/paths.h"
#include "daemon/component_profile.h"
#include "daemon/control_client.h"
#include "supervisord_peer.h"

namespace stigmer::bench {
namespace {

struct Options {
  std::string stigmer, temporal, fixture;
  int status_runs = 20;
  int start_runs = 3;
  int idle_seconds = 5;
};

// The stack under a temporary home; stopped (and, failing that, killed) when destroyed.
class StackUnderTest {
 public:
  StackUnderTest(const Options& options, const std::filesystem::path& home)
      : options_(options), paths_(home) {
    const std::string server_port = std::to_string(FreePort());
    // The four components the published figures measure: no local model (llm).
    env_ = EnvironmentWith({"STIGMER_HOME=" + home.string(),
                            "STIGMER_TEMPORAL_BIN=" + options.temporal, "GRPC_PORT=" + server_port,
                            "NO_COLOR=1", "TEMPORAL_SERVICE_ADDRESS", "STIGMER_SERVER_ADDR",
                            "STIGMER_WORKFLOW_RUNNER_BIN", "STIGMER_AGENT_RUNNER_SCRIPT",
                            "STIGMER_LLM_PROVIDER=openai"});
    configured_ = Stigmer({"config", "set", "temporal.port", std::to_string(FreePort())}) == 0 &&
                  Stigmer({"config", "set", "temporal.ui_port", std::to_string(FreePort())}) == 0 &&
                  Stigmer({"config", "set", "server.port", server_port}) == 0;
  }
  ~StackUnderTest() {
    if (!started_) return;
    Stigmer({"server", "stop"});
    if (const pid_t daemon = DaemonPid(); daemon > 0 && ::kill(daemon, 0) == 0) {
      std::fprintf(stderr, "the daemon survived `stigmer server stop`: SIGKILL\n");
      ::kill(daemon, SIGKILL);  // its children die with it (PR_SET_PDEATHSIG)
    }
  }
  StackUnderTest(const StackUnderTest&) = delete;
  StackUnderTest& operator=(const StackUnderTest&) = delete;

  bool configured() const { return configured_; }

  // `stigmer <args>`, output appended to <home>/bench-cli.out; its exit code.
  int Stigmer(std::vector<std::string> args) {
    args.insert(args.begin(), options_.stigmer);
    return RunProgram(args, env_, paths_.home() / "bench-cli.out");
  }
  // `stigmer server`; its wall time in ms, or nullopt if it failed.
  std::optional<double> Start() {
    started_ = true;
    const Clock::time_point start = Clock::now();
    const int exit_code = Stigmer({"server"});
    const double millis = MillisBetween(start, Clock::now());
    if (exit_code != 0) return std::nullopt;
    return millis;
  }
  pid_t DaemonPid() const { return PidIn(paths_.SupervisorPidFile()); }
  // The pid a component's PID file names; 0 when none.
  pid_t ComponentPid(const char* name) const { return PidIn(paths_.PidFile(name)); }
  const config::Paths& paths() const { return paths_; }
  const std::vector<std::string>& env() const { return env_; }

 private:
  static pid_t PidIn(const std::filesystem::path& file) {
    std::ifstream in(file);
    pid_t pid = 0;
    in >> pid;
    return pid;
  }

  const Options& options_;
  config::Paths paths_;
  std::vector<std::string> env_;
  bool configured_ = false;
  bool started_ = false;
};

// Wall time of `argv` run `runs` times (after one unmeasured warm-up run).
std::vector<double> TimeCommand(const std::vector<std::string>& argv,
                                const std::vector<std::string>& env, int runs) {
  RunProgram(argv, env);
  std::vector<double> samples;
  for (int run = 0; run < runs; ++run) {
    const Clock::time_point start = Clock::now();
    if (RunProgram(argv, env) != 0) return {};
    samples.push_back(MillisBetween(start, Clock::now()));
  }
  return samples;
}

// One GetStatus over a connection closed again at once (an open connection would keep the
// daemon's gRPC busy during the idle window).
absl::StatusOr<daemon::v1::GetStatusResponse> GetStatus(const config::Paths& paths) {
  absl::StatusOr<daemon::ControlClient> client = daemon::ControlClient::Connect(paths);
  if (!client.ok()) return client.status();
  return client->GetStatus();
}

// One `stigmer server` from stopped to all ready; prints the breakdown and returns the overhead
// in ms, or nullopt (after printing why) if the start failed.
// PSS of the idle stack's own processes, in MiB: the daemon alone (its children are the
// components), then each component with what it started; prints the breakdown and returns
// {daemon, all of them}. Temporal is not ours and is left out.
std::pair<double, double> MeasureStackPss(const StackUnderTest& stack, pid_t daemon_pid) {
  std::vector<pid_t> all = {daemon_pid};
  const double daemon_mib = static_cast<double>(SumPssKib(all)) / 1024;
  std::string breakdown = absl::StrFormat("daemon %.1f", daemon_mib);
  for (const char* name : {daemon::kStigmerServer, daemon::kWorkflowRunner, daemon::kAgentRunner}) {
    const std::vector<pid_t> tree = ProcessTree(stack.ComponentPid(name));
    breakdown += absl::StrFormat(" + %s %.1f", name, static_cast<double>(SumPssKib(tree)) / 1024);
    all.insert(all.end(), tree.begin(), tree.end());
  }
  const double total_mib = static_cast<double>(SumPssKib(all)) / 1024;
  std::printf("  PSS of stigmer's %zu processes: %s = %.1f MiB\n", all.size(), breakdown.c_str(),
              total_mib);
  return {daemon_mib, total_mib};
}

std::optional<double> MeasureStartOverhead(StackUnderTest& stack) {
  const std::optional<double> wall = stack.Start();
  if (!wall) {
    std::fprintf(stderr, "`stigmer server` failed; its output:\n");
    std::ifstream in(stack.paths().home() / "bench-cli.out");
    std::fprintf(stderr, "%s\n", std::string(std::istreambuf_iterator<char>(in), {}).c_str());
    return std::nullopt;
  }
  const absl::StatusOr<daemon::v1::GetStatusResponse> status = GetStatus(stack.paths());
  if (!status.ok()) {
    std::fprintf(stderr, "GetStatus: %s\n", status.status().ToString().c_str());
    return std::nullopt;
  }
  double own_ms = 0;
  std::string breakdown;
  for (const auto& component : status->components()) {
    const double component_ms =
        static_cast<double>(component.ready_at_unix_ms() - component.started_at_unix_ms());
    own_ms += component_ms;
    breakdown += absl::StrFormat(" %s %.0f +", component.name(), component_ms);
  }
  std::printf("  wall %5.0f ms =%s overhead %.0f ms\n", *wall, breakdown.c_str(), *wall - own_ms);
  return *wall - own_ms;
}

int Run(const Options& options) {
  TempDir home("stigmer-bench-home");
  StackUnderTest stack(options, home.path());
  if (!stack.configured()) {
    std::fprintf(stderr, "stigmer config set failed (see %s)\n",
                 (home.path() / "bench-cli.out").c_str());
    return 1;
  }
  std::printf(
      "`stigmer server` (real temporal, stigmer-server, workers) to all ready; "
      "overhead = wall − Σ own\n(own = started → ready of each component, one after the "
      "other; up to 100 ms of gRPC health-probe interval per probed component counts as "
      "own time)\n");
  std::vector<double> overheads;
  for (int run = 0; run < options.start_runs && !Interrupted(); ++run) {
    if (run > 0 && stack.Stigmer({"server", "stop"}) != 0) {
      std::fprintf(stderr, "`stigmer server stop` failed\n");
      return 1;
    }
    const std::optional<double> overhead = MeasureStartOverhead(stack);
    if (!overhead) return 1;
    overheads.push_back(*overhead);
  }
  if (Interrupted()) return 130;
  // The peer: supervisord cold start with 4 fixtures (autostart), for the start row and for
  // the idle and status comparisons.
  TempDir peer_dir("stigmer-bench-supervisord");
  std::vector<PeerProgram> programs;
  for (const char* name : {"temporal", "stigmer-server", "workflow-runner", "agent-runner"}) {
    programs.push_back(
        {name, {options.fixture}, peer_dir.path() / (std::string(name) + ".log"), true});
  }
  std::unique_ptr<SupervisordPeer> supervisord;
  std::vector<double> peer_starts;
  for (int run = 0; run < options.start_runs && !Interrupted(); ++run) {
    supervisord.reset();  // the last one stays up for the idle and status comparisons
    supervisord = SupervisordPeer::Start(peer_dir.path(), programs);
    if (!supervisord) break;
    while (!supervisord->AllRunning()) {
    }
    peer_starts.push_back(MillisBetween(supervisord->spawned_at(), Clock::now()));
  }
  const Summary overhead = Summarize(overheads), peer_start = Summarize(peer_starts);
  std::printf("  stigmer overhead           %s\n", Describe(overhead, "ms").c_str());
  std::printf("  supervisord cold start, 4 fixtures (spawn → all RUNNING, polled)  %s\n",
              Describe(peer_start, "ms").c_str());
  AddResultRow("start overhead (stigmer server e2e)", overhead.p50,
               peer_starts.empty() ? NAN : peer_start.p50, "ms", 100, false);

  if (Interrupted()) return 130;
  // Idle: both daemons, nobody talking to them.
  const pid_t daemon_pid = stack.DaemonPid();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let start-up settle
  const ProcessSample daemon_before = SampleProcess(daemon_pid);
  const ProcessSample peer_before =
      supervisord ? SampleProcess(supervisord->pid()) : ProcessSample{};
  std::this_thread::sleep_for(std::chrono::seconds(options.idle_seconds));
  const ProcessSample daemon_after = SampleProcess(daemon_pid);
  const ProcessSample peer_after =
      supervisord ? SampleProcess(supervisord->pid()) : ProcessSample{};
  const double daemon_rate =
      static_cast<double>(ContextSwitchesBetween(daemon_before, daemon_after)) /
      options.idle_seconds;
  const double peer_rate =
      static_cast<double>(ContextSwitchesBetween(peer_before, peer_after)) / options.idle_seconds;
  auto print_idle = [&](const char* who, const ProcessSample& before, const ProcessSample& after,
                        double rate) {
    std::printf(
        "  %-14s RSS %5.1f MiB (anon %.1f, file %.1f; PSS %.1f), %2d threads, %.2f wake-ups/s: "
        "%s\n",
        who, after.rss_kib / 1024.0, after.rss_anon_kib / 1024.0, after.rss_file_kib / 1024.0,
        after.pss_kib / 1024.0, after.threads, rate,
        DescribeWakeups(before, after, options.idle_seconds).c_str());
  };
  std::printf("idle over %d s (wake-ups: context switches of all threads)\n", options.idle_seconds);
  print_idle("stigmer daemon", daemon_before, daemon_after, daemon_rate);
  if (supervisord) print_idle("supervisord", peer_before, peer_after, peer_rate);
  AddResultRow("idle RSS (stigmer daemon)", daemon_after.rss_kib / 1024.0,
               supervisord ? peer_after.rss_kib / 1024.0 : NAN, "MiB", 10, false);
  AddResultRow("idle wake-ups (stigmer daemon)", daemon_rate, supervisord ? peer_rate : NAN, "/s",
               1, false);
  const auto [daemon_pss, stack_pss] = MeasureStackPss(stack, daemon_pid);
  const double peer_pss = supervisord ? static_cast<double>(peer_after.pss_kib) / 1024 : NAN;
  AddResultRow("idle PSS (stigmer daemon)", daemon_pss, peer_pss, "MiB", peer_pss, false);
  AddResultRow("idle PSS (daemon, server, 2 workers)", stack_pss, NAN, "MiB", NAN, false);

  if (Interrupted()) return 130;
  // Status commands.
  const Summary stigmer_status = Summarize(
      TimeCommand({options.stigmer, "server", "status"}, stack.env(), options.status_runs));
  const std::string supervisorctl = FindOnPath("supervisorctl");
  Summary peer_status;
  if (supervisord && !supervisorctl.empty()) {
    peer_status =
        Summarize(TimeCommand({supervisorctl, "-c", supervisord->config_path().string(), "status"},
                              EnvironmentWith({}), options.status_runs));
  }
  std::printf("status command wall time\n  stigmer server status  %s\n",
              Describe(stigmer_status, "ms").c_str());
  std::printf("  supervisorctl status   %s\n", Describe(peer_status, "ms").c_str());
  AddResultRow("`server status` p50", stigmer_status.count ? stigmer_status.p50 : NAN,
               peer_status.count ? peer_status.p50 : NAN, "ms", 20, false);
  return 0;
}

}  // namespace
}  // namespace stigmer::bench

int main(int argc, char** argv) {
  stigmer::bench::Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--stigmer") options.stigmer = value;
    if (flag == "--temporal") options.temporal = value;
    if (flag == "--fixture") options.fixture = value;
    if (flag == "--status-runs") options.status_runs = std::stoi(value);
    if (flag == "--start-runs") options.start_runs = std::stoi(value);
    if (flag == "--idle-seconds") options.idle_seconds = std::stoi(value);
  }
  if (options.stigmer.empty() || options.temporal.empty() || options.fixture.empty()) {
    std::fprintf(stderr, "usage: stack_bench --stigmer PATH --temporal PATH --fixture PATH\n");
    return 64;
  }
  stigmer::bench::WatchForInterrupts();  // before any other thread
  return stigmer::bench::Run(options);
}
