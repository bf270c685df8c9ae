#include "server/api_token_gate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::server {
namespace {

using ::testing::HasSubstr;
using Verdict = ApiTokenGate::Verdict;

constexpr char kToken[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr char kApply[] = "/stigmer.v1.WorkflowService/Apply";

TEST(ApiTokenGateTest, OnlyTheRightBearerTokenOpensTheApi) {
  const ApiTokenGate gate(kToken, "/h/data/api.token");
  const std::string right = std::string("Bearer ") + kToken;
  EXPECT_EQ(gate.Judge(kApply, {right}), Verdict::kAllowed);
  EXPECT_EQ(gate.Judge(kApply, {std::string("bearer ") + kToken}), Verdict::kAllowed);
  EXPECT_EQ(gate.Judge(kApply, {}), Verdict::kMissing);
  EXPECT_EQ(gate.Judge(kApply, {kToken}), Verdict::kWrong);
  EXPECT_EQ(gate.Judge(kApply, {"Bearer "}), Verdict::kWrong);
  EXPECT_EQ(gate.Judge(kApply, {right.substr(0, right.size() - 1)}), Verdict::kWrong);
  EXPECT_EQ(gate.Judge(kApply, {right + "0"}), Verdict::kWrong);
  std::string flipped = right;
  flipped.back() = 'e';
  EXPECT_EQ(gate.Judge(kApply, {flipped}), Verdict::kWrong);
  EXPECT_EQ(gate.Judge(kApply, {"Bearer nope", right}), Verdict::kAllowed);
}

TEST(ApiTokenGateTest, HealthAndReflectionNeedNoToken) {
  const ApiTokenGate gate(kToken, "/h/data/api.token");
  EXPECT_EQ(gate.Judge("/grpc.health.v1.Health/Check", {}), Verdict::kAllowed);
  EXPECT_EQ(gate.Judge("/grpc.health.v1.Health/Watch", {}), Verdict::kAllowed);
  EXPECT_EQ(gate.Judge("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", {}),
            Verdict::kAllowed);
  EXPECT_EQ(gate.Judge("/grpc.health.v1.HealthX/Check", {}), Verdict::kMissing);
  EXPECT_EQ(gate.Judge("/stigmer.v1.InfoService/GetInfo", {}), Verdict::kMissing);
}

TEST(ApiTokenGateTest, AnEmptyTokenOpensNothing) {
  const ApiTokenGate gate("", "/h/data/api.token");
  EXPECT_EQ(gate.Judge(kApply, {"Bearer "}), Verdict::kWrong);
}

TEST(ApiTokenGateTest, RefusalSaysWhatToSendAndWhereTheTokenIs) {
  const ApiTokenGate gate(kToken, "/h/data/api.token");
  EXPECT_THAT(gate.RefusalMessage(Verdict::kMissing),
              HasSubstr("missing bearer token: send the metadata \"authorization: Bearer "
                        "<token>\"; the token is in /h/data/api.token"));
  EXPECT_THAT(gate.RefusalMessage(Verdict::kWrong), HasSubstr("wrong bearer token"));
}

}  // namespace
}  // namespace stigmer::server
