// Child workflows on the durable core (WorkflowContext::CallChildWorkflow): a start command
// with a deterministic id, the result or error the child recorded, non-determinism when the
// step changed, cancellation of a started child, carrying across continue-as-new, and starts
// signed as the parent's was.

#include "durable/child_workflow.h"

#include <string>
#include <vector>

#include "durable/continue_as_new.h"
#include "durable/replay_context.h"
#include "durable/replay_history.h"
#include "durable/testing_history_builder.h"
#include "durable/workflow_task_processor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"
#include "temporal/start_signature.h"

namespace stigmer::durable {
namespace {

namespace tapi = ::temporal::api;
using tapi::enums::v1::EventType;
using ::testing::HasSubstr;
using json = nlohmann::json;

const ChildWorkflow kChild{.workflow_type = "StigmerAgent",
                           .task_queue = "stigmer-agents",
                           .input = {{{"message", "hi"}}, {}, {}}};

absl::StatusOr<ActivityOutcome> Call(ReplayContext& context, const std::string& path = "/ask",
                                     const ChildWorkflow& child = kChild) {
  return context.CallChildWorkflow(path, child);
}

TEST(ChildWorkflowTest, ANewChildIsStartedWithAnIdDerivedFromTheParentAndTheStep) {
  const ReplayHistory history = HistoryBuilder().Current().Index();
  ReplayContext context(history, {}, "parent");
  ASSERT_EQ(Call(context)->state, ActivityOutcome::State::kPending);
  ASSERT_EQ(Call(context)->state, ActivityOutcome::State::kPending);
  std::vector<Command> commands = context.TakeCommands();
  ASSERT_EQ(commands.size(), 2u);
  const auto& start = commands[0].start_child_workflow_execution_command_attributes();
  EXPECT_EQ(start.workflow_id(), "parent/ask#1");
  EXPECT_EQ(commands[1].start_child_workflow_execution_command_attributes().workflow_id(),
            "parent/ask#2");
  EXPECT_EQ(start.workflow_type().name(), "StigmerAgent");
  EXPECT_EQ(start.task_queue().name(), "stigmer-agents");
  EXPECT_EQ(start.parent_close_policy(), tapi::enums::v1::PARENT_CLOSE_POLICY_REQUEST_CANCEL);
  EXPECT_EQ(temporal::DecodeJsonPayloadAt(start.input(), 0).value()["message"], "hi");
  EXPECT_THAT(context.waiting_on(), ::testing::Contains("/ask: child workflow StigmerAgent"));
}

TEST(ChildWorkflowTest, AStartedChildWaitsAndItsResultAnswersOnceRecorded) {
  int64_t initiated = 0;
  HistoryBuilder running;
  running.ChildInitiated("/ask#1", "StigmerAgent", &initiated).ChildStarted(initiated, "run-1");
  const ReplayHistory waiting = HistoryBuilder(running).Current().Index();
  ReplayContext context(waiting, {}, "parent");
  EXPECT_EQ(Call(context)->state, ActivityOutcome::State::kPending);
  EXPECT_TRUE(context.TakeCommands().empty());  // not started twice
  EXPECT_TRUE(context.waits_on_recorded_step());

  const ReplayHistory done =
      running.ChildCompleted(initiated, {{"answer", "42"}}).Current().Index();
  ReplayContext replay(done, {}, "parent");
  absl::StatusOr<ActivityOutcome> outcome = Call(replay);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->state, ActivityOutcome::State::kCompleted);
  EXPECT_EQ(outcome->output["answer"], "42");
  EXPECT_EQ(replay.Clock(), 1);  // seen in the task after the one that started it
  EXPECT_TRUE(replay.CheckAllStepsReached().ok());
}

TEST(ChildWorkflowTest, AChildNotAwaitedIsAbandonedAndCompletesOnceStartedWhateverItDoesNext) {
  ChildWorkflow detached = kChild;
  detached.await_result = false;
  const ReplayHistory fresh = HistoryBuilder().Current().Index();
  ReplayContext first(fresh, {}, "parent");
  ASSERT_EQ(Call(first, "/ask", detached)->state, ActivityOutcome::State::kPending);
  std::vector<Command> commands = first.TakeCommands();
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].start_child_workflow_execution_command_attributes().parent_close_policy(),
            tapi::enums::v1::PARENT_CLOSE_POLICY_ABANDON);

  int64_t initiated = 0;
  HistoryBuilder running;
  running.ChildInitiated("/ask#1", "StigmerAgent", &initiated);
  const ReplayHistory not_yet = HistoryBuilder(running).Current().Index();
  ReplayContext waiting(not_yet, {}, "parent");
  EXPECT_EQ(Call(waiting, "/ask", detached)->state, ActivityOutcome::State::kPending);

  running.ChildStarted(initiated, "run-1");
  const ReplayHistory started = HistoryBuilder(running).Current().Index();
  ReplayContext replay(started, {}, "parent");
  absl::StatusOr<ActivityOutcome> outcome = Call(replay, "/ask", detached);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->state, ActivityOutcome::State::kCompleted);
  EXPECT_TRUE(outcome->output.is_null());
  EXPECT_TRUE(replay.TakeCommands().empty());
  EXPECT_FALSE(replay.waits_on_recorded_step());
  EXPECT_TRUE(replay.CheckAllStepsReached().ok());
}

TEST(ChildWorkflowTest, AFailedChildGivesItsOwnErrorToTheParent) {
  int64_t initiated = 0;
  HistoryBuilder builder;
  builder.ChildInitiated("/ask#1", "StigmerAgent", &initiated)
      .ChildStarted(initiated, "run-1")
      .ChildEvent(EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED, [&](HistoryEvent& event) {
        auto* failed = event.mutable_child_workflow_execution_failed_event_attributes();
        failed->set_initiated_event_id(initiated);
        failed->mutable_failure()->set_message("child workflow failed");
        failed->mutable_failure()->mutable_cause()->set_message("Model call limit reached");
      });
  const ReplayHistory history = builder.Current().Index();
  ReplayContext context(history, {}, "parent");
  absl::StatusOr<ActivityOutcome> outcome = Call(context);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->state, ActivityOutcome::State::kFailed);
  EXPECT_EQ(outcome->error.title, "Model call limit reached");
}

TEST(ChildWorkflowTest, ACancelledTimedOutTerminatedOrUnstartedChildIsAnErrorSayingSo) {
  struct Case {
    EventType type;
    std::string title;
  };
  for (const Case& c :
       {Case{EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, "Task cancelled"},
        Case{EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT, "Task timed out"},
        Case{EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
             "Child workflow terminated"},
        Case{EventType::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
             "Child workflow not started"}}) {
    int64_t initiated = 0;
    HistoryBuilder builder;
    builder.ChildInitiated("/ask#1", "StigmerAgent", &initiated)
        .ChildEvent(c.type, [&](HistoryEvent& event) {
          event.mutable_child_workflow_execution_canceled_event_attributes();
          switch (c.type) {
            case EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
              event.mutable_child_workflow_execution_canceled_event_attributes()
                  ->set_initiated_event_id(initiated);
              break;
            case EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
              event.mutable_child_workflow_execution_timed_out_event_attributes()
                  ->set_initiated_event_id(initiated);
              break;
            case EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
              event.mutable_child_workflow_execution_terminated_event_attributes()
                  ->set_initiated_event_id(initiated);
              break;
            default: {
              auto* failed = event.mutable_start_child_workflow_execution_failed_event_attributes();
              failed->set_initiated_event_id(initiated);
              failed->set_workflow_id("parent/ask#1");
              failed->set_cause(
                  tapi::enums::v1::
                      START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS);
            }
          }
        });
    const ReplayHistory history = builder.Current().Index();
    ReplayContext context(history, {}, "parent");
    absl::StatusOr<ActivityOutcome> outcome = Call(context);
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome->state, ActivityOutcome::State::kFailed) << c.title;
    EXPECT_EQ(outcome->error.title, c.title);
    if (c.type == EventType::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED) {
      EXPECT_THAT(outcome->error.detail, HasSubstr("WORKFLOW_ALREADY_EXISTS"));
    }
  }
}

TEST(ChildWorkflowTest, AChildOfAnotherTypeIsNonDeterminism) {
  int64_t initiated = 0;
  const ReplayHistory history =
      HistoryBuilder().ChildInitiated("/ask#1", "ServerlessWorkflow", &initiated).Current().Index();
  ReplayContext context(history, {}, "parent");
  absl::StatusOr<ActivityOutcome> outcome = Call(context);
  ASSERT_EQ(outcome.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(outcome.status().message(), HasSubstr("child workflow parent/ask#1"));
  EXPECT_THAT(outcome.status().message(), HasSubstr("ServerlessWorkflow"));
}

TEST(ChildWorkflowTest, AChildTheRunNoLongerStartsIsNonDeterminism) {
  int64_t initiated = 0;
  const ReplayHistory history =
      HistoryBuilder().ChildInitiated("/ask#1", "StigmerAgent", &initiated).Current().Index();
  ReplayContext context(history, {}, "parent");
  absl::Status reached = context.CheckAllStepsReached();
  EXPECT_EQ(reached.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(reached.message(), HasSubstr("child workflow parent/ask#1"));
}

TEST(ChildWorkflowTest, CancellingPendingAsksAStartedChildOnceAndNotAnUnstartedOne) {
  int64_t first = 0, second = 0;
  const ReplayHistory history = HistoryBuilder()
                                    .ChildInitiated("/a#1", "StigmerAgent", &first)
                                    .ChildInitiated("/b#1", "StigmerAgent", &second)
                                    .ChildStarted(first, "run-a")
                                    .Current()
                                    .Index();
  ReplayContext context(history, {}, "parent");
  ASSERT_EQ(Call(context, "/a")->state, ActivityOutcome::State::kPending);
  ASSERT_EQ(Call(context, "/b")->state, ActivityOutcome::State::kPending);
  context.CancelPending(0, context.PendingMark());
  context.CancelPending(0, context.PendingMark());
  std::vector<Command> commands = context.TakeCommands();
  ASSERT_EQ(commands.size(), 1u);
  const auto& cancel = commands[0].request_cancel_external_workflow_execution_command_attributes();
  EXPECT_EQ(cancel.workflow_id(), "parent/a#1");
  EXPECT_EQ(cancel.run_id(), "run-a");
  EXPECT_TRUE(cancel.child_workflow_only());
}

TEST(ChildWorkflowTest, EndedChildrenAreCarriedIntoTheNextRun) {
  int64_t initiated = 0;
  const ReplayHistory history = HistoryBuilder()
                                    .ChildInitiated("/ask#1", "StigmerAgent", &initiated)
                                    .ChildCompleted(initiated, "done")
                                    .Task()
                                    .Current()
                                    .Index();
  ReplayContext context(history, {}, "parent");
  ASSERT_EQ(Call(context)->state, ActivityOutcome::State::kCompleted);
  std::optional<Command> next = ContinueAsNew(history, context, "stigmer-agents", 1 << 20);
  ASSERT_TRUE(next.has_value());

  HistoryBuilder continued;
  continued.Current();
  std::vector<HistoryEvent> events = continued.events();
  *events[0].mutable_workflow_execution_started_event_attributes()->mutable_input() =
      next->continue_as_new_workflow_execution_command_attributes().input();
  absl::StatusOr<ReplayHistory> carried = ReplayHistory::Index(events);
  ASSERT_TRUE(carried.ok()) << carried.status();
  ReplayContext replay(*carried, {}, "parent");
  absl::StatusOr<ActivityOutcome> outcome = Call(replay);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->state, ActivityOutcome::State::kCompleted);
  EXPECT_EQ(outcome->output, "done");
  EXPECT_TRUE(replay.TakeCommands().empty());
}

// A program that calls one child and returns its answer.
class ChildCaller final : public Program, public ProgramRun {
 public:
  const std::string& workflow_type() const override { return type_; }
  absl::StatusOr<std::unique_ptr<ProgramRun>> Load(const ReplayHistory&,
                                                   const std::string&) override {
    return std::make_unique<ChildCaller>();
  }
  absl::StatusOr<ProgramResult> Run(WorkflowContext& context) override {
    absl::StatusOr<ActivityOutcome> outcome = context.CallChildWorkflow("/ask", kChild);
    if (!outcome.ok()) return outcome.status();
    if (outcome->state == ActivityOutcome::State::kPending) return ProgramResult{};
    return ProgramResult{.state = ProgramResult::State::kCompleted, .output = outcome->output};
  }
  const SecretRedactor& redactor() const override { return redactor_; }

 private:
  std::string type_ = "Caller";
  SecretRedactor redactor_;
};

TEST(ChildWorkflowTest, ChildStartsAreSignedAsTheParentsWas) {
  HistoryBuilder builder;
  builder.Current();
  std::vector<HistoryEvent> events = builder.events();
  auto* started = events[0].mutable_workflow_execution_started_event_attributes();
  temporal::AddStartSignature("key", "parent", started->workflow_type().name(), started->input(),
                              *started->mutable_header());
  WorkflowTaskOptions options;
  options.signing_key = "key";
  ChildCaller program;
  WorkflowTaskAnswer answer = ProcessWorkflowTask(events, "parent", 0, options, program);
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_EQ(answer.commands.size(), 1u);
  const auto& start = answer.commands[0].start_child_workflow_execution_command_attributes();
  EXPECT_TRUE(temporal::VerifyStartSignature("key", "parent/ask#1", "StigmerAgent", start.input(),
                                             start.header())
                  .ok());
}

TEST(ChildWorkflowTest, ACancelledParentClosesAndItsPolicyCancelsTheChild) {
  int64_t initiated = 0;
  HistoryBuilder builder;
  builder.ChildInitiated("/ask#1", "StigmerAgent", &initiated)
      .ChildStarted(initiated, "run-1")
      .CancelRequested()
      .Current();
  ChildCaller program;
  WorkflowTaskAnswer answer = ProcessWorkflowTask(builder.events(), "parent", 0, {}, program);
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_FALSE(answer.commands.empty());
  EXPECT_EQ(answer.commands.back().command_type(),
            tapi::enums::v1::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION);
}

}  // namespace
}  // namespace stigmer::durable
