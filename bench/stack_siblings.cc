#include "stack_siblings.h"

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "agent/agent_runner.h"
#include "bench_support.h"
#include "scale_probe.h"
#include "temporal/temporal_client.h"
#include "workflow_worker.h"

namespace stigmer::bench {

int64_t PssBesideTheStack(pid_t worker, MeasuredComponent measured, const StackSiblings& stack) {
  absl::StatusOr<std::unique_ptr<StigmerServerProcess>> server = StigmerServerProcess::Start(
      stack.stigmer, stack.home, stack.temporal_address, stack.logs / "sibling-server.log");
  if (!server.ok()) {
    std::fprintf(stderr, "stigmer-server beside the worker: %s\n",
                 std::string(server.status().message()).c_str());
    return -1;
  }
  const bool agents = measured == MeasuredComponent::kWorkflowRunner;
  const WorkerCommand other = {
      agents ? "stigmer agent-runner" : "stigmer workflow-runner",
      {stack.stigmer, "internal", agents ? "agent-runner" : "workflow-runner"},
      {absl::StrCat("TEMPORAL_SERVICE_ADDRESS=", stack.temporal_address),
       absl::StrCat("STIGMER_HOME=", stack.home.home().string()), "STIGMER_READY_FD"},
      agents ? agent::kAgentTaskQueue : temporal::kWorkflowTaskQueue};
  absl::StatusOr<std::unique_ptr<WorkerProcess>> sibling = WorkerProcess::Start(
      other, stack.temporal_address, stack.logs / "sibling-worker.log", absl::Seconds(60));
  if (!sibling.ok()) {
    std::fprintf(stderr, "%s beside the worker: %s\n", other.name.c_str(),
                 std::string(sibling.status().message()).c_str());
    return -1;
  }
  const int64_t pss = SumPssKib(ProcessTree(worker));
  (*sibling)->Stop();
  return pss;
}

}  // namespace stigmer::bench
