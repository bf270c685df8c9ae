// The event bus as a publisher sees it: gRPC EventService.Publish and the HTTP endpoint (driven
// with curl, an independent client) of an in-process stigmer-server, whose store is a file so
// that a restart is real.
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "activities/emit_activity.h"
#include "common/executable_search.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/stigmer_server.h"
#include "server_calls.h"
#include "stigmer/v1/event.grpc.pb.h"
#include "testing/command_runner.h"
#include "testing/test_database.h"
#include "testing/test_env.h"

namespace stigmer::server {
namespace {

// curl, an independent HTTP client, as PATH finds it.
std::string CurlPath() {
  const char* path = std::getenv("PATH");
  return FindExecutable("curl", path == nullptr ? "/usr/bin:/bin" : path)
      .value_or("/usr/bin/curl")
      .string();
}

using ::stigmer::testing::kTestApiToken;
using ::stigmer::testing::LocalChannel;
using ::testing::HasSubstr;

constexpr char kGoodEvent[] =
    R"({"specversion":"1.0","id":"order-1","source":"/shop","type":"order.placed","data":{"n":1}})";

class EventBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_UNLESS_STORE_READY();
    StartServer();
  }

  void StartServer() {
    ServerOptions options;
    options.port = 0;
    options.events_port = 0;
    options.temporal_address = absl::StrCat("127.0.0.1:", stigmer::testing::FreePort());
    options.api_token = kTestApiToken;
    options.store_path = dir_.path() / "stigmer.db";
    options.database = testing::TestStoreDatabase(options.store_path);  // the PostgreSQL variant
    absl::StatusOr<std::unique_ptr<StigmerServer>> server = StigmerServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  grpc::Status Publish(const std::string& event_json, stigmer::v1::PublishEventResponse* response,
                       const std::string& token = kTestApiToken) {
    auto stub = stigmer::v1::EventService::NewStub(LocalChannel(server_->port(), token));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    stigmer::v1::PublishEventRequest request;
    request.set_event_json(event_json);
    return stub->Publish(&context, request, response);
  }

  // curl's answer: the status code on the last line after the body.
  struct HttpAnswer {
    int status = 0;
    std::string body;
  };
  HttpAnswer Post(const std::vector<std::string>& headers, const std::string& body,
                  const std::string& path = "/events") {
    const std::filesystem::path file = dir_.path() / "body";
    EXPECT_TRUE(WriteFileAtomically(file, body).ok());
    std::vector<std::string> argv = {CurlPath(),
                                     "-sS",
                                     "-o",
                                     "-",
                                     "-w",
                                     "\n%{http_code}",
                                     "--data-binary",
                                     absl::StrCat("@", file.string())};
    for (const std::string& header : headers) {
      argv.push_back("-H");
      argv.push_back(header);
    }
    argv.push_back(absl::StrCat("http://127.0.0.1:", server_->events_port(), path));
    stigmer::testing::CommandResult result = stigmer::testing::RunCommand(argv);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const size_t last = result.out.rfind('\n');
    HttpAnswer answer;
    if (last == std::string::npos) return answer;
    answer.status = std::atoi(result.out.c_str() + last + 1);
    answer.body = result.out.substr(0, last);
    return answer;
  }

  const std::string bearer_ = absl::StrCat("Authorization: Bearer ", kTestApiToken);
  stigmer::testing::TempDir dir_;
  std::unique_ptr<StigmerServer> server_;
};

TEST_F(EventBusTest, AnAcceptedEventIsStoredOnceAcrossARestart) {
  stigmer::v1::PublishEventResponse first;
  ASSERT_TRUE(Publish(kGoodEvent, &first).ok());
  EXPECT_EQ(first.id(), "order-1");
  EXPECT_EQ(first.source(), "/shop");
  EXPECT_FALSE(first.duplicate());

  server_.reset();
  StartServer();
  stigmer::v1::PublishEventResponse again;
  ASSERT_TRUE(Publish(kGoodEvent, &again).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.sequence(), first.sequence());
}

TEST_F(EventBusTest, GrpcRefusesABadEventNamingTheProblem) {
  stigmer::v1::PublishEventResponse response;
  grpc::Status status = Publish(R"({"specversion":"1.0","source":"/s","type":"t"})", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "the event has no \"id\" attribute (CloudEvents requires it)");
  EXPECT_EQ(Publish(kGoodEvent, &response, "wrong").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(EventBusTest, HttpTakesBinaryAndStructuredModes) {
  HttpAnswer binary = Post({bearer_, "ce-specversion: 1.0", "ce-id: b-1", "ce-source: /curl",
                            "ce-type: ping", "Content-Type: application/json"},
                           R"({"hello": "world"})");
  EXPECT_EQ(binary.status, 202) << binary.body;
  EXPECT_EQ(nlohmann::json::parse(binary.body),
            (nlohmann::json{{"id", "b-1"}, {"source", "/curl"}, {"duplicate", false}}));

  HttpAnswer structured =
      Post({bearer_, "Content-Type: application/cloudevents+json; charset=utf-8"}, kGoodEvent);
  EXPECT_EQ(structured.status, 202) << structured.body;

  // The same event again by gRPC: the bus knows it whichever way it came.
  stigmer::v1::PublishEventResponse response;
  ASSERT_TRUE(Publish(kGoodEvent, &response).ok());
  EXPECT_TRUE(response.duplicate());
}

TEST_F(EventBusTest, HttpWithoutTheTokenIsRefusedSayingWhereItIs) {
  HttpAnswer missing = Post({"Content-Type: application/cloudevents+json"}, kGoodEvent);
  EXPECT_EQ(missing.status, 401);
  EXPECT_THAT(missing.body,
              HasSubstr("missing bearer token: send the header \\\"Authorization: Bearer "
                        "<token>\\\" with the API token (the file data/api.token in "
                        "STIGMER_HOME)"));
  HttpAnswer wrong = Post(
      {"Authorization: Bearer nope", "Content-Type: application/cloudevents+json"}, kGoodEvent);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_THAT(wrong.body, HasSubstr("wrong bearer token"));
}

TEST_F(EventBusTest, HostileHttpEventsAreRefusedAndAGoodOneBesideThemIsAccepted) {
  const std::string structured = "Content-Type: application/cloudevents+json";
  HttpAnswer malformed = Post({bearer_, structured}, "{\"id\": ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_THAT(malformed.body, HasSubstr("the event is not valid JSON"));

  HttpAnswer nested = Post({bearer_, "ce-specversion: 1.0", "ce-id: n", "ce-source: /s",
                            "ce-type: t", "Content-Type: application/json"},
                           std::string(50000, '[') + std::string(50000, ']'));
  EXPECT_EQ(nested.status, 400);
  EXPECT_THAT(nested.body, HasSubstr("the event's data is nested deeper than 256 levels"));

  HttpAnswer huge = Post({bearer_, structured}, std::string(1 << 20, ' '));
  EXPECT_EQ(huge.status, 413);
  EXPECT_THAT(huge.body, HasSubstr("the event is larger than 262144 bytes (the limit)"));

  HttpAnswer batch = Post({bearer_, "Content-Type: application/cloudevents-batch+json"}, "[]");
  EXPECT_EQ(batch.status, 415);
  EXPECT_THAT(batch.body, HasSubstr("batches of events are not accepted"));

  HttpAnswer plain = Post({bearer_, "Content-Type: application/json"}, "{}");
  EXPECT_EQ(plain.status, 400);
  EXPECT_THAT(plain.body, HasSubstr("no ce-specversion header"));

  EXPECT_EQ(Post({bearer_, structured}, kGoodEvent, "/elsewhere").status, 404);

  HttpAnswer good = Post({bearer_, structured}, kGoodEvent);
  EXPECT_EQ(good.status, 202) << good.body;
}

// Found by the fuzzer: a parse error quoting bytes that are not UTF-8 threw while the 400 was
// written, which ended stigmer-server.
TEST_F(EventBusTest, EventBytesThatAreNotUtf8AreA400NotACrash) {
  const ApiTokenGate gate(kTestApiToken, "");
  const auto never = [](const nlohmann::json&) -> absl::StatusOr<EventBus::Accepted> {
    return absl::InternalError("not called");
  };
  HttpRequest request{.method = "POST", .path = "/events"};
  request.headers = {{"Authorization", std::string("Bearer ") + kTestApiToken},
                     {"Content-Type", "application/cloudevents+json"}};
  request.body = "{\xab\"spec\": 1}";
  HttpResponse bad = HandleEventHttpRequest(gate, request, never);
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("the event is not valid JSON"));

  request.headers = {{"Authorization", std::string("Bearer ") + kTestApiToken},
                     {"Content-Type", "application/json"},
                     {"ce-specversion", "1.0"},
                     {"ce-id", "1"},
                     {"ce-source", "/s"},
                     {"ce-type", "t"},
                     {"ce-time", "\xab\xcd"}};
  request.body = "{}";
  EXPECT_EQ(HandleEventHttpRequest(gate, request, never).status, 400);
}

TEST_F(EventBusTest, OnlyPostToEventsIsServed) {
  const ApiTokenGate gate(kTestApiToken, "");
  const auto never = [](const nlohmann::json&) -> absl::StatusOr<EventBus::Accepted> {
    return absl::InternalError("not called");
  };
  HttpResponse get = HandleEventHttpRequest(gate, {.method = "GET", .path = "/events"}, never);
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.body, R"({"error":"GET is not allowed: POST CloudEvents to /events"})");
  HttpResponse elsewhere =
      HandleEventHttpRequest(gate, {.method = "POST", .path = "/other"}, never);
  EXPECT_EQ(elsewhere.status, 404);
  EXPECT_EQ(elsewhere.body, R"({"error":"no /other here: POST CloudEvents to /events"})");
}

TEST_F(EventBusTest, ATakenEventsPortIsNamed) {
  ServerOptions options;
  options.port = 0;
  options.events_port = server_->events_port();  // taken by the first server
  options.temporal_address = absl::StrCat("127.0.0.1:", stigmer::testing::FreePort());
  options.api_token = kTestApiToken;
  absl::StatusOr<std::unique_ptr<StigmerServer>> second = StigmerServer::Start(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(),
            absl::StrCat("cannot listen for events on 127.0.0.1:", server_->events_port(),
                         ": is another program using that port? Choose another with "
                         "server.events_port"));
}

TEST_F(EventBusTest, TheEmitActivityPublishesOnceWhateverTheAttempt) {
  const std::filesystem::path token_file = dir_.path() / "api.token";
  ASSERT_TRUE(WriteFileAtomically(token_file, absl::StrCat(kTestApiToken, "\n")).ok());
  const activities::EventBusEndpoint endpoint{absl::StrCat("127.0.0.1:", server_->port()),
                                              token_file};
  const nlohmann::json request = {{"task", "/do/0/tell"},
                                  {"event", {{"source", "/wf"}, {"type", "done"}, {"data", 1}}}};
  activities::ActivityInfo info{"wex-1", "run", "/do/0/tell#1", 1};
  activities::ActivityResult first = activities::RunEmitActivity(info, request, endpoint);
  ASSERT_TRUE(first.ok()) << first.error.detail;
  EXPECT_EQ(first.output["event"]["id"], "wex-1/do/0/tell#1");
  EXPECT_FALSE(first.output["duplicate"]);
  info.attempt = 2;
  activities::ActivityResult retried = activities::RunEmitActivity(info, request, endpoint);
  ASSERT_TRUE(retried.ok()) << retried.error.detail;
  EXPECT_TRUE(retried.output["duplicate"]);
}

TEST_F(EventBusTest, TheEmitActivityNamesWhatIsMissing) {
  const nlohmann::json no_type = {{"task", "/do/0/tell"}, {"event", {{"source", "/wf"}}}};
  activities::ActivityResult invalid =
      activities::RunEmitActivity({"wex-1", "run", "/do/0/tell#1", 1}, no_type,
                                  {absl::StrCat("127.0.0.1:", server_->port()), "/nowhere"});
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error.detail, "the event has no \"type\" attribute (CloudEvents requires it)");
  EXPECT_EQ(invalid.error.status, 400);

  const nlohmann::json good = {{"task", "/do/0/tell"},
                               {"event", {{"source", "/wf"}, {"type", "t"}}}};
  activities::ActivityResult unset =
      activities::RunEmitActivity({"wex-1", "run", "/do/0/tell#1", 1}, good, {});
  ASSERT_FALSE(unset.ok());
  EXPECT_EQ(unset.error.detail,
            "no stigmer-server to publish to: STIGMER_BACKEND_ENDPOINT is not set for "
            "workflow-runner");
}

}  // namespace
}  // namespace stigmer::server
