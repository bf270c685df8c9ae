// The Supervisor library side by side with supervisord, both running tests/fixtures/
// fake_component. One measurement per invocation (a fresh process each, so that RSS figures
// are not inflated by an earlier measurement):
//
//   supervisor_bench start   --fixture PATH [--runs N] [--peer-runs N]
//   supervisor_bench restart --fixture PATH [--runs N] [--peer-runs N]
//   supervisor_bench idle    --fixture PATH [--idle-seconds S]
//   supervisor_bench logs    --fixture PATH [--log-mb M]
//
// Prints a detail block, and appends the summary row to $STIGMER_BENCH_ROWS (bench/run_all.sh).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "common/unique_fd.h"
#include "library_host.h"
#include "log_throughput.h"
#include "spdlog/spdlog.h"
#include "supervisor/wait_status.h"
#include "supervisord_peer.h"

namespace stigmer::bench {
namespace {

constexpr double kNoPeer = NAN;
constexpr auto kWaitLimit = std::chrono::seconds(20);

struct Options {
  std::string mode, fixture;
  int runs = 20;
  int peer_runs = 10;  // supervisord notices exits only once a second: each run costs 1-2 s
  int idle_seconds = 5;
  int log_mb = 100;
};

std::vector<std::string> ComponentNames(int count) {
  std::vector<std::string> names;
  for (int i = 1; i <= count; ++i) names.push_back("c" + std::to_string(i));
  return names;
}

// The components' own time to ready: fake_component spawned by a bare posix_spawn loop, one
// after the other, each waited for until it writes READY=1 on fd 3 (what any supervisor that
// starts in order and honours readiness must at least spend).
std::vector<double> MeasureBareSpawnToReady(const Options& options, int components) {
  std::vector<double> samples;
  const std::vector<std::string> env = {"PATH=/usr/bin:/bin", "STIGMER_READY_FD=3"};
  for (int run = 0; run < options.runs; ++run) {
    std::vector<std::unique_ptr<ChildProgram>> children;
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < components; ++i) {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) std::exit(1);
      UniqueFd read_end(fds[0]), write_end(fds[1]);
      children.push_back(std::make_unique<ChildProgram>(std::vector<std::string>{options.fixture},
                                                        env, std::filesystem::path(),
                                                        write_end.get()));
      write_end.Reset();
      char buffer[16];
      while (::read(read_end.get(), buffer, sizeof(buffer)) < 0 && errno == EINTR) {
      }
    }
    samples.push_back(MillisBetween(start, Clock::now()));
  }
  return samples;
}

int MeasureStart(const Options& options) {
  constexpr int kComponents = 4;
  const std::vector<double> own = MeasureBareSpawnToReady(options, kComponents);
  std::vector<double> library;
  for (int run = 0; run < options.runs; ++run) {
    TempDir logs("stigmer-bench-start");
    std::vector<supervisor::ComponentSpec> specs;
    for (const std::string& name : ComponentNames(kComponents)) {
      specs.push_back(FakeComponentSpec(name, options.fixture, {}, logs.path()));
    }
    LibraryHost host(std::move(specs));
    const Clock::time_point start = host.Start();
    const std::optional<Clock::time_point> ready = host.WaitAllReady(kWaitLimit);
    if (!ready) {
      std::fprintf(stderr, "start: not all ready: %s\n", host.Stop().ToString().c_str());
      return 1;
    }
    library.push_back(MillisBetween(start, *ready));
  }
  std::vector<double> peer;
  TempDir peer_dir("stigmer-bench-supervisord");
  std::vector<PeerProgram> programs;
  for (const std::string& name : ComponentNames(kComponents)) {
    programs.push_back({name, {options.fixture}, peer_dir.path() / (name + ".log")});
  }
  if (auto supervisord = SupervisordPeer::Start(peer_dir.path(), programs)) {
    for (int run = 0; run < options.peer_runs; ++run) {
      const Clock::time_point start = Clock::now();
      if (!supervisord->StartAll()) break;
      while (!supervisord->AllRunning()) {
      }
      peer.push_back(MillisBetween(start, Clock::now()));
      supervisord->StopAll();
    }
  }
  const Summary own_summary = Summarize(own), library_summary = Summarize(library),
                peer_summary = Summarize(peer);
  std::printf("start of %d fixtures, from the command to all ready\n", kComponents);
  std::printf("  components' own time (bare spawn→READY, in order)  %s\n",
              Describe(own_summary, "ms").c_str());
  std::printf("  stigmer Supervisor::Run → OnAllReady              %s\n",
              Describe(library_summary, "ms").c_str());
  std::printf("  supervisord startAllProcesses → all RUNNING       %s\n",
              Describe(peer_summary, "ms").c_str());
  std::printf(
      "  (supervisord has no readiness: RUNNING right after fork with startsecs=0,\n"
      "   so its own-time share is 0; stigmer overhead = its p50 − own p50)\n");
  AddResultRow("start overhead, 4 fixtures (library)", library_summary.p50 - own_summary.p50,
               peer.empty() ? kNoPeer : peer_summary.p50, "ms", 100, false);
  return 0;
}

pid_t ReadPid(const std::filesystem::path& path) {
  std::ifstream in(path);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

// kill -9 of the running fixture → the new one has written its pid to `pid_file` (its first
// act after exec; seen by inotify, so the measurement does not talk to the supervisor).
std::optional<double> KillAndWaitForSuccessor(pid_t victim, const std::filesystem::path& pid_file) {
  const Clock::time_point killed = Clock::now();
  ::kill(victim, SIGKILL);
  auto replaced = [&] {
    const pid_t now_running = ReadPid(pid_file);
    return now_running != 0 && now_running != victim;
  };
  if (!WaitForFile(pid_file, replaced, kWaitLimit)) return std::nullopt;
  return MillisBetween(killed, Clock::now());
}

int MeasureRestart(const Options& options) {
  std::vector<double> library_running, library_ready, peer_running;
  {
    TempDir dir("stigmer-bench-restart");
    const std::filesystem::path pid_file = dir.path() / "c1.pid";
    LibraryHost host(
        {FakeComponentSpec("c1", options.fixture, {"--touch", pid_file.string()}, dir.path())});
    host.Start();
    if (!host.WaitAllReady(kWaitLimit)) return 1;
    for (int run = 0; run < options.runs; ++run) {
      const pid_t victim = host.PidOf("c1");
      const Clock::time_point killed = Clock::now();
      const std::optional<double> running = KillAndWaitForSuccessor(victim, pid_file);
      const std::optional<Clock::time_point> ready =
          host.WaitReadyWithNewPid("c1", victim, kWaitLimit);
      if (!running || !ready) return 1;
      library_running.push_back(*running);
      library_ready.push_back(MillisBetween(killed, *ready));
    }
  }
  TempDir peer_dir("stigmer-bench-supervisord");
  const std::filesystem::path pid_file = peer_dir.path() / "c1.pid";
  std::vector<PeerProgram> programs = {
      {"c1", {options.fixture, "--touch", pid_file.string()}, peer_dir.path() / "c1.log", true}};
  if (auto supervisord = SupervisordPeer::Start(peer_dir.path(), programs)) {
    while (!supervisord->AllRunning()) {
    }
    WaitForFile(
        pid_file, [&] { return ReadPid(pid_file) != 0; }, kWaitLimit);
    for (int run = 0; run < options.peer_runs; ++run) {
      const std::optional<double> running = KillAndWaitForSuccessor(ReadPid(pid_file), pid_file);
      if (!running) break;
      peer_running.push_back(*running);
    }
  }
  const Summary running = Summarize(library_running), ready = Summarize(library_ready),
                peer = Summarize(peer_running);
  std::printf("crash → restarted, zero backoff: kill -9 of the running fixture until …\n");
  std::printf("  stigmer: its observer saw the new process ready (READY=1)   %s\n",
              Describe(ready, "ms").c_str());
  std::printf("  stigmer: the new process wrote its pid file (inotify)       %s\n",
              Describe(running, "ms").c_str());
  std::printf("  supervisord: the new process wrote its pid file (inotify)   %s\n",
              Describe(peer, "ms").c_str());
  std::printf(
      "  (the pid file is the fixture's first act after exec, seen by this process through\n"
      "   inotify without asking the supervisor: same method for both, resolution well\n"
      "   under 1 ms, plus the waiter's own scheduling delay on a busy machine)\n");
  AddResultRow("crash to restarted p50 (library)", ready.p50,
               peer_running.empty() ? kNoPeer : peer.p50, "ms", 20, false);
  return 0;
}

int MeasureIdle(const Options& options) {
  constexpr int kComponents = 4;
  TempDir dir("stigmer-bench-idle");
  std::vector<supervisor::ComponentSpec> specs;
  std::vector<PeerProgram> programs;
  for (const std::string& name : ComponentNames(kComponents)) {
    specs.push_back(FakeComponentSpec(name, options.fixture, {}, dir.path()));
    programs.push_back({name, {options.fixture}, dir.path() / ("peer-" + name + ".log"), true});
  }
  LibraryHost host(std::move(specs));
  host.Start();
  if (!host.WaitAllReady(kWaitLimit)) return 1;
  std::unique_ptr<SupervisordPeer> supervisord = SupervisordPeer::Start(dir.path(), programs);
  if (supervisord) {
    while (!supervisord->AllRunning()) {
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let start-up settle
  const pid_t self = ::getpid(), loop_tid = host.loop_thread_id();
  const int64_t loop_before = ThreadContextSwitches(self, loop_tid);
  const ProcessSample peer_before =
      supervisord ? SampleProcess(supervisord->pid()) : ProcessSample{};
  // The idle window: both supervisors sit with 4 ready children; nobody talks to them.
  std::this_thread::sleep_for(std::chrono::seconds(options.idle_seconds));
  const int64_t loop_after = ThreadContextSwitches(self, loop_tid);
  const ProcessSample host_after = SampleProcess(self);
  const ProcessSample peer_after =
      supervisord ? SampleProcess(supervisord->pid()) : ProcessSample{};
  const double seconds = options.idle_seconds;
  const double loop_rate = static_cast<double>(loop_after - loop_before) / seconds;
  const double peer_rate =
      static_cast<double>(ContextSwitchesBetween(peer_before, peer_after)) / seconds;
  std::printf("idle supervisor with %d ready fixtures, over %d s\n", kComponents,
              options.idle_seconds);
  std::printf(
      "  stigmer library host: RSS %.1f MiB (anon %.1f, file %.1f; PSS %.1f; the whole bench "
      "process, %d threads); loop-thread wake-ups %.2f/s\n",
      host_after.rss_kib / 1024.0, host_after.rss_anon_kib / 1024.0,
      host_after.rss_file_kib / 1024.0, host_after.pss_kib / 1024.0, host_after.threads, loop_rate);
  if (supervisord) {
    std::printf(
        "  supervisord:          RSS %.1f MiB (anon %.1f, file %.1f; PSS %.1f); wake-ups "
        "%.2f/s\n",
        peer_after.rss_kib / 1024.0, peer_after.rss_anon_kib / 1024.0,
        peer_after.rss_file_kib / 1024.0, peer_after.pss_kib / 1024.0, peer_rate);
  }
  AddResultRow("idle RSS (library host)", host_after.rss_kib / 1024.0,
               supervisord ? peer_after.rss_kib / 1024.0 : kNoPeer, "MiB", 10, false);
  AddResultRow("idle wake-ups (library loop)", loop_rate, supervisord ? peer_rate : kNoPeer, "/s",
               1, false);
  return 0;
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  if (argc > 1) options.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--fixture") options.fixture = value;
    if (flag == "--runs") options.runs = std::stoi(value);
    if (flag == "--peer-runs") options.peer_runs = std::stoi(value);
    if (flag == "--idle-seconds") options.idle_seconds = std::stoi(value);
    if (flag == "--log-mb") options.log_mb = std::stoi(value);
  }
  return options;
}

}  // namespace
}  // namespace stigmer::bench

int main(int argc, char** argv) {
  using namespace stigmer::bench;
  stigmer::supervisor::BlockSupervisorSignals();  // before any thread
  spdlog::set_level(spdlog::level::err);          // crashes on purpose: no warnings
  const Options options = ParseOptions(argc, argv);
  if (options.fixture.empty()) {
    std::fprintf(stderr, "usage: supervisor_bench start|restart|idle|logs --fixture PATH\n");
    return 64;
  }
  if (options.mode == "start") return MeasureStart(options);
  if (options.mode == "restart") return MeasureRestart(options);
  if (options.mode == "idle") return MeasureIdle(options);
  if (options.mode == "logs") return MeasureLogThroughput(options.fixture, options.log_mb);
  std::fprintf(stderr, "unknown mode %s\n", options.mode.c_str());
  return 64;
}
