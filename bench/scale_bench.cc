// stigmer-server following many running executions (issue 11, "stigmer-server: following
// without a thread per execution"), against the real Temporal dev server:
//
//   scale_bench --stigmer PATH --temporal PATH [--executions 10000] [--clients 16]
//               [--timer-seconds 60] [--temporal-starts 2000] [--watches 16] [--sampled 256]
//               [--server-cpu N] [--table FILE]
//
// In a temporary folder: the Temporal dev server (api_temporal.h, SQLite in memory), then
// `stigmer internal stigmer-server` and `stigmer internal workflow-runner` as the daemon runs
// them (separate processes, free ports, the worker reporting progress to the server). A workflow
// that waits --timer-seconds on a durable timer, then answers {"n": <its input's n>}. Then:
//   1. --clients threads Create --executions executions (closed loop, each call timed), in
//      rounds alternating with StartWorkflowExecution calls of the same workflow straight to
//      Temporal (--temporal-starts in all, run by the same worker), each kind first every other
//      round, so that both meet the same server; the CPU each call cost Temporal, the bench's
//      clients, stigmer-server and workflow-runner;
//   2. meanwhile and until every execution has closed, every 250 ms: stigmer-server's threads and
//      RSS, and one `get executions` (List, 50 newest) timed;
//   3. --watches Watch streams opened on executions spread over the ones created: how long after
//      its close (the record's ended_at, Temporal's close time) each stream sees the final state;
//   4. --sampled executions polled with Get from shortly before their timer fires: how long
//      after its close each record is final;
//   5. at the end every record is read: COMPLETED with output {"n": its n}.
// With --server-cpu N, stigmer-server runs on CPU N alone and Temporal, workflow-runner and the
// bench on the others, in both kinds of rounds: as where stigmer-server has a host of its own
// ("Scaling out"), so that its CPU does not come out of Temporal's.
// Goals: Create p50 ≤ Temporal's Start p50 + 2 ms; threads ≤ 64; RSS ≤ 256 MiB; final ≤ 2 s
// after the close; Watch ≤ 200 ms; get executions ≤ 50 ms. The table goes to stdout and, with
// --table, to FILE. Exit status 0 unless something could not run (goals are reported).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api_load.h"
#include "api_temporal.h"
#include "bench_support.h"
#include "common/bearer_token_channel.h"
#include "config/api_token.h"
#include "config/key_file.h"
#include "config/paths.h"
#include "nlohmann/json.hpp"
#include "scale_probe.h"
#include "stigmer/v1/execution.grpc.pb.h"
#include "stigmer/v1/workflow.grpc.pb.h"
#include "temporal/payload_codec.h"
#include "temporal/temporal_client.h"
#include "workflow/workflow_document.h"
#include "workflow_worker.h"

namespace stigmer::bench {
namespace {

struct Options {
  std::string stigmer, temporal, table;
  int executions = 10000, clients = 16, timer_seconds = 60, temporal_starts = 2000;
  int watches = 16, sampled = 256, rounds = 5;
  int server_cpu = -1;  // -1: every process on every CPU
};

// Pins stigmer-server to `server_cpu` and Temporal, the worker and the bench to the other CPUs.
bool PinServerApart(int server_cpu, pid_t server, pid_t temporal, pid_t worker) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  if (server_cpu < 0 || server_cpu >= cores || cores < 2) return false;
  std::vector<int> others;
  for (int cpu = 0; cpu < cores; ++cpu) {
    if (cpu != server_cpu) others.push_back(cpu);
  }
  std::vector<pid_t> rest = ProcessTree(temporal);
  for (const pid_t pid : ProcessTree(worker)) rest.push_back(pid);
  rest.push_back(::getpid());
  return PinToCpus(ProcessTree(server), {server_cpu}) && PinToCpus(rest, others);
}

constexpr absl::Duration kCallTimeout = absl::Seconds(30);

std::string Definition(int timer_seconds) {
  return absl::StrCat(
      "document:\n  dsl: '1.0.0'\n  namespace: bench\n  name: sleeper\n  version: '1.0.0'\n"
      "do:\n  - pause:\n      wait:\n        seconds: ",
      timer_seconds, "\n  - answer:\n      set:\n        n: ${ $input.n }\n");
}

std::string Failure(const grpc::Status& status) {
  return status.ok() ? std::string()
                     : absl::StrCat("code ", status.error_code(), ": ", status.error_message());
}

std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address, const std::string& token) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return CreateBearerTokenChannel(address, token, args);
}

int Run(const Options& options) {
  TempDir folder("stigmer-scale-bench");
  absl::StatusOr<std::unique_ptr<ApiTemporalServer>> temporal =
      ApiTemporalServer::Start(options.temporal, folder.path(), /*in_memory=*/true);
  if (!temporal.ok()) {
    std::fprintf(stderr, "scale_bench: %s\n", temporal.status().ToString().c_str());
    return 1;
  }
  const config::Paths paths(folder.path() / "home");
  absl::StatusOr<std::unique_ptr<StigmerServerProcess>> server = StigmerServerProcess::Start(
      options.stigmer, paths, (*temporal)->address(), folder.path() / "stigmer-server.log");
  if (!server.ok()) {
    std::fprintf(stderr, "scale_bench: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const std::string address = (*server)->address();
  absl::StatusOr<std::unique_ptr<WorkerProcess>> worker = WorkerProcess::Start(
      {.name = "stigmer workflow-runner",
       .argv = {options.stigmer, "internal", "workflow-runner"},
       .env = {"STIGMER_HOME=" + paths.home().string(), "STIGMER_BACKEND_ENDPOINT=" + address,
               "TEMPORAL_SERVICE_ADDRESS=" + (*temporal)->address(), "EXECUTION_MODE=temporal"},
       .task_queue = "stigmer-workflows"},
      (*temporal)->address(), folder.path() / "workflow-runner.log", absl::Seconds(60));
  if (!worker.ok()) {
    std::fprintf(stderr, "scale_bench: %s\n", worker.status().ToString().c_str());
    return 1;
  }
  const std::string token = (*server)->token();
  // Temporal's own starts run the same workflow on the same worker, signed and encrypted as
  // stigmer-server's are, so that both sides meet the same load.
  absl::StatusOr<std::string> signing_key =
      config::ReadKeyFile(paths.SigningKeyFile(), "signing key");
  absl::StatusOr<std::shared_ptr<const temporal::PayloadCodec>> codec =
      temporal::LoadOrCreatePayloadCodec(paths.PayloadKeyFile());
  if (!signing_key.ok() || !codec.ok()) {
    std::fprintf(stderr, "scale_bench: the server's keys: %s %s\n",
                 signing_key.status().ToString().c_str(), codec.status().ToString().c_str());
    return 1;
  }
  std::vector<std::unique_ptr<stigmer::v1::ExecutionService::Stub>> clients;
  std::vector<std::unique_ptr<temporal::TemporalClient>> temporal_clients;
  for (int i = 0; i < options.clients; ++i) {
    clients.push_back(stigmer::v1::ExecutionService::NewStub(OwnChannel(address, token)));
    temporal::TemporalClientOptions client_options;
    client_options.address = (*temporal)->address();
    client_options.codec = *codec;
    auto client = temporal::TemporalClient::Connect(client_options, absl::Seconds(10));
    if (!client.ok()) return 1;
    temporal_clients.push_back(*std::move(client));
  }
  {
    auto workflows = stigmer::v1::WorkflowService::NewStub(OwnChannel(address, token));
    grpc::ClientContext context;
    stigmer::v1::ApplyWorkflowRequest request;
    request.set_definition(Definition(options.timer_seconds));
    stigmer::v1::ApplyWorkflowResponse response;
    if (const std::string failure = Failure(workflows->Apply(&context, request, &response));
        !failure.empty()) {
      std::fprintf(stderr, "scale_bench: apply: %s\n", failure.c_str());
      return 1;
    }
  }

  if (options.server_cpu >= 0) {
    if (!PinServerApart(options.server_cpu, (*server)->pid(), (*temporal)->pid(),
                        (*worker)->pid())) {
      std::fprintf(stderr, "scale_bench: could not pin stigmer-server to CPU %d apart\n",
                   options.server_cpu);
      return 1;
    }
    std::printf("stigmer-server on CPU %d; Temporal, workflow-runner and the bench on the others\n",
                options.server_cpu);
  }
  ScaleProbe probe((*server)->pid(), clients.front().get());
  probe.Start();
  // 1. Creates, in rounds alternating with Temporal's own starts.
  std::vector<std::string> ids(options.executions);
  std::vector<absl::Time> created(options.executions);
  std::vector<LoadResult> creates, starts;
  const int per_round = options.executions / options.rounds / options.clients;
  const int starts_per_round = options.temporal_starts / options.rounds / options.clients;
  std::atomic<int> next_id{0};
  absl::StatusOr<workflow::WorkflowDocument> document =
      workflow::ParseWorkflowDocument(Definition(options.timer_seconds));
  if (!document.ok()) return 1;
  // What Create sends: the document as JSON, the input, the runtime values.
  const std::vector<nlohmann::json> payloads = {
      nlohmann::json::parse(document->json.dump()),
      {{"n", -1}},
      {{"environment", nlohmann::json::object()}, {"secrets", nlohmann::json::object()}}};
  // CPU seconds of stigmer-server and workflow-runner while each kind of call ran: what a
  // Create costs beyond Temporal's own start, where the bench's own clients are not.
  struct ProcessCpu {
    double server = 0, worker = 0;
  } create_cpu, start_cpu;
  const auto timed = [&](ProcessCpu& cpu, auto run) {
    const double server_before = CpuSeconds((*server)->pid());
    const double worker_before = CpuSeconds((*worker)->pid());
    run();
    cpu.server += CpuSeconds((*server)->pid()) - server_before;
    cpu.worker += CpuSeconds((*worker)->pid()) - worker_before;
  };
  for (int round = 0; round < options.rounds && !Interrupted(); ++round) {
    const auto run_starts = [&] {
      timed(start_cpu, [&] {
        starts.push_back(RunLoad(
            options.clients, starts_per_round,
            [&](int client, int index) {
              temporal::StartWorkflowOptions start;
              start.workflow_id = absl::StrCat("temporal-", round, "-", client, "-", index);
              start.workflow_type = "ServerlessWorkflow";
              start.task_queue = "stigmer-workflows";
              start.input = payloads;
              start.request_id = start.workflow_id;
              start.signing_key = *signing_key;
              absl::StatusOr<std::string> run = temporal_clients[client]->StartWorkflow(start);
              return run.ok() ? std::string() : run.status().ToString();
            },
            (*temporal)->pid()));
      });
    };
    const auto run_creates = [&] {
      timed(create_cpu, [&] {
        creates.push_back(RunLoad(
            options.clients, per_round,
            [&](int client, int) {
              const int n = next_id++;
              grpc::ClientContext context;
              context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
              stigmer::v1::CreateExecutionRequest request;
              request.set_workflow("sleeper");
              request.set_input(nlohmann::json{{"n", n}}.dump());
              stigmer::v1::Execution execution;
              std::string failure = Failure(clients[client]->Create(&context, request, &execution));
              if (failure.empty()) {
                ids[n] = execution.id();
                created[n] = absl::Now();
              }
              return failure;
            },
            (*temporal)->pid()));
      });
    };
    // Each kind goes first every other round: neither meets the larger store every time.
    if (round % 2 == 0) {
      run_starts();
      run_creates();
    } else {
      run_creates();
      run_starts();
    }
  }
  const int made = next_id.load();
  const LoadResult create = Combine(creates), start = Combine(starts);
  const auto per_call = [](double seconds, const LoadResult& load) {
    return 1000 * seconds / load.Calls();
  };
  std::printf(
      "Create:   %s; stigmer-server %.2f ms, workflow-runner %.2f ms\n"
      "Temporal: %s; stigmer-server %.2f ms, workflow-runner %.2f ms\n",
      DescribeLoad(create).c_str(), per_call(create_cpu.server, create),
      per_call(create_cpu.worker, create), DescribeLoad(start).c_str(),
      per_call(start_cpu.server, start), per_call(start_cpu.worker, start));
  // On a saturated machine a closed loop's mean latency is about clients × CPU per call ÷ cores:
  // the mean gap that the CPU a Create costs beyond Temporal's own start accounts for. With
  // stigmer-server on a CPU apart, its CPU is not shared with the rest, so it is left out.
  const bool apart = options.server_cpu >= 0;
  const auto all_cpu = [&](const ProcessCpu& cpu, const LoadResult& load) {
    return per_call(
        (apart ? 0 : cpu.server) + cpu.worker + load.temporal_cpu_seconds + load.own_cpu_seconds,
        load);
  };
  const double cores = std::max(1u, std::thread::hardware_concurrency()) - (apart ? 1 : 0);
  const double predicted_gap =
      (all_cpu(create_cpu, create) - all_cpu(start_cpu, start)) * options.clients / cores;
  std::printf(
      "CPU per call, all processes%s: Create %.2f ms, Temporal's start %.2f ms; "
      "× %d clients ÷ %.0f cores: a mean gap of %+.1f ms\n",
      apart ? " but stigmer-server" : "", all_cpu(create_cpu, create), all_cpu(start_cpu, start),
      options.clients, cores, predicted_gap);
  std::fflush(stdout);

  // 3. and 4.: watches and sampled records, until each has closed.
  const absl::Duration timer = absl::Seconds(options.timer_seconds);
  std::vector<double> watch_lags;
  std::thread watching([&] {
    watch_lags =
        WatchUntilClosed(address, token, ids, made, options.watches, timer + absl::Minutes(10));
  });
  std::vector<double> final_lags = SampleUntilFinal(clients.front().get(), ids, created, made,
                                                    options.sampled, timer, absl::Minutes(10));
  watching.join();
  // 5. every record.
  const ScaleOutcome outcome = CheckAll(clients.front().get(), timer + absl::Minutes(10));
  probe.Stop();
  std::printf("%s\n", outcome.Describe().c_str());
  std::printf("stigmer-server: %s\n", probe.Describe().c_str());

  std::vector<ApiRow> rows = {
      {.metric = "Create p50 (vs Temporal Start)",
       .stigmer = create.Quantile(0.5),
       .peer = start.Quantile(0.5),
       .unit = "ms",
       .goal = 2,
       .goal_on_delta = true},
      {.metric = "Create mean",
       .stigmer = create.Mean(),
       .peer = start.Mean(),
       .unit = "ms",
       .goal_on_delta = true},
      {.metric = "Create mean gap its CPU predicts", .stigmer = predicted_gap, .unit = "ms"},
      {.metric = "Create p99",
       .stigmer = create.Quantile(0.99),
       .peer = start.Quantile(0.99),
       .unit = "ms"},
      {.metric = "executions completed right",
       .stigmer = static_cast<double>(outcome.right),
       .unit = "of " + std::to_string(made),
       .goal = static_cast<double>(made),
       .higher_is_better = true},
      {.metric = "stigmer-server threads (max)",
       .stigmer = static_cast<double>(probe.max_threads()),
       .unit = "threads",
       .goal = 64},
      {.metric = "stigmer-server RSS (max)",
       .stigmer = probe.max_rss_mib(),
       .unit = "MiB",
       .goal = 256},
      {.metric = "record final after close (max)",
       .stigmer = Summarize(final_lags).max,
       .unit = "ms",
       .goal = 2000},
      {.metric = "Watch sees the close (max)",
       .stigmer = Summarize(watch_lags).max,
       .unit = "ms",
       .goal = 200},
      {.metric = "get executions (max)", .stigmer = probe.max_list_ms(), .unit = "ms", .goal = 50},
      {.metric = "get executions p99",
       .stigmer = probe.list_quantile(0.99),
       .unit = "ms",
       .goal = 50},
  };
  const std::string table = FormatApiTable(rows);
  std::printf("\n%s", table.c_str());
  if (!options.table.empty()) std::ofstream(options.table) << table;
  (*worker)->Stop();
  return 0;
}

}  // namespace
}  // namespace stigmer::bench

int main(int argc, char** argv) {
  stigmer::bench::Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--stigmer")
      options.stigmer = value;
    else if (flag == "--temporal")
      options.temporal = value;
    else if (flag == "--table")
      options.table = value;
    else if (flag == "--executions")
      options.executions = std::stoi(value);
    else if (flag == "--clients")
      options.clients = std::stoi(value);
    else if (flag == "--timer-seconds")
      options.timer_seconds = std::stoi(value);
    else if (flag == "--temporal-starts")
      options.temporal_starts = std::stoi(value);
    else if (flag == "--watches")
      options.watches = std::stoi(value);
    else if (flag == "--sampled")
      options.sampled = std::stoi(value);
    else if (flag == "--server-cpu")
      options.server_cpu = std::stoi(value);
    else {
      std::fprintf(stderr, "scale_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (options.stigmer.empty() || options.temporal.empty()) {
    std::fprintf(stderr, "usage: scale_bench --stigmer PATH --temporal PATH [...]\n");
    return 2;
  }
  stigmer::bench::WatchForInterrupts();
  return stigmer::bench::Run(options);
}
