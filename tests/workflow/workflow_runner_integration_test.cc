// workflow-runner's handlers against the real Temporal dev server: workflows started the way
// stigmer-server starts them run to their end, task by task, through deterministic replay.
//
// With STIGMER_RECORD_HISTORIES=1 the histories of the recorded scenarios are saved as
// tests/fixtures/histories/workflow_NAME.json for the offline replay tests (replay_test.cc).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "activities/activity_kinds.h"
#include "common/unique_fd.h"
#include "gmock/gmock.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

TEST_F(WorkflowRunnerTest, PureTasksCompleteWithTheirOutputAndAMarkerPerTask) {
  const std::string id = Start("pure", R"(do:
  - total:
      set:
        sum: ${ [.numbers[]] | add }
        numbers: ${ .numbers }
  - size:
      switch:
        - big:
            when: ${ .sum > 5 }
            then: double
        - small:
            then: exit
  - double:
      for:
        each: n
        in: ${ .numbers }
      do:
        - add:
            set:
              sum: ${ .sum + $n }
              numbers: ${ .numbers }
)",
                               {{"numbers", {1, 2, 3}}});
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  EXPECT_EQ(Output(events), nlohmann::json({{"sum", 12}, {"numbers", {1, 2, 3}}}));
  EXPECT_EQ(
      MarkerPaths(events),
      (std::vector<std::string>{"/do/0/total", "/do/1/size", "/do/2/double/do/0/add",
                                "/do/2/double/do/0/add", "/do/2/double/do/0/add", "/do/2/double"}));
  Save("pure", events);
}

TEST_F(WorkflowRunnerTest, ShellTaskRunsAsAnActivityAndWaitUsesATimer) {
  const std::string id = Start("shell_wait", R"(do:
  - pause:
      wait: {seconds: 1}
  - greet:
      run:
        shell:
          command: echo "hello $NAME"
          environment:
            NAME: ${ .name }
  - shout:
      set:
        message: ${ . | ascii_upcase }
)",
                               {{"name", "ada"}});
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  EXPECT_EQ(Output(events), nlohmann::json({{"message", "HELLO ADA"}}));
  EXPECT_EQ(Count(events, EventType::EVENT_TYPE_TIMER_FIRED), 1);
  EXPECT_EQ(Count(events, EventType::EVENT_TYPE_ACTIVITY_TASK_COMPLETED), 1);
  Save("shell_wait", events);
}

TEST_F(WorkflowRunnerTest, UncaughtErrorFailsTheRunWithItsProblemDetails) {
  const std::string id = Start("raise", R"(do:
  - check:
      raise:
        error:
          type: https://serverlessworkflow.io/spec/1.0.0/errors/validation
          status: 400
          title: Bad order
          detail: ${ "order " + .id + " has no items" }
)",
                               {{"id", "o-1"}});
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  const auto& failure = events.back().workflow_execution_failed_event_attributes().failure();
  EXPECT_EQ(failure.application_failure_info().type(),
            "https://serverlessworkflow.io/spec/1.0.0/errors/validation");
  auto problem = temporal::DecodeJsonPayloadAt(failure.application_failure_info().details());
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ((*problem)["detail"], "order o-1 has no items");
  EXPECT_EQ((*problem)["instance"], "/do/0/check");
  EXPECT_EQ((*problem)["status"], 400);
  Save("raise", events);
}

// An endless backward `then` loop used to end with Temporal's "Transaction size exceeds limit"
// (the markers of every turn in one workflow task); it fails with the iteration limit. The limit
// is 2,000 here with 2.5 KB per turn, rather than the default 10,000 with less, so that one
// workflow task stays well under Temporal's 10 s task timeout also under sanitizers.
class IterationLimitTest : public WorkflowRunnerTest {
 protected:
  void Configure(ServerlessWorkflowOptions& options) override {
    options.interpreter.max_iterations = 2000;
  }
};

TEST_F(IterationLimitTest, BackwardThenLoopFailsWithIterationLimit) {
  const std::string id = Start("spin",
                               absl::StrCat(R"(do:
  - grow:
      set:
        pad: )",
                                            std::string(2500, 'x'), R"(
  - spin:
      set:
        n: 1
        pad: ${ .pad }
      then: grow
)"),
                               nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id, absl::Seconds(60));
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes())
      << static_cast<int>(events.back().event_type());
  const auto& failure = events.back().workflow_execution_failed_event_attributes().failure();
  auto problem = temporal::DecodeJsonPayloadAt(failure.application_failure_info().details());
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ((*problem)["title"], "Iteration limit reached");
  EXPECT_NE(
      (*problem)["detail"].get<std::string>().find("jumped back more than 2000 times (then: grow)"),
      std::string::npos)
      << (*problem)["detail"];
}

TEST_F(WorkflowRunnerTest, FailingShellCommandIsARuntimeErrorWithItsExitCode) {
  const std::string id = Start("shell_fails", R"(do:
  - broken:
      run:
        shell:
          command: echo oops >&2; exit 3
)",
                               nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  const auto& failure = events.back().workflow_execution_failed_event_attributes().failure();
  auto problem = temporal::DecodeJsonPayloadAt(failure.application_failure_info().details());
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ((*problem)["type"], "https://serverlessworkflow.io/spec/1.0.0/errors/runtime");
  EXPECT_EQ((*problem)["instance"], "/do/0/broken");
  EXPECT_NE((*problem)["detail"].get<std::string>().find("oops"), std::string::npos) << *problem;
  // A DSL failure is not retried by Temporal.
  EXPECT_EQ(Count(events, EventType::EVENT_TYPE_ACTIVITY_TASK_FAILED), 1);
}

TEST_F(WorkflowRunnerTest, TaskTimeoutBoundsItsActivity) {
  const std::string id = Start("timeout", R"(do:
  - slow:
      timeout:
        after:
          seconds: 1
      run:
        shell:
          command: sleep 30
)",
                               nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  const auto& failure = events.back().workflow_execution_failed_event_attributes().failure();
  auto problem = temporal::DecodeJsonPayloadAt(failure.application_failure_info().details());
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ((*problem)["type"], "https://serverlessworkflow.io/spec/1.0.0/errors/timeout");
  EXPECT_EQ((*problem)["status"], 408);
  EXPECT_EQ((*problem)["instance"], "/do/0/slow");
}

// `timeout` used to be enforced only on `call: http` and `run: shell`: a `do` holding a long
// `wait` ran past it.
TEST_F(WorkflowRunnerTest, TaskTimeoutStopsADoBlockAndCancelsWhatItWaitsOn) {
  const absl::Time start = absl::Now();
  const std::string id = Start("timeout_do", R"(do:
  - slow:
      timeout:
        after:
          seconds: 1
      do:
        - first:
            set: {a: 1}
        - nap:
            wait: {seconds: 30}
)",
                               nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  EXPECT_LT(absl::Now() - start, absl::Seconds(20));
  const nlohmann::json problem = FailureProblem(events);
  EXPECT_EQ(problem["type"], "https://serverlessworkflow.io/spec/1.0.0/errors/timeout");
  EXPECT_EQ(problem["status"], 408);
  EXPECT_EQ(problem["instance"], "/do/0/slow");
  EXPECT_EQ(problem["detail"], "the task did not finish within its timeout of 1s");
  EXPECT_EQ(Count(events, EventType::EVENT_TYPE_TIMER_CANCELED), 1) << "the 30 s wait";
}

TEST_F(WorkflowRunnerTest, ATaskThatBeatsItsTimeoutCancelsTheTimerAndACaughtTimeoutGoesOn) {
  const std::string id = Start("timeout_ok", R"(do:
  - quick:
      timeout:
        after:
          minutes: 10
      wait: {seconds: 1}
  - guarded:
      try:
        - slow:
            timeout:
              after:
                seconds: 1
            wait: {minutes: 10}
      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/timeout
        as: problem
        do:
          - note:
              set:
                caught: ${ $problem.detail }
)",
                               nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  EXPECT_EQ(Output(events),
            nlohmann::json({{"caught", "the task did not finish within its timeout of 1s"}}));
  // The 10-minute timeout timer of `quick` and the 10-minute wait of `slow`.
  EXPECT_EQ(Count(events, EventType::EVENT_TYPE_TIMER_CANCELED), 2);
}

TEST_F(WorkflowRunnerTest, RetryLimitAttemptDurationStopsEachAttempt) {
  const std::string id = Start("attempt_duration", R"(do:
  - guarded:
      try:
        - slow:
            wait: {minutes: 10}
      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/timeout
        as: problem
        retry:
          delay: {milliseconds: 10}
          limit:
            attempt:
              count: 1
              duration: {seconds: 1}
        do:
          - note:
              set:
                caught: ${ $problem.detail }
)",
                               nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  EXPECT_EQ(Output(events),
            nlohmann::json(
                {{"caught", "the attempt did not finish within limit.attempt.duration of 1s"}}));
  EXPECT_EQ(Count(events, EventType::EVENT_TYPE_TIMER_CANCELED), 2) << "each attempt's wait";
}

TEST_F(WorkflowRunnerTest, CancelRequestEndsTheRunCancelled) {
  const std::string id = Start("cancel", R"(do:
  - pause:
      wait: {minutes: 10}
)",
                               nlohmann::json::object());
  ASSERT_TRUE(WaitForEvent(id, EventType::EVENT_TYPE_TIMER_STARTED));
  ASSERT_TRUE(client_->RequestCancel(id, "", "no longer needed").ok());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event_type(), EventType::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
}

TEST_F(WorkflowRunnerTest, CancelStopsARunningShellCommand) {
  testing::TempDir dir;
  const std::string pid_file = (dir.path() / "pid").string();
  const std::string id = Start("cancel_shell",
                               absl::StrCat(R"(do:
  - slow:
      run:
        shell:
          command: echo $$ > )",
                                            pid_file, R"(; exec sleep 60
)"),
                               nlohmann::json::object());
  pid_t pid = 0;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        std::ifstream in(pid_file);
        return static_cast<bool>(in >> pid) && pid > 0;
      },
      absl::Seconds(20)));
  ASSERT_TRUE(client_->RequestCancel(id, "", "stop it").ok());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event_type(), EventType::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  // The activity learns at its next heartbeat (every third of the 5 s heartbeat timeout).
  EXPECT_TRUE(testing::WaitFor([&] { return ::kill(pid, 0) != 0; }, absl::Seconds(15)))
      << "the command is still running";
}

TEST_F(WorkflowRunnerTest, CompeteCancelsWhatTheLosingBranchHasInFlight) {
  testing::TempDir dir;
  const std::string pid_file = (dir.path() / "pid").string();
  const std::string id = Start("compete",
                               absl::StrCat(R"(do:
  - race:
      fork:
        compete: true
        branches:
          - slow:
              run:
                shell:
                  command: echo $$ > )",
                                            pid_file, R"(; exec sleep 60
          - quick:
              do:
                - nap:
                    wait:
                      seconds: 1
                - done:
                    set:
                      winner: quick
)"),
                               nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  EXPECT_EQ(Output(events), nlohmann::json({{"winner", "quick"}}));
  EXPECT_EQ(Count(events, EventType::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED), 1);
  pid_t pid = 0;
  std::ifstream in(pid_file);
  ASSERT_TRUE(static_cast<bool>(in >> pid) && pid > 0) << "the slow branch never started";
  EXPECT_TRUE(testing::WaitFor([&] { return ::kill(pid, 0) != 0; }, absl::Seconds(15)))
      << "the losing branch's command is still running";
}

TEST_F(WorkflowRunnerTest, StackTraceQueryNamesTheTaskTheRunWaitsOn) {
  const std::string id = Start("query", R"(do:
  - first:
      set: {ready: true}
  - pause:
      wait: {minutes: 10}
)",
                               nlohmann::json::object());
  ASSERT_TRUE(WaitForEvent(id, EventType::EVENT_TYPE_TIMER_STARTED));
  tapi::workflowservice::v1::QueryWorkflowRequest request;
  request.set_namespace_("default");
  request.mutable_execution()->set_workflow_id(id);
  request.mutable_query()->set_query_type("__stack_trace");
  tapi::workflowservice::v1::QueryWorkflowResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  grpc::Status status = client_->stub().QueryWorkflow(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto answer = temporal::DecodeJsonPayloadAt(response.query_result());
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, "/do/1/pause: timer of 10m");
  ASSERT_TRUE(client_->Terminate(id, "", "test over").ok());
}

class ContinueAsNewTest : public WorkflowRunnerTest {
 protected:
  void Configure(ServerlessWorkflowOptions& options) override {
    options.continue_as_new_events = 40;
  }
};

TEST_F(ContinueAsNewTest, LongLoopContinuesAsNewAndKeepsItsResults) {
  const std::string id = Start("long_loop", R"(do:
  - each:
      for:
        each: n
        in: ${ [range(12)] }
      do:
        - echo:
            run:
              shell:
                command: ${ "echo " + ($n | tostring) }
            export:
              as: '${ $context + {seen: (($context.seen // []) + [. | tonumber])} }'
  - report:
      set:
        seen: ${ $context.seen }
)",
                               nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id, absl::Seconds(60));
  EXPECT_EQ(Output(events), nlohmann::json({{"seen", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}}));
  // Walk back through the runs: each command ran once, no activity was scheduled twice.
  int runs = 0;
  int activities = 0;
  std::vector<durable::HistoryEvent> run = events;
  while (!run.empty()) {
    ++runs;
    activities += Count(run, EventType::EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    const std::string previous =
        run.front().workflow_execution_started_event_attributes().continued_execution_run_id();
    if (previous.empty()) break;
    auto history = client_->GetFullHistory(id, previous);
    ASSERT_TRUE(history.ok()) << history.status();
    run = *std::move(history);
  }
  EXPECT_GE(runs, 2);
  EXPECT_EQ(activities, 12);
}

// A TCP port on 127.0.0.1 that accepts connections and never answers.
class SilentServer {
 public:
  SilentServer() : listener_(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(::listen(listener_.get(), 64), 0);
    ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_, "/hang"); }
  // Accepts what is waiting; the number of connections held so far.
  size_t Accept() {
    for (int fd; (fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) {
      held_.emplace_back(fd);
    }
    return held_.size();
  }

 private:
  UniqueFd listener_;
  int port_ = 0;
  std::vector<UniqueFd> held_;
};

class ActivitySlotsTest : public WorkflowRunnerTest {
 protected:
  static constexpr absl::Duration kHttpTimeout = absl::Seconds(8);
  void ConfigureActivities(activities::ActivityLimits& limits,
                           activities::ActivitySlots& slots) override {
    limits.http_timeout = kHttpTimeout;
    slots.http = 2;
    slots.shell = 1;
  }
};

// Issue 8: `call: http` tasks to a server that never answers took every activity slot for an
// hour (3 attempts of 3600 s), and shell tasks of other executions never started.
TEST_F(ActivitySlotsTest, HangingHttpCallsNeitherStarveShellTasksNorHangForever) {
  SilentServer server;
  std::vector<std::string> hanging;
  for (int i = 0; i < 3; ++i) {  // more calls than http pollers
    hanging.push_back(Start(absl::StrCat("hang_", i),
                            absl::StrCat(R"(do:
  - hang:
      call: http
      with:
        method: get
        endpoint: )",
                                         server.url(), "\n"),
                            nlohmann::json::object()));
  }
  // Every http poller holds a call.
  ASSERT_TRUE(testing::WaitFor([&] { return server.Accept() >= 2; }, absl::Seconds(20)));
  const absl::Time shell_started = absl::Now();
  const std::string shell = Start("shell_beside", R"(do:
  - greet:
      run:
        shell:
          command: echo still here
)",
                                  nlohmann::json::object());
  const std::vector<durable::HistoryEvent> shell_events = WaitClosed(shell, kHttpTimeout);
  EXPECT_EQ(Output(shell_events), "still here");
  EXPECT_LT(absl::Now() - shell_started, kHttpTimeout - absl::Seconds(2));

  for (const std::string& id : hanging) {
    const std::vector<durable::HistoryEvent> events = WaitClosed(id, absl::Seconds(60));
    ASSERT_FALSE(events.empty());
    ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes()) << id;
    const auto& failure = events.back().workflow_execution_failed_event_attributes().failure();
    auto problem = temporal::DecodeJsonPayloadAt(failure.application_failure_info().details());
    ASSERT_TRUE(problem.ok());
    EXPECT_EQ((*problem)["status"], 408);
    EXPECT_EQ((*problem)["instance"], "/do/0/hang");
    EXPECT_EQ((*problem)["title"], "HTTP call timed out");
    EXPECT_THAT((*problem)["detail"].get<std::string>(),
                ::testing::HasSubstr("no complete response within 8s"));
    // One attempt: the timeout is the workflow's error, not retried by Temporal.
    EXPECT_EQ(Count(events, EventType::EVENT_TYPE_ACTIVITY_TASK_FAILED), 1);
  }
}

}  // namespace
}  // namespace stigmer::workflow
