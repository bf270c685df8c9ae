// Workflows run end to end by stigmer's workflow-runner, side by side with the same workflows
// written with the official Temporal Python SDK (PyPI temporalio; Zigflow, the Go peer the issue
// names first, is not served by the Go module proxy here), against the same Temporal dev server:
//
//   workflow_bench [--stigmer PATH] [--temporal PATH] [--python PATH] [--peer-script PATH]
//                  [--temporal-db file|memory] [--clients 8] [--runs N] [--warmup 16]
//
// In a temporary folder: the Temporal dev server (api_temporal.h; a free port; its SQLite
// database in memory by default: with a file, as the daemon runs it, Temporal's writes cap both
// workers at the same rate and hide them; --temporal-db file for that) and a local HTTP server
// (workflow_http_server.h). Two scenarios, each with each worker:
//   (a) five tasks, set/switch/for (--runs workflows, default 400): input {"items": [1, 2, 3, 4,
//       k]}, k from 1 to 9 by workflow; expected output {"total": 2 × sum}.
//   (b) three `call: http` tasks in a row, GET <server>/a, /b, /c (--runs / 2, default 200);
//       expected output {"path": "/c"}, the last response.
// stigmer: `stigmer internal workflow-runner` (TEMPORAL_SERVICE_ADDRESS; task queue
// stigmer-workflows, workflow type ServerlessWorkflow, 3 payloads: the DSL document as JSON, the
// input, the runtime values), with its default 2 workflow-task and 4 activity-task pollers.
// Peer: bench/peer/python_worker.py in .venv-bench (scripts/setup.sh --bench-tools), task queue
// python-peer, workflows FiveTasks and ThreeHttp, sized the same (2 + 4 pollers, 4 activities at
// once); without it, its columns stay empty with a note.
// For each scenario and worker: start the worker, wait until Temporal lists its pollers, warm up
// (--warmup workflows, not measured), then --clients client threads (each its own Temporal
// client) start the workflows, N / clients each, one after the other: start the workflow, then
// wait for its close with a long poll on its history (wait_new_event, close event only); the
// latency is start call → close seen, throughput = workflows ÷ wall time of the phase. Every
// workflow must complete with its expected output. Then the worker's peak RSS (VmHWM, with its
// descendants; the detail also splits its RSS at the end into anonymous and file-backed pages),
// its PSS with its descendants at the end (pages they share count once), for workflow-runner
// once more with stigmer-server and agent-runner started beside it from the same binary (its
// share of the pages it has in common with them, as in a stack: the daemon, which maps the
// binary too, is left out), and CPU time, and it is stopped. Scenario (a) runs stigmer first, (b)
// the peer first, so that neither always meets the colder server. Goals (the issue's): throughput ≥
// the peer's, p50 ≤ the peer's, workflow-runner peak RSS and PSS ≤ a third of the peer worker's.
// Rows go to $STIGMER_BENCH_ROWS (bench/run_all.sh). Exit status 0 unless something could not run
// or a workflow did not end as expected (goals are reported, not enforced; a missing peer is only
// noted).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api_load.h"
#include "api_temporal.h"
#include "bench_support.h"
#include "config/key_file.h"
#include "config/paths.h"
#include "nlohmann/json.hpp"
#include "stack_siblings.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/payload_codec.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"
#include "workflow/workflow_document.h"
#include "workflow_http_server.h"
#include "workflow_starter.h"
#include "workflow_worker.h"

namespace stigmer::bench {
namespace {

namespace enums = ::temporal::api::enums::v1;
namespace wfs = ::temporal::api::workflowservice::v1;

constexpr char kPeerTaskQueue[] = "python-peer";
constexpr absl::Duration kWorkerReadyTimeout = absl::Seconds(60);
constexpr int kHttpServerThreads = 8;

struct Options {
  std::string stigmer = STIGMER_BINARY;
  std::string temporal = STIGMER_SOURCE_DIR "/.venv/bin/temporal";
  std::string python = STIGMER_SOURCE_DIR "/.venv-bench/bin/python";
  std::string peer_script = STIGMER_SOURCE_DIR "/bench/peer/python_worker.py";
  bool temporal_in_memory = true;  // --temporal-db memory|file
  int clients = 8, runs = 400, warmup = 16;
};

constexpr char kFiveTasks[] =
    R"(document: {dsl: '1.0.0', namespace: bench, name: five, version: '1.0.0'}
do:
  - init:
      set:
        items: ${ .items }
  - total:
      set: {items: '${ .items }', total: '${ [.items[]] | add }'}
  - route:
      switch:
        - big: {when: '${ .total > 10 }', then: double}
        - default: {then: exit}
  - double:
      for: {each: n, in: '${ .items }'}
      do:
        - add:
            set: {items: '${ .items }', total: '${ .total + $n }'}
  - done:
      set: {total: '${ .total }'}
)";

// Each task's input is the previous task's output (here a response body), so the base URL comes
// from the workflow's own input.
constexpr char kThreeHttp[] =
    R"(document: {dsl: '1.0.0', namespace: bench, name: three-http, version: '1.0.0'}
do:
  - a: {call: http, with: {method: get, endpoint: '${ $workflow.input.url + "/a" }'}}
  - b: {call: http, with: {method: get, endpoint: '${ $workflow.input.url + "/b" }'}}
  - c: {call: http, with: {method: get, endpoint: '${ $workflow.input.url + "/c" }'}}
)";

// One workflow of a scenario: what to start it with and what it must return.
struct Scenario {
  std::string key;          // "a", "b": workflow ids and the summary rows
  std::string title;        // for the tables
  std::string detail;       // what it does
  nlohmann::json document;  // the DSL document as JSON (stigmer's first payload)
  std::string peer_type;    // the Python workflow
  int runs = 0;
  bool peer_first = false;
  std::function<nlohmann::json(int index)> input;
  std::function<nlohmann::json(int index)> expected;
};

// How one worker did in one scenario; `ran` false with a `note` when it could not run.
struct WorkerResult {
  bool ran = false;
  std::string note;
  LoadResult load;
  double seconds_to_polling = 0;
  int64_t peak_rss_kib = 0;
  int64_t pss_kib = 0;         // the worker and its descendants, after the measured phase
  int64_t own_pss_kib = 0;     // the worker alone
  int64_t stack_pss_kib = -1;  // pss_kib beside stigmer-server and agent-runner (ours only)
  int descendants = 0;
  ProcessSample at_end;  // the worker process alone, after the measured phase
  double worker_cpu_seconds = 0;
  int64_t http_requests = 0;
  int exit_code = 0;
  // The history of one measured workflow: its events and how many workflow tasks it took.
  int history_events = 0, workflow_tasks = 0;

  double PerWorkflowMs(double seconds) const {
    const double workflows = static_cast<double>(load.latencies_ms.size() + load.errors);
    return workflows > 0 ? 1000 * seconds / workflows : NAN;
  }
  double Throughput() const { return ran ? load.Throughput() : NAN; }
  double Quantile(double q) const { return ran ? load.Quantile(q) : NAN; }
  double PeakRssMib() const { return ran ? static_cast<double>(peak_rss_kib) / 1024 : NAN; }
  double PssMib() const { return ran ? static_cast<double>(pss_kib) / 1024 : NAN; }
  double StackPssMib() const {
    return ran && stack_pss_kib >= 0 ? static_cast<double>(stack_pss_kib) / 1024 : NAN;
  }
};

// The STIGMER_HOME of the measured workflow-runner: inside the benchmark's temporary folder,
// never the user's ~/.stigmer.
config::Paths StigmerHome(const TempDir& dir) { return config::Paths(dir.path() / "stigmer-home"); }

// The first three figures of /proc/loadavg.
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return absl::StrCat(one, " ", five, " ", fifteen);
}

class WorkflowBench {
 public:
  WorkflowBench(const Options& options, const TempDir& dir, const ApiTemporalServer& temporal,
                const LoopbackJsonServer& http, WorkflowStarter& starter)
      : options_(options), dir_(dir), temporal_(temporal), http_(http), starter_(starter) {}

  // Runs `scenario` on stigmer's workflow-runner (`peer` false) or on the Python peer.
  WorkerResult Measure(const Scenario& scenario, bool peer) {
    WorkerResult result;
    const WorkerCommand command = peer ? PeerCommand() : StigmerCommand();
    if (peer && ::access(options_.python.c_str(), X_OK) != 0) {
      result.note = absl::StrCat("no Python peer at ", options_.python,
                                 " (scripts/setup.sh --bench-tools installs it)");
      return result;
    }
    const std::string who = peer ? "python" : "stigmer";
    absl::StatusOr<std::unique_ptr<WorkerProcess>> worker = WorkerProcess::Start(
        command, temporal_.address(), dir_.path() / absl::StrCat(who, "-", scenario.key, ".log"),
        kWorkerReadyTimeout);
    if (!worker.ok()) {
      result.note = std::string(worker.status().message());
      failed_ = failed_ || !peer;  // a peer that cannot run is noted, ours is a failure
      return result;
    }
    result.seconds_to_polling = (*worker)->seconds_to_polling();
    const int per_client = std::max(1, scenario.runs / options_.clients);
    auto call = [&](const char* phase, int offset) {
      return [&, phase, offset](int client, int index) {
        const int n = offset + client * per_client + index;
        temporal::StartWorkflowOptions start;
        start.workflow_id = absl::StrCat(scenario.key, "-", who, "-", phase, "-", n);
        if (peer) {
          start.workflow_type = scenario.peer_type;
          start.task_queue = kPeerTaskQueue;
          start.input = {scenario.input(n)};
        } else {
          start.input = {
              scenario.document,
              scenario.input(n),
              {{"environment", nlohmann::json::object()}, {"secrets", nlohmann::json::object()}}};
          start.signing_key = starter_.signing_key();
        }
        return starter_.Run(client, peer, start, scenario.expected(n));
      };
    };
    const LoadResult warm =
        RunLoad(options_.clients, std::max(1, options_.warmup / options_.clients),
                call("warm", 1000000), 0);
    if (warm.errors > 0) {
      result.note = absl::StrCat("warm-up failed: ", warm.first_error);
      failed_ = true;
      return result;
    }
    const double cpu_before = (*worker)->CpuSeconds();
    const int64_t http_measured = http_.requests();
    result.load = RunLoad(options_.clients, per_client, call("run", 0), temporal_.pid());
    result.worker_cpu_seconds = (*worker)->CpuSeconds() - cpu_before;
    result.http_requests = http_.requests() - http_measured;
    result.peak_rss_kib = (*worker)->PeakRssKib();
    const std::vector<pid_t> tree = ProcessTree((*worker)->pid());
    result.pss_kib = SumPssKib(tree);
    result.own_pss_kib = SumPssKib({(*worker)->pid()});
    result.descendants = tree.empty() ? 0 : static_cast<int>(tree.size()) - 1;
    result.at_end = SampleProcess((*worker)->pid());
    if (!peer) {
      result.stack_pss_kib = PssBesideTheStack(
          (*worker)->pid(), MeasuredComponent::kWorkflowRunner,
          {options_.stigmer, StigmerHome(dir_), temporal_.address(), dir_.path()});
    }
    std::tie(result.history_events, result.workflow_tasks) =
        starter_.HistoryShape(absl::StrCat(scenario.key, "-", who, "-run-0"));
    result.exit_code = (*worker)->Stop();
    result.ran = true;
    if (result.exit_code != 0) {
      result.note =
          absl::StrCat("exit ", result.exit_code, " on SIGTERM; log tail:\n", (*worker)->LogTail());
    }
    if (result.load.errors > 0) {
      result.note =
          absl::StrCat(result.load.errors, " workflows failed; first: ", result.load.first_error,
                       result.note.empty() ? "" : "; ", result.note);
      failed_ = true;
    }
    return result;
  }

  bool failed() const { return failed_; }

 private:
  WorkerCommand StigmerCommand() const {
    return {"stigmer workflow-runner",
            {options_.stigmer, "internal", "workflow-runner"},
            {absl::StrCat("TEMPORAL_SERVICE_ADDRESS=", temporal_.address()),
             absl::StrCat("STIGMER_HOME=", StigmerHome(dir_).home().string()), "STIGMER_READY_FD"},
            temporal::kWorkflowTaskQueue};
  }
  WorkerCommand PeerCommand() const {
    return {"the Python SDK peer",
            {options_.python, options_.peer_script, "--address", temporal_.address(),
             "--task-queue", kPeerTaskQueue},
            {},
            kPeerTaskQueue};
  }

  const Options& options_;
  const TempDir& dir_;
  const ApiTemporalServer& temporal_;
  const LoopbackJsonServer& http_;
  WorkflowStarter& starter_;
  bool failed_ = false;
};

std::string Figure(double value, const char* format) {
  return std::isnan(value) ? std::string("-") : absl::StrFormat(format, value);
}

void PrintDetail(const char* who, const WorkerResult& result) {
  if (!result.ran) {
    std::printf("  %-8s not run: %s\n", who, result.note.c_str());
    return;
  }
  std::printf("  %-8s polling after %.2f s; %s\n", who, result.seconds_to_polling,
              DescribeLoad(result.load).c_str());
  std::printf(
      "  %-8s peak RSS %.1f MiB (at the end: %.1f MiB anonymous + %.1f MiB file-backed, %d "
      "threads; PSS %.1f MiB: its own %.1f MiB + %d descendants %.1f MiB; %s beside "
      "stigmer-server and agent-runner), worker CPU %.2f ms per workflow, HTTP requests %lld, "
      "exit %d\n"
      "  %-8s history of one workflow: %d events, %d workflow tasks\n",
      "", result.PeakRssMib(), static_cast<double>(result.at_end.rss_anon_kib) / 1024,
      static_cast<double>(result.at_end.rss_file_kib) / 1024, result.at_end.threads,
      result.PssMib(), static_cast<double>(result.own_pss_kib) / 1024, result.descendants,
      static_cast<double>(result.pss_kib - result.own_pss_kib) / 1024,
      Figure(result.StackPssMib(), "%.1f MiB").c_str(),
      result.PerWorkflowMs(result.worker_cpu_seconds), static_cast<long long>(result.http_requests),
      result.exit_code, "", result.history_events, result.workflow_tasks);
  if (!result.note.empty()) std::printf("  %-8s %s\n", "", result.note.c_str());
}

std::string TableRow(const Scenario& scenario, const char* who, const WorkerResult& result) {
  return absl::StrFormat(
      "%-18s %-8s %6s %9s %9s %9s %9s %10s %8s %10s %10s\n", scenario.title, who,
      result.ran ? absl::StrCat(result.load.latencies_ms.size()) : "-",
      Figure(result.Throughput(), "%.1f"), Figure(result.Quantile(0.5), "%.1f"),
      Figure(result.Quantile(0.99), "%.1f"), Figure(result.Quantile(1.0), "%.1f"),
      Figure(result.PeakRssMib(), "%.1f"), Figure(result.PssMib(), "%.1f"),
      Figure(result.ran ? result.PerWorkflowMs(result.worker_cpu_seconds) : NAN, "%.2f"),
      Figure(result.ran ? result.PerWorkflowMs(result.load.temporal_cpu_seconds) : NAN, "%.2f"));
}

// The rows bench/run_all.sh shows: the goals are relative to the peer, so none without it.
void AddRows(const Scenario& scenario, const WorkerResult& ours, const WorkerResult& peer) {
  const std::string name = absl::StrCat("(", scenario.key, ") ", scenario.title);
  AddResultRow(name + ", throughput", ours.Throughput(), peer.Throughput(), "wf/s",
               peer.Throughput(), true);
  AddResultRow(name + ", p50", ours.Quantile(0.5), peer.Quantile(0.5), "ms", peer.Quantile(0.5),
               false);
  AddResultRow(name + ", p99", ours.Quantile(0.99), peer.Quantile(0.99), "ms", NAN, false);
  AddResultRow(name + ", worker peak RSS", ours.PeakRssMib(), peer.PeakRssMib(), "MiB",
               peer.PeakRssMib() / 3, false);
  AddResultRow(name + ", worker PSS at the end", ours.PssMib(), peer.PssMib(), "MiB",
               peer.PssMib() / 3, false);
  AddResultRow(name + ", worker PSS at the end, in a stack", ours.StackPssMib(), peer.PssMib(),
               "MiB", peer.PssMib() / 3, false);
}

int Run(const Options& options) {
  TempDir dir("stigmer-workflow-bench");
  std::printf("%d clients, %u CPUs, load average %s\n", options.clients,
              std::thread::hardware_concurrency(), LoadAverage().c_str());
  absl::StatusOr<workflow::WorkflowDocument> five = workflow::ParseWorkflowDocument(kFiveTasks);
  absl::StatusOr<workflow::WorkflowDocument> three = workflow::ParseWorkflowDocument(kThreeHttp);
  if (!five.ok() || !three.ok()) {
    std::fprintf(stderr, "bench workflow invalid: %s\n",
                 (!five.ok() ? five.status() : three.status()).ToString().c_str());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<ApiTemporalServer>> temporal =
      ApiTemporalServer::Start(options.temporal, dir.path(), options.temporal_in_memory);
  if (!temporal.ok()) {
    std::fprintf(stderr, "%s\n", std::string(temporal.status().message()).c_str());
    return 1;
  }
  std::printf("Temporal dev server on %s (SQLite %s), SERVING after %.1f s\n",
              (*temporal)->address().c_str(),
              options.temporal_in_memory ? "in memory" : "file in the temporary folder",
              (*temporal)->seconds_to_serving());
  absl::StatusOr<std::unique_ptr<LoopbackJsonServer>> http =
      LoopbackJsonServer::Start(kHttpServerThreads);
  // workflow-runner runs in a home of its own, whose keys the starter shares.
  const config::Paths home = StigmerHome(dir);
  absl::StatusOr<std::string> signing_key =
      config::LoadOrCreateKeyFile(home.SigningKeyFile(), "signing key");
  absl::StatusOr<std::shared_ptr<const temporal::PayloadCodec>> codec =
      temporal::LoadOrCreatePayloadCodec(home.PayloadKeyFile());
  if (!signing_key.ok() || !codec.ok()) {
    std::fprintf(stderr, "%s\n",
                 (!signing_key.ok() ? signing_key.status() : codec.status()).ToString().c_str());
    return 1;
  }
  absl::StatusOr<WorkflowStarter> starter = WorkflowStarter::Connect(
      (*temporal)->address(), options.clients, *std::move(codec), *std::move(signing_key));
  if (!http.ok() || !starter.ok()) {
    std::fprintf(stderr, "%s\n",
                 (!http.ok() ? http.status() : starter.status()).ToString().c_str());
    return 1;
  }
  std::printf("HTTP server on %s (%d threads)\n", (*http)->url().c_str(), kHttpServerThreads);

  const std::string url = (*http)->url();
  const std::vector<Scenario> scenarios = {
      {"a", "five tasks", "set, set, switch, for (5 iterations), set",
       nlohmann::json::parse(five->json.dump()), "FiveTasks", options.runs, false,
       [](int n) {
         return nlohmann::json{{"items", {1, 2, 3, 4, 1 + n % 9}}};
       },
       [](int n) {
         return nlohmann::json{{"total", 2 * (11 + n % 9)}};
       }},
      {"b", "three call: http", "three GETs of the local HTTP server in a row",
       nlohmann::json::parse(three->json.dump()), "ThreeHttp", std::max(1, options.runs / 2), true,
       [url](int) {
         return nlohmann::json{{"url", url}};
       },
       [](int) {
         return nlohmann::json{{"path", "/c"}};
       }},
  };
  WorkflowBench bench(options, dir, **temporal, **http, *starter);
  std::string table = absl::StrFormat("%-18s %-8s %6s %9s %9s %9s %9s %10s %8s %10s %10s\n",
                                      "scenario", "worker", "runs", "wf/s", "p50 ms", "p99 ms",
                                      "max ms", "RSS MiB", "PSS MiB", "CPU ms/wf", "tmprl ms/wf");
  table += std::string(table.size() - 1, '-') + "\n";
  bool peer_missing = false;
  for (const Scenario& scenario : scenarios) {
    if (Interrupted()) break;
    std::printf("\n(%s) %s (%s): %d workflows, %d clients, after %d warm-up workflows\n",
                scenario.key.c_str(), scenario.title.c_str(), scenario.detail.c_str(),
                std::max(1, scenario.runs / options.clients) * options.clients, options.clients,
                std::max(1, options.warmup / options.clients) * options.clients);
    WorkerResult ours, peer;
    if (scenario.peer_first) peer = bench.Measure(scenario, true);
    ours = bench.Measure(scenario, false);
    if (!scenario.peer_first) peer = bench.Measure(scenario, true);
    PrintDetail("stigmer", ours);
    PrintDetail("python", peer);
    peer_missing = peer_missing || !peer.ran;
    table += TableRow(scenario, "stigmer", ours) + TableRow(scenario, "python", peer);
    AddRows(scenario, ours, peer);
  }
  std::printf(
      "\n%s\nRSS: peak (VmHWM) of the worker process and its descendants; PSS: theirs summed at "
      "the end. CPU: worker CPU time per workflow; tmprl: the Temporal dev server's.\nLoad average "
      "after: %s\n",
      table.c_str(), LoadAverage().c_str());
  if (peer_missing) {
    std::printf("note: the Python peer did not run: its columns are empty (see above)\n");
  }
  return bench.failed() || Interrupted() ? 1 : 0;
}

}  // namespace
}  // namespace stigmer::bench

int main(int argc, char** argv) {
  stigmer::bench::Options options;
  if (const char* temporal = std::getenv("STIGMER_TEMPORAL_BIN"); temporal && *temporal) {
    options.temporal = temporal;
  }
  if (const char* runs = std::getenv("BENCH_WF_RUNS"); runs && *runs) {
    options.runs = std::atoi(runs);
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--stigmer") options.stigmer = value;
    if (flag == "--temporal") options.temporal = value;
    if (flag == "--python") options.python = value;
    if (flag == "--peer-script") options.peer_script = value;
    if (flag == "--temporal-db") options.temporal_in_memory = value != "file";
    if (flag == "--clients") options.clients = std::atoi(value.c_str());
    if (flag == "--runs") options.runs = std::atoi(value.c_str());
    if (flag == "--warmup") options.warmup = std::atoi(value.c_str());
  }
  if (argc % 2 == 0 || options.clients < 1 || options.runs < 1 || options.warmup < 1) {
    std::fprintf(stderr,
                 "usage: workflow_bench [--stigmer PATH] [--temporal PATH] [--python PATH] "
                 "[--peer-script PATH] [--temporal-db file|memory] [--clients 8] [--runs 400] "
                 "[--warmup 16]\n");
    return 64;
  }
  stigmer::bench::WatchForInterrupts();  // before any other thread
  return stigmer::bench::Run(options);
}
