// TemporalClient and HistoryFollower against the real Temporal dev server.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/history_follower.h"
#include "temporal/payload_codec.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_responder.h"

namespace stigmer::testing {
namespace {

namespace enums = ::temporal::api::enums::v1;
using temporal::HistoryEvent;
using temporal::HistoryFollower;
using temporal::TemporalClient;
using temporal::TemporalClientOptions;
using ::testing::HasSubstr;

TEST(TemporalClientConnectTest, UnreachableTemporalIsUnavailable) {
  const std::string address = absl::StrCat("127.0.0.1:", FreePort());
  const absl::Time began = absl::Now();
  auto client = TemporalClient::Connect(address, "default", absl::Milliseconds(700));
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(client.status().message(),
              HasSubstr(absl::StrCat("Temporal at ", address, " is not reachable")));
  EXPECT_LT(absl::Now() - began, absl::Seconds(5));
}

class TemporalClientTest : public TemporalDevServerSuite {
 protected:
  void SetUp() override {
    TemporalDevServerSuite::SetUp();
    auto client = TemporalClient::Connect(temporal_address());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
  }
  std::shared_ptr<TemporalClient> client_;
};

TEST_F(TemporalClientTest, StartsDescribesReadsCancelsAndTerminates) {
  temporal::StartWorkflowOptions options;
  options.workflow_id = "wex-01JCLIENTTEST";
  options.input = {"document: {}", {{"name", "world"}}, {{"REGION", "eu"}}};
  options.request_id = "request-1";
  auto run_id = client_->StartWorkflow(options);
  ASSERT_TRUE(run_id.ok()) << run_id.status();

  auto description = client_->Describe(options.workflow_id);
  ASSERT_TRUE(description.ok()) << description.status();
  EXPECT_EQ(description->workflow_id, options.workflow_id);
  EXPECT_EQ(description->run_id, *run_id);
  EXPECT_EQ(description->workflow_type, "ServerlessWorkflow");
  EXPECT_EQ(description->task_queue, "stigmer-workflows");
  EXPECT_EQ(description->status, enums::WORKFLOW_EXECUTION_STATUS_RUNNING);
  EXPECT_FALSE(description->close_time.has_value());

  auto history = client_->GetFullHistory(options.workflow_id, *run_id);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_FALSE(history->empty());
  const auto& started = history->front().workflow_execution_started_event_attributes();
  EXPECT_EQ(started.workflow_type().name(), "ServerlessWorkflow");
  auto input = temporal::DecodeJsonPayloads(started.input());
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(*input, options.input);
  EXPECT_EQ(started.input().payloads(0).metadata().at("encoding"), "json/plain");

  // The same request id again: the same run. Another request id: AlreadyExists.
  auto again = client_->StartWorkflow(options);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *run_id);
  options.request_id = "request-2";
  auto other = client_->StartWorkflow(options);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(other.status().message(), HasSubstr(options.workflow_id));

  ASSERT_TRUE(client_->RequestCancel(options.workflow_id, *run_id, "asked by the test").ok());
  history = client_->GetFullHistory(options.workflow_id, *run_id);
  ASSERT_TRUE(history.ok()) << history.status();
  bool cancel_requested = false;
  for (const HistoryEvent& event : *history) {
    if (event.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED) {
      cancel_requested = true;
      EXPECT_EQ(event.workflow_execution_cancel_requested_event_attributes().cause(),
                "asked by the test");
    }
  }
  EXPECT_TRUE(cancel_requested);

  ASSERT_TRUE(client_->Terminate(options.workflow_id, "", "ended by the test").ok());
  description = client_->Describe(options.workflow_id, *run_id);
  ASSERT_TRUE(description.ok()) << description.status();
  EXPECT_EQ(description->status, enums::WORKFLOW_EXECUTION_STATUS_TERMINATED);
  EXPECT_TRUE(description->close_time.has_value());

  // A closed history reads to its end: the last page has no token.
  auto page = client_->GetHistory(options.workflow_id, *run_id, "", /*wait_new_event=*/false,
                                  absl::Seconds(5));
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->next_page_token.empty());
  EXPECT_EQ(page->events.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);

  auto unknown = client_->Describe("wex-unknown");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("wex-unknown"));
  EXPECT_EQ(client_->Terminate("wex-unknown", "", "").code(), absl::StatusCode::kNotFound);
}

TEST_F(TemporalClientTest, SignalsReachTheRunEncryptedAndAnUnknownWorkflowIsNotFound) {
  TemporalClientOptions options;
  options.address = temporal_address();
  options.codec = *temporal::PayloadCodec::FromHexKey(
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "/tmp/payload.key");
  auto encrypting = TemporalClient::Connect(options, absl::Seconds(10));
  ASSERT_TRUE(encrypting.ok()) << encrypting.status();
  temporal::StartWorkflowOptions start;
  start.workflow_id = "wex-01JSIGNALTEST";
  start.task_queue = "nobody-polls-this";
  ASSERT_TRUE((*encrypting)->StartWorkflow(start).ok());

  const nlohmann::json payload = {
      {"call_id", "call_1"}, {"approved", false}, {"reason", "plain-reason-1b2c"}};
  ASSERT_TRUE(
      (*encrypting)->SignalWorkflow(start.workflow_id, "", "stigmer.approval", payload).ok());

  // Through the codec the signal reads as sent; Temporal holds it encrypted.
  for (TemporalClient* client : {encrypting->get(), client_.get()}) {
    auto history = client->GetFullHistory(start.workflow_id);
    ASSERT_TRUE(history.ok()) << history.status();
    const HistoryEvent* signaled = nullptr;
    for (const HistoryEvent& event : *history) {
      if (event.has_workflow_execution_signaled_event_attributes()) signaled = &event;
    }
    ASSERT_NE(signaled, nullptr);
    const auto& attributes = signaled->workflow_execution_signaled_event_attributes();
    EXPECT_EQ(attributes.signal_name(), "stigmer.approval");
    if (client == encrypting->get()) {
      EXPECT_EQ(temporal::DecodeJsonPayloadAt(attributes.input()).value_or(nullptr), payload);
    } else {
      EXPECT_THAT(attributes.input().SerializeAsString(),
                  ::testing::Not(HasSubstr("plain-reason-1b2c")));
    }
  }
  ASSERT_TRUE(client_->Terminate(start.workflow_id, "", "ended by the test").ok());

  absl::Status unknown = client_->SignalWorkflow("wex-unknown", "", "stigmer.approval", payload);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.message(), HasSubstr("signalling workflow wex-unknown"));
}

// What a follower delivered, collected from its thread.
struct Followed {
  absl::Mutex mutex;
  std::vector<std::pair<std::string, HistoryEvent>> events ABSL_GUARDED_BY(mutex);
  std::optional<absl::Status> done ABSL_GUARDED_BY(mutex);

  std::unique_ptr<HistoryFollower> Follow(std::shared_ptr<TemporalClient> client,
                                          const std::string& workflow_id) {
    temporal::HistoryFollowerOptions options;
    options.workflow_id = workflow_id;
    options.max_backoff = absl::Milliseconds(500);
    auto follower = std::make_unique<HistoryFollower>(
        std::move(client), options,
        [this](const std::string& run_id, const std::vector<HistoryEvent>& batch) {
          absl::MutexLock lock(&mutex);
          for (const HistoryEvent& event : batch) events.emplace_back(run_id, event);
        },
        [this](const absl::Status& status) {
          absl::MutexLock lock(&mutex);
          done = status;
        });
    follower->Start();
    return follower;
  }
  bool Saw(enums::EventType type) {
    absl::MutexLock lock(&mutex);
    for (const auto& [run_id, event] : events) {
      if (event.event_type() == type) return true;
    }
    return false;
  }
  std::optional<absl::Status> Done() {
    absl::MutexLock lock(&mutex);
    return done;
  }
};

TEST_F(TemporalClientTest, FollowerDeliversEventsAsTheyHappenAcrossRestartsAndRuns) {
  temporal::StartWorkflowOptions options;
  options.workflow_id = "wex-01JFOLLOWED";
  options.task_queue = "followed";
  ASSERT_TRUE(client_->StartWorkflow(options).ok());
  Followed followed;
  auto follower = followed.Follow(client_, options.workflow_id);
  ASSERT_TRUE(WaitFor([&] { return followed.Saw(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED); },
                      absl::Seconds(10)));

  TestResponder responder(*client_, "followed");
  ASSERT_TRUE(
      responder
          .RespondNextWorkflowTask({responder.TaskMarker({{"path", "/do/0/a"}, {"name", "a"}})})
          .ok());
  ASSERT_TRUE(
      WaitFor([&] { return followed.Saw(enums::EVENT_TYPE_MARKER_RECORDED); }, absl::Seconds(10)));

  // Temporal restarts while the follower waits in a long poll; it reconnects on its own.
  ASSERT_TRUE(temporal_server().Restart().ok());
  ASSERT_TRUE(client_->RequestCancel(options.workflow_id, "", "restart test").ok());
  ASSERT_TRUE(
      WaitFor([&] { return followed.Saw(enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED); },
              absl::Seconds(30)));
  ASSERT_TRUE(responder.RespondNextWorkflowTask({TestResponder::CancelWorkflow()}).ok());
  ASSERT_TRUE(WaitFor([&] { return followed.Done().has_value(); }, absl::Seconds(10)));
  EXPECT_TRUE(followed.Done()->ok()) << *followed.Done();
  {
    absl::MutexLock lock(&followed.mutex);
    // Every event once, in order, ending with the close event.
    for (size_t i = 0; i < followed.events.size(); ++i) {
      EXPECT_EQ(followed.events[i].second.event_id(), static_cast<int64_t>(i + 1));
    }
    EXPECT_EQ(followed.events.back().second.event_type(),
              enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  }
  follower->Stop();
  EXPECT_TRUE(follower->done());

  // A workflow that continues as new: the follower moves on to the new run.
  options.workflow_id = "wex-01JCONTINUED";
  options.task_queue = "continued";
  auto first_run = client_->StartWorkflow(options);
  ASSERT_TRUE(first_run.ok()) << first_run.status();
  Followed continued;
  auto continued_follower = continued.Follow(client_, options.workflow_id);
  TestResponder next(*client_, "continued");
  ASSERT_TRUE(next.RespondNextWorkflowTask({next.ContinueAsNew("ServerlessWorkflow", {})}).ok());
  ASSERT_TRUE(next.RespondNextWorkflowTask({TestResponder::Complete({{"n", 2}})}).ok());
  ASSERT_TRUE(WaitFor([&] { return continued.Done().has_value(); }, absl::Seconds(10)));
  EXPECT_TRUE(continued.Done()->ok()) << *continued.Done();
  {
    absl::MutexLock lock(&continued.mutex);
    EXPECT_EQ(continued.events.front().first, *first_run);
    EXPECT_NE(continued.events.back().first, *first_run);
    EXPECT_EQ(continued.events.back().second.event_type(),
              enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  // Stop() ends a follower waiting in a long poll at once, with Cancelled.
  options.workflow_id = "wex-01JSTOPPED";
  options.task_queue = "stopped";
  ASSERT_TRUE(client_->StartWorkflow(options).ok());
  Followed stopped;
  auto stopped_follower = stopped.Follow(client_, options.workflow_id);
  ASSERT_TRUE(WaitFor([&] { return stopped.Saw(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED); },
                      absl::Seconds(10)));
  const absl::Time began = absl::Now();
  stopped_follower->Stop();
  EXPECT_LT(absl::Now() - began, absl::Seconds(2));
  ASSERT_TRUE(stopped.Done().has_value());
  EXPECT_EQ(stopped.Done()->code(), absl::StatusCode::kCancelled);

  // An unknown workflow ends the follower with NotFound.
  Followed unknown;
  auto unknown_follower = unknown.Follow(client_, "wex-unknown");
  ASSERT_TRUE(WaitFor([&] { return unknown.Done().has_value(); }, absl::Seconds(10)));
  EXPECT_EQ(unknown.Done()->code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace stigmer::testing
