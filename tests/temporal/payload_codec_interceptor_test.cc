#include "temporal/payload_codec_interceptor.h"

#include <string>

#include "common/payload_limits.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"
#include "temporal/payload_visitor.h"

namespace stigmer::temporal {
namespace {

namespace wfs = ::temporal::api::workflowservice::v1;
using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::Not;

std::shared_ptr<const PayloadCodec> Codec(
    const char* key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff") {
  return *PayloadCodec::FromHexKey(key, "/k");
}

wfs::StartWorkflowExecutionRequest Start() {
  wfs::StartWorkflowExecutionRequest request;
  request.set_workflow_id("wex-1");
  *request.mutable_input() = JsonPayloads(
      {{{"do", "x"}}, {{"name", "Ada"}}, {{"secrets", {{"TOKEN", "hunter2-secret"}}}}});
  (*request.mutable_header()->mutable_fields())["stigmer-signature"] = JsonPayload("sig-hunter2");
  (*request.mutable_memo()->mutable_fields())["note"] = JsonPayload("memo-hunter2");
  (*request.mutable_search_attributes()->mutable_indexed_fields())["Kind"] = JsonPayload("shell");
  return request;
}

TEST(PayloadCodecInterceptorTest, EveryPayloadButSearchAttributesIsEncryptedAndComesBack) {
  const wfs::StartWorkflowExecutionRequest original = Start();
  wfs::StartWorkflowExecutionRequest request = original;
  EncodeMessagePayloads(*Codec(), request);

  EXPECT_THAT(request.SerializeAsString(), Not(HasSubstr("hunter2")));
  EXPECT_EQ(request.input().payloads(2).metadata().at("encoding"), "binary/encrypted");
  EXPECT_EQ(request.header().fields().at("stigmer-signature").metadata().at("encoding"),
            "binary/encrypted");
  EXPECT_EQ(request.memo().fields().at("note").metadata().at("encoding"), "binary/encrypted");
  // Temporal indexes search attributes: they stay as they were.
  EXPECT_TRUE(
      MessageDifferencer::Equals(request.search_attributes(), original.search_attributes()));
  EXPECT_EQ(request.workflow_id(), "wex-1");

  DecodeMessagePayloads(*Codec(), request);
  EXPECT_TRUE(MessageDifferencer::Equals(request, original)) << request.DebugString();
}

TEST(PayloadCodecInterceptorTest, PayloadsInMapsOfRepeatedNestedMessagesAreReached) {
  wfs::PollWorkflowTaskQueueResponse response;
  auto* event = response.mutable_history()->add_events();
  (*event->mutable_marker_recorded_event_attributes()->mutable_details())["task"] =
      JsonPayloads({{{"path", "/do/0/a"}, {"output", "hunter2"}}});
  (*response.mutable_queries())["q"].mutable_query_args()->add_payloads()->set_data("hunter2");
  const wfs::PollWorkflowTaskQueueResponse original = response;
  EncodeMessagePayloads(*Codec(), response);
  EXPECT_THAT(response.SerializeAsString(), Not(HasSubstr("hunter2")));
  DecodeMessagePayloads(*Codec(), response);
  EXPECT_TRUE(MessageDifferencer::Equals(response, original)) << response.DebugString();
}

TEST(PayloadCodecInterceptorTest, FailureMessagesAndStackTracesAreEncodedAsTemporalsSdksDo) {
  wfs::RespondActivityTaskFailedRequest request;
  Failure* failure = request.mutable_failure();
  failure->set_message("curl: token hunter2 refused");
  failure->set_stack_trace("at line 1: hunter2");
  failure->mutable_application_failure_info()->set_type("errors/communication");
  *failure->mutable_application_failure_info()->mutable_details() =
      JsonPayloads({{{"detail", "hunter2"}}});
  failure->mutable_cause()->set_message("cause: hunter2");
  const wfs::RespondActivityTaskFailedRequest original = request;

  EncodeMessagePayloads(*Codec(), request);
  EXPECT_THAT(request.SerializeAsString(), Not(HasSubstr("hunter2")));
  EXPECT_EQ(request.failure().message(), "Encoded failure");
  EXPECT_EQ(request.failure().stack_trace(), "");
  EXPECT_EQ(request.failure().cause().message(), "Encoded failure");
  EXPECT_EQ(request.failure().encoded_attributes().metadata().at("encoding"), "binary/encrypted");
  EXPECT_EQ(request.failure().application_failure_info().type(), "errors/communication");

  DecodeMessagePayloads(*Codec(), request);
  EXPECT_TRUE(MessageDifferencer::Equals(request, original)) << request.DebugString();
}

TEST(PayloadCodecInterceptorTest, EncodedFailureAttributesHoldMessageAndStackTraceAsJson) {
  Failure failure;
  failure.set_message("boom");
  failure.set_stack_trace("trace");
  EncodeFailureAttributes(failure);
  EXPECT_EQ(failure.message(), kEncodedFailureMessage);
  EXPECT_EQ(*DecodeJsonPayload(failure.encoded_attributes()),
            nlohmann::json({{"message", "boom"}, {"stack_trace", "trace"}}));
  DecodeFailureAttributes(failure);
  EXPECT_EQ(failure.message(), "boom");
  EXPECT_EQ(failure.stack_trace(), "trace");
  EXPECT_FALSE(failure.has_encoded_attributes());
}

TEST(PayloadCodecInterceptorTest, UnencryptedPayloadsFromOtherClientsPassThrough) {
  wfs::StartWorkflowExecutionRequest request = Start();
  const wfs::StartWorkflowExecutionRequest original = request;
  DecodeMessagePayloads(*Codec(), request);
  EXPECT_TRUE(MessageDifferencer::Equals(request, original));
}

TEST(PayloadCodecInterceptorTest,
     APayloadOfAnotherKeyStaysEncryptedWithTheReasonAndTheRestDecodes) {
  wfs::StartWorkflowExecutionRequest request = Start();
  EncodeMessagePayloads(*Codec(), request);
  *request.mutable_input()->mutable_payloads(1) =
      *Codec("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100")
           ->Encode(JsonPayload("other"));
  DecodeMessagePayloads(*Codec(), request);
  EXPECT_EQ(*DecodeJsonPayloadAt(request.input(), 0), nlohmann::json({{"do", "x"}}));
  auto unreadable = DecodeJsonPayloadAt(request.input(), 1);
  EXPECT_EQ(unreadable.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(unreadable.status().message(),
              HasSubstr("cannot be read here: payload encrypted with key "));
  EXPECT_THAT(unreadable.status().message(), HasSubstr("was that file replaced or deleted?"));
  // Sent back (e.g. continued as new), it goes as it came, not encrypted twice.
  EncodeMessagePayloads(*Codec(), request);
  EXPECT_FALSE(request.input().payloads(1).metadata().contains(kDecryptErrorKey));
}

TEST(PayloadCodecInterceptorTest, EncryptionAddsLessThanTheOverheadSizeChecksAllowFor) {
  for (size_t size : {size_t{0}, size_t{1} << 10, size_t{2} << 20}) {
    Payloads plain = JsonPayloads({std::string(size, 'x')});
    Payloads encrypted = plain;
    EncodeMessagePayloads(*Codec(), encrypted);
    EXPECT_LE(encrypted.ByteSizeLong(), plain.ByteSizeLong() + kEncryptedPayloadOverheadBytes)
        << size;
  }
}

}  // namespace
}  // namespace stigmer::temporal
