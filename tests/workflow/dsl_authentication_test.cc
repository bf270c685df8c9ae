// `endpoint.authentication` of `call: http` at apply: basic and bearer (inline or named in
// use.authentications) pass; every other scheme is refused at its JSON pointer.

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

TEST(DslAuthenticationTest, OtherSchemesAreRefusedAtApplyNotAtRun) {
  for (const char* scheme : {"digest", "oauth2", "oidc", "certificate"}) {
    EXPECT_THAT(CallProblems(std::string("{") + scheme + ": {username: a, password: b}}"),
                ElementsAre(P(std::string(kPointer) + "/" + scheme,
                              std::string("`") + scheme +
                                  "` authentication is not supported: use basic or bearer, or "
                                  "set the header yourself")))
        << scheme;
  }
  EXPECT_THAT(CallProblems("api", "use:\n  authentications:\n    api:\n      oauth2: {}\n"),
              ElementsAre(P("/use/authentications/api/oauth2",
                            "`oauth2` authentication is not supported: use basic or bearer, or set "
                            "the header yourself")));
}

TEST(DslAuthenticationTest, MalformedPoliciesNameTheirPlace) {
  EXPECT_THAT(
      CallProblems("missing"),
      ElementsAre(P(kPointer, "no authentication named \"missing\" in use.authentications")));
  EXPECT_THAT(CallProblems("{bearer: {}}"), ElementsAre(P(std::string(kPointer) + "/bearer",
                                                          "missing required property \"token\"")));
  EXPECT_THAT(CallProblems("{basic: {use: creds}}"),
              ElementsAre(P(std::string(kPointer) + "/basic/use",
                            "secret-based `basic` authentication is not supported: give its "
                            "values, e.g. ${ $secrets.NAME }, or set the header yourself")));
  EXPECT_THAT(
      CallProblems("{basic: {username: a, password: b}, bearer: {token: t}}"),
      ElementsAre(P(kPointer, "must hold exactly one authentication scheme (basic or bearer)")));
}

}  // namespace
}  // namespace stigmer::workflow
