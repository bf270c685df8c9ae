#ifndef STIGMER_BENCH_WORKFLOW_WORKER_H_
#define STIGMER_BENCH_WORKFLOW_WORKER_H_

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench_support.h"

namespace stigmer::bench {

// How to run one Temporal worker under test: stigmer's workflow-runner or the Python SDK peer.
struct WorkerCommand {
  std::string name;               // for messages: "stigmer workflow-runner", "Python SDK"
  std::vector<std::string> argv;  // argv[0] a path
  std::vector<std::string> env;   // "K=V" overrides of this process's environment
  std::string task_queue;         // the queue it polls (namespace "default")
};

// One worker process, started for one scenario and stopped after it (SIGTERM, then SIGKILL
// after 10 s; also when destroyed, so a failing bench leaves nothing behind). Its output goes to
// a log file. Not thread-safe.
class WorkerProcess {
 public:
  // Starts `command` and waits until Temporal lists it among the pollers of its task queue, for
  // workflow tasks and for activity tasks (DescribeTaskQueue; a poller's identity is
  // "<pid>@<host>", the SDKs' default and ours, so an earlier worker on the same queue does not
  // count). FailedPrecondition when argv[0] is missing; Unavailable, with the log's tail, when
  // the process exits first or is not polling within `timeout`.
  static absl::StatusOr<std::unique_ptr<WorkerProcess>> Start(const WorkerCommand& command,
                                                              const std::string& temporal_address,
                                                              const std::filesystem::path& log,
                                                              absl::Duration timeout);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  pid_t pid() const { return child_->pid(); }
  // Seconds from spawn until Temporal listed its pollers.
  double seconds_to_polling() const { return seconds_to_polling_; }

  // Peak resident memory (VmHWM) of the process plus that of each of its descendants, in KiB.
  // REQUIRES: still running (call before Stop).
  int64_t PeakRssKib() const;
  // PSS now of the process and its descendants, in KiB (SumPssKib): what the worker costs the
  // machine, its binary's and libraries' pages shared with the other processes that map them.
  int64_t PssKib() const;
  // CPU time (user + system) the process has used so far, its threads included.
  double CpuSeconds() const;

  // SIGTERM, then SIGKILL after 10 s; its exit code (128 + signal when killed).
  int Stop();

  // The last `max_bytes` of its log.
  std::string LogTail(size_t max_bytes = 2048) const;

 private:
  WorkerProcess(std::unique_ptr<ChildProgram> child, std::filesystem::path log)
      : child_(std::move(child)), log_(std::move(log)) {}

  std::unique_ptr<ChildProgram> child_;
  std::filesystem::path log_;
  double seconds_to_polling_ = 0;
};

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_WORKFLOW_WORKER_H_
