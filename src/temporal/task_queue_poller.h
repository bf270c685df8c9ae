#ifndef STIGMER_TEMPORAL_TASK_QUEUE_POLLER_H_
#define STIGMER_TEMPORAL_TASK_QUEUE_POLLER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/payload_codec.h"
#include "temporal/poller_progress.h"
#include "temporal/task_handlers.h"

namespace stigmer::temporal {

// A task queue polled for activity tasks by threads of its own.
struct ActivityQueue {
  std::string name;
  int pollers = 1;
};

struct TaskQueuePollerOptions {
  std::string temporal_address = "127.0.0.1:7233";  // host:port of Temporal's frontend
  std::string namespace_name = "default";
  std::string task_queue;  // REQUIRES: not empty
  std::string identity;    // shown by Temporal for this worker; e.g. DefaultWorkerIdentity()
  // Deadline of one long poll; Temporal answers an empty poll after about a minute.
  absl::Duration poll_timeout = absl::Seconds(70);
  // Deadline of the call that checks Temporal is there before polling.
  absl::Duration connect_timeout = absl::Seconds(10);
  // Spacing of attempts while Temporal cannot be reached (see ReconnectBackoff).
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // Threads polling for workflow tasks and for activity tasks; each handles one task at a time.
  int workflow_pollers = 1;
  // This worker's own (sticky) queue for workflow tasks, polled by its own threads besides
  // `task_queue`; empty: none. Told to Temporal (ShutdownWorker) on Stop(), so that the runs
  // waiting there move back to `task_queue` at once.
  std::string sticky_task_queue;
  int sticky_workflow_pollers = 1;
  int activity_pollers = 1;
  // More queues polled for activity tasks (also by the activity handler), each by its own
  // `pollers` threads: activities scheduled there never wait for a slot of another queue.
  std::vector<ActivityQueue> activity_queues;
  // The channel to Temporal, shared with the handlers; null: one is made for temporal_address,
  // with `payload_codec`.
  std::shared_ptr<grpc::Channel> channel;
  std::shared_ptr<const PayloadCodec> payload_codec;
};

// Long-polls one task queue for workflow tasks and for activity tasks, on
// `workflow_pollers` + `activity_pollers` threads (plus the threads of `activity_queues`), and
// hands every task received to a handler (so handlers are called from several threads at once when
// there are several pollers).
//
// Each thread first checks Temporal is there (DescribeNamespace), then polls. A poll that ends
// with DEADLINE_EXCEEDED or with an empty task is normal: it polls again. Any other failure
// (Temporal down, restarting, unreachable) makes the thread wait (100 ms doubling up to 5 s),
// check again and resume: it reconnects on its own, for as long as it runs.
//
// `on_ready` is called once, on a poller thread, after the first call to Temporal succeeded.
//
// Thread-safe: Start() once, Stop() from any thread (also from the destructor).
class TaskQueuePoller {
 public:
  // Null handlers mean LoggingWorkflowTaskHandler / LoggingActivityTaskHandler.
  TaskQueuePoller(TaskQueuePollerOptions options, std::function<void()> on_ready,
                  std::unique_ptr<WorkflowTaskHandler> workflow_handler = nullptr,
                  std::unique_ptr<ActivityTaskHandler> activity_handler = nullptr);
  ~TaskQueuePoller();  // Stop()s
  TaskQueuePoller(const TaskQueuePoller&) = delete;
  TaskQueuePoller& operator=(const TaskQueuePoller&) = delete;

  // Starts the polling threads. REQUIRES: called at most once.
  void Start();

  // Cancels the calls in flight and joins the threads; returns promptly (no poll is waited out).
  // A task being handled is finished first. Idempotent.
  void Stop();

  // True once `on_ready` has been called.
  bool ready() const { return ready_.load(); }

  const TaskQueuePollerOptions& options() const { return options_; }

  // The least recent sign of life of the polling threads: each ticks before and after every
  // poll (a poll ends within poll_timeout), and while a handler reports progress
  // (NotePollerProgress). Long ago means a thread is wedged.
  absl::Time OldestProgress() const { return progress_.Oldest(); }

 private:
  using PollOnce = std::function<grpc::Status(grpc::ClientContext*)>;

  // The loop of one polling thread; `kind` ("workflow" / "activity") names it in logs, `slot`
  // is its PollerProgress slot.
  void RunLoop(const char* kind, size_t slot, const PollOnce& poll_once);
  grpc::Status CheckNamespace(grpc::ClientContext* context);
  grpc::Status PollWorkflowTask(grpc::ClientContext* context, bool sticky);
  void ReleaseStickyQueue();
  grpc::Status PollActivityTask(grpc::ClientContext* context, const std::string& task_queue);
  void NotifyReadyOnce();

  // A call in flight is registered so Stop() can cancel it; false if stopping already.
  bool Register(grpc::ClientContext* context);
  void Unregister(grpc::ClientContext* context);

  const TaskQueuePollerOptions options_;
  const std::function<void()> on_ready_;
  const std::unique_ptr<WorkflowTaskHandler> workflow_handler_;
  const std::unique_ptr<ActivityTaskHandler> activity_handler_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<::temporal::api::workflowservice::v1::WorkflowService::Stub> stub_;

  PollerProgress progress_;
  std::atomic<bool> ready_{false};
  absl::Notification stop_requested_;
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<grpc::ClientContext*> calls_in_flight_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::thread> threads_;  // touched only by Start() and the first Stop()
  std::once_flag join_once_;
};

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_TASK_QUEUE_POLLER_H_
