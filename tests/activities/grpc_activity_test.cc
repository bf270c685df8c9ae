// RunGrpcActivity and ProtoMethod against a real gRPC server (testing/grpc_greeter.h): the .proto
// parsed at run time, the request built from the arguments, the answer or the error a user sees.

#include "activities/grpc_activity.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "activities/proto_schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/grpc_greeter.h"
#include "testing/test_env.h"

namespace stigmer::activities {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kTask[] = "/do/0/greet";

class FakeControl : public ActivityControl {
 public:
  bool KeepGoing() override { return keep_going; }
  bool keep_going = true;
};

class GrpcActivityTest : public ::testing::Test {
 protected:
  void SetUp() override { proto_ = Write("greeter.proto", testing::kGreeterProto); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (folder_.path() / name).string();
    std::ofstream(path) << text;
    return path;
  }

  json With(const std::string& method, const json& arguments) const {
    return {
        {"proto", {{"endpoint", "file://" + proto_}}},
        {"service", {{"name", "greet.Greeter"}, {"host", "127.0.0.1"}, {"port", greeter_.port()}}},
        {"method", method},
        {"arguments", arguments}};
  }

  ActivityResult Run(const json& with, const ActivityLimits& limits = {},
                     const std::string& source_dir = "") {
    FakeControl control;
    json request = {{"task", kTask}, {"input", json::object()}, {"with", with}};
    if (!source_dir.empty()) request["source_dir"] = source_dir;
    return RunGrpcActivity(request, limits, control);
  }

  testing::TempDir folder_;
  testing::GrpcGreeter greeter_;
  std::string proto_;
};

TEST_F(GrpcActivityTest, UnaryCallAnswersTheResponseAsJson) {
  ActivityResult result = Run(With("SayHello", {{"name", "Ada"}}));
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, json({{"message", "Hello, Ada"}}));
}

TEST_F(GrpcActivityTest, BareServiceNameAndPlainPathAreAccepted) {
  json with = With("SayHello", {{"name", "Bob"}});
  with["proto"]["endpoint"] = {{"uri", proto_}};
  with["service"]["name"] = "Greeter";
  ActivityResult result = Run(with);
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output["message"], "Hello, Bob");
}

TEST_F(GrpcActivityTest, BearerAuthenticationIsSentAsMetadata) {
  json with = With("SayHello", {{"name", "whoami"}});
  with["service"]["authentication"] = {{"bearer", {{"token", "s3cret"}}}};
  ActivityResult result = Run(with);
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output["message"], "Bearer s3cret");
}

TEST_F(GrpcActivityTest, ServerStatusIsACommunicationErrorCarryingTheGrpcCode) {
  ActivityResult result = Run(With("Fail", {{"name", "Eve"}}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.type, std::string(durable::kErrorTypePrefix) + "communication");
  EXPECT_EQ(result.error.status, 404);
  EXPECT_EQ(result.error.title, "/greet.Greeter/Fail returned NOT_FOUND");
  EXPECT_THAT(result.error.detail, HasSubstr("(gRPC code 5): no greeting for Eve"));
  EXPECT_EQ(result.error.instance, kTask);
}

TEST_F(GrpcActivityTest, ProtoThatDoesNotParseNamesFileAndLine) {
  const std::string broken = Write("broken.proto", "syntax = \"proto3\";\nservice X {\n  rpc\n");
  json with = With("SayHello", json::object());
  with["proto"]["endpoint"] = "file://" + broken;
  ActivityResult result = Run(with);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.title, "Invalid gRPC call");
  EXPECT_THAT(result.error.detail, HasSubstr("the proto does not parse: " + broken + ":4:"));
  // The same greeter still answers a good call.
  EXPECT_TRUE(Run(With("SayHello", {{"name", "Ada"}})).ok());
}

TEST_F(GrpcActivityTest, UnknownMethodNamesTheServiceMethods) {
  ActivityResult result = Run(With("SayGoodbye", json::object()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.detail,
            "the service greet.Greeter has no method \"SayGoodbye\" (it has SayHello, Fail, Hang, "
            "Chat)");
  json with = With("SayHello", json::object());
  with["service"]["name"] = "greet.Welcomer";
  EXPECT_EQ(Run(with).error.detail,
            proto_ + " has no service \"greet.Welcomer\" (it has greet.Greeter)");
}

TEST_F(GrpcActivityTest, StreamingMethodIsRefused) {
  EXPECT_EQ(Run(With("Chat", json::object())).error.detail,
            "greet.Greeter.Chat is a streaming method; stigmer calls unary gRPC methods only");
}

TEST_F(GrpcActivityTest, ArgumentsThatDoNotFitTheRequestAreAConfigurationError) {
  ActivityResult result = Run(With("SayHello", {{"nmae", "Ada"}}));
  EXPECT_EQ(result.error.title, "Invalid gRPC call");
  EXPECT_THAT(result.error.detail, HasSubstr("the arguments do not fit greet.HelloRequest"));
  EXPECT_THAT(result.error.detail, HasSubstr("nmae"));
}

TEST_F(GrpcActivityTest, NetworkProtoEndpointIsRefused) {
  json with = With("SayHello", json::object());
  with["proto"]["endpoint"] = "https://example.com/greeter.proto";
  EXPECT_EQ(Run(with).error.detail,
            "the proto `https://example.com/greeter.proto` is not a local file: workflow-runner "
            "reads .proto files from this machine only (file:///path/to/service.proto)");
  with["proto"]["endpoint"] = "file://app/greet.proto";
  EXPECT_EQ(Run(with).error.detail,
            "\"file://app/greet.proto\" is a relative path, and this workflow was not applied from "
            "a file whose folder it could be read from: apply it with `stigmer apply -f FILE`, or "
            "give file:///its/path");
}

TEST_F(GrpcActivityTest, RelativeProtoIsReadFromTheWorkflowsFolderNotTheWorkersCwd) {
  std::filesystem::create_directories(folder_.path() / "flows" / "app");
  Write("flows/app/greet.proto", testing::kGreeterProto);
  json with = With("SayHello", {{"name", "Cy"}});
  with["proto"]["endpoint"] = "file://app/greet.proto";  // the spec's example: folder app
  const std::string flows = (folder_.path() / "flows").string();
  ActivityResult result = Run(with, {}, flows);
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output["message"], "Hello, Cy");
  with["proto"]["endpoint"] = "../flows/app/greet.proto";  // `..` may leave the folder
  EXPECT_TRUE(Run(with, {}, flows).ok());
  with["proto"]["endpoint"] = "app/missing.proto";  // the error names the resolved path
  EXPECT_THAT(Run(with, {}, flows).error.detail, HasSubstr(flows + "/app/missing.proto"));
}

TEST_F(GrpcActivityTest, HugeResponseIsARuntimeErrorNotAnAllocation) {
  ActivityLimits limits;
  limits.max_output_bytes = 1000;
  ActivityResult result = Run(With("SayHello", {{"name", "x"}, {"repeat", 5000}}), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.title, "Response too large");
  EXPECT_TRUE(Run(With("SayHello", {{"name", "x"}, {"repeat", 10}}), limits).ok());
}

TEST_F(GrpcActivityTest, ServerThatNeverAnswersTimesOut) {
  ActivityLimits limits;
  limits.http_timeout = absl::Seconds(1);
  const absl::Time start = absl::Now();
  ActivityResult result = Run(With("Hang", json::object()), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.type, std::string(durable::kErrorTypePrefix) + "timeout");
  EXPECT_EQ(result.error.title, "gRPC call timed out");
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST_F(GrpcActivityTest, StoppingTheActivityCancelsTheCall) {
  FakeControl control;
  control.keep_going = false;
  ActivityResult result = RunGrpcActivity(
      {{"task", kTask}, {"input", json::object()}, {"with", With("Hang", json::object())}}, {},
      control);
  EXPECT_EQ(result.state, ActivityResult::State::kCancelled);
}

TEST_F(GrpcActivityTest, NoServerIsUnavailable) {
  json with = With("SayHello", json::object());
  with["service"]["port"] = testing::FreePort();
  ActivityResult result = Run(with);
  EXPECT_EQ(result.error.status, 503);
  EXPECT_EQ(result.error.title, "/greet.Greeter/SayHello returned UNAVAILABLE");
}

}  // namespace
}  // namespace stigmer::activities
