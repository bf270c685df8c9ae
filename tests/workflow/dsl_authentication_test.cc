// `endpoint.authentication` of `call: http` at apply: basic, bearer, oauth2 and oidc (inline,
// from a secret, or named in use.authentications) pass; every other scheme is refused at its
// JSON pointer.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/dsl_test_documents.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::workflow::testing::ProblemsOf;
using ::stigmer::workflow::testing::WithHeader;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

ValidationProblem P(std::string pointer, std::string message) {
  return {std::move(pointer), std::move(message)};
}

// A document whose one task calls http with `authentication` (YAML flow style), after `use`.
std::vector<ValidationProblem> CallProblems(const std::string& authentication,
                                            const std::string& use = "") {
  return ProblemsOf(WithHeader(use + R"(do:
  - fetch:
      call: http
      with:
        method: get
        endpoint:
          uri: https://api.example.com/items
          authentication: )" + authentication +
                               "\n"));
}

constexpr char kPointer[] = "/do/0/fetch/with/endpoint/authentication";

TEST(DslAuthenticationTest, BasicAndBearerWithSecretsAreAccepted) {
  EXPECT_THAT(CallProblems("{basic: {username: ada, password: '${ $secrets.PASSWORD }'}}"),
              IsEmpty());
  EXPECT_THAT(CallProblems("{bearer: {token: '${ $secrets.TOKEN }'}}"), IsEmpty());
  const std::string use = "use:\n  authentications:\n    api:\n      bearer: {token: t}\n";
  EXPECT_THAT(CallProblems("api", use), IsEmpty());
  EXPECT_THAT(CallProblems("{use: api}", use), IsEmpty());
}

TEST(DslAuthenticationTest, EverySchemeFromADeclaredSecretIsAccepted) {
  const std::string secrets = "use:\n  secrets: [creds]\n";
  for (const char* scheme : {"basic", "bearer", "oauth2", "oidc"}) {
    EXPECT_THAT(CallProblems(std::string("{") + scheme + ": {use: creds}}", secrets), IsEmpty())
        << scheme;
  }
  EXPECT_THAT(CallProblems("api",
                           "use:\n  secrets: [creds]\n  authentications:\n    api:\n"
                           "      basic: {use: creds}\n"),
              IsEmpty());
}

TEST(DslAuthenticationTest, SecretBasedSchemeNeedsItsSecretInUseSecrets) {
  EXPECT_THAT(
      CallProblems("{oauth2: {use: mySecret}}"),
      ElementsAre(P(std::string(kPointer) + "/oauth2/use",
                    "the secret \"mySecret\" of this `oauth2` authentication is not declared: add "
                    "it to use.secrets (use: {secrets: [mySecret]}) so that a run without it is "
                    "refused at its start")));
  EXPECT_THAT(
      CallProblems("{basic: {use: creds, username: ada}}", "use:\n  secrets: [creds]\n"),
      ElementsAre(P(std::string(kPointer) + "/basic/username", "unknown property \"username\"")));
  EXPECT_THAT(
      CallProblems("{bearer: {use: ''}}"),
      ElementsAre(P(std::string(kPointer) + "/bearer/use", "must name a secret of use.secrets")));
  EXPECT_THAT(CallProblems("{bearer: {use: [a]}}"),
              ElementsAre(P(std::string(kPointer) + "/bearer/use", "must be a string")));
}

TEST(DslAuthenticationTest, OtherSchemesAreRefusedAtApplyNotAtRun) {
  for (const char* scheme : {"digest", "certificate"}) {
    EXPECT_THAT(CallProblems(std::string("{") + scheme + ": {username: a, password: b}}"),
                ElementsAre(P(std::string(kPointer) + "/" + scheme,
                              std::string("`") + scheme +
                                  "` authentication is not supported: use basic, bearer, oauth2 "
                                  "or oidc, or set the header yourself")))
        << scheme;
  }
}

TEST(DslAuthenticationTest, OAuth2AndOidcClientCredentialsAndPasswordAreAccepted) {
  EXPECT_THAT(CallProblems("{oauth2: {authority: 'http://idp/realms/a', grant: client_credentials,"
                           " endpoints: {token: /auth/token}, client: {id: app, secret: "
                           "'${ $secrets.CLIENT_SECRET }', authentication: client_secret_basic},"
                           " scopes: [read], audiences: [api]}}"),
              IsEmpty());
  EXPECT_THAT(CallProblems("{oidc: {authority: 'http://idp', grant: password, username: ada, "
                           "password: '${ $secrets.PW }', request: {encoding: application/json}}}"),
              IsEmpty());
}

TEST(DslAuthenticationTest, OAuth2GrantsAndMethodsStigmerCannotRunAreRefusedAtApply) {
  const std::string oauth2 = std::string(kPointer) + "/oauth2";
  EXPECT_THAT(
      CallProblems("api", "use:\n  authentications:\n    api:\n      oauth2: {}\n"),
      ElementsAre(P("/use/authentications/api/oauth2", "missing required property \"authority\""),
                  P("/use/authentications/api/oauth2", "missing required property \"grant\"")));
  EXPECT_THAT(
      CallProblems("{oauth2: {authority: 'http://idp', grant: authorization_code, "
                   "client: {id: a, authentication: private_key_jwt}}}"),
      ElementsAre(P(oauth2 + "/grant",
                    "the `authorization_code` grant is not supported: stigmer requests tokens "
                    "with client_credentials or password"),
                  P(oauth2 + "/client/authentication",
                    "must be client_secret_post, client_secret_basic or none (stigmer signs no "
                    "JWT assertions)")));
  EXPECT_THAT(CallProblems("{oauth2: {authority: 'http://idp', grant: password}}"),
              ElementsAre(P(oauth2, "missing required property \"username\""),
                          P(oauth2, "missing required property \"password\"")));
  EXPECT_THAT(CallProblems("{oidc: {authority: 'http://idp', grant: client_credentials, "
                           "endpoints: {token: /t}}}"),
              ElementsAre(P(std::string(kPointer) + "/oidc/endpoints",
                            "oidc finds its endpoints in the authority's "
                            "/.well-known/openid-configuration; use oauth2 to name them")));
}

TEST(DslAuthenticationTest, MalformedPoliciesNameTheirPlace) {
  EXPECT_THAT(
      CallProblems("missing"),
      ElementsAre(P(kPointer, "no authentication named \"missing\" in use.authentications")));
  EXPECT_THAT(CallProblems("{bearer: {}}"), ElementsAre(P(std::string(kPointer) + "/bearer",
                                                          "missing required property \"token\"")));
  EXPECT_THAT(CallProblems("{basic: {username: a, password: b}, bearer: {token: t}}"),
              ElementsAre(P(
                  kPointer,
                  "must hold exactly one authentication scheme (basic, bearer, oauth2 or oidc)")));
}

}  // namespace
}  // namespace stigmer::workflow
