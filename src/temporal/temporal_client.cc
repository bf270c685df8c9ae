#include "temporal/temporal_client.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "temporal/payloads.h"
#include "temporal/reconnect_backoff.h"
#include "temporal/start_signature.h"
#include "temporal/temporal_channel.h"
#include "temporal/worker_identity.h"

namespace stigmer::temporal {

namespace wfs = ::temporal::api::workflowservice::v1;

namespace {

// 128 random bits as 32 hex digits: a request id that is never reused.
std::string RandomRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return absl::StrCat(absl::Hex(generator(), absl::kZeroPad16),
                      absl::Hex(generator(), absl::kZeroPad16));
}

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status, const std::string& context) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(context, ": ", status.error_message()));
}

void CallCanceller::Cancel() {
  absl::MutexLock lock(&mutex_);
  cancelled_ = true;
  if (in_flight_ != nullptr) in_flight_->TryCancel();
}

bool CallCanceller::cancelled() const {
  absl::MutexLock lock(&mutex_);
  return cancelled_;
}

bool CallCanceller::Register(grpc::ClientContext* context) {
  absl::MutexLock lock(&mutex_);
  if (cancelled_) return false;
  in_flight_ = context;
  return true;
}

void CallCanceller::Unregister(grpc::ClientContext* context) {
  absl::MutexLock lock(&mutex_);
  if (in_flight_ == context) in_flight_ = nullptr;
}

TemporalClient::TemporalClient(Key, TemporalClientOptions options) : options_(std::move(options)) {
  if (options_.identity.empty()) options_.identity = DefaultWorkerIdentity();
  const int connections = std::max(1, options_.connections);
  for (int i = 0; i < connections; ++i) {
    stubs_.push_back(wfs::WorkflowService::NewStub(CreateTemporalChannel(
        options_.address, options_.codec, /*own_connection=*/connections > 1)));
  }
}

wfs::WorkflowService::StubInterface& TemporalClient::stub() {
  return *stubs_[next_stub_.fetch_add(1, std::memory_order_relaxed) % stubs_.size()];
}

absl::StatusOr<std::unique_ptr<TemporalClient>> TemporalClient::Connect(
    const std::string& address, const std::string& namespace_name, absl::Duration timeout) {
  TemporalClientOptions options;
  options.address = address;
  options.namespace_name = namespace_name;
  return Connect(std::move(options), timeout);
}

absl::StatusOr<std::unique_ptr<TemporalClient>> TemporalClient::Connect(
    TemporalClientOptions options, absl::Duration timeout) {
  auto client = std::make_unique<TemporalClient>(Key(), std::move(options));
  const absl::Time give_up = absl::Now() + timeout;
  ReconnectBackoff backoff(absl::Milliseconds(100), absl::Seconds(2));
  grpc::Status last;
  while (true) {
    const absl::Duration left = give_up - absl::Now();
    auto context = NewContext(std::clamp(left, absl::Milliseconds(10), absl::Seconds(2)));
    wfs::DescribeNamespaceRequest request;
    request.set_namespace_(client->options_.namespace_name);
    wfs::DescribeNamespaceResponse response;
    last = client->stub().DescribeNamespace(context.get(), request, &response);
    if (last.ok()) return client;
    if (last.error_code() == grpc::StatusCode::NOT_FOUND) {
      return absl::NotFoundError(absl::StrCat("Temporal at ", client->options_.address,
                                              " has no namespace \"",
                                              client->options_.namespace_name, "\""));
    }
    const absl::Duration delay = backoff.NextDelay();
    if (absl::Now() + delay >= give_up) break;
    absl::SleepFor(delay);
  }
  return absl::UnavailableError(absl::StrCat("Temporal at ", client->options_.address,
                                             " is not reachable: ", last.error_message()));
}

std::unique_ptr<grpc::ClientContext> TemporalClient::NewContext(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

absl::StatusOr<std::string> TemporalClient::StartWorkflow(const StartWorkflowOptions& options) {
  wfs::StartWorkflowExecutionRequest request;
  request.set_namespace_(options_.namespace_name);
  request.set_workflow_id(options.workflow_id);
  request.mutable_workflow_type()->set_name(options.workflow_type);
  request.mutable_task_queue()->set_name(options.task_queue);
  request.mutable_task_queue()->set_kind(::temporal::api::enums::v1::TASK_QUEUE_KIND_NORMAL);
  *request.mutable_input() = JsonPayloads(options.input);
  if (!options.signing_key.empty()) {
    AddStartSignature(options.signing_key, options.workflow_id, options.workflow_type,
                      request.input(), *request.mutable_header());
  }
  request.set_identity(options_.identity);
  request.set_request_id(options.request_id.empty() ? RandomRequestId() : options.request_id);
  if (options.execution_timeout.has_value()) {
    *request.mutable_workflow_execution_timeout() = ToProtoDuration(*options.execution_timeout);
  }
  auto context = NewContext(options_.call_timeout);
  wfs::StartWorkflowExecutionResponse response;
  const grpc::Status status = stub().StartWorkflowExecution(context.get(), request, &response);
  if (!status.ok()) {
    return FromGrpcStatus(status, absl::StrCat("starting workflow ", options.workflow_id));
  }
  return response.run_id();
}

absl::StatusOr<WorkflowDescription> TemporalClient::Describe(const std::string& workflow_id,
                                                             const std::string& run_id) {
  wfs::DescribeWorkflowExecutionRequest request;
  request.set_namespace_(options_.namespace_name);
  request.mutable_execution()->set_workflow_id(workflow_id);
  request.mutable_execution()->set_run_id(run_id);
  auto context = NewContext(options_.call_timeout);
  wfs::DescribeWorkflowExecutionResponse response;
  const grpc::Status status = stub().DescribeWorkflowExecution(context.get(), request, &response);
  if (!status.ok()) {
    return FromGrpcStatus(status, absl::StrCat("describing workflow ", workflow_id));
  }
  const auto& info = response.workflow_execution_info();
  WorkflowDescription description;
  description.workflow_id = info.execution().workflow_id();
  description.run_id = info.execution().run_id();
  description.first_run_id = info.first_run_id();
  description.workflow_type = info.type().name();
  description.task_queue = info.task_queue();
  description.status = info.status();
  description.start_time = FromProtoTime(info.start_time());
  if (info.has_close_time()) description.close_time = FromProtoTime(info.close_time());
  description.history_length = info.history_length();
  return description;
}

absl::StatusOr<HistoryPage> TemporalClient::GetHistory(const std::string& workflow_id,
                                                       const std::string& run_id,
                                                       const std::string& next_page_token,
                                                       bool wait_new_event, absl::Duration deadline,
                                                       CallCanceller* canceller) {
  const std::string what = absl::StrCat("reading the history of workflow ", workflow_id);
  wfs::GetWorkflowExecutionHistoryRequest request;
  request.set_namespace_(options_.namespace_name);
  request.mutable_execution()->set_workflow_id(workflow_id);
  request.mutable_execution()->set_run_id(run_id);
  request.set_next_page_token(next_page_token);
  request.set_wait_new_event(wait_new_event);
  auto context = NewContext(deadline);
  if (canceller != nullptr && !canceller->Register(context.get())) {
    return absl::CancelledError(absl::StrCat(what, ": cancelled"));
  }
  wfs::GetWorkflowExecutionHistoryResponse response;
  const grpc::Status status = stub().GetWorkflowExecutionHistory(context.get(), request, &response);
  if (canceller != nullptr) canceller->Unregister(context.get());
  if (!status.ok()) return FromGrpcStatus(status, what);
  HistoryPage page;
  auto* events = response.mutable_history()->mutable_events();
  page.events.reserve(events->size());
  for (HistoryEvent& event : *events) page.events.push_back(std::move(event));
  page.next_page_token = response.next_page_token();
  return page;
}

absl::StatusOr<std::vector<HistoryEvent>> TemporalClient::GetFullHistory(
    const std::string& workflow_id, const std::string& run_id) {
  std::vector<HistoryEvent> events;
  std::string token;
  do {
    absl::StatusOr<HistoryPage> page = GetHistory(workflow_id, run_id, token,
                                                  /*wait_new_event=*/false, options_.call_timeout);
    if (!page.ok()) return page.status();
    std::move(page->events.begin(), page->events.end(), std::back_inserter(events));
    token = std::move(page->next_page_token);
  } while (!token.empty());
  return events;
}

absl::Status TemporalClient::ListWorkflows(
    const std::string& query, int page_size, absl::Duration call_timeout,
    absl::FunctionRef<bool(const WorkflowInfos& page)> on_page) {
  std::string token;
  do {
    wfs::ListWorkflowExecutionsRequest request;
    request.set_namespace_(options_.namespace_name);
    request.set_page_size(page_size);
    request.set_next_page_token(token);
    request.set_query(query);
    auto context = NewContext(call_timeout);
    wfs::ListWorkflowExecutionsResponse response;
    const grpc::Status status = stub().ListWorkflowExecutions(context.get(), request, &response);
    if (!status.ok()) {
      return FromGrpcStatus(status, absl::StrCat("listing workflows (", query, ")"));
    }
    if (!on_page(response.executions())) break;
    token = response.next_page_token();
  } while (!token.empty());
  return absl::OkStatus();
}

absl::Status TemporalClient::RequestCancel(const std::string& workflow_id,
                                           const std::string& run_id, const std::string& reason) {
  wfs::RequestCancelWorkflowExecutionRequest request;
  request.set_namespace_(options_.namespace_name);
  request.mutable_workflow_execution()->set_workflow_id(workflow_id);
  request.mutable_workflow_execution()->set_run_id(run_id);
  request.set_identity(options_.identity);
  request.set_request_id(RandomRequestId());
  request.set_reason(reason);
  auto context = NewContext(options_.call_timeout);
  wfs::RequestCancelWorkflowExecutionResponse response;
  return FromGrpcStatus(stub().RequestCancelWorkflowExecution(context.get(), request, &response),
                        absl::StrCat("cancelling workflow ", workflow_id));
}

absl::Status TemporalClient::SignalWorkflow(const std::string& workflow_id,
                                            const std::string& run_id, const std::string& name,
                                            const nlohmann::json& payload) {
  wfs::SignalWorkflowExecutionRequest request;
  request.set_namespace_(options_.namespace_name);
  request.mutable_workflow_execution()->set_workflow_id(workflow_id);
  request.mutable_workflow_execution()->set_run_id(run_id);
  request.set_signal_name(name);
  *request.mutable_input() = JsonPayloads({payload});
  request.set_identity(options_.identity);
  request.set_request_id(RandomRequestId());
  auto context = NewContext(options_.call_timeout);
  wfs::SignalWorkflowExecutionResponse response;
  return FromGrpcStatus(stub().SignalWorkflowExecution(context.get(), request, &response),
                        absl::StrCat("signalling workflow ", workflow_id));
}

absl::Status TemporalClient::Terminate(const std::string& workflow_id, const std::string& run_id,
                                       const std::string& reason) {
  wfs::TerminateWorkflowExecutionRequest request;
  request.set_namespace_(options_.namespace_name);
  request.mutable_workflow_execution()->set_workflow_id(workflow_id);
  request.mutable_workflow_execution()->set_run_id(run_id);
  request.set_identity(options_.identity);
  request.set_reason(reason);
  auto context = NewContext(options_.call_timeout);
  wfs::TerminateWorkflowExecutionResponse response;
  return FromGrpcStatus(stub().TerminateWorkflowExecution(context.get(), request, &response),
                        absl::StrCat("terminating workflow ", workflow_id));
}

}  // namespace stigmer::temporal
