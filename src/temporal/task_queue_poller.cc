#include "temporal/task_queue_poller.h"

#include <algorithm>
#include <utility>

#include "spdlog/spdlog.h"
#include "temporal/reconnect_backoff.h"
#include "temporal/temporal_channel.h"

namespace stigmer::temporal {

namespace wfs = ::temporal::api::workflowservice::v1;

namespace {

size_t ThreadCount(const TaskQueuePollerOptions& options) {
  size_t count = std::max(1, options.workflow_pollers) + std::max(1, options.activity_pollers);
  if (!options.sticky_task_queue.empty()) count += std::max(1, options.sticky_workflow_pollers);
  for (const ActivityQueue& queue : options.activity_queues) count += std::max(1, queue.pollers);
  return count;
}

}  // namespace

TaskQueuePoller::TaskQueuePoller(TaskQueuePollerOptions options, std::function<void()> on_ready,
                                 std::unique_ptr<WorkflowTaskHandler> workflow_handler,
                                 std::unique_ptr<ActivityTaskHandler> activity_handler)
    : options_(std::move(options)),
      on_ready_(std::move(on_ready)),
      workflow_handler_(workflow_handler ? std::move(workflow_handler)
                                         : std::make_unique<LoggingWorkflowTaskHandler>()),
      activity_handler_(activity_handler ? std::move(activity_handler)
                                         : std::make_unique<LoggingActivityTaskHandler>()),
      channel_(options_.channel
                   ? options_.channel
                   : CreateTemporalChannel(options_.temporal_address, options_.payload_codec)),
      stub_(wfs::WorkflowService::NewStub(channel_)),
      progress_(ThreadCount(options_)) {}

TaskQueuePoller::~TaskQueuePoller() { Stop(); }

void TaskQueuePoller::Start() {
  for (int i = 0; i < std::max(1, options_.workflow_pollers); ++i) {
    threads_.emplace_back([this, slot = threads_.size()] {
      RunLoop("workflow", slot,
              [this](auto* context) { return PollWorkflowTask(context, /*sticky=*/false); });
    });
  }
  if (!options_.sticky_task_queue.empty()) {
    for (int i = 0; i < std::max(1, options_.sticky_workflow_pollers); ++i) {
      threads_.emplace_back([this, slot = threads_.size()] {
        RunLoop("sticky workflow", slot,
                [this](auto* context) { return PollWorkflowTask(context, /*sticky=*/true); });
      });
    }
  }
  const auto add_activity_pollers = [this](const std::string& queue, int pollers) {
    for (int i = 0; i < std::max(1, pollers); ++i) {
      threads_.emplace_back([this, &queue, slot = threads_.size()] {
        RunLoop("activity", slot,
                [this, &queue](auto* context) { return PollActivityTask(context, queue); });
      });
    }
  };
  add_activity_pollers(options_.task_queue, options_.activity_pollers);
  for (const ActivityQueue& queue : options_.activity_queues) {
    add_activity_pollers(queue.name, queue.pollers);
  }
}

void TaskQueuePoller::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    if (!stopping_) {
      stopping_ = true;
      for (grpc::ClientContext* context : calls_in_flight_) context->TryCancel();
      stop_requested_.Notify();
    }
  }
  std::call_once(join_once_, [this] {
    for (std::thread& thread : threads_) thread.join();
    ReleaseStickyQueue();
  });
}

bool TaskQueuePoller::Register(grpc::ClientContext* context) {
  absl::MutexLock lock(&mutex_);
  if (stopping_) return false;
  calls_in_flight_.push_back(context);
  return true;
}

void TaskQueuePoller::Unregister(grpc::ClientContext* context) {
  absl::MutexLock lock(&mutex_);
  calls_in_flight_.erase(std::remove(calls_in_flight_.begin(), calls_in_flight_.end(), context),
                         calls_in_flight_.end());
}

void TaskQueuePoller::NotifyReadyOnce() {
  if (ready_.exchange(true)) return;
  if (on_ready_) on_ready_();
}

void TaskQueuePoller::RunLoop(const char* kind, size_t slot, const PollOnce& poll_once) {
  progress_.Attach(slot);
  ReconnectBackoff backoff(options_.initial_backoff, options_.max_backoff);
  bool connected = false;
  bool failure_logged = false;
  while (!stop_requested_.HasBeenNotified()) {
    NotePollerProgress();
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(
        absl::Now() + (connected ? options_.poll_timeout : options_.connect_timeout)));
    if (!Register(&context)) break;
    const grpc::Status status = connected ? poll_once(&context) : CheckNamespace(&context);
    Unregister(&context);
    NotePollerProgress();
    if (stop_requested_.HasBeenNotified()) break;

    if (status.ok()) {
      if (!connected) {
        connected = true;
        failure_logged = false;
        spdlog::info("{} poller connected to Temporal at {}", kind, options_.temporal_address);
        NotifyReadyOnce();
      }
      backoff.Reset();
      continue;
    }
    if (connected && status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) continue;

    // Log the first failure of each outage; the retries that follow only at debug level.
    const auto level = failure_logged ? spdlog::level::debug : spdlog::level::warn;
    spdlog::log(level, "{} poller: Temporal at {} {}: {} (code {}); retrying", kind,
                options_.temporal_address, connected ? "lost" : "unreachable",
                status.error_message(), static_cast<int>(status.error_code()));
    failure_logged = true;
    connected = false;
    stop_requested_.WaitForNotificationWithTimeout(backoff.NextDelay());
  }
}

grpc::Status TaskQueuePoller::CheckNamespace(grpc::ClientContext* context) {
  wfs::DescribeNamespaceRequest request;
  request.set_namespace_(options_.namespace_name);
  wfs::DescribeNamespaceResponse response;
  return stub_->DescribeNamespace(context, request, &response);
}

void TaskQueuePoller::ReleaseStickyQueue() {
  if (options_.sticky_task_queue.empty() || !ready_.load()) return;
  wfs::ShutdownWorkerRequest request;
  request.set_namespace_(options_.namespace_name);
  request.set_sticky_task_queue(options_.sticky_task_queue);
  request.set_identity(options_.identity);
  request.set_reason("worker stopping");
  wfs::ShutdownWorkerResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  const grpc::Status status = stub_->ShutdownWorker(&context, request, &response);
  if (!status.ok()) {
    spdlog::warn("cannot release the sticky queue {}: {} (its runs move back to {} after 10 s)",
                 options_.sticky_task_queue, status.error_message(), options_.task_queue);
  }
}

grpc::Status TaskQueuePoller::PollWorkflowTask(grpc::ClientContext* context, bool sticky) {
  wfs::PollWorkflowTaskQueueRequest request;
  request.set_namespace_(options_.namespace_name);
  if (sticky) {
    request.mutable_task_queue()->set_name(options_.sticky_task_queue);
    request.mutable_task_queue()->set_kind(::temporal::api::enums::v1::TASK_QUEUE_KIND_STICKY);
    request.mutable_task_queue()->set_normal_name(options_.task_queue);
  } else {
    request.mutable_task_queue()->set_name(options_.task_queue);
    request.mutable_task_queue()->set_kind(::temporal::api::enums::v1::TASK_QUEUE_KIND_NORMAL);
  }
  request.set_identity(options_.identity);
  wfs::PollWorkflowTaskQueueResponse response;
  grpc::Status status = stub_->PollWorkflowTaskQueue(context, request, &response);
  if (status.ok() && !response.task_token().empty())
    workflow_handler_->HandleWorkflowTask(response);
  return status;
}

grpc::Status TaskQueuePoller::PollActivityTask(grpc::ClientContext* context,
                                               const std::string& task_queue) {
  wfs::PollActivityTaskQueueRequest request;
  request.set_namespace_(options_.namespace_name);
  request.mutable_task_queue()->set_name(task_queue);
  request.mutable_task_queue()->set_kind(::temporal::api::enums::v1::TASK_QUEUE_KIND_NORMAL);
  request.set_identity(options_.identity);
  wfs::PollActivityTaskQueueResponse response;
  grpc::Status status = stub_->PollActivityTaskQueue(context, request, &response);
  if (status.ok() && !response.task_token().empty())
    activity_handler_->HandleActivityTask(response);
  return status;
}

}  // namespace stigmer::temporal
