// Payloads are encrypted on the channel to Temporal: with the real dev server, a run's secret
// never appears in its history as Temporal stores it, while the worker and the client, through
// the codec, see plain values.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "temporal/payload_codec.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;

constexpr char kKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr char kOtherKey[] = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
constexpr char kSecret[] = "hunter2-7f3a9c";

class EncryptedPayloadsTest : public WorkflowRunnerTest {
 protected:
  std::shared_ptr<const temporal::PayloadCodec> PayloadCodec() override {
    return *temporal::PayloadCodec::FromHexKey(kKey, "/home/u/.stigmer/data/payload.key");
  }

  static nlohmann::json Runtime() {
    return {{"environment", nlohmann::json::object()}, {"secrets", {{"TOKEN", kSecret}}}};
  }

  // The history as Temporal holds it: read through a channel without the codec.
  std::vector<durable::HistoryEvent> RawHistory(const std::string& workflow_id) {
    auto plain = temporal::TemporalClient::Connect(temporal_address());
    EXPECT_TRUE(plain.ok()) << plain.status();
    if (!plain.ok()) return {};
    auto history = (*plain)->GetFullHistory(workflow_id);
    EXPECT_TRUE(history.ok()) << history.status();
    return history.ok() ? *std::move(history) : std::vector<durable::HistoryEvent>{};
  }

  static std::string Bytes(const std::vector<durable::HistoryEvent>& events) {
    std::string bytes;
    for (const durable::HistoryEvent& event : events) bytes += event.SerializeAsString();
    return bytes;
  }
};

TEST_F(EncryptedPayloadsTest, SecretNeverReachesTemporalInClear) {
  const std::string id = Start("secret_output", R"(do:
  - use:
      set:
        token: ${ $secrets.TOKEN }
        greeting: ${ "Hello, " + .name }
)",
                               {{"name", "Ada"}}, Runtime());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  // Through the codec the run completed with the secret-derived output.
  EXPECT_EQ(Output(events), nlohmann::json({{"token", kSecret}, {"greeting", "Hello, Ada"}}));

  const std::vector<durable::HistoryEvent> raw = RawHistory(id);
  ASSERT_FALSE(raw.empty());
  EXPECT_THAT(Bytes(raw), ::testing::Not(HasSubstr(kSecret)));
  EXPECT_THAT(Bytes(raw), ::testing::Not(HasSubstr("Hello, Ada")));
  const auto& input = raw.front().workflow_execution_started_event_attributes().input();
  ASSERT_EQ(input.payloads_size(), 3);
  EXPECT_EQ(input.payloads(2).metadata().at("encoding"), "binary/encrypted");
  EXPECT_EQ(input.payloads(2).metadata().at("encryption-key-id"), PayloadCodec()->key_id());
}

TEST_F(EncryptedPayloadsTest, SecretInAFailureMessageNeverReachesTemporalInClear) {
  const std::string id = Start("secret_failure", R"(do:
  - broken:
      run:
        shell:
          command: echo "refused $1" >&2; exit 3
          arguments:
            - ${ $secrets.TOKEN }
)",
                               nlohmann::json::object(), Runtime());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  auto problem = temporal::DecodeJsonPayloadAt(events.back()
                                                   .workflow_execution_failed_event_attributes()
                                                   .failure()
                                                   .application_failure_info()
                                                   .details());
  ASSERT_TRUE(problem.ok()) << problem.status();
  EXPECT_EQ((*problem)["instance"], "/do/0/broken");

  const std::vector<durable::HistoryEvent> raw = RawHistory(id);
  EXPECT_THAT(Bytes(raw), ::testing::Not(HasSubstr(kSecret)));
  ASSERT_FALSE(raw.empty());
  ASSERT_TRUE(raw.back().has_workflow_execution_failed_event_attributes());
  EXPECT_EQ(raw.back().workflow_execution_failed_event_attributes().failure().message(),
            "Encoded failure");
}

// A run written with another key fails with the key problem named, and the same worker goes on
// running the runs it can read.
TEST_F(EncryptedPayloadsTest, RunEncryptedWithAnotherKeyFailsNamingBothKeysWhileOthersComplete) {
  temporal::TemporalClientOptions options;
  options.address = temporal_address();
  options.codec = *temporal::PayloadCodec::FromHexKey(kOtherKey, "/elsewhere/payload.key");
  auto other = temporal::TemporalClient::Connect(options, absl::Seconds(10));
  ASSERT_TRUE(other.ok()) << other.status();
  absl::StatusOr<WorkflowDocument> document =
      ParseWorkflowDocument(absl::StrCat(kHeader, "do:\n  - a:\n      set:\n        x: 1\n"));
  ASSERT_TRUE(document.ok()) << document.status();
  temporal::StartWorkflowOptions start;
  start.workflow_id = "wex-other_key";
  start.task_queue = queue_;
  start.input = {nlohmann::json::parse(document->json.dump()), nlohmann::json::object(), Runtime()};
  ASSERT_TRUE((*other)->StartWorkflow(start).ok());
  const std::string good = Start("good_key", "do:\n  - a:\n      set:\n        x: 2\n", {});

  const std::vector<durable::HistoryEvent> events = WaitClosed(start.workflow_id);
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  auto problem = temporal::DecodeJsonPayloadAt(events.back()
                                                   .workflow_execution_failed_event_attributes()
                                                   .failure()
                                                   .application_failure_info()
                                                   .details());
  ASSERT_TRUE(problem.ok()) << problem.status();
  EXPECT_EQ((*problem)["title"], "Input cannot be decrypted");
  EXPECT_THAT((*problem)["detail"].get<std::string>(),
              HasSubstr("payload encrypted with key " + options.codec->key_id() +
                        "; this process has key " + PayloadCodec()->key_id() +
                        " (/home/u/.stigmer/data/payload.key): was that file replaced or "
                        "deleted?"));
  EXPECT_EQ(Output(WaitClosed(good)), nlohmann::json({{"x", 2}}));
}

class EncryptedSignedPayloadsTest : public EncryptedPayloadsTest {
 protected:
  void Configure(ServerlessWorkflowOptions& options) override {
    options.signing_key = kKey;
    options.continue_as_new_events = 40;
  }
};

// The signature covers the plain payloads; runs continued as new carry their input encrypted
// again and still verify.
TEST_F(EncryptedSignedPayloadsTest, SignedRunContinuedAsNewKeepsItsSecretEncrypted) {
  signing_key_ = kKey;
  const std::string id = Start("signed_secret_loop", R"(do:
  - each:
      for:
        each: n
        in: ${ [range(8)] }
      do:
        - echo:
            run:
              shell:
                command: ${ "echo " + ($n | tostring) }
  - done:
      set:
        token: ${ $secrets.TOKEN }
)",
                               nlohmann::json::object(), Runtime());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id, absl::Seconds(60));
  EXPECT_EQ(Output(events), nlohmann::json({{"token", kSecret}}));
  ASSERT_FALSE(events.empty());
  EXPECT_FALSE(events.front()
                   .workflow_execution_started_event_attributes()
                   .continued_execution_run_id()
                   .empty())
      << "the run did not continue as new";
  EXPECT_THAT(Bytes(RawHistory(id)), ::testing::Not(HasSubstr(kSecret)));
}

}  // namespace
}  // namespace stigmer::workflow
