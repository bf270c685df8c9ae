#include "codec_server/codec_request.h"

#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace stigmer::codec_server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "5f0c2a";

CodecEndpoint Endpoint() {
  CodecEndpoint endpoint;
  endpoint.codec = *temporal::PayloadCodec::FromHexKey(
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "/k");
  endpoint.api_token = kToken;
  endpoint.allowed_origins = {"http://localhost:8233"};
  return endpoint;
}

std::string Json(const temporal::Payloads& payloads) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(payloads, &json).ok());
  return json;
}

temporal::Payloads Parse(const std::string& json) {
  temporal::Payloads payloads;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &payloads).ok()) << json;
  return payloads;
}

CodecRequest Post(std::string path, std::string body, std::string authorization = "") {
  CodecRequest request;
  request.method = "POST";
  request.path = std::move(path);
  request.body = std::move(body);
  request.authorization = std::move(authorization);
  return request;
}

TEST(CodecRequestTest, DecodeWithABearerTokenGivesThePlainPayloads) {
  const CodecEndpoint endpoint = Endpoint();
  temporal::Payloads encrypted;
  *encrypted.add_payloads() = *endpoint.codec->Encode(temporal::JsonPayload({{"TOKEN", "x1"}}));
  *encrypted.add_payloads() = temporal::JsonPayload("not encrypted");
  const CodecResponse response = HandleCodecRequest(
      endpoint, Post("/decode", Json(encrypted), std::string("Bearer ") + kToken));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.headers.at("Content-Type"), "application/json");
  auto decoded = temporal::DecodeJsonPayloads(Parse(response.body));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, (std::vector<nlohmann::json>{{{"TOKEN", "x1"}}, "not encrypted"}));
}

TEST(CodecRequestTest, TheTokenAsFirstPathSegmentWorksForTheUiAndEncodeRoundTrips) {
  const CodecEndpoint endpoint = Endpoint();
  const CodecResponse encoded = HandleCodecRequest(
      endpoint, Post(std::string("/") + kToken + "/encode", Json(temporal::JsonPayloads({"v"}))));
  ASSERT_EQ(encoded.status, 200) << encoded.body;
  EXPECT_EQ(Parse(encoded.body).payloads(0).metadata().at("encoding"), "binary/encrypted");
  const CodecResponse decoded =
      HandleCodecRequest(endpoint, Post(std::string("/") + kToken + "/decode", encoded.body));
  ASSERT_EQ(decoded.status, 200);
  EXPECT_EQ(*temporal::DecodeJsonPayloadAt(Parse(decoded.body)), "v");
}

TEST(CodecRequestTest, WithoutTheTokenNothingIsDecodedAnd401SaysWhatIsNeeded) {
  const CodecEndpoint endpoint = Endpoint();
  temporal::Payloads encrypted;
  *encrypted.add_payloads() = *endpoint.codec->Encode(temporal::JsonPayload("hunter2"));
  for (const CodecRequest& request :
       {Post("/decode", Json(encrypted)), Post("/decode", Json(encrypted), "Bearer wrong"),
        Post("/wrong/decode", Json(encrypted)), Post("/5f0c2/decode", Json(encrypted)),
        Post(std::string("/") + kToken, Json(encrypted))}) {
    const CodecResponse response = HandleCodecRequest(endpoint, request);
    EXPECT_THAT(response.status, ::testing::AnyOf(401, 404)) << request.path;
    // Only the error, nothing of the payloads.
    const nlohmann::json body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body.size(), 1u) << response.body;
    EXPECT_TRUE(body.contains("error")) << response.body;
  }
  EXPECT_THAT(HandleCodecRequest(endpoint, Post("/decode", "{}")).body,
              HasSubstr("needs the API token"));
}

TEST(CodecRequestTest, BadRequestsGetTheirStatus) {
  const std::string bearer = std::string("Bearer ") + kToken;
  CodecRequest get = Post("/decode", "", bearer);
  get.method = "GET";
  EXPECT_EQ(HandleCodecRequest(Endpoint(), get).status, 405);
  EXPECT_EQ(HandleCodecRequest(Endpoint(), Post("/other", "{}", bearer)).status, 404);
  const CodecResponse invalid = HandleCodecRequest(Endpoint(), Post("/decode", "[1", bearer));
  EXPECT_EQ(invalid.status, 400);
  EXPECT_THAT(invalid.body, HasSubstr("not Payloads in JSON"));
  CodecRequest large = Post("/decode", "", bearer);
  large.body_too_large = true;
  EXPECT_EQ(HandleCodecRequest(Endpoint(), large).status, 413);
}

TEST(CodecRequestTest, InvalidUtf8InABadBodyIsA400NotACrash) {
  const CodecResponse response = HandleCodecRequest(
      Endpoint(), Post("/decode", "{\"payloads\": [{\"metadata\": {\"enc\x94\x98\"",
                       std::string("Bearer ") + kToken));
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(response.body, HasSubstr("not Payloads in JSON"));
}

TEST(CodecRequestTest, TheTemporalUiOriginGetsCorsAndItsPreflightIsAnswered) {
  CodecRequest preflight;
  preflight.method = "OPTIONS";
  preflight.path = "/token/decode";
  preflight.origin = "http://localhost:8233";
  const CodecResponse response = HandleCodecRequest(Endpoint(), preflight);
  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(response.headers.at("Access-Control-Allow-Origin"), "http://localhost:8233");
  EXPECT_THAT(response.headers.at("Access-Control-Allow-Headers"), HasSubstr("X-Namespace"));

  preflight.origin = "http://evil.example";
  EXPECT_FALSE(
      HandleCodecRequest(Endpoint(), preflight).headers.contains("Access-Control-Allow-Origin"));
}

}  // namespace
}  // namespace stigmer::codec_server
