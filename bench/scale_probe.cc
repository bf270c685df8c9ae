#include "scale_probe.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/bearer_token_channel.h"
#include "config/api_token.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"

namespace stigmer::bench {

namespace {

using stigmer::v1::Execution;
using stigmer::v1::ExecutionPhase;

constexpr absl::Duration kCallTimeout = absl::Seconds(30);

absl::Time ToTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixMillis(google::protobuf::util::TimeUtil::TimestampToMilliseconds(timestamp));
}

bool IsFinal(ExecutionPhase phase) {
  return phase == stigmer::v1::EXECUTION_PHASE_COMPLETED ||
         phase == stigmer::v1::EXECUTION_PHASE_FAILED ||
         phase == stigmer::v1::EXECUTION_PHASE_CANCELLED;
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
}

// The executions in `phase` (UNSPECIFIED: all), up to `page_size` from `token`.
grpc::Status List(stigmer::v1::ExecutionService::Stub* executions, ExecutionPhase phase,
                  int page_size, const std::string& token,
                  stigmer::v1::ListExecutionsResponse* response) {
  grpc::ClientContext context;
  SetDeadline(context);
  stigmer::v1::ListExecutionsRequest request;
  request.set_phase(phase);
  request.set_page_size(page_size);
  request.set_page_token(token);
  return executions->List(&context, request, response);
}

std::vector<int> Spread(int made, int count) {
  std::vector<int> picked;
  for (int i = 0; i < count && made > 0; ++i)
    picked.push_back(static_cast<int>(int64_t{i} * made / count));
  return picked;
}

}  // namespace

absl::StatusOr<std::unique_ptr<StigmerServerProcess>> StigmerServerProcess::Start(
    const std::string& stigmer, const config::Paths& paths, const std::string& temporal_address,
    const std::filesystem::path& log) {
  auto server = std::make_unique<StigmerServerProcess>();
  const int port = FreePort();
  server->address_ = absl::StrCat("127.0.0.1:", port);
  std::filesystem::create_directories(paths.DataDir());
  server->child_ = std::make_unique<ChildProgram>(
      std::vector<std::string>{stigmer, "internal", "stigmer-server"},
      EnvironmentWith({"STIGMER_HOME=" + paths.home().string(), "GRPC_PORT=" + std::to_string(port),
                       "STIGMER_EVENTS_PORT=" + std::to_string(FreePort()),
                       "TEMPORAL_SERVICE_ADDRESS=" + temporal_address}),
      log);
  if (!server->child_->started()) return absl::UnavailableError("cannot start stigmer-server");
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    if (absl::StatusOr<std::string> token = config::ReadApiToken(paths.ApiTokenFile());
        token.ok()) {
      auto stub = stigmer::v1::ExecutionService::NewStub(
          CreateBearerTokenChannel(server->address_, *token));
      stigmer::v1::ListExecutionsResponse response;
      if (List(stub.get(), stigmer::v1::EXECUTION_PHASE_UNSPECIFIED, 1, "", &response).ok()) {
        server->token_ = *token;
        return server;
      }
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::UnavailableError(
      absl::StrCat("stigmer-server did not answer within 60 s; see ", log.string()));
}

void ScaleProbe::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void ScaleProbe::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ScaleProbe::Loop() {
  while (!stop_) {
    const ProcessSample sample = SampleProcess(server_);
    max_threads_ = std::max(max_threads_, sample.threads);
    max_rss_kib_ = std::max(max_rss_kib_, sample.rss_kib);
    const absl::Time began = absl::Now();
    stigmer::v1::ListExecutionsResponse response;
    if (List(executions_, stigmer::v1::EXECUTION_PHASE_UNSPECIFIED, 50, "", &response).ok()) {
      list_ms_.push_back(absl::ToDoubleMilliseconds(absl::Now() - began));
    }
    absl::SleepFor(absl::Milliseconds(250));
  }
}

double ScaleProbe::max_list_ms() const {
  return list_ms_.empty() ? NAN : *std::max_element(list_ms_.begin(), list_ms_.end());
}

double ScaleProbe::list_quantile(double q) const {
  if (list_ms_.empty()) return NAN;
  std::vector<double> sorted = list_ms_;
  std::sort(sorted.begin(), sorted.end());
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * sorted.size()))];
}

std::string ScaleProbe::Describe() const {
  return absl::StrFormat(
      "threads ≤ %d, RSS ≤ %.1f MiB, get executions p50 %.2f ms, p99 %.2f ms, max %.2f ms "
      "(%d calls)",
      max_threads_, max_rss_mib(), list_quantile(0.5), list_quantile(0.99), max_list_ms(),
      static_cast<int>(list_ms_.size()));
}

std::vector<double> WatchUntilClosed(const std::string& address, const std::string& token,
                                     const std::vector<std::string>& ids, int made, int watches,
                                     absl::Duration timeout) {
  std::vector<double> lags;
  std::mutex mutex;
  std::vector<std::thread> threads;
  for (int index : Spread(made, watches)) {
    threads.emplace_back([&, id = ids[index]] {
      auto stub = stigmer::v1::ExecutionService::NewStub(CreateBearerTokenChannel(address, token));
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
      stigmer::v1::WatchExecutionRequest request;
      request.set_id(id);
      auto reader = stub->Watch(&context, request);
      Execution state;
      while (reader->Read(&state)) {
        if (!IsFinal(state.phase())) continue;
        const double lag = absl::ToDoubleMilliseconds(absl::Now() - ToTime(state.ended_at()));
        std::lock_guard<std::mutex> lock(mutex);
        lags.push_back(lag);
        break;
      }
      context.TryCancel();
    });
  }
  for (std::thread& thread : threads) thread.join();
  return lags;
}

std::vector<double> SampleUntilFinal(stigmer::v1::ExecutionService::Stub* executions,
                                     const std::vector<std::string>& ids,
                                     const std::vector<absl::Time>& created, int made, int sampled,
                                     absl::Duration timer, absl::Duration timeout) {
  std::vector<int> pending = Spread(made, sampled);
  std::vector<double> lags;
  const absl::Time deadline = absl::Now() + timer + timeout;
  while (!pending.empty() && absl::Now() < deadline && !Interrupted()) {
    std::vector<int> still;
    for (int index : pending) {
      if (absl::Now() < created[index] + timer - absl::Seconds(1)) {
        still.push_back(index);
        continue;
      }
      grpc::ClientContext context;
      SetDeadline(context);
      stigmer::v1::GetExecutionRequest request;
      request.set_id(ids[index]);
      Execution execution;
      if (executions->Get(&context, request, &execution).ok() && IsFinal(execution.phase())) {
        lags.push_back(absl::ToDoubleMilliseconds(absl::Now() - ToTime(execution.ended_at())));
      } else {
        still.push_back(index);
      }
    }
    pending.swap(still);
    absl::SleepFor(absl::Milliseconds(100));
  }
  return lags;
}

std::string ScaleOutcome::Describe() const {
  return absl::StrCat(total, " executions: ", completed, " completed, ", right,
                      " with the right output",
                      first_wrong.empty() ? "" : absl::StrCat("; first wrong: ", first_wrong));
}

ScaleOutcome CheckAll(stigmer::v1::ExecutionService::Stub* executions, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline && !Interrupted()) {
    stigmer::v1::ListExecutionsResponse running, pending;
    if (List(executions, stigmer::v1::EXECUTION_PHASE_RUNNING, 1, "", &running).ok() &&
        List(executions, stigmer::v1::EXECUTION_PHASE_PENDING, 1, "", &pending).ok() &&
        running.executions().empty() && pending.executions().empty()) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(500));
  }
  ScaleOutcome outcome;
  std::string token;
  do {
    stigmer::v1::ListExecutionsResponse page;
    if (!List(executions, stigmer::v1::EXECUTION_PHASE_UNSPECIFIED, 500, token, &page).ok()) break;
    for (const Execution& execution : page.executions()) {
      ++outcome.total;
      if (execution.phase() != stigmer::v1::EXECUTION_PHASE_COMPLETED) {
        if (outcome.first_wrong.empty()) {
          outcome.first_wrong = absl::StrCat(execution.id(), " is ",
                                             stigmer::v1::ExecutionPhase_Name(execution.phase()));
        }
        continue;
      }
      ++outcome.completed;
      const nlohmann::json input = nlohmann::json::parse(execution.input(), nullptr, false);
      const nlohmann::json output = nlohmann::json::parse(execution.output(), nullptr, false);
      if (output.is_object() && input.is_object() &&
          output.value("n", -1) == input.value("n", -2)) {
        ++outcome.right;
      } else if (outcome.first_wrong.empty()) {
        outcome.first_wrong = absl::StrCat(execution.id(), " answered ", execution.output());
      }
    }
    token = page.next_page_token();
  } while (!token.empty());
  return outcome;
}

}  // namespace stigmer::bench
