// Agent runs end to end by stigmer's agent-runner, side by side with the same agent loop
// hand-written on the official Temporal Python SDK (bench/peer/python_agent_worker.py: one
// activity per model call, one per tool call), against one Temporal dev server and one
// scripted OpenAI-compatible model server, so that only the runners differ:
//
//   agent_bench [--stigmer PATH] [--temporal PATH] [--python PATH] [--peer-script PATH]
//               [--clients 8] [--runs 64] [--warmup 8]
//
// The model server (in this process) answers at once and keeps no state: while the
// conversation it is sent holds fewer than 4 tool results it asks for the `files` tool (list
// the workspace), else it answers "done". So every run makes 5 model calls and 4 tool calls.
// stigmer: `stigmer internal agent-runner` (its own STIGMER_HOME in the temporary folder: the
// starts are signed and the payloads encrypted with its keys, as stigmer-server does), task queue
// stigmer-agents, an agent {model: openai-compatible at the server, tools: [files]}. Peer: the
// Python worker on task queue python-agents, sized the same (2 workflow + 4 activity pollers).
// --clients threads start --runs runs in all, each client one after the other (start, then
// wait for the close): run latency = start call → close seen; runs/s = runs ÷ wall time.
//
// Added latency per model call: for each measured run's model activities (llm.chat, llm_chat),
// the activity's own time as Temporal records it, ActivityTaskStarted (handed to the worker) to
// ActivityTaskCompleted (its result reported), minus the time the model server took to answer
// (its median, request read to answer written). What is left is what the runner adds to the
// call itself: for stigmer reading the run's history and replaying it to rebuild the
// conversation, decrypting and encrypting payloads; for both the HTTP client, JSON and the
// report. The detail also shows ActivityTaskScheduled → Completed, which adds Temporal's
// dispatch of the task. Worker peak RSS: VmHWM of the worker and its descendants; PSS: theirs
// summed after the measured phase (pages they share count once). Rows go to
// $STIGMER_BENCH_ROWS (bench/run_all.sh); the goals (issue 9) are reported, not enforced.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "agent/agent_program.h"
#include "agent/agent_runner.h"
#include "api_load.h"
#include "api_temporal.h"
#include "bench_support.h"
#include "config/key_file.h"
#include "config/paths.h"
#include "nlohmann/json.hpp"
#include "stack_siblings.h"
#include "testing/local_http_server.h"
#include "workflow_starter.h"
#include "workflow_worker.h"

namespace stigmer::bench {
namespace {

namespace enums = ::temporal::api::enums::v1;
using json = nlohmann::json;

constexpr char kPeerTaskQueue[] = "python-agents";
constexpr int kToolCallsPerRun = 4;
constexpr absl::Duration kWorkerReadyTimeout = absl::Seconds(60);

struct Options {
  std::string stigmer = STIGMER_BINARY;
  std::string temporal = STIGMER_SOURCE_DIR "/.venv/bin/temporal";
  std::string python = STIGMER_SOURCE_DIR "/.venv-bench/bin/python";
  std::string peer_script = STIGMER_SOURCE_DIR "/bench/peer/python_agent_worker.py";
  int clients = 8, runs = 64, warmup = 8;
};

// The scripted model: a tool call while the conversation holds fewer than kToolCallsPerRun tool
// results, then the answer; how long each answer took, for the added-latency figure.
class BenchModelServer {
 public:
  BenchModelServer() : server_([this](const testing::HttpServerRequest& r) { return Answer(r); }) {}

  std::string base_url() const { return absl::StrCat(server_.url(), "/v1"); }
  // The median time to answer, in ms, since the last call (and forgets the samples).
  double TakeMedianAnswerMs() {
    absl::MutexLock lock(&mutex_);
    const double median = Summarize(answer_ms_).p50;
    answer_ms_.clear();
    return median;
  }

 private:
  testing::HttpServerResponse Answer(const testing::HttpServerRequest& request) {
    const Clock::time_point started = Clock::now();
    const json body = json::parse(request.body, nullptr, false);
    int tool_results = 0;
    if (body.is_object() && body["messages"].is_array()) {
      for (const json& message : body["messages"]) {
        if (message.is_object() && message.value("role", "") == "tool") ++tool_results;
      }
    }
    json message = {{"role", "assistant"}, {"content", "done"}};
    if (tool_results < kToolCallsPerRun) {
      message = {{"role", "assistant"},
                 {"content", nullptr},
                 {"tool_calls",
                  {{{"id", absl::StrCat("call_", tool_results)},
                    {"type", "function"},
                    {"function",
                     {{"name", "files"}, {"arguments", R"({"operation":"list","path":"."})"}}}}}}};
    }
    const json answer = {
        {"id", "chatcmpl-bench"},
        {"object", "chat.completion"},
        {"model", "scripted"},
        {"choices",
         {{{"index", 0},
           {"message", message},
           {"finish_reason", tool_results < kToolCallsPerRun ? "tool_calls" : "stop"}}}},
        {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 5}, {"total_tokens", 15}}}};
    testing::HttpServerResponse response;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = answer.dump();
    absl::MutexLock lock(&mutex_);
    answer_ms_.push_back(MillisBetween(started, Clock::now()));
    return response;
  }

  absl::Mutex mutex_;
  std::vector<double> answer_ms_ ABSL_GUARDED_BY(mutex_);
  testing::LocalHttpServer server_;  // last: serves once the rest exists
};

struct RunnerResult {
  bool ran = false;
  std::string note;
  LoadResult load;
  int64_t peak_rss_kib = 0;
  int64_t pss_kib = 0;         // the worker and its descendants, after the measured phase
  int64_t stack_pss_kib = -1;  // pss_kib beside stigmer-server and workflow-runner (ours only)
  double worker_cpu_seconds = 0;
  // Every model activity: started → completed (the worker's own time) and scheduled → completed
  // (with Temporal's dispatch).
  std::vector<double> model_call_own_ms, model_call_span_ms;
  double model_answer_ms = 0;  // the server's median time to answer

  double Throughput() const { return ran ? load.Throughput() : NAN; }
  double Quantile(double q) const { return ran ? load.Quantile(q) : NAN; }
  double PeakRssMib() const { return ran ? static_cast<double>(peak_rss_kib) / 1024 : NAN; }
  double PssMib() const { return ran ? static_cast<double>(pss_kib) / 1024 : NAN; }
  double StackPssMib() const {
    return ran && stack_pss_kib >= 0 ? static_cast<double>(stack_pss_kib) / 1024 : NAN;
  }
  // The q-quantile of `samples`; NaN when none.
  static double QuantileOf(std::vector<double> samples, double q) {
    if (samples.empty()) return NAN;
    std::sort(samples.begin(), samples.end());
    return samples[std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()))];
  }
  double AddedPerModelCallMs(double q) const {
    return ran ? std::max(0.0, QuantileOf(model_call_own_ms, q) - model_answer_ms) : NAN;
  }
  double SpanPerModelCallMs(double q) const {
    return ran ? QuantileOf(model_call_span_ms, q) : NAN;
  }
};

double MillisOf(const google::protobuf::Timestamp& from, const google::protobuf::Timestamp& to) {
  return static_cast<double>(to.seconds() - from.seconds()) * 1000 +
         static_cast<double>(to.nanos() - from.nanos()) / 1e6;
}

// Every activity of type `type` in `events`: {scheduled → completed, started → completed}, in ms.
struct ActivitySpan {
  double scheduled_ms = 0, started_ms = 0;
};
std::vector<ActivitySpan> ActivitySpans(const std::vector<temporal::HistoryEvent>& events,
                                        const std::string& type) {
  std::map<int64_t, google::protobuf::Timestamp> scheduled, started;
  std::vector<ActivitySpan> spans;
  for (const temporal::HistoryEvent& event : events) {
    if (event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
        event.activity_task_scheduled_event_attributes().activity_type().name() == type) {
      scheduled[event.event_id()] = event.event_time();
    } else if (event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      started[event.event_id()] = event.event_time();
    } else if (event.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const auto& completed = event.activity_task_completed_event_attributes();
      auto from = scheduled.find(completed.scheduled_event_id());
      auto begun = started.find(completed.started_event_id());
      if (from == scheduled.end() || begun == started.end()) continue;
      spans.push_back({MillisOf(from->second, event.event_time()),
                       MillisOf(begun->second, event.event_time())});
    }
  }
  return spans;
}

class AgentBench {
 public:
  AgentBench(const Options& options, const TempDir& dir, const ApiTemporalServer& temporal,
             BenchModelServer& model, WorkflowStarter& starter)
      : options_(options), dir_(dir), temporal_(temporal), model_(model), starter_(starter) {}

  RunnerResult Measure(bool peer) {
    RunnerResult result;
    if (peer && ::access(options_.python.c_str(), X_OK) != 0) {
      result.note = absl::StrCat("no Python peer at ", options_.python,
                                 " (scripts/setup.sh --bench-tools installs it)");
      return result;
    }
    const std::string who = peer ? "python" : "stigmer";
    absl::StatusOr<std::unique_ptr<WorkerProcess>> worker =
        WorkerProcess::Start(peer ? PeerCommand() : StigmerCommand(), temporal_.address(),
                             dir_.path() / absl::StrCat(who, "-agents.log"), kWorkerReadyTimeout);
    if (!worker.ok()) {
      result.note = std::string(worker.status().message());
      failed_ = failed_ || !peer;
      return result;
    }
    const int per_client = std::max(1, options_.runs / options_.clients);
    auto call = [&](const char* phase) {
      return [&, phase](int client, int index) {
        temporal::StartWorkflowOptions start;
        start.workflow_id = absl::StrCat("agent-", who, "-", phase, "-", client, "-", index);
        json expected = {{"answer", "done"},
                         {"model_calls", kToolCallsPerRun + 1},
                         {"tool_calls", kToolCallsPerRun}};
        if (peer) {
          start.workflow_type = "AgentLoop";
          start.task_queue = kPeerTaskQueue;
          start.input = {
              {{"base_url", model_.base_url()},
               {"instructions", kInstructions},
               {"message", kMessage},
               {"workspace", (dir_.path() / "peer-workspaces" / start.workflow_id).string()}}};
        } else {
          start.workflow_type = agent::kAgentWorkflowType;
          start.task_queue = agent::kAgentTaskQueue;
          start.input = {Agent(),
                         {{"message", kMessage}},
                         {{"environment", json::object()}, {"secrets", json::object()}}};
          start.signing_key = starter_.signing_key();
          expected["todos"] = json::array();
        }
        return starter_.Run(client, peer, start, expected);
      };
    };
    const LoadResult warm =
        RunLoad(options_.clients, std::max(1, options_.warmup / options_.clients), call("warm"), 0);
    if (warm.errors > 0) {
      result.note = absl::StrCat("warm-up failed: ", warm.first_error, "\n", (*worker)->LogTail());
      failed_ = true;
      return result;
    }
    model_.TakeMedianAnswerMs();
    const double cpu_before = (*worker)->CpuSeconds();
    result.load = RunLoad(options_.clients, per_client, call("run"), temporal_.pid());
    result.worker_cpu_seconds = (*worker)->CpuSeconds() - cpu_before;
    result.model_answer_ms = model_.TakeMedianAnswerMs();
    result.peak_rss_kib = (*worker)->PeakRssKib();
    result.pss_kib = (*worker)->PssKib();
    if (!peer) {
      result.stack_pss_kib =
          PssBesideTheStack((*worker)->pid(), MeasuredComponent::kAgentRunner,
                            {options_.stigmer, config::Paths(dir_.path() / "stigmer-home"),
                             temporal_.address(), dir_.path()});
    }
    for (int client = 0; client < options_.clients; ++client) {
      for (int index = 0; index < per_client; ++index) {
        auto events = starter_.History(absl::StrCat("agent-", who, "-run-", client, "-", index));
        if (!events.ok()) continue;
        for (const ActivitySpan& span :
             ActivitySpans(*events, peer ? "llm_chat" : agent::kModelActivity)) {
          result.model_call_own_ms.push_back(span.started_ms);
          result.model_call_span_ms.push_back(span.scheduled_ms);
        }
      }
    }
    const int exit_code = (*worker)->Stop();
    result.ran = true;
    if (exit_code != 0) result.note = absl::StrCat("exit ", exit_code, " on SIGTERM");
    if (result.load.errors > 0) {
      result.note = absl::StrCat(
          result.load.errors, " runs failed; first: ", result.load.first_error, " ", result.note);
      failed_ = true;
    }
    return result;
  }

  bool failed() const { return failed_; }

 private:
  static constexpr char kInstructions[] = "List the workspace four times, then say done.";
  static constexpr char kMessage[] = "Go.";

  json Agent() const {
    return {{"kind", "Agent"},
            {"name", "bench"},
            {"instructions", kInstructions},
            {"model",
             {{"provider", "openai-compatible"},
              {"name", "scripted"},
              {"base_url", model_.base_url()}}},
            {"tools", {"files"}},
            {"limits", {{"max_identical_tool_calls", kToolCallsPerRun}}}};
  }
  WorkerCommand StigmerCommand() const {
    return {"stigmer agent-runner",
            {options_.stigmer, "internal", "agent-runner"},
            {absl::StrCat("TEMPORAL_SERVICE_ADDRESS=", temporal_.address()),
             absl::StrCat("STIGMER_HOME=", (dir_.path() / "stigmer-home").string()),
             "STIGMER_READY_FD"},
            agent::kAgentTaskQueue};
  }
  WorkerCommand PeerCommand() const {
    return {"the Python SDK agent loop",
            {options_.python, options_.peer_script, "--address", temporal_.address(),
             "--task-queue", kPeerTaskQueue},
            {},
            kPeerTaskQueue};
  }

  const Options& options_;
  const TempDir& dir_;
  const ApiTemporalServer& temporal_;
  BenchModelServer& model_;
  WorkflowStarter& starter_;
  bool failed_ = false;
};

std::string Figure(double value, const char* format) {
  return std::isnan(value) ? std::string("-") : absl::StrFormat(format, value);
}

void PrintDetail(const char* who, const RunnerResult& result) {
  if (!result.ran) {
    std::printf("  %-8s not run: %s\n", who, result.note.c_str());
    return;
  }
  const double runs = static_cast<double>(result.load.latencies_ms.size());
  std::printf(
      "  %-8s %s\n  %-8s peak RSS %.1f MiB, PSS at the end %.1f MiB (%s beside stigmer-server and "
      "workflow-runner), worker CPU %.2f ms per run; "
      "model calls: %zu, "
      "scheduled → completed p50 %.2f ms, started → completed p50 %.2f ms, server's answer "
      "p50 %.3f ms: added p50 %.2f ms, p99 %.2f ms\n",
      who, DescribeLoad(result.load).c_str(), "", result.PeakRssMib(), result.PssMib(),
      Figure(result.StackPssMib(), "%.1f MiB").c_str(),
      runs > 0 ? 1000 * result.worker_cpu_seconds / runs : NAN, result.model_call_own_ms.size(),
      result.SpanPerModelCallMs(0.5), result.AddedPerModelCallMs(0.5) + result.model_answer_ms,
      result.model_answer_ms, result.AddedPerModelCallMs(0.5), result.AddedPerModelCallMs(0.99));
  if (!result.note.empty()) std::printf("  %-8s %s\n", "", result.note.c_str());
}

int Run(const Options& options) {
  TempDir dir("stigmer-agent-bench");
  absl::StatusOr<std::unique_ptr<ApiTemporalServer>> temporal =
      ApiTemporalServer::Start(options.temporal, dir.path(), /*in_memory=*/true);
  if (!temporal.ok()) {
    std::fprintf(stderr, "%s\n", std::string(temporal.status().message()).c_str());
    return 1;
  }
  const config::Paths home(dir.path() / "stigmer-home");
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
  if (!starter.ok()) {
    std::fprintf(stderr, "%s\n", starter.status().ToString().c_str());
    return 1;
  }
  BenchModelServer model;
  std::printf(
      "Temporal dev server on %s; scripted model at %s; %d clients, %d runs of %d model "
      "calls and %d tool calls, after %d warm-up runs\n",
      (*temporal)->address().c_str(), model.base_url().c_str(), options.clients,
      std::max(1, options.runs / options.clients) * options.clients, kToolCallsPerRun + 1,
      kToolCallsPerRun, options.warmup);
  AgentBench bench(options, dir, **temporal, model, *starter);
  const RunnerResult ours = bench.Measure(false);
  const RunnerResult peer = bench.Measure(true);
  PrintDetail("stigmer", ours);
  PrintDetail("python", peer);

  std::printf("\n%-8s %9s %9s %9s %12s %12s %9s %9s\n", "runner", "runs/s", "p50 ms", "p99 ms",
              "added p50 ms", "added p99 ms", "RSS MiB", "PSS MiB");
  for (const auto& [who, result] : {std::pair{"stigmer", &ours}, std::pair{"python", &peer}}) {
    std::printf(
        "%-8s %9s %9s %9s %12s %12s %9s %9s\n", who, Figure(result->Throughput(), "%.2f").c_str(),
        Figure(result->Quantile(0.5), "%.1f").c_str(),
        Figure(result->Quantile(0.99), "%.1f").c_str(),
        Figure(result->AddedPerModelCallMs(0.5), "%.2f").c_str(),
        Figure(result->AddedPerModelCallMs(0.99), "%.2f").c_str(),
        Figure(result->PeakRssMib(), "%.1f").c_str(), Figure(result->PssMib(), "%.1f").c_str());
  }
  AddResultRow("agent runs, throughput", ours.Throughput(), peer.Throughput(), "runs/s",
               peer.Throughput(), true);
  AddResultRow("agent runs, p50", ours.Quantile(0.5), peer.Quantile(0.5), "ms", peer.Quantile(0.5),
               false);
  AddResultRow("agent runs, p99", ours.Quantile(0.99), peer.Quantile(0.99), "ms", NAN, false);
  AddResultRow("agent runs, added per model call p50", ours.AddedPerModelCallMs(0.5),
               peer.AddedPerModelCallMs(0.5), "ms", 2, false);
  AddResultRow("agent runs, worker peak RSS", ours.PeakRssMib(), peer.PeakRssMib(), "MiB",
               peer.PeakRssMib() / 3, false);
  AddResultRow("agent runs, worker PSS at the end", ours.PssMib(), peer.PssMib(), "MiB",
               peer.PssMib() / 3, false);
  AddResultRow("agent runs, worker PSS at the end, in a stack", ours.StackPssMib(), peer.PssMib(),
               "MiB", peer.PssMib() / 3, false);
  return bench.failed() || Interrupted() ? 1 : 0;
}

}  // namespace
}  // namespace stigmer::bench

int main(int argc, char** argv) {
  stigmer::bench::Options options;
  if (const char* temporal = std::getenv("STIGMER_TEMPORAL_BIN"); temporal && *temporal) {
    options.temporal = temporal;
  }
  if (const char* runs = std::getenv("BENCH_AGENT_RUNS"); runs && *runs) {
    options.runs = std::atoi(runs);
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--stigmer") options.stigmer = value;
    if (flag == "--temporal") options.temporal = value;
    if (flag == "--python") options.python = value;
    if (flag == "--peer-script") options.peer_script = value;
    if (flag == "--clients") options.clients = std::atoi(value.c_str());
    if (flag == "--runs") options.runs = std::atoi(value.c_str());
    if (flag == "--warmup") options.warmup = std::atoi(value.c_str());
  }
  if (argc % 2 == 0 || options.clients < 1 || options.runs < 1 || options.warmup < 1) {
    std::fprintf(stderr,
                 "usage: agent_bench [--stigmer PATH] [--temporal PATH] [--python PATH] "
                 "[--peer-script PATH] [--clients 8] [--runs 64] [--warmup 8]\n");
    return 64;
  }
  stigmer::bench::WatchForInterrupts();  // before any other thread
  return stigmer::bench::Run(options);
}
