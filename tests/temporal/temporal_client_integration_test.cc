// TemporalClient and HistoryCursor against the real Temporal dev server.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/history_cursor.h"
#include "temporal/payload_codec.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_responder.h"

namespace stigmer::testing {
namespace {

namespace enums = ::temporal::api::enums::v1;
using temporal::HistoryEvent;
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

// The ids of `events`, and their types.
std::vector<int64_t> Ids(const std::vector<HistoryEvent>& events) {
  std::vector<int64_t> ids;
  for (const HistoryEvent& event : events) ids.push_back(event.event_id());
  return ids;
}

TEST_F(TemporalClientTest, CursorReadsEachEventOnceUpToAMarkAcrossRestartsAndRuns) {
  temporal::StartWorkflowOptions options;
  options.workflow_id = "wex-01JCURSOR";
  options.task_queue = "cursor";
  auto run = client_->StartWorkflow(options);
  ASSERT_TRUE(run.ok()) << run.status();
  temporal::HistoryCursor cursor(options.workflow_id, *run);
  auto first = cursor.Read(*client_, {}, absl::Seconds(5));  // as it is now
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Ids(*first), (std::vector<int64_t>{1, 2}));

  TestResponder responder(*client_, "cursor");
  ASSERT_TRUE(
      responder
          .RespondNextWorkflowTask({responder.TaskMarker({{"path", "/do/0/a"}, {"name", "a"}})})
          .ok());
  // What a worker reports after answering the task (started 3): its completion, 4, is there.
  auto second = cursor.Read(*client_, {*run, 4}, absl::Seconds(5));
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_FALSE(second->empty());
  EXPECT_EQ(second->front().event_id(), 3);
  EXPECT_EQ(second->back().event_type(), enums::EVENT_TYPE_MARKER_RECORDED);
  EXPECT_TRUE(cursor.Reached({*run, 4}));
  // Read up to a mark already reached: no call, nothing again.
  auto again = cursor.Read(*client_, {*run, 4}, absl::Seconds(5));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());

  // Temporal restarts between reads: the kept token or a fresh read goes on where it was.
  ASSERT_TRUE(temporal_server().Restart().ok());
  ASSERT_TRUE(client_->RequestCancel(options.workflow_id, "", "restart test").ok());
  ASSERT_TRUE(responder.RespondNextWorkflowTask({TestResponder::CancelWorkflow()}).ok());
  std::vector<HistoryEvent> rest;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto read = cursor.Read(*client_, {}, absl::Seconds(5));
        if (read.ok()) rest.insert(rest.end(), read->begin(), read->end());
        return cursor.closed();
      },
      absl::Seconds(30)));
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.front().event_id(), second->back().event_id() + 1);
  for (size_t i = 1; i < rest.size(); ++i) {
    EXPECT_EQ(rest[i].event_id(), rest[i - 1].event_id() + 1);
  }
  EXPECT_EQ(rest.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);

  // A workflow that continues as new: a mark on the new run reads the old one to its end, then on.
  options.workflow_id = "wex-01JCONTINUED";
  options.task_queue = "continued";
  auto first_run = client_->StartWorkflow(options);
  ASSERT_TRUE(first_run.ok()) << first_run.status();
  temporal::HistoryCursor continued(options.workflow_id, *first_run);
  TestResponder next(*client_, "continued");
  ASSERT_TRUE(next.RespondNextWorkflowTask({next.ContinueAsNew("ServerlessWorkflow", {})}).ok());
  ASSERT_TRUE(next.RespondNextWorkflowTask({TestResponder::Complete({{"n", 2}})}).ok());
  auto latest = client_->Describe(options.workflow_id);
  ASSERT_TRUE(latest.ok());
  ASSERT_NE(latest->run_id, *first_run);
  auto both = continued.Read(*client_, {latest->run_id, 4}, absl::Seconds(5));
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->front().event_id(), 1);
  EXPECT_EQ(both->back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  EXPECT_EQ(continued.run_id(), latest->run_id);
  EXPECT_TRUE(continued.closed());

  // An unknown workflow: NotFound.
  temporal::HistoryCursor unknown("wex-unknown", "");
  EXPECT_EQ(unknown.Read(*client_, {}, absl::Seconds(5)).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace stigmer::testing
