// The specification's authentication and OpenAPI examples (serverlessworkflow/specification,
// examples/: authentication-oauth2, authentication-oidc, their -secret variants, call-openapi and
// call-openapi-redirect), each written again from what the example shows and run to its result
// through the daemon with the real Temporal dev server. The identity provider (keycloak in the
// examples) and the pet store are local stand-ins serving the same paths.

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/file_io.h"
#include "common/ulid.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/files_holding.h"
#include "testing/local_http_server.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using json = nlohmann::json;

constexpr char kRealm[] = "/realms/fake-authority";
constexpr char kClientId[] = "workflow-runtime-id";
constexpr char kInlineClientSecret[] = "workflow-runtime-secret";  // written in the examples

const json kPet = {{"id", 1}, {"name", "Rex"}, {"status", "available"}};

// The pet store's own OpenAPI document (Swagger 2.0, as petstore.swagger.io serves).
constexpr char kSwagger[] = R"({"swagger": "2.0", "info": {"title": "Petstore", "version": "1"},
  "basePath": "/v2",
  "paths": {"/pet/findByStatus": {"get": {"operationId": "findPetsByStatus",
    "parameters": [{"name": "status", "in": "query", "required": true, "type": "string"}]}}}})";

class SpecAuthExamplesE2e : public ::testing::Test {
 protected:
  SpecAuthExamplesE2e()
      : token_(absl::StrCat("at-", NewUlid(absl::Now()))),
        client_secret_(absl::StrCat("cs-", NewUlid(absl::Now()))),
        idp_([this](const HttpServerRequest& request) { return Idp(request); }),
        pets_([this](const HttpServerRequest& request) { return Pets(request); }) {}

  // keycloak: the OIDC configuration, and a token for the client with either secret.
  HttpServerResponse Idp(const HttpServerRequest& request) {
    if (request.path == absl::StrCat(kRealm, "/.well-known/openid-configuration")) {
      return {200,
              {{"Content-Type", "application/json"}},
              json({{"issuer", idp_.url() + kRealm},
                    {"token_endpoint", idp_.url() + kRealm + "/protocol/openid-connect/token"}})
                  .dump()};
    }
    if (request.path == absl::StrCat(kRealm, "/auth/token") ||
        request.path == absl::StrCat(kRealm, "/protocol/openid-connect/token")) {
      const bool known =
          absl::StrContains(request.body, "grant_type=client_credentials") &&
          absl::StrContains(request.body, absl::StrCat("client_id=", kClientId)) &&
          (absl::StrContains(request.body, absl::StrCat("client_secret=", kInlineClientSecret)) ||
           absl::StrContains(request.body, absl::StrCat("client_secret=", client_secret_)));
      if (!known) return {401, {}, R"({"error": "invalid_client"})"};
      return {
          200,
          {{"Content-Type", "application/json"}},
          json({{"access_token", token_}, {"token_type", "Bearer"}, {"expires_in", 300}}).dump()};
    }
    return {404, {}, ""};
  }

  // petstore.swagger.io: a pet for the token the identity provider gave, and its OpenAPI.
  HttpServerResponse Pets(const HttpServerRequest& request) {
    if (request.path == "/v2/pet/1") {
      auto authorization = request.headers.find("authorization");
      if (authorization == request.headers.end() || authorization->second != "Bearer " + token_) {
        return {401, {}, R"({"message": "unauthorized"})"};
      }
      return {200, {{"Content-Type", "application/json"}}, kPet.dump()};
    }
    if (request.path == "/v2/swagger.json") return {200, {}, kSwagger};
    if (request.path == "/v2/pet/findByStatus" && request.query == "status=available") {
      // A 303 without Location: a redirect status that is the final answer.
      return {see_other_ ? 303 : 200,
              {{"Content-Type", "application/json"}},
              json::array({kPet}).dump()};
    }
    return {404, {}, ""};
  }

  // Applies `body` (YAML from `use:`/`do:` on; $IDP and $PETS stand for the stand-ins' URLs) as
  // workflow `name`.
  void Apply(const std::string& name, const std::string& body) {
    const std::filesystem::path file = home_.paths().home() / (name + ".yaml");
    const std::string text = absl::StrCat(
        "document: {dsl: '1.0.3', namespace: examples, name: ", name, ", version: '0.1.0'}\n",
        absl::StrReplaceAll(body, {{"$IDP", idp_.url()}, {"$PETS", pets_.url()}}));
    ASSERT_TRUE(WriteFileAtomically(file, text).ok());
    CommandResult apply = home_.Run({"apply", "-f", file.string()});
    ASSERT_EQ(apply.exit_code, 0) << name << ": " << apply.out << apply.err;
  }

  // `stigmer run NAME --input INPUT -o json ARGS...`: the final record; the exit code is checked.
  json Run(const std::string& name, const json& input, int expected_exit,
           const std::vector<std::string>& args = {}) {
    std::vector<std::string> command = {"run", name, "-o", "json", "--input", input.dump()};
    command.insert(command.end(), args.begin(), args.end());
    CommandResult run = home_.Run(command);
    EXPECT_EQ(run.exit_code, expected_exit) << name << ": " << run.out << run.err;
    printed_ += run.out + run.err;
    const size_t start = run.out.find('{');
    return start == std::string::npos ? json() : json::parse(run.out.substr(start), nullptr, false);
  }

  // `stigmer run NAME --no-follow ...`: the execution id.
  std::string Start(const std::string& name, const json& input,
                    const std::vector<std::string>& args = {}) {
    std::vector<std::string> command = {"-q", "run", name, "--no-follow", "--input", input.dump()};
    command.insert(command.end(), args.begin(), args.end());
    CommandResult run = home_.Run(command);
    EXPECT_EQ(run.exit_code, 0) << name << ": " << run.out << run.err;
    return std::string(absl::StripTrailingAsciiWhitespace(run.out));
  }

  // The record of execution `id` once it ended (within a minute).
  json Ended(const std::string& id) {
    json record;
    EXPECT_TRUE(WaitFor(
        [&] {
          CommandResult get = home_.Run({"get", "executions", id, "-o", "json"});
          record = json::parse(get.out, nullptr, false);
          const std::string phase = record.is_object() ? record.value("phase", "") : "";
          return phase == "EXECUTION_PHASE_COMPLETED" || phase == "EXECUTION_PHASE_FAILED";
        },
        absl::Seconds(60)))
        << id << " did not end: " << record;
    printed_ += record.dump();
    return record;
  }

  // The secret of the -secret examples: the oauth2 settings as a JSON object.
  std::string Settings(bool with_token_path) const {
    json settings = {{"authority", idp_.url() + kRealm},
                     {"grant", "client_credentials"},
                     {"client", {{"id", kClientId}, {"secret", client_secret_}}}};
    if (with_token_path) settings["endpoints"] = {{"token", "/auth/token"}};
    return settings.dump();
  }

  const std::string token_, client_secret_;
  std::atomic<bool> see_other_{false};  // the pet store answers findByStatus with a 303
  std::string printed_;                 // everything the CLI printed
  StigmerHome home_;
  LocalHttpServer idp_, pets_;
};

// authentication-oauth2.yaml: the endpoint authenticates with oauth2 (its own token path).
constexpr char kOAuth2[] = R"(do:
  - getPet:
      call: http
      with:
        method: get
        endpoint:
          uri: $PETS/v2/pet/{petId}
          authentication:
            oauth2:
              authority: $IDP/realms/fake-authority
              endpoints:
                token: /auth/token
                introspection: /auth/introspect
              grant: client_credentials
              client:
                id: workflow-runtime-id
                secret: workflow-runtime-secret
)";

// authentication-oidc.yaml: the token endpoint comes from the OIDC configuration.
constexpr char kOidc[] = R"(do:
  - getPet:
      call: http
      with:
        method: get
        endpoint:
          uri: $PETS/v2/pet/{petId}
          authentication:
            oidc:
              authority: $IDP/realms/fake-authority
              grant: client_credentials
              client:
                id: workflow-runtime-id
                secret: workflow-runtime-secret
)";

// authentication-oauth2-secret.yaml and authentication-oidc-secret.yaml (SCHEME replaced).
constexpr char kFromSecret[] = R"(use:
  secrets:
  - mySecret
do:
  - getPet:
      call: http
      with:
        method: get
        endpoint:
          uri: $PETS/v2/pet/{petId}
          authentication:
            SCHEME:
              use: mySecret
)";

// call-openapi.yaml; call-openapi-redirect.yaml adds `redirect: true`.
constexpr char kOpenApi[] = R"(do:
  - findPet:
      call: openapi
      with:
        document:
          endpoint: $PETS/v2/swagger.json
        operationId: findPetsByStatus
        parameters:
          status: available
)";

TEST_F(SpecAuthExamplesE2e, ExamplesRunToTheirResultsAndNoSecretOrTokenIsKept) {
  Apply("authentication-oauth2", kOAuth2);
  Apply("authentication-oidc", kOidc);
  Apply("authentication-oauth2-secret", absl::StrReplaceAll(kFromSecret, {{"SCHEME", "oauth2"}}));
  Apply("authentication-oidc-secret", absl::StrReplaceAll(kFromSecret, {{"SCHEME", "oidc"}}));
  Apply("call-openapi", kOpenApi);
  Apply("call-openapi-redirect", absl::StrCat(kOpenApi, "        redirect: true\n"));

  const json pet_one = {{"petId", 1}};
  EXPECT_EQ(Run("authentication-oauth2", pet_one, 0)["output"], kPet);
  EXPECT_EQ(Run("authentication-oidc", pet_one, 0)["output"], kPet);
  EXPECT_EQ(Run("authentication-oauth2-secret", pet_one, 0,
                {"--secret", "mySecret=" + Settings(/*with_token_path=*/true)})["output"],
            kPet);
  EXPECT_EQ(Run("authentication-oidc-secret", pet_one, 0,
                {"--secret", "mySecret=" + Settings(/*with_token_path=*/false)})["output"],
            kPet);

  for (const char* name : {"call-openapi", "call-openapi-redirect"}) {
    EXPECT_EQ(Run(name, json::object(), 0)["output"], json::array({kPet})) << name;
  }
  // `redirect: true` also takes a 3xx as the answer; without it a 3xx is an error.
  see_other_ = true;
  EXPECT_EQ(Run("call-openapi-redirect", json::object(), 0)["output"], json::array({kPet}));
  json refused = Run("call-openapi", json::object(), 1);
  EXPECT_EQ(refused["error"]["status"], 303);
  EXPECT_EQ(refused["error"]["title"],
            "GET " + pets_.url() + "/v2/pet/findByStatus?status=" + "available returned 303");

  // Neither the secret's client secret nor the token left workflow-runner: not printed, not in
  // a log, the store or Temporal's database.
  EXPECT_THAT(printed_, Not(HasSubstr(client_secret_)));
  EXPECT_THAT(printed_, Not(HasSubstr(token_)));
  CommandResult stop = home_.Run({"server", "stop"});
  ASSERT_EQ(stop.exit_code, 0) << stop.out << stop.err;
  EXPECT_THAT(FilesHolding(home_.paths().home(), client_secret_), IsEmpty());
  EXPECT_THAT(FilesHolding(home_.paths().home(), token_), IsEmpty());
}

TEST_F(SpecAuthExamplesE2e, BadSecretOrSilentTokenEndpointFailsOnlyItsRun) {
  Apply("authentication-oauth2-secret", absl::StrReplaceAll(kFromSecret, {{"SCHEME", "oauth2"}}));
  Apply("authentication-oidc-secret", absl::StrReplaceAll(kFromSecret, {{"SCHEME", "oidc"}}));

  // A secret without `grant`, beside a good run of the same workflow.
  json incomplete = json::parse(Settings(true));
  incomplete.erase("grant");
  const std::string bad = Start("authentication-oauth2-secret", {{"petId", 1}},
                                {"--secret", "mySecret=" + incomplete.dump()});
  const std::string good = Start("authentication-oauth2-secret", {{"petId", 1}},
                                 {"--secret", "mySecret=" + Settings(true)});
  json failed = Ended(bad);
  EXPECT_EQ(failed["phase"], "EXECUTION_PHASE_FAILED");
  EXPECT_EQ(failed["error"]["status"], 400);
  EXPECT_EQ(failed["error"]["title"], "Invalid authentication");
  EXPECT_EQ(failed["error"]["detail"],
            "the secret \"mySecret\" of the oauth2 authentication: missing required property "
            "\"grant\"");
  EXPECT_EQ(failed["error"]["instance"], "/do/0/getPet");
  EXPECT_EQ(Ended(good)["output"], kPet);

  // A run not given the secret is refused before its first task.
  json missing = Run("authentication-oidc-secret", {{"petId", 1}}, 1);
  EXPECT_EQ(missing["error"]["status"], 403);
  EXPECT_THAT(missing["error"]["detail"].get<std::string>(),
              HasSubstr("run it with --secret mySecret=VALUE"));

  // A token endpoint that never answers, bounded by the task's timeout, beside a good run.
  absl::Notification release;
  LocalHttpServer silent([&release](const HttpServerRequest&) {
    release.WaitForNotificationWithTimeout(absl::Minutes(3));
    return HttpServerResponse{500, {}, ""};
  });
  absl::Cleanup unblock = [&release] { release.Notify(); };
  Apply("silent-authority", absl::StrReplaceAll(kOAuth2, {{"$IDP", silent.url()},
                                                          {"      call: http",
                                                           "      timeout: {after: {seconds: 2}}\n"
                                                           "      call: http"}}));
  const absl::Time start = absl::Now();
  const std::string stuck = Start("silent-authority", {{"petId", 1}});
  const std::string beside = Start("authentication-oidc-secret", {{"petId", 1}},
                                   {"--secret", "mySecret=" + Settings(false)});
  json timed_out = Ended(stuck);
  EXPECT_LT(absl::Now() - start, absl::Seconds(45));
  EXPECT_EQ(timed_out["phase"], "EXECUTION_PHASE_FAILED");
  EXPECT_EQ(timed_out["error"]["status"], 408);
  EXPECT_EQ(Ended(beside)["output"], kPet);
  EXPECT_THAT(printed_, Not(HasSubstr(client_secret_)));
}

}  // namespace
}  // namespace stigmer::testing
