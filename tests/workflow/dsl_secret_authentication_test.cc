// An authentication scheme whose settings come from a secret, at run: the secret's JSON members
// replace `use`, checked as inline settings are; a missing, malformed or incomplete secret is a
// clear error that names the secret and the member, never the secret's value.

#include "workflow/dsl_secret_authentication.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

// The error UseSecretAuthentication gives for {scheme: {use: creds}} and the secret `value`.
durable::WorkflowError ErrorFor(const std::string& scheme, const json& value) {
  json policy = {{scheme, {{"use", "creds"}}}};
  std::optional<durable::WorkflowError> error = UseSecretAuthentication(policy, {{"creds", value}});
  EXPECT_TRUE(error.has_value()) << scheme << " " << value;
  return error.value_or(durable::WorkflowError{});
}

TEST(SecretAuthenticationTest, SecretMembersBecomeTheSchemeSettings) {
  json policy = {{"basic", {{"use", "creds"}}}};
  EXPECT_EQ(UseSecretAuthentication(policy,
                                    {{"creds", R"({"username": "ada", "password": "l0velace!"})"}}),
            std::nullopt);
  EXPECT_EQ(policy, json({{"basic", {{"username", "ada"}, {"password", "l0velace!"}}}}));

  // Members are taken as they are: an expression in a secret is not evaluated (nor checked).
  policy = {{"bearer", {{"use", "creds"}}}};
  EXPECT_EQ(UseSecretAuthentication(policy, {{"creds", R"({"token": "${ .x }"})"}}), std::nullopt);
  EXPECT_EQ(policy["bearer"]["token"], "${ .x }");

  policy = {{"oauth2", {{"use", "creds"}}}};
  const json oauth2 = {{"authority", "http://idp/realms/a"},
                       {"grant", "client_credentials"},
                       {"client", {{"id", "app"}, {"secret", "cl1ent-s3cret"}}}};
  EXPECT_EQ(UseSecretAuthentication(policy, {{"creds", oauth2.dump()}}), std::nullopt);
  EXPECT_EQ(policy, json({{"oauth2", oauth2}}));
}

TEST(SecretAuthenticationTest, PoliciesWithoutASecretAreLeftAlone) {
  for (json policy : {json({{"bearer", {{"token", "t"}}}}), json("named"), json::object()}) {
    const json before = policy;
    EXPECT_EQ(UseSecretAuthentication(policy, json::object()), std::nullopt);
    EXPECT_EQ(policy, before);
  }
}

TEST(SecretAuthenticationTest, SecretTheRunWasNotGivenIsTheAuthorizationError) {
  json policy = {{"bearer", {{"use", "apiToken"}}}};
  std::optional<durable::WorkflowError> error = UseSecretAuthentication(policy, json::object());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->status, 403);
  EXPECT_EQ(error->title, "Missing secret");
  EXPECT_EQ(error->detail,
            "the bearer authentication uses the secret \"apiToken\" and the run was not given "
            "it: run it with --secret apiToken='{\"token\": \"…\"}'");
}

TEST(SecretAuthenticationTest, SecretThatIsNotAJsonObjectNamesTheSecretNotItsValue) {
  for (const char* value :
       {"hunter2-plain", "{\"username\": \"ada\", \"password\": hunter2", "[1]", "\"quoted\""}) {
    durable::WorkflowError error = ErrorFor("basic", value);
    EXPECT_EQ(error.status, 400) << value;
    EXPECT_EQ(error.title, "Invalid authentication");
    EXPECT_EQ(error.detail,
              "the secret \"creds\" of the basic authentication is not a JSON object: give it as "
              "--secret creds='{\"username\": \"…\", \"password\": \"…\"}'");
    EXPECT_THAT(error.ToJson().dump(), Not(HasSubstr("hunter2")));
  }
}

TEST(SecretAuthenticationTest, SecretLackingAMemberNamesTheSecretAndTheMember) {
  EXPECT_EQ(ErrorFor("basic", R"({"username": "ada"})").detail,
            "the secret \"creds\" of the basic authentication: missing required property "
            "\"password\"");
  EXPECT_EQ(ErrorFor("basic", R"({"username": "ada", "password": 12345678})").detail,
            "the secret \"creds\" of the basic authentication: at /password: must be a string");
  EXPECT_EQ(ErrorFor("oidc", R"({"authority": "http://idp", "grant": "client_credentials",
                                 "client": {"id": 7}})")
                .detail,
            "the secret \"creds\" of the oidc authentication: at /client/id: must be a string");
  EXPECT_EQ(ErrorFor("oauth2", R"({"grant": "client_credentials"})").detail,
            "the secret \"creds\" of the oauth2 authentication: missing required property "
            "\"authority\"");
  EXPECT_EQ(ErrorFor("bearer", R"({"token": "t", "extra": "x"})").detail,
            "the secret \"creds\" of the bearer authentication: at /extra: unknown property "
            "\"extra\"");
}

TEST(SecretAuthenticationTest, SecretNamingAnotherSecretIsRefused) {
  EXPECT_EQ(ErrorFor("bearer", R"({"use": "other"})").detail,
            "the secret \"creds\" of the bearer authentication holds `use`: it must hold the "
            "settings themselves, such as '{\"token\": \"…\"}'");
}

TEST(SecretAuthenticationTest, DeeplyNestedSecretIsRefusedNotACrash) {
  const std::string deep =
      "{\"token\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(ErrorFor("bearer", deep).status, 400);
}

}  // namespace
}  // namespace stigmer::workflow
