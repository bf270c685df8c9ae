// stigmer-server's public API under load, against the real Temporal dev server, next to Temporal's
// own StartWorkflowExecution measured directly in the same run (issue 3, "Benchmarks"):
//
//   api_bench --temporal PATH [--temporal-db file|memory] [--clients 16] [--apply N] [--get N]
//             [--create N] [--rounds R] [--single N] [--paced N] [--paced-rate R]
//             [--table FILE]
//
// In a temporary folder: the Temporal dev server (api_temporal.h; a free port; its SQLite database
// in memory by default, since a file costs it an fsync per write and drowns a 2 ms goal in disk
// noise: --temporal-db file for the file the daemon uses) and StigmerServer in this process
// (a free port; its store a SQLite file in that folder, as in production).
// Each of the --clients client threads has connections of its own (its own gRPC channel to
// stigmer-server and one to Temporal, as separate client processes would) and makes its calls one
// after the other (closed loop), each timed. Every phase starts with an unmeasured warm-up, then
// a fixed number of calls (N in total, N / clients per client); throughput = successful calls ÷
// wall time of the phase, latencies over every successful call, CPU time of Temporal and of this
// process (clients + stigmer-server) per call.
//   1. WorkflowService.Apply of --apply documents with distinct names (each one stores a new
//      workflow: outcome CREATED), then the same documents again (UNCHANGED: nothing written).
//   2. WorkflowService.Get of --get calls over those workflows, latest version.
//   3. ExecutionService.Create of --create executions of one workflow, and as many
//      StartWorkflowExecution calls straight to Temporal with the same workflow type, task queue
//      and input payloads (a unique request id each, as Create sends), in --rounds alternating
//      rounds (Temporal first) so that both see the same dev server as its database grows. Then
//      the same with a single client (--single calls each side), the cost without queueing, and
//      with every client paced to --paced-rate calls/s in all (--paced calls each side): the
//      cost of a call on a machine that is not saturated.
//      Nothing runs the workflows (no worker): Create starts them and each stays open; with no
//      worker to report progress, stigmer-server reads none of their histories (scale_bench
//      measures Create with a worker running the workflows).
// The summary table goes to stdout and, with --table, to FILE (bench/run_all.sh shows it last).
// Goals: Create p50 − Temporal's start p50 ≤ 2 ms; Get ≥ 10,000 calls/s. Exit status 0 unless
// something could not run (goals are reported, not enforced).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "api_load.h"
#include "api_temporal.h"
#include "common/bearer_token_channel.h"
#include "config/api_token.h"
#include "server/stigmer_server.h"
#include "stigmer/v1/execution.grpc.pb.h"
#include "stigmer/v1/workflow.grpc.pb.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"
#include "workflow/workflow_document.h"

namespace stigmer::bench {
namespace {

namespace wfs = ::temporal::api::workflowservice::v1;

struct Options {
  std::string temporal, table;
  bool temporal_in_memory = true;  // --temporal-db memory|file
  int single = 100;                // --single: calls with one client, each side
  int paced = 800;                 // --paced: calls each side at --paced-rate (0: none)
  double paced_rate = 100;         // --paced-rate: calls per second over all clients
  int clients = 16, apply = 1600, get = 48000, create = 800, rounds = 3;
};

constexpr char kInterrupted[] = "interrupted";
constexpr absl::Duration kCallTimeout = absl::Seconds(10);

// A channel with a connection of its own (gRPC otherwise shares one among identical channels),
// whose calls carry `token` (stigmer-server's API token; none for Temporal).
std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address,
                                          const std::string& token = "") {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return CreateBearerTokenChannel(address, token, args);
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
}

std::string Failure(const grpc::Status& status) {
  return status.ok() ? std::string()
                     : absl::StrCat("code ", status.error_code(), ": ", status.error_message());
}

// A small valid workflow (like examples/hello.yaml) named `name`.
std::string Definition(const std::string& name) {
  return absl::StrCat("document:\n  dsl: '1.0.0'\n  namespace: bench\n  name: ", name,
                      "\n  version: '1.0.0'\ndo:\n  - greet:\n      set:\n        greeting: ${ "
                      "\"Hello, \" + (.name // \"world\") + \"!\" }\n");
}

// One client: its own connections to stigmer-server and to Temporal.
struct Client {
  std::unique_ptr<stigmer::v1::WorkflowService::Stub> workflows;
  std::unique_ptr<stigmer::v1::ExecutionService::Stub> executions;
  std::unique_ptr<wfs::WorkflowService::Stub> temporal;
};

class ApiBench {
 public:
  ApiBench(const Options& options, const std::string& stigmer, const std::string& token,
           const std::string& temporal, int temporal_pid)
      : options_(options), temporal_pid_(temporal_pid) {
    for (int i = 0; i < options.clients; ++i) {
      auto channel = OwnChannel(stigmer, token);
      auto temporal_channel = OwnChannel(temporal);
      clients_.push_back({stigmer::v1::WorkflowService::NewStub(channel),
                          stigmer::v1::ExecutionService::NewStub(channel),
                          wfs::WorkflowService::NewStub(temporal_channel)});
    }
  }

  // Apply of `definition(client, index)`; "" when the outcome is `expected`.
  std::string Apply(int client, const std::string& definition, stigmer::v1::ApplyOutcome expected) {
    if (Interrupted()) return kInterrupted;
    grpc::ClientContext context;
    SetDeadline(context);
    stigmer::v1::ApplyWorkflowRequest request;
    request.set_definition(definition);
    stigmer::v1::ApplyWorkflowResponse response;
    std::string failure = Failure(clients_[client].workflows->Apply(&context, request, &response));
    if (failure.empty() && response.outcome() != expected) {
      failure = "outcome " + stigmer::v1::ApplyOutcome_Name(response.outcome());
    }
    return failure;
  }

  std::string Get(int client, const std::string& name) {
    if (Interrupted()) return kInterrupted;
    grpc::ClientContext context;
    SetDeadline(context);
    stigmer::v1::GetWorkflowRequest request;
    request.set_name(name);
    stigmer::v1::Workflow response;
    std::string failure = Failure(clients_[client].workflows->Get(&context, request, &response));
    if (failure.empty() && response.name() != name) failure = "got " + response.name();
    return failure;
  }

  std::string Create(int client, const std::string& workflow) {
    if (Interrupted()) return kInterrupted;
    grpc::ClientContext context;
    SetDeadline(context);
    stigmer::v1::CreateExecutionRequest request;
    request.set_workflow(workflow);
    request.set_input("{}");
    stigmer::v1::Execution response;
    std::string failure =
        Failure(clients_[client].executions->Create(&context, request, &response));
    if (failure.empty() && response.temporal_run_id().empty()) failure = "no run id";
    return failure;
  }

  // Temporal's own StartWorkflowExecution, as TemporalClient::StartWorkflow makes it for Create.
  std::string StartOnTemporal(int client, const std::string& workflow_id,
                              const temporal::Payloads& input) {
    if (Interrupted()) return kInterrupted;
    grpc::ClientContext context;
    SetDeadline(context);
    wfs::StartWorkflowExecutionRequest request;
    request.set_namespace_("default");
    request.set_workflow_id(workflow_id);
    request.mutable_workflow_type()->set_name(temporal::kServerlessWorkflowType);
    request.mutable_task_queue()->set_name(temporal::kWorkflowTaskQueue);
    request.mutable_task_queue()->set_kind(::temporal::api::enums::v1::TASK_QUEUE_KIND_NORMAL);
    *request.mutable_input() = input;
    request.set_identity("api_bench");
    request.set_request_id(absl::StrCat("req-", workflow_id));
    wfs::StartWorkflowExecutionResponse response;
    std::string failure =
        Failure(clients_[client].temporal->StartWorkflowExecution(&context, request, &response));
    if (failure.empty() && response.run_id().empty()) failure = "no run id";
    return failure;
  }

  // `total` calls over `clients` clients (0: --clients).
  LoadResult Load(int total, const ApiCall& call, int clients = 0,
                  double calls_per_second = 0) const {
    if (clients == 0) clients = options_.clients;
    return RunLoad(clients, std::max(1, total / clients), call, temporal_pid_, calls_per_second);
  }

 private:
  const Options& options_;
  const int temporal_pid_;
  std::vector<Client> clients_;
};

std::string Name(const char* prefix, int client, int index) {
  return absl::StrCat(prefix, "-c", client, "-", index);
}

// The payloads Create sends for `definition` with input {} and no runtime values (see
// ExecutionManager): the document as JSON, the input, the runtime environment.
absl::StatusOr<temporal::Payloads> CreatePayloads(const std::string& definition) {
  absl::StatusOr<workflow::WorkflowDocument> document = workflow::ParseWorkflowDocument(definition);
  if (!document.ok()) return document.status();
  const nlohmann::json runtime = {{"environment", nlohmann::json::object()},
                                  {"secrets", nlohmann::json::object()}};
  return temporal::JsonPayloads(
      {nlohmann::json::parse(document->json.dump()), nlohmann::json::object(), runtime});
}

// CPU time of Temporal and of this process (clients and stigmer-server) per call, in ms.
double CpuPerCall(const LoadResult& result) {
  const double calls = result.Calls();
  return calls > 0 ? 1000 * (result.temporal_cpu_seconds + result.own_cpu_seconds) / calls : NAN;
}

void Report(const char* what, const LoadResult& result, bool* failed) {
  std::printf("  %-34s %s\n", what, DescribeLoad(result).c_str());
  if (result.errors > 0 || result.latencies_ms.empty()) *failed = true;
}

// The first three figures of /proc/loadavg.
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return absl::StrCat(one, " ", five, " ", fifteen);
}

int Run(const Options& options) {
  TempDir dir("stigmer-api-bench");
  std::printf("%d clients, each with its own connections; %u CPUs; load average %s\n",
              options.clients, std::thread::hardware_concurrency(), LoadAverage().c_str());
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
  server::ServerOptions server_options;
  server_options.port = 0;
  server_options.temporal_address = (*temporal)->address();
  server_options.store_path = dir.path() / "stigmer.db";
  server_options.api_token_file = dir.path() / "api.token";
  absl::StatusOr<std::string> token = config::LoadOrCreateApiToken(server_options.api_token_file);
  if (!token.ok()) {
    std::fprintf(stderr, "%s\n", std::string(token.status().message()).c_str());
    return 1;
  }
  server_options.api_token = *token;
  absl::StatusOr<std::unique_ptr<server::StigmerServer>> server =
      server::StigmerServer::Start(server_options);
  if (!server.ok()) {
    std::fprintf(stderr, "stigmer-server: %s\n", server.status().ToString().c_str());
    return 1;
  }
  std::printf(
      "stigmer-server in this process on 127.0.0.1:%d (store: SQLite file in the "
      "temporary folder)\n",
      (*server)->port());
  ApiBench bench(options, absl::StrCat("127.0.0.1:", (*server)->port()), *token,
                 (*temporal)->address(), (*temporal)->pid());
  bool failed = false;
  using stigmer::v1::APPLY_OUTCOME_CREATED;
  using stigmer::v1::APPLY_OUTCOME_UNCHANGED;

  // 1. Apply: new workflows, then the same documents again.
  bench.Load(options.clients * 10, [&](int c, int i) {
    return bench.Apply(c, Definition(Name("warm", c, i)), APPLY_OUTCOME_CREATED);
  });
  const LoadResult applied = bench.Load(options.apply, [&](int c, int i) {
    return bench.Apply(c, Definition(Name("wf", c, i)), APPLY_OUTCOME_CREATED);
  });
  const LoadResult unchanged = bench.Load(options.apply, [&](int c, int i) {
    return bench.Apply(c, Definition(Name("wf", c, i)), APPLY_OUTCOME_UNCHANGED);
  });
  Report("Apply, new workflow (CREATED)", applied, &failed);
  Report("Apply, same document (UNCHANGED)", unchanged, &failed);

  // 2. Get over the workflows applied in 1.
  const int applied_per_client = std::max(1, options.apply / options.clients);
  auto get = [&](int c, int i) {
    return bench.Get(c, Name("wf", c, (i * 7) % applied_per_client));
  };
  bench.Load(options.clients * 200, get);
  const LoadResult got = bench.Load(options.get, get);
  Report("Get (latest version)", got, &failed);

  // 3. Create next to Temporal's own StartWorkflowExecution, in alternating rounds.
  const std::string run_definition = Definition("bench-run");
  const absl::StatusOr<temporal::Payloads> payloads = CreatePayloads(run_definition);
  if (!payloads.ok() || !bench.Apply(0, run_definition, APPLY_OUTCOME_CREATED).empty()) {
    std::fprintf(stderr, "cannot set up the workflow to run\n");
    return 1;
  }
  int round = 0;
  auto start_on_temporal = [&](int c, int i) {
    return bench.StartOnTemporal(c, absl::StrCat("bench-start-r", round, "-c", c, "-", i),
                                 *payloads);
  };
  auto create = [&](int c, int) { return bench.Create(c, "bench-run"); };
  bench.Load(options.clients * 5, start_on_temporal);
  bench.Load(options.clients * 5, create);
  std::vector<LoadResult> starts, creates;
  const int per_round = std::max(options.clients, options.create / std::max(1, options.rounds));
  for (round = 1; round <= options.rounds && !Interrupted(); ++round) {
    starts.push_back(bench.Load(per_round, start_on_temporal));
    creates.push_back(bench.Load(per_round, create));
  }
  const LoadResult started = Combine(starts), created = Combine(creates);
  Report("Temporal StartWorkflowExecution", started, &failed);
  Report("ExecutionService.Create", created, &failed);
  // The same with a single client, for the cost of one call without queueing.
  std::vector<LoadResult> single_starts, single_creates;
  for (int half = 0; half < 2 && !Interrupted(); ++half, ++round) {
    single_starts.push_back(bench.Load(options.single / 2, start_on_temporal, 1));
    single_creates.push_back(bench.Load(options.single / 2, create, 1));
  }
  const LoadResult single_started = Combine(single_starts);
  const LoadResult single_created = Combine(single_creates);
  Report("1 client: Temporal start", single_started, &failed);
  Report("1 client: Create", single_created, &failed);
  // The same clients paced below saturation: the cost of a call when the cores are not all busy.
  std::vector<LoadResult> paced_starts, paced_creates;
  for (int half = 0; half < 2 && options.paced > 0 && !Interrupted(); ++half, ++round) {
    paced_starts.push_back(bench.Load(options.paced / 2, start_on_temporal, 0, options.paced_rate));
    paced_creates.push_back(bench.Load(options.paced / 2, create, 0, options.paced_rate));
  }
  const LoadResult paced_started = Combine(paced_starts);
  const LoadResult paced_created = Combine(paced_creates);
  const std::string paced_what =
      absl::StrFormat("%d clients at %g/s", options.clients, options.paced_rate);
  Report(absl::StrCat(paced_what, ": Temporal start").c_str(), paced_started, &failed);
  Report(absl::StrCat(paced_what, ": Create").c_str(), paced_created, &failed);

  const std::string table = FormatApiTable({
      {"Apply new workflow, throughput", applied.Throughput(), NAN, "/s"},
      {"Apply new workflow, p50", applied.Quantile(0.5), NAN, "ms"},
      {"Apply new workflow, p99", applied.Quantile(0.99), NAN, "ms"},
      {"Apply unchanged, throughput", unchanged.Throughput(), NAN, "/s"},
      {"Apply unchanged, p50", unchanged.Quantile(0.5), NAN, "ms"},
      {"Apply unchanged, p99", unchanged.Quantile(0.99), NAN, "ms"},
      {"Get, throughput", got.Throughput(), NAN, "/s", 10000, true},
      {"Get, p50", got.Quantile(0.5), NAN, "ms"},
      {"Get, p99", got.Quantile(0.99), NAN, "ms"},
      {"Create vs StartWorkflowExecution, tput", created.Throughput(), started.Throughput(), "/s"},
      {"Create vs StartWorkflowExecution, p50", created.Quantile(0.5), started.Quantile(0.5), "ms",
       2, false, true},
      {"Create vs StartWorkflowExecution, mean", created.Mean(), started.Mean(), "ms", NAN, false,
       true},
      {"Create vs StartWorkflowExecution, p99", created.Quantile(0.99), started.Quantile(0.99),
       "ms", NAN, false, true},
      {"Create vs StartWorkflowExecution, CPU", CpuPerCall(created), CpuPerCall(started), "ms/call",
       NAN, false, true},
      {"1 client: Create vs Start, p50", single_created.Quantile(0.5), single_started.Quantile(0.5),
       "ms", NAN, false, true},
      {absl::StrCat(paced_what, ": Create vs Start, p50"), paced_created.Quantile(0.5),
       paced_started.Quantile(0.5), "ms", NAN, false, true},
  });
  std::printf(
      "\n%d concurrent clients; samples: Apply %zu + %zu, Get %zu, Create %zu, Temporal start "
      "%zu\n%s",
      options.clients, applied.latencies_ms.size(), unchanged.latencies_ms.size(),
      got.latencies_ms.size(), created.latencies_ms.size(), started.latencies_ms.size(),
      table.c_str());
  if (!options.table.empty()) {
    std::ofstream out(options.table, std::ios::trunc);
    out << table;
  }
  (*server)->Shutdown(absl::Seconds(5));  // stops the followers first, then Temporal goes
  return failed || Interrupted() ? 1 : 0;
}

}  // namespace
}  // namespace stigmer::bench

int main(int argc, char** argv) {
  // stigmer-server runs in this process: without the Mutex checks, as in src/main.cc.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  stigmer::bench::Options options;
  const char* from_environment = std::getenv("STIGMER_TEMPORAL_BIN");
  if (from_environment != nullptr) options.temporal = from_environment;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--temporal") options.temporal = value;
    if (flag == "--table") options.table = value;
    if (flag == "--temporal-db") options.temporal_in_memory = value != "file";
    if (flag == "--clients") options.clients = std::stoi(value);
    if (flag == "--apply") options.apply = std::stoi(value);
    if (flag == "--get") options.get = std::stoi(value);
    if (flag == "--create") options.create = std::stoi(value);
    if (flag == "--rounds") options.rounds = std::stoi(value);
    if (flag == "--single") options.single = std::max(2, std::stoi(value));
    if (flag == "--paced") options.paced = std::max(0, std::stoi(value));
    if (flag == "--paced-rate") options.paced_rate = std::max(1.0, std::stod(value));
  }
  if (options.temporal.empty() || options.clients < 1) {
    std::fprintf(stderr,
                 "usage: api_bench --temporal PATH [--temporal-db file|memory] [--clients 16] "
                 "[--apply N] [--get N] [--create N] [--rounds R] [--single N] [--paced N] "
                 "[--paced-rate R] [--table FILE]\n");
    return 64;
  }
  stigmer::bench::WatchForInterrupts();  // before any other thread
  return stigmer::bench::Run(options);
}
