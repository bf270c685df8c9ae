#ifndef STIGMER_TESTS_WORKFLOW_INTERPRETER_TEST_FAKE_CONTEXT_H_
#define STIGMER_TESTS_WORKFLOW_INTERPRETER_TEST_FAKE_CONTEXT_H_

// A WorkflowContext for interpreter tests: records every side effect in call order and answers
// from results keyed by sequence number (1-based), like a replayed history.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "workflow/interpreter.h"
#include "workflow/workflow_context.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {

struct RecordedCall {
  std::string kind;  // "http", "shell", "sleep" or "marker"
  nlohmann::json detail;
  bool operator==(const RecordedCall& other) const {
    return kind == other.kind && detail == other.detail;
  }
};

class FakeContext : public WorkflowContext {
 public:
  absl::Time Now() override { return absl::FromUnixSeconds(1700000000); }
  uint64_t Random() override { return 4; }

  absl::StatusOr<ActivityOutcome> CallActivity(const std::string& /*path*/, const std::string& kind,
                                               const nlohmann::json& input) override {
    calls.push_back({kind, input});
    auto it = results.find(static_cast<int>(calls.size()));
    return it == results.end() ? ActivityOutcome::Pending() : it->second;
  }
  absl::StatusOr<bool> Sleep(const std::string& /*path*/, absl::Duration duration) override {
    calls.push_back({"sleep", absl::ToInt64Seconds(duration)});
    return fire_all_timers || fired.count(static_cast<int>(calls.size())) > 0;
  }
  absl::Status TaskFinished(const std::string& path, const std::string& name,
                            absl::Time /*started_at*/, const nlohmann::json& output) override {
    calls.push_back({"marker", {{"path", path}, {"name", name}, {"output", output}}});
    return absl::OkStatus();
  }
  int64_t Clock() const override { return clock; }
  void SetClock(int64_t value) override { clock = value; }
  size_t CommandMark() const override { return calls.size(); }
  void DropCommandsSince(size_t mark) override { dropped += calls.size() - mark; }

  // The paths of the markers, in order.
  std::vector<std::string> MarkerPaths() const {
    std::vector<std::string> paths;
    for (const RecordedCall& call : calls) {
      if (call.kind == "marker") paths.push_back(call.detail["path"]);
    }
    return paths;
  }

  std::vector<RecordedCall> calls;
  std::map<int, ActivityOutcome> results;  // activity results by sequence number
  std::set<int> fired;                     // fired timers by sequence number
  bool fire_all_timers = false;
  int64_t clock = 0;
  size_t dropped = 0;  // calls a fork dropped
};

// A document with the standard header and `body` (YAML from `do:` on). Fails the test when it
// does not parse.
inline WorkflowDocument TestDocument(const std::string& body) {
  absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument(absl::StrCat(
      "document:\n  dsl: '1.0.0'\n  namespace: test\n  name: interpreter\n  version: '0.1.0'\n",
      body));
  EXPECT_TRUE(document.ok()) << document.status();
  return document.ok() ? *std::move(document) : WorkflowDocument{};
}

// Runs `body` on `input` with a fresh FakeContext (kept in *context when given).
inline RunResult RunWorkflow(const std::string& body, const nlohmann::json& input,
                             FakeContext* context = nullptr, InterpreterOptions options = {}) {
  FakeContext local;
  FakeContext& used = context != nullptr ? *context : local;
  RuntimeValues runtime;
  runtime.workflow_id = "wex-test";
  absl::StatusOr<RunResult> result = Interpret(TestDocument(body), input, runtime, used, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : RunResult{};
}

}  // namespace stigmer::workflow

#endif  // STIGMER_TESTS_WORKFLOW_INTERPRETER_TEST_FAKE_CONTEXT_H_
