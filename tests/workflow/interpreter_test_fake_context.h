#ifndef STIGMER_TESTS_WORKFLOW_INTERPRETER_TEST_FAKE_CONTEXT_H_
#define STIGMER_TESTS_WORKFLOW_INTERPRETER_TEST_FAKE_CONTEXT_H_

// A WorkflowContext for interpreter tests: records every side effect in call order and answers
// from results keyed by sequence number (1-based), like a replayed history.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "durable/workflow_context.h"
#include "gtest/gtest.h"
#include "workflow/interpreter.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {

struct RecordedCall {
  std::string kind;  // "http", "shell", "sleep" or "marker"
  nlohmann::json detail;
  std::string path;  // the task path the call was made for
  bool operator==(const RecordedCall& other) const {
    return kind == other.kind && detail == other.detail;
  }
};

// Workflow time at clock 0.
inline absl::Time FakeStartTime() { return absl::FromUnixSeconds(1700000000); }

class FakeContext : public durable::WorkflowContext {
 public:
  // One second of workflow time per clock tick.
  absl::Time Now() override { return FakeStartTime() + absl::Seconds(clock); }
  uint64_t Random() override { return random_values.empty() ? 4 : NextRandom(); }

  absl::StatusOr<durable::ActivityOutcome> CallActivity(const std::string& path,
                                                        const std::string& kind,
                                                        const nlohmann::json& input) override {
    calls.push_back({kind, input, path});
    if (auto it = results.find(static_cast<int>(calls.size())); it != results.end()) {
      Observe();
      return it->second;
    }
    if (auto it = results_by_path.find(path); it != results_by_path.end()) {
      if (auto at = observed_at_by_path.find(path); at != observed_at_by_path.end()) {
        clock = std::max(clock, at->second);
      }
      return it->second;
    }
    return durable::ActivityOutcome::Pending();
  }
  // Recorded as a call of kind "child:<type>" whose input holds the queue and payloads.
  absl::StatusOr<durable::ActivityOutcome> CallChildWorkflow(
      const std::string& path, const durable::ChildWorkflow& child) override {
    return CallActivity(path, "child:" + child.workflow_type,
                        {{"task_queue", child.task_queue}, {"input", child.input}});
  }
  absl::StatusOr<bool> Sleep(const std::string& path, absl::Duration duration) override {
    calls.push_back({"sleep", absl::ToInt64Seconds(duration), path});
    sleeps.push_back(duration);
    const bool has_fired = fire_all_timers || fired.count(static_cast<int>(calls.size())) > 0;
    if (has_fired) Observe();
    return has_fired;
  }
  absl::Status TaskEnded(const std::string& path, const std::string& name,
                         absl::Time /*started_at*/, const durable::TaskEnd& end) override {
    static constexpr const char* kStates[] = {"completed", "failed", "cancelled"};
    nlohmann::json ended = {{"path", path},
                            {"state", kStates[static_cast<int>(end.state)]},
                            {"descendants", end.descendants}};
    if (end.state == durable::TaskEnd::State::kFailed) ended["error"] = end.error.ToJson();
    ends.push_back(std::move(ended));
    // Only completed tasks are calls, so that the calls' sequence numbers stay those of the
    // side effects and completions.
    if (end.state == durable::TaskEnd::State::kCompleted) {
      calls.push_back({"marker", {{"path", path}, {"name", name}, {"output", end.output}}, path});
    }
    return absl::OkStatus();
  }
  // The interpreter never waits for a signal.
  absl::StatusOr<std::optional<nlohmann::json>> AwaitSignal(
      const std::string&, const std::string&, const nlohmann::json&,
      const std::function<bool(const nlohmann::json&)>&) override {
    return absl::UnimplementedError("the DSL interpreter does not wait for signals");
  }
  size_t TasksRecorded() const override { return ends.size(); }
  bool CancelRequested() const override { return cancel_requested; }
  int64_t Clock() const override { return clock; }
  void SetClock(int64_t value) override { clock = value; }
  size_t CommandMark() const override { return calls.size(); }
  void DropCommandsSince(size_t mark) override { DropCommands(mark, calls.size()); }
  size_t PendingMark() const override { return calls.size(); }
  void CancelPending(size_t begin, size_t end) override {
    if (begin < end) cancelled_ranges.emplace_back(begin, end);
  }
  // Calls stay in `calls` (so that their indexes stay meaningful); the ranges are recorded.
  void DropCommands(size_t begin, size_t end) override {
    dropped += end - begin;
    dropped_ranges.emplace_back(begin, end);
  }

  // The paths of the markers, in order.
  std::vector<std::string> MarkerPaths() const {
    std::vector<std::string> paths;
    for (const RecordedCall& call : calls) {
      if (call.kind == "marker") paths.push_back(call.detail["path"]);
    }
    return paths;
  }

  // Whether call `index` (0-based) is in a dropped range.
  bool IsDropped(size_t index) const {
    for (const auto& [begin, end] : dropped_ranges) {
      if (index >= begin && index < end) return true;
    }
    return false;
  }

  std::vector<RecordedCall> calls;
  std::map<int, durable::ActivityOutcome> results;  // activity results by sequence number
  std::set<int> fired;                              // fired timers by sequence number
  // Activity results by task path, for calls `results` does not answer (a path's every call).
  std::map<std::string, durable::ActivityOutcome> results_by_path;
  std::map<std::string, int64_t> observed_at_by_path;  // like observed_at, by path
  // The clock at which history recorded the result of a call, by sequence number: answering
  // the call moves the clock there (never back), like a replay consuming it.
  std::map<int, int64_t> observed_at;
  bool fire_all_timers = false;
  // CancelRequested(): tasks still in progress are recorded as cancelled.
  bool cancel_requested = false;
  // Every TaskEnded: {path, state (completed|failed|cancelled), descendants, error?}, in order.
  std::vector<nlohmann::json> ends;
  int64_t clock = 0;
  std::vector<absl::Duration> sleeps;   // every Sleep's duration, in order
  std::vector<uint64_t> random_values;  // Random() answers, in turn (4 when empty)
  size_t dropped = 0;                   // calls a fork dropped
  std::vector<std::pair<size_t, size_t>> dropped_ranges;
  std::vector<std::pair<size_t, size_t>> cancelled_ranges;  // CancelPending calls

 private:
  void Observe() {
    auto it = observed_at.find(static_cast<int>(calls.size()));
    if (it != observed_at.end()) clock = std::max(clock, it->second);
  }
  uint64_t NextRandom() {
    uint64_t value = random_values[next_random_ % random_values.size()];
    ++next_random_;
    return value;
  }
  size_t next_random_ = 0;
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
