// The Serverless Workflow specification's own examples (serverlessworkflow/specification,
// examples/, dsl 1.0.x), each written again here from what the example shows and run to the
// result the spec documents, through the daemon with the real Temporal dev server. Remote
// services (the pet store, the Star Wars API, the hospital and the casino) are a local stand-in
// serving the same paths; waits are shortened. Each block names the example it stands for.

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "temporal/temporal_client.h"
#include "testing/closed_history.h"
#include "testing/local_http_server.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

// The remote services of the examples, on loopback.
HttpServerResponse StandIn(const HttpServerRequest& request, std::atomic<int>& unavailable) {
  const json pet = {{"id", 1}, {"name", "Rex"}, {"status", "available"}};
  if (request.path == "/v2/pet/1" && request.method == "GET") {
    if (request.headers.count("authorization") != 0 &&
        request.headers.at("authorization") != "Bearer let-me-in") {
      return {401, {}, "{}"};
    }
    return {200, {{"Content-Type", "application/json"}}, pet.dump()};
  }
  if (request.path == "/v2/pet/1" && request.method == "PUT") {
    return {200, {{"Content-Type", "application/json"}}, request.body};
  }
  if (request.path == "/v2/pet/404") return {404, {}, R"({"message": "Pet not found"})"};
  if (request.path == "/v2/pet/503") {
    if (unavailable.fetch_sub(1) > 0) return {503, {}, "busy"};
    return {200, {{"Content-Type", "application/json"}}, pet.dump()};
  }
  if (request.path == "/api/people/" && request.query == "search=luke") {
    return {200,
            {{"Content-Type", "application/json"}},
            json({{"count", 1}, {"results", {{{"name", "Luke Skywalker"}}}}}).dump()};
  }
  if (request.path == "/api/people") return {301, {{"Location", "/api/people/?search=luke"}}, ""};
  if (request.path == "/api/people/1") {
    return {200, {{"Content-Type", "application/json"}}, "{}"};  // homeworld filled below
  }
  if (request.path == "/api/planets/1") {
    return {200, {{"Content-Type", "application/json"}}, json({{"name", "Tatooine"}}).dump()};
  }
  if (request.path.rfind("/api/v4/cars/", 0) == 0) {
    return {200, {{"Content-Type", "application/json"}}, json({{"started", request.path}}).dump()};
  }
  if (request.path == "/api/bet/on/football" || request.path == "/api/v3/alert/nurses" ||
      request.path == "/api/v3/alert/doctor") {
    return {200,
            {{"Content-Type", "application/json"}},
            json({{"received", json::parse(request.body, nullptr, false)}, {"path", request.path}})
                .dump()};
  }
  return {404, {}, "no such stand-in"};
}

class SpecExamplesE2e : public ::testing::Test {
 protected:
  SpecExamplesE2e()
      : server_([this](const HttpServerRequest& request) {
          HttpServerResponse response = StandIn(request, unavailable_);
          if (request.path == "/api/people/1") {
            response.body =
                json({{"name", "Luke Skywalker"}, {"homeworld", server_url_ + "/api/planets/1"}})
                    .dump();
          }
          return response;
        }),
        server_url_(server_.url()) {}

  // Applies `body` (YAML from `use:`/`input:`/`do:` on, "$BASE" standing for the stand-in's
  // URL) as the workflow `name`.
  void Apply(const std::string& name, const std::string& body) {
    const std::filesystem::path file = home_.paths().home() / (name + ".yaml");
    const std::string text =
        absl::StrCat("document: {dsl: '1.0.3', namespace: examples, name: ", name,
                     ", version: '0.1.0'}\n", absl::StrReplaceAll(body, {{"$BASE", server_url_}}));
    ASSERT_TRUE(WriteFileAtomically(file, text).ok());
    CommandResult apply = home_.Run({"apply", "-f", file.string()});
    ASSERT_EQ(apply.exit_code, 0) << name << ": " << apply.out << apply.err;
  }

  // `stigmer run NAME --input INPUT -o json`: the final record; the exit code is checked.
  json Run(const std::string& name, const json& input, int expected_exit = 0,
           std::vector<std::string> extra = {}) {
    std::vector<std::string> command = {"run", name, "-o", "json", "--input", input.dump()};
    command.insert(command.end(), extra.begin(), extra.end());
    CommandResult run = home_.Run(command);
    EXPECT_EQ(run.exit_code, expected_exit) << name << ": " << run.out << run.err;
    const size_t start = run.out.find('{');
    if (start == std::string::npos) return nullptr;
    return json::parse(run.out.substr(start), nullptr, false);
  }

  // `stigmer run NAME --no-follow --input INPUT`: the execution id, once its run listens.
  std::string StartListening(const std::string& name, const json& input = json::object()) {
    CommandResult run = home_.Run({"-q", "run", name, "--no-follow", "--input", input.dump()});
    EXPECT_EQ(run.exit_code, 0) << name << ": " << run.out << run.err;
    const std::string id(absl::StripTrailingAsciiWhitespace(run.out));
    auto client = temporal::TemporalClient::Connect(
        absl::StrCat("127.0.0.1:", home_.temporal_port()), "default", absl::Seconds(2));
    EXPECT_TRUE(client.ok() && WaitForMarker(**client, id, "stigmer.event", absl::Seconds(60)))
        << name << " never listened";
    return id;
  }

  // `stigmer emit` of an event of `type` with `data`.
  void Emit(const std::string& type, const json& data, const std::string& source = "/examples") {
    CommandResult emit =
        home_.Run({"emit", "--type", type, "--source", source, "--data", data.dump()});
    EXPECT_EQ(emit.exit_code, 0) << emit.out << emit.err;
  }

  // The record of execution `id` once it ended (null when it did not within a minute).
  json Ended(const std::string& id) {
    json record;
    WaitFor(
        [&] {
          CommandResult get = home_.Run({"get", "executions", id, "-o", "json"});
          record = json::parse(get.out, nullptr, false);
          const std::string phase = record.is_object() ? record.value("phase", "") : "";
          return phase == "EXECUTION_PHASE_COMPLETED" || phase == "EXECUTION_PHASE_FAILED";
        },
        absl::Seconds(60));
    return record;
  }

  std::atomic<int> unavailable_{2};
  StigmerHome home_;
  LocalHttpServer server_;
  const std::string server_url_;
};

TEST_F(SpecExamplesE2e, FlowAndErrorExamplesRunToTheirDocumentedResults) {
  // conditional-task: an underage customer is refused before any bet is placed.
  Apply("conditional-task", R"(do:
  - raiseErrorIfUnderage:
      if: .customer.age < 18
      raise:
        error:
          type: https://superbet-casinos.com/customer/access-forbidden
          status: 400
          title: Access Forbidden
      then: end
  - placeBet:
      call: http
      with:
        method: post
        endpoint: $BASE/api/bet/on/football
        body:
          customer: ${ .customer }
          bet: ${ .bet }
)");
  json refused = Run("conditional-task", {{"customer", {{"age", 16}}}, {"bet", 10}}, 1);
  EXPECT_EQ(refused["error"]["type"], "https://superbet-casinos.com/customer/access-forbidden");
  EXPECT_EQ(refused["error"]["status"], 400);
  json placed = Run("conditional-task", {{"customer", {{"age", 30}}}, {"bet", 10}});
  EXPECT_EQ(placed["output"]["received"]["bet"], 10);

  // switch-then-string: each order type goes to its own task, which exits.
  Apply("switch-then-string", R"(do:
  - processOrder:
      switch:
        - case1:
            when: .orderType == "electronic"
            then: processElectronicOrder
        - case2:
            when: .orderType == "physical"
            then: processPhysicalOrder
        - default:
            then: handleUnknownOrderType
  - processElectronicOrder:
      set: {validate: true, status: fulfilled}
      then: exit
  - processPhysicalOrder:
      set: {inventory: clear, items: 1, address: Elmer St}
      then: exit
  - handleUnknownOrderType:
      set: {log: warn, message: "something's wrong"}
)");
  EXPECT_EQ(Run("switch-then-string", {{"orderType", "electronic"}})["output"],
            json({{"validate", true}, {"status", "fulfilled"}}));
  EXPECT_EQ(Run("switch-then-string", {{"orderType", "physical"}})["output"]["items"], 1);
  EXPECT_EQ(Run("switch-then-string", {{"orderType", "other"}})["output"]["log"], "warn");

  // raise-inline and raise-reusable: the run fails with the error, its detail evaluated.
  const char* kNotImplemented = R"(
      type: https://serverlessworkflow.io/errors/not-implemented
      status: 500
      title: Not Implemented
      detail: ${ "The workflow '\( $workflow.definition.document.name ):\( $workflow.definition.document.version )' is a work in progress and cannot be run yet" })";
  Apply("raise-inline",
        absl::StrCat(R"(do:
  - notImplemented:
      raise:
        error:)",
                     absl::StrReplaceAll(kNotImplemented, {{"\n", "\n    "}}), "\n"));
  Apply("raise-reusable", absl::StrCat("use:\n  errors:\n    notImplemented:", kNotImplemented,
                                       R"(
do:
  - notImplemented:
      raise:
        error: notImplemented
)"));
  for (const char* name : {"raise-inline", "raise-reusable"}) {
    json failed = Run(name, json::object(), 1);
    EXPECT_EQ(failed["error"]["title"], "Not Implemented") << name;
    EXPECT_EQ(failed["error"]["detail"],
              absl::StrCat("The workflow '", name,
                           ":0.1.0' is a work in progress and cannot be run yet"));
  }

  // wait-duration-inline and wait-duration-iso8601 (30 s in the spec, 1 s here).
  Apply("wait-duration-inline", "do:\n  - wait1Second:\n      wait:\n        seconds: 1\n");
  Apply("wait-duration-iso8601", "do:\n  - wait1Second:\n      wait: PT1S\n");
  for (const char* name : {"wait-duration-inline", "wait-duration-iso8601"}) {
    json waited = Run(name, {{"kept", true}});
    EXPECT_EQ(waited["output"], json({{"kept", true}})) << name;
  }

  // run-shell-stdin-and-arguments.
  Apply("run-shell-stdin-and-arguments", R"(do:
  - setInput:
      set:
        message: Hello World
  - runShell:
      input:
        from: ${ .message }
      run:
        shell:
          stdin: ${ . }
          command: |
            input=$(cat)
            echo "STDIN was: $input"
            echo "ARGS are $1 $2"
          arguments:
          - Foo
          - Bar
)");
  EXPECT_EQ(Run("run-shell-stdin-and-arguments", json::object())["output"],
            "STDIN was: Hello World\nARGS are Foo Bar");
}

TEST_F(SpecExamplesE2e, HttpExamplesRunAgainstALocalStandIn) {
  // do-single, call-http-endpoint-interpolation and its shorthand: one GET of a pet.
  Apply("do-single",
        "do:\n  - getPet:\n      call: http\n      with:\n        method: get\n"
        "        endpoint: $BASE/v2/pet/{petId}\n");
  Apply("call-http-endpoint-interpolation", R"yaml(do:
  - getPet:
      call: http
      with:
        headers:
          content-type: application/json
        method: get
        endpoint: ${ "$BASE/v2/pet/\(.petId)" }
)yaml");
  for (const char* name : {"do-single", "call-http-endpoint-interpolation"}) {
    EXPECT_EQ(Run(name, {{"petId", 1}})["output"]["name"], "Rex") << name;
  }

  // do-multiple: get the pet, then buy it (PUT it back marked sold).
  Apply("do-multiple", R"(do:
  - getPet:
      call: http
      with:
        method: get
        endpoint: $BASE/v2/pet/{petId}
  - buyPet:
      call: http
      with:
        method: put
        endpoint: $BASE/v2/pet/{id}
        body: '${ . + { status: "sold" } }'
)");
  json bought = Run("do-multiple", {{"petId", 1}});
  EXPECT_EQ(bought["output"]["status"], "sold");
  EXPECT_EQ(bought["output"]["name"], "Rex");

  // fork: nurse and doctor are alerted at once; the first to answer decides.
  Apply("fork", R"(do:
  - raiseAlarm:
      fork:
        compete: true
        branches:
          - callNurse:
              call: http
              with:
                method: put
                endpoint: $BASE/api/v3/alert/nurses
                body:
                  patientId: ${ .patient.fullName }
                  room: ${ .room.number }
          - callDoctor:
              call: http
              with:
                method: put
                endpoint: $BASE/api/v3/alert/doctor
                body:
                  patientId: ${ .patient.fullName }
                  room: ${ .room.number }
)");
  json alarm = Run("fork", {{"patient", {{"fullName", "Ada"}}}, {"room", {{"number", 7}}}});
  EXPECT_EQ(alarm["output"]["received"], json({{"patientId", "Ada"}, {"room", 7}}));

  // try-catch: a 404 is caught, and the run completes.
  Apply("try-catch", R"(do:
  - tryGetPet:
      try:
        - getPet:
            call: http
            with:
              method: get
              endpoint: $BASE/v2/pet/{petId}
      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/communication
            status: 404
)");
  EXPECT_EQ(Run("try-catch", {{"petId", 404}})["phase"], "EXECUTION_PHASE_COMPLETED");

  // try-catch-retry-inline and -reusable: 503 twice, then the pet (3 s delays in the spec).
  const char* kPolicy = R"(
        delay:
          milliseconds: 100
        backoff:
          exponential: {}
        limit:
          attempt:
            count: 5)";
  const std::string kTry = R"(do:
  - tryGetPet:
      try:
        - getPet:
            call: http
            with:
              method: get
              endpoint: $BASE/v2/pet/{petId}
      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/communication
            status: 503
        retry:)";
  Apply("try-catch-retry-inline",
        absl::StrCat(kTry, absl::StrReplaceAll(kPolicy, {{"\n", "\n    "}}), "\n"));
  Apply("try-catch-retry-reusable",
        absl::StrCat("use:\n  retries:\n    default:",
                     absl::StrReplaceAll(kPolicy, {{"\n        ", "\n      "}}), "\n",
                     absl::StrReplaceAll(kTry, {{"retry:", "retry: default"}}), "\n"));
  for (const char* name : {"try-catch-retry-inline", "try-catch-retry-reusable"}) {
    unavailable_ = 2;
    EXPECT_EQ(Run(name, {{"petId", 503}})["output"]["name"], "Rex") << name;
  }

  // authentication-bearer, its uri format, and authentication-reusable.
  Apply("authentication-bearer", R"(do:
  - getPet:
      call: http
      with:
        method: get
        endpoint:
          uri: $BASE/v2/pet/{petId}
          authentication:
            bearer:
              token: ${ .token }
)");
  Apply("authentication-reusable", R"(use:
  authentications:
    petStoreAuth:
      bearer:
        token: ${ .token }
do:
  - getPet:
      call: http
      with:
        method: get
        endpoint:
          uri: $BASE/v2/pet/{petId}
          authentication:
            use: petStoreAuth
)");
  for (const char* name : {"authentication-bearer", "authentication-reusable"}) {
    EXPECT_EQ(Run(name, {{"petId", 1}, {"token", "let-me-in"}})["output"]["name"], "Rex") << name;
    EXPECT_EQ(Run(name, {{"petId", 1}, {"token", "wrong"}}, 1)["error"]["status"], 401) << name;
  }

  // star-wars-homeworld: the character's homeworld, through $context; input.schema refuses an
  // id below 1.
  Apply("star-wars-homeworld", R"(input:
  schema:
    format: json
    document:
      type: object
      required: [id]
      properties:
        id: {type: integer, minimum: 1}
do:
  - getStarWarsCharacter:
      call: http
      with:
        method: get
        endpoint: $BASE/api/people/{id}
        output: response
      export:
        as:
          homeworld: ${ .content.homeworld }
  - getStarWarsHomeworld:
      call: http
      with:
        method: get
        endpoint: ${ $context.homeworld }
)");
  EXPECT_EQ(Run("star-wars-homeworld", {{"id", 1}})["output"]["name"], "Tatooine");
  json invalid = Run("star-wars-homeworld", {{"id", 0}}, 1);
  EXPECT_EQ(invalid["error"]["status"], 400);
  EXPECT_THAT(invalid["error"]["detail"].get<std::string>(), HasSubstr("at /id"));

  // call-http-query-parameters, call-http-redirect, call-http-query-headers-expressions.
  Apply("call-http-query-parameters", R"(do:
  - searchStarWarsCharacters:
      call: http
      with:
        method: get
        endpoint: $BASE/api/people/
        query:
          search: ${.searchQuery}
)");
  Apply("call-http-redirect", R"(do:
  - searchStarWarsCharacters:
      call: http
      with:
        method: get
        endpoint: $BASE/api/people
        redirect: true
)");
  Apply("call-http-query-headers-expressions", R"(do:
  - setQueryAndHeaders:
      set:
        query:
          search: ${.searchQuery}
        headers:
          Accept: application/json
  - searchStarWarsCharacters:
      call: http
      with:
        method: get
        endpoint: $BASE/api/people/
        headers: ${.headers}
        query: ${.query}
)");
  for (const char* name : {"call-http-query-parameters", "call-http-redirect",
                           "call-http-query-headers-expressions"}) {
    EXPECT_EQ(Run(name, {{"searchQuery", "luke"}})["output"]["results"][0]["name"],
              "Luke Skywalker")
        << name;
  }
}

TEST_F(SpecExamplesE2e, EventExamplesRunWhenTheirEventsArrive) {
  // listen-to-one: the race starts when its event comes (the spec's example reads {carId} from
  // the listen's output, a list of events: here output.as keeps the workflow's input).
  Apply("listen-to-one", R"(do:
  - waitForStartup:
      listen:
        to:
          one:
            with:
              type: com.virtual-wf-powered-race.events.race.started.v1
      output:
        as: ${ $workflow.input }
  - startup:
      call: http
      with:
        method: post
        endpoint:
          uri: $BASE/api/v4/cars/{carId}/start
)");
  // listen-to-all: both vitals must be out of range; listen-to-any-filter: either one.
  const char* kVitals = R"(
          - with:
              type: com.fake-hospital.vitals.measurements.temperature
              data: ${ .temperature > 38 }
          - with:
              type: com.fake-hospital.vitals.measurements.bpm
              data: ${ .bpm < 60 or .bpm > 100 }
)";
  Apply("listen-to-all", absl::StrCat("do:\n  - callDoctor:\n      listen:\n        to:\n"
                                      "          all:",
                                      kVitals));
  Apply("listen-to-any-filter", absl::StrCat("do:\n  - callDoctor:\n      listen:\n"
                                             "        to:\n          any:",
                                             kVitals));
  // emit: the order event another execution listens for.
  Apply("emit", R"(do:
  - emitEvent:
      emit:
        event:
          with:
            source: https://petstore.com
            type: com.petstore.order.placed.v1
            data:
              client:
                firstName: Cruella
                lastName: de Vil
              items:
                - breed: dalmatian
                  quantity: 101
)");
  Apply("order-listener", R"(do:
  - hear:
      listen:
        to:
          one:
            with:
              type: com.petstore.order.placed.v1
)");
  // set-expression: each trigger event starts a run whose output is the event.
  Apply("set-expression", R"(schedule:
  on:
    one:
      with:
        type: io.serverlessworkflow.samples.events.trigger.v1
do:
  - initialize:
      set: ${ $workflow.input[0] }
)");

  const std::string race = StartListening("listen-to-one", {{"carId", 7}});
  const std::string all = StartListening("listen-to-all");
  const std::string any = StartListening("listen-to-any-filter");
  const std::string orders = StartListening("order-listener");

  Emit("com.virtual-wf-powered-race.events.race.started.v1", json::object());
  Emit("com.fake-hospital.vitals.measurements.temperature", {{"temperature", 37}});  // in range
  Emit("com.fake-hospital.vitals.measurements.bpm", {{"bpm", 120}});
  Emit("com.fake-hospital.vitals.measurements.temperature", {{"temperature", 39.5}});
  EXPECT_EQ(Run("emit", json::object())["phase"], "EXECUTION_PHASE_COMPLETED");
  Emit("io.serverlessworkflow.samples.events.trigger.v1", {{"hello", "world"}});

  EXPECT_EQ(Ended(race)["output"]["started"], "/api/v4/cars/7/start");
  const json both = Ended(all)["output"];
  EXPECT_THAT(both,
              ::testing::UnorderedElementsAre(json({{"bpm", 120}}), json({{"temperature", 39.5}})));
  EXPECT_EQ(Ended(any)["output"], json::parse(R"([{"bpm": 120}])"));
  EXPECT_EQ(Ended(orders)["output"][0]["items"][0]["quantity"], 101);

  json triggered;
  EXPECT_TRUE(WaitFor(
      [&] {
        CommandResult list =
            home_.Run({"get", "executions", "--workflow", "set-expression", "-o", "json"});
        triggered = json::parse(list.out, nullptr, false);
        return triggered.is_array() && !triggered.empty();
      },
      absl::Seconds(60)))
      << "no event-triggered run of set-expression";
  if (triggered.is_array() && !triggered.empty()) {
    const json event = Ended(triggered[0]["id"].get<std::string>())["output"];
    EXPECT_EQ(event["data"], json({{"hello", "world"}}));
    EXPECT_EQ(event["type"], "io.serverlessworkflow.samples.events.trigger.v1");
  }
}

}  // namespace
}  // namespace stigmer::testing
