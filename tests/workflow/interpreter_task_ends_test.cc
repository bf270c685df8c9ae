// How each task that started is recorded: completed, failed with its error, or cancelled while
// in progress; with the markers recorded inside it, so that it is listed before them.

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/interpreter.h"
#include "workflow/interpreter_test_fake_context.h"

namespace stigmer::workflow {
namespace {

using json = nlohmann::json;

// A failed `raise` (even one a `try` caught) used to leave no record of the task.
TEST(InterpreterTaskEndsTest, AFailedTaskIsRecordedWithItsError) {
  FakeContext context;
  RunResult result = RunWorkflow(R"(do:
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
  - fail:
      raise:
        error:
          type: https://example.com/errors/out-of-stock
          status: 422
)",
                                 json::object(), &context);
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(context.ends,
            (std::vector<json>{
                {{"path", "/do/0/guarded/try/0/check"},
                 {"state", "failed"},
                 {"descendants", 0},
                 {"error",
                  {{"type", "https://example.com/errors/invalid"},
                   {"status", 400},
                   {"title", "Invalid order"},
                   {"instance", "/do/0/guarded/try/0/check"}}}},
                {{"path", "/do/0/guarded"}, {"state", "completed"}, {"descendants", 1}},
                {{"path", "/do/1/fail"},
                 {"state", "failed"},
                 {"descendants", 0},
                 {"error",
                  {{"type", "https://example.com/errors/out-of-stock"},
                   {"status", 422},
                   {"instance", "/do/1/fail"}}}},
            }));
}

// A `wait` cancelled mid-wait used to leave no record of it, nor of the `do` around it.
TEST(InterpreterTaskEndsTest, TasksInProgressAreRecordedCancelledOnlyOnceCancelIsRequested) {
  const std::string body = R"(do:
  - outer:
      do:
        - first:
            set:
              ready: true
        - pause:
            wait:
              minutes: 10
)";
  FakeContext waiting;
  EXPECT_EQ(RunWorkflow(body, json::object(), &waiting).state, RunResult::State::kSuspended);
  EXPECT_EQ(waiting.ends.size(), 1u);  // `first` only: the others are still in progress

  FakeContext cancelled;
  cancelled.cancel_requested = true;
  EXPECT_EQ(RunWorkflow(body, json::object(), &cancelled).state, RunResult::State::kSuspended);
  EXPECT_EQ(cancelled.ends,
            (std::vector<json>{
                {{"path", "/do/0/outer/do/0/first"}, {"state", "completed"}, {"descendants", 0}},
                {{"path", "/do/0/outer/do/1/pause"}, {"state", "cancelled"}, {"descendants", 0}},
                {{"path", "/do/0/outer"}, {"state", "cancelled"}, {"descendants", 2}},
            }));
}

}  // namespace
}  // namespace stigmer::workflow
