#ifndef STIGMER_TEMPORAL_TEMPORAL_CLIENT_H_
#define STIGMER_TEMPORAL_TEMPORAL_CLIENT_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "nlohmann/json.hpp"
#include "temporal/api/history/v1/message.pb.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/payload_codec.h"

namespace stigmer::temporal {

using HistoryEvent = ::temporal::api::history::v1::HistoryEvent;
using WorkflowExecutionStatus = ::temporal::api::enums::v1::WorkflowExecutionStatus;

inline constexpr char kServerlessWorkflowType[] = "ServerlessWorkflow";
inline constexpr char kWorkflowTaskQueue[] = "stigmer-workflows";

struct TemporalClientOptions {
  std::string address = "127.0.0.1:7233";  // host:port of Temporal's frontend
  std::string namespace_name = "default";
  std::string identity;  // empty → DefaultWorkerIdentity() ("pid@host")
  // Deadline of every call except long polls (GetHistory takes its own).
  absl::Duration call_timeout = absl::Seconds(10);
  // Encrypts and decrypts every payload (temporal_channel.h); null: payloads as they are.
  std::shared_ptr<const PayloadCodec> codec;
  // Calls go round these many connections of the client's own: one HTTP/2 connection makes
  // many callers at once wait on each other (stigmer-server's concurrent Creates).
  int connections = 1;
};

struct StartWorkflowOptions {
  std::string workflow_id;  // REQUIRES: not empty (for us the execution id, "wex-…")
  std::string workflow_type = kServerlessWorkflowType;
  std::string task_queue = kWorkflowTaskQueue;
  // Each value becomes one json/plain payload, in order. For ServerlessWorkflow: the DSL
  // definition, the input, the runtime environment.
  std::vector<nlohmann::json> input;
  // Makes the start idempotent: a second start of a running workflow id with the same request
  // id returns the first run. Empty → a random one (no idempotency).
  std::string request_id;
  // Workflow execution timeout (all runs together); none when unset.
  std::optional<absl::Duration> execution_timeout;
  // When set, the start is signed with it (start_signature.h).
  std::string signing_key;
};

// What DescribeWorkflowExecution says about one run.
struct WorkflowDescription {
  std::string workflow_id;
  std::string run_id;
  std::string first_run_id;  // the first run of its chain (continue-as-new, retry, cron)
  std::string workflow_type;
  std::string task_queue;
  WorkflowExecutionStatus status =
      ::temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_UNSPECIFIED;
  absl::Time start_time = absl::InfinitePast();
  std::optional<absl::Time> close_time;  // set once the run has closed
  int64_t history_length = 0;
};

// One page of a run's history.
struct HistoryPage {
  std::vector<HistoryEvent> events;
  // Pass back to read on; empty when the history is complete (the run has closed and every
  // event was returned).
  std::string next_page_token;
};

// Lets another thread cancel the calls a client makes on behalf of one caller (e.g. a follower's
// long poll), one call at a time. Cancel() cancels the call in flight, if any, and every later
// call made with this canceller fails at once with Cancelled. Thread-safe.
class CallCanceller {
 public:
  void Cancel();
  bool cancelled() const;

  // Used by TemporalClient: registers `context` for the duration of one call; false (and the
  // call must not be made) when already cancelled.
  bool Register(grpc::ClientContext* context);
  void Unregister(grpc::ClientContext* context);

 private:
  mutable absl::Mutex mutex_;
  bool cancelled_ ABSL_GUARDED_BY(mutex_) = false;
  grpc::ClientContext* in_flight_ ABSL_GUARDED_BY(mutex_) = nullptr;
};

// A client of Temporal's WorkflowService for one namespace, on the generated stubs.
//
// Every call has a deadline (options.call_timeout unless the call takes one). gRPC failures come
// back as absl::Status with the same code (NOT_FOUND, ALREADY_EXISTS, UNAVAILABLE,
// DEADLINE_EXCEEDED, …) and a message naming the workflow id and Temporal's own reason.
// Thread-safe: calls may be made from any number of threads at once.
class TemporalClient {
 public:
  // Connects to Temporal at `address`, retrying with backoff (100 ms doubling to 2 s) until it
  // answers DescribeNamespace(namespace_name) or `timeout` passes.
  // Unavailable "Temporal at ADDR is not reachable: …" when it never answered; NotFound when
  // the namespace does not exist.
  static absl::StatusOr<std::unique_ptr<TemporalClient>> Connect(
      const std::string& address, const std::string& namespace_name = "default",
      absl::Duration timeout = absl::Seconds(10));
  static absl::StatusOr<std::unique_ptr<TemporalClient>> Connect(TemporalClientOptions options,
                                                                 absl::Duration timeout);

  // Use Connect(); the key keeps construction to this class.
  class Key {
    friend class TemporalClient;
    Key() = default;
  };
  TemporalClient(Key, TemporalClientOptions options);

  TemporalClient(const TemporalClient&) = delete;
  TemporalClient& operator=(const TemporalClient&) = delete;

  // Starts a workflow; returns its run id. Starting a running workflow id again with the same
  // request id returns the existing run id; with another request id: AlreadyExists.
  absl::StatusOr<std::string> StartWorkflow(const StartWorkflowOptions& options);

  // Describes the run `run_id` of `workflow_id` (empty: the latest run). NotFound if unknown.
  absl::StatusOr<WorkflowDescription> Describe(const std::string& workflow_id,
                                               const std::string& run_id = "");

  // One page of the history of `run_id` (empty: the latest run), from `next_page_token` (empty:
  // from the first event). With `wait_new_event` the call is a long poll: Temporal answers when
  // there are events after the token, or with an empty page (and a token to poll again with)
  // when its own poll interval ends; `deadline` bounds the call (DeadlineExceeded past it).
  // `canceller`, if given, lets another thread cancel the call (Cancelled).
  absl::StatusOr<HistoryPage> GetHistory(const std::string& workflow_id, const std::string& run_id,
                                         const std::string& next_page_token, bool wait_new_event,
                                         absl::Duration deadline,
                                         CallCanceller* canceller = nullptr);

  // The whole history of `run_id` (empty: the latest run) as it is now, every page.
  absl::StatusOr<std::vector<HistoryEvent>> GetFullHistory(const std::string& workflow_id,
                                                           const std::string& run_id = "");

  // The workflows visibility lists for `query` (e.g. "CloseTime >= '…'"), `page_size` at a time:
  // calls `on_page` with each page until it returns false or the last page is read. Each call has
  // `call_timeout`; a failed one ends the listing ("listing workflows (QUERY): …").
  using WorkflowInfos =
      google::protobuf::RepeatedPtrField<::temporal::api::workflow::v1::WorkflowExecutionInfo>;
  absl::Status ListWorkflows(const std::string& query, int page_size, absl::Duration call_timeout,
                             absl::FunctionRef<bool(const WorkflowInfos& page)> on_page);

  // Asks the workflow to cancel (the workflow decides how to end). NotFound if unknown;
  // FailedPrecondition-like errors from Temporal if it has already closed.
  absl::Status RequestCancel(const std::string& workflow_id, const std::string& run_id,
                             const std::string& reason);

  // Sends signal `name` with `payload` (one json/plain payload, through the client's codec) to
  // the run `run_id` of `workflow_id` (empty: the latest run). NotFound if unknown or closed.
  absl::Status SignalWorkflow(const std::string& workflow_id, const std::string& run_id,
                              const std::string& name, const nlohmann::json& payload);

  // Ends the run at once as TERMINATED.
  absl::Status Terminate(const std::string& workflow_id, const std::string& run_id,
                         const std::string& reason);

  const TemporalClientOptions& options() const { return options_; }

  // The stub, for calls this class does not wrap (tests, workers). Same channel.
  ::temporal::api::workflowservice::v1::WorkflowService::StubInterface& stub();

 private:
  // A context with the deadline `now + timeout`.
  static std::unique_ptr<grpc::ClientContext> NewContext(absl::Duration timeout);

  TemporalClientOptions options_;
  std::vector<std::unique_ptr<::temporal::api::workflowservice::v1::WorkflowService::Stub>> stubs_;
  std::atomic<size_t> next_stub_{0};
};

// `status` as an absl::Status with the same code and the message "CONTEXT: MESSAGE".
absl::Status FromGrpcStatus(const grpc::Status& status, const std::string& context);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_TEMPORAL_CLIENT_H_
