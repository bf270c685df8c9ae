#include "workflow_worker.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api_load.h"
#include "grpcpp/client_context.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/temporal_channel.h"

namespace stigmer::bench {
namespace {

namespace enums = ::temporal::api::enums::v1;
namespace wfs = ::temporal::api::workflowservice::v1;

constexpr auto kStopGrace = std::chrono::seconds(10);

// True when a poller whose identity starts with `prefix` is listed on `task_queue` for `type`.
bool Polling(wfs::WorkflowService::Stub& stub, const std::string& task_queue,
             enums::TaskQueueType type, const std::string& prefix) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  wfs::DescribeTaskQueueRequest request;
  request.set_namespace_("default");
  request.mutable_task_queue()->set_name(task_queue);
  request.mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
  request.set_task_queue_type(type);
  wfs::DescribeTaskQueueResponse response;
  if (!stub.DescribeTaskQueue(&context, request, &response).ok()) return false;
  for (const auto& poller : response.pollers()) {
    if (absl::StartsWith(poller.identity(), prefix)) return true;
  }
  return false;
}

// True once `pid` has exited; looks without reaping (its ChildProgram still owns it).
bool Exited(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
         info.si_pid != 0;
}

int64_t PeakRssOfTree(pid_t pid) {
  const std::filesystem::path proc = std::filesystem::path("/proc") / std::to_string(pid);
  int64_t total = 0;
  std::ifstream status(proc / "status");
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmHWM:")) total += std::atoll(line.c_str() + 6);
  }
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator(proc / "task", error)) {
    std::ifstream children(task.path() / "children");
    pid_t child = 0;
    while (children >> child) total += PeakRssOfTree(child);
  }
  return total;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WorkerProcess>> WorkerProcess::Start(
    const WorkerCommand& command, const std::string& temporal_address,
    const std::filesystem::path& log, absl::Duration timeout) {
  if (::access(command.argv[0].c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("no program at ", command.argv[0]));
  }
  const Clock::time_point spawned = Clock::now();
  auto child = std::make_unique<ChildProgram>(command.argv, EnvironmentWith(command.env), log);
  if (!child->started()) {
    return absl::FailedPreconditionError(absl::StrCat("cannot start ", command.argv[0]));
  }
  std::unique_ptr<WorkerProcess> worker(new WorkerProcess(std::move(child), log));
  auto stub =
      wfs::WorkflowService::NewStub(temporal::CreateTemporalChannel(temporal_address, nullptr));
  const std::string identity_prefix = absl::StrCat(worker->pid(), "@");
  const Clock::time_point deadline = spawned + absl::ToChronoNanoseconds(timeout);
  while (!Interrupted()) {
    if (Exited(worker->pid())) {
      return absl::UnavailableError(
          absl::StrCat(command.name, " exited before polling; log tail:\n", worker->LogTail()));
    }
    if (Polling(*stub, command.task_queue, enums::TASK_QUEUE_TYPE_WORKFLOW, identity_prefix) &&
        Polling(*stub, command.task_queue, enums::TASK_QUEUE_TYPE_ACTIVITY, identity_prefix)) {
      worker->seconds_to_polling_ = MillisBetween(spawned, Clock::now()) / 1000.0;
      return worker;
    }
    if (Clock::now() > deadline) break;
    // Temporal has no way to announce a new poller: ask again shortly.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::UnavailableError(absl::StrCat(command.name, " is not polling ", command.task_queue,
                                             " after ", absl::FormatDuration(timeout),
                                             "; log tail:\n", worker->LogTail()));
}

WorkerProcess::~WorkerProcess() { Stop(); }

int64_t WorkerProcess::PeakRssKib() const { return PeakRssOfTree(pid()); }

int64_t WorkerProcess::PssKib() const { return SumPssKib(ProcessTree(pid())); }

double WorkerProcess::CpuSeconds() const { return bench::CpuSeconds(pid()); }

int WorkerProcess::Stop() { return child_->Stop(SIGTERM, kStopGrace); }

std::string WorkerProcess::LogTail(size_t max_bytes) const {
  std::ifstream in(log_, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

}  // namespace stigmer::bench
