// What a user reads of an execution (`stigmer run -o json`, `stigmer get executions ID -o
// json`) after it ran with the daemon, the real Temporal dev server and workflow-runner.

#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/command_runner.h"
#include "testing/local_http_server.h"
#include "testing/record_time.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;

class ExecutionRecordE2e : public ::testing::Test {
 protected:
  // Applies the workflow `name` whose body (YAML from `do:` on) is `body`.
  void Apply(const std::string& name, const std::string& body) {
    const std::filesystem::path file = home_.paths().home() / (name + ".yaml");
    ASSERT_TRUE(WriteFileAtomically(file, "document: {dsl: '1.0.0', namespace: test, name: " +
                                              name + ", version: '1.0.0'}\n" + body)
                    .ok());
    CommandResult apply = home_.Run({"apply", "-f", file.string()});
    ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  }

  // `stigmer get executions ID -o json`, parsed.
  nlohmann::json Get(const std::string& id) {
    CommandResult get = home_.Run({"get", "executions", id, "-o", "json"});
    EXPECT_EQ(get.exit_code, 0) << get.out << get.err;
    return nlohmann::json::parse(get.out, nullptr, false);
  }

  // `stigmer run NAME -o json ARGS...`: the record it prints at the end, and its exit code.
  nlohmann::json Run(const std::string& name, int expected_exit,
                     std::vector<std::string> args = {}) {
    std::vector<std::string> command = {"run", name, "-o", "json"};
    command.insert(command.end(), args.begin(), args.end());
    CommandResult run = home_.Run(command);
    EXPECT_EQ(run.exit_code, expected_exit) << run.out << run.err;
    const size_t start = run.out.find('{');
    if (start == std::string::npos) return nullptr;
    return nlohmann::json::parse(run.out.substr(start), nullptr, false);
  }

  StigmerHome home_;
};

// A `raise` of a custom error type used to reach the record as runtime/500 without its detail
// and instance.
TEST_F(ExecutionRecordE2e, RaisedCustomErrorTypeKeepsItsProblemDetails) {
  Apply("shop", R"(do:
  - reserve:
      raise:
        error:
          type: https://example.com/errors/out-of-stock
          status: 422
          title: Out of stock
          detail: ${ "item " + .item + " is sold out" }
          instance: /orders/7
)");
  const nlohmann::json ran = Run("shop", 1, {"--input", R"({"item": "lamp"})"});
  ASSERT_TRUE(ran.is_object()) << ran;
  const nlohmann::json execution = Get(ran["id"].get<std::string>());
  ASSERT_TRUE(execution.is_object()) << execution;
  EXPECT_EQ(execution["phase"], "EXECUTION_PHASE_FAILED");
  const nlohmann::json expected = {{"type", "https://example.com/errors/out-of-stock"},
                                   {"status", 422},
                                   {"title", "Out of stock"},
                                   {"detail", "item lamp is sold out"},
                                   {"instance", "/orders/7"}};
  EXPECT_EQ(execution["error"], expected);
  EXPECT_EQ(ran["error"], expected);
  // The failed raise task is one of the execution's tasks, with its error.
  ASSERT_EQ(execution["tasks"].size(), 1u) << execution;
  EXPECT_EQ(execution["tasks"][0]["path"], "/do/0/reserve");
  EXPECT_EQ(execution["tasks"][0]["phase"], "TASK_PHASE_FAILED");
  EXPECT_EQ(execution["tasks"][0]["error"], expected);
}

// A `wait` cancelled mid-wait and a failed (caught) `raise` used to be missing from the tasks,
// and a composite task was listed after the tasks inside it.
TEST_F(ExecutionRecordE2e, EveryStartedTaskIsListedInStartOrderWithItsEndState) {
  Apply("pausing", R"(do:
  - guarded:
      try:
        - check:
            raise:
              error:
                type: https://example.com/errors/invalid
                status: 400
                title: Invalid order
      catch:
        errors:
          with:
            status: 400
  - outer:
      do:
        - first:
            set:
              ready: true
        - pause:
            wait:
              minutes: 10
)");
  // `stigmer run` follows it while it is cancelled from beside.
  CommandResult run;
  std::thread follower([&] { run = home_.Run({"run", "pausing"}); });
  // `first` is recorded in the workflow task that starts the timer.
  nlohmann::json execution;
  const bool waiting = WaitFor(
      [&] {
        CommandResult list =
            home_.Run({"get", "executions", "--workflow", "pausing", "-o", "json"});
        const nlohmann::json all = nlohmann::json::parse(list.out, nullptr, false);
        if (!all.is_array() || all.empty()) return false;
        execution = all[0];
        return execution.dump().find("/do/1/outer/do/0/first") != std::string::npos;
      },
      absl::Seconds(30));
  const std::string id = execution.value("id", "");
  CommandResult cancel = home_.Run({"cancel", id});
  follower.join();
  ASSERT_TRUE(waiting) << execution;
  ASSERT_EQ(cancel.exit_code, 0) << cancel.out << cancel.err;
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("✗ pause cancelled (/do/1/outer/do/1/pause)"));
  EXPECT_THAT(run.err, HasSubstr("✗ outer cancelled (/do/1/outer)"));
  EXPECT_THAT(run.err, HasSubstr("✗ check failed (/do/0/guarded/try/0/check)"));
  execution = Get(id);
  EXPECT_EQ(execution["phase"], "EXECUTION_PHASE_CANCELLED");

  std::vector<std::pair<std::string, std::string>> tasks;
  for (const nlohmann::json& task : execution["tasks"]) {
    tasks.emplace_back(task["path"], task["phase"]);
  }
  EXPECT_EQ(tasks, (std::vector<std::pair<std::string, std::string>>{
                       {"/do/0/guarded", "TASK_PHASE_COMPLETED"},
                       {"/do/0/guarded/try/0/check", "TASK_PHASE_FAILED"},
                       {"/do/1/outer", "TASK_PHASE_CANCELLED"},
                       {"/do/1/outer/do/0/first", "TASK_PHASE_COMPLETED"},
                       {"/do/1/outer/do/1/pause", "TASK_PHASE_CANCELLED"},
                   }))
      << execution;
  ASSERT_EQ(execution["tasks"].size(), 5u);
  EXPECT_EQ(execution["tasks"][1]["error"]["title"], "Invalid order");
  EXPECT_EQ(execution["tasks"][1]["error"]["instance"], "/do/0/guarded/try/0/check");
}

// `endpoint.authentication` was accepted at apply and failed every run with "not supported
// yet". The token comes from a secret: it reaches the server and nothing a user reads.
TEST_F(ExecutionRecordE2e, BearerAndBasicAuthenticationFromASecretReachTheServerOnly) {
  constexpr char kToken[] = "tok-e2e-7f3a9c";
  LocalHttpServer server([](const HttpServerRequest& request) {
    HttpServerResponse response;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = nlohmann::json({{"path", request.path}}).dump();
    return response;
  });
  Apply("secured", R"(use:
  secrets: [TOKEN]
  authentications:
    api:
      basic:
        username: ada
        password: ${ $secrets.TOKEN }
do:
  - bearer:
      call: http
      with:
        method: get
        endpoint:
          uri: ${ .base + "/bearer" }
          authentication:
            bearer:
              token: ${ $secrets.TOKEN }
        output: response
      export:
        as: .
  - basic:
      call: http
      with:
        method: get
        endpoint:
          uri: ${ $context.request.uri | sub("/bearer$"; "/basic") }
          authentication: api
        output: response
)");
  const nlohmann::json ran = Run("secured", 0,
                                 {"--input", nlohmann::json({{"base", server.url()}}).dump(),
                                  "--secret", std::string("TOKEN=") + kToken});
  ASSERT_TRUE(ran.is_object()) << ran;
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].headers["authorization"], std::string("Bearer ") + kToken);
  EXPECT_EQ(server.requests()[1].path, "/basic");
  EXPECT_EQ(server.requests()[1].headers["authorization"],
            "Basic " + absl::Base64Escape(std::string("ada:") + kToken));

  const nlohmann::json execution = Get(ran["id"].get<std::string>());
  EXPECT_EQ(execution["phase"], "EXECUTION_PHASE_COMPLETED") << execution;
  EXPECT_EQ(execution.dump().find(kToken), std::string::npos) << execution;
  EXPECT_EQ(ran.dump().find(kToken), std::string::npos) << ran;
  CommandResult logs = home_.Run({"server", "logs", "-c", "workflow-runner"});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_EQ(logs.out.find(kToken), std::string::npos) << logs.out;
}

// A run that begins by waiting on a timer: workflow-runner does not report that first task
// (nothing a record shows changed), and the record still shows the run running from its start,
// then its end with Temporal's times.
TEST_F(ExecutionRecordE2e, ARunThatBeginsByWaitingShowsRunningFromItsStartUntilItEnds) {
  Apply("nap", "do:\n  - doze:\n      wait: {seconds: 3}\n  - up:\n      set: {woke: true}\n");
  const absl::Time before = absl::Now();
  CommandResult started = home_.Run({"-q", "run", "nap", "--no-follow"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const std::string id(absl::StripTrailingAsciiWhitespace(started.out));

  const nlohmann::json waiting = Get(id);
  ASSERT_TRUE(waiting.is_object()) << id;
  EXPECT_EQ(waiting["phase"], "EXECUTION_PHASE_RUNNING") << waiting.dump(2);
  const absl::Time waiting_since = RecordTime(waiting["started_at"]);
  EXPECT_GE(waiting_since, before - absl::Seconds(1)) << waiting.dump(2);
  EXPECT_LE(waiting_since, absl::Now()) << waiting.dump(2);

  ASSERT_TRUE(
      WaitFor([&] { return Get(id)["phase"] == "EXECUTION_PHASE_COMPLETED"; }, absl::Seconds(60)));
  const nlohmann::json done = Get(id);
  EXPECT_EQ(done["output"], nlohmann::json({{"woke", true}})) << done.dump(2);
  const absl::Time started_at = RecordTime(done["started_at"]);
  EXPECT_LE(absl::AbsDuration(started_at - waiting_since), absl::Seconds(1)) << done.dump(2);
  EXPECT_GE(RecordTime(done["ended_at"]) - started_at, absl::Seconds(3)) << done.dump(2);
}

}  // namespace
}  // namespace stigmer::testing
