// `fork`: branches that behave as if they ran at the same time, under deterministic replay.
//
// Every branch runs on every replay, one after the other, each from the clock the fork started
// at, as far as history lets it: so all the branches' pending side effects are asked for in the
// same workflow task. The fork is then decided from where each branch ended on the logical
// clock (ties go to the lowest index), which is where the branch would have ended had they run
// concurrently. The commands of the branches that do not decide a decided fork are dropped,
// and what they still have in flight is cancelled.

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "workflow/json_pointer.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {
namespace {

// How one branch ended.
struct BranchRun {
  TaskOutcome outcome;
  int64_t end_clock = 0;
  size_t commands_begin = 0;  // [begin, end): the new commands the branch asked for
  size_t commands_end = 0;
  size_t pending_begin = 0;  // [begin, end): the steps in flight the branch found
  size_t pending_end = 0;
  nlohmann::json context;  // $context once the branch ended
};

bool Is(const BranchRun& branch, TaskOutcome::Kind kind) { return branch.outcome.kind == kind; }

// The index of the branch that ended first among those `matches` accepts; -1 when none does.
template <typename Predicate>
int FirstToEnd(const std::vector<BranchRun>& branches, Predicate matches) {
  int first = -1;
  for (size_t i = 0; i < branches.size(); ++i) {
    if (!matches(branches[i])) continue;
    if (first < 0 || branches[i].end_clock < branches[static_cast<size_t>(first)].end_clock) {
      first = static_cast<int>(i);
    }
  }
  return first;
}

}  // namespace

absl::StatusOr<TaskOutcome> TaskRunner::RunBranch(const std::string& name,
                                                  const nlohmann::ordered_json& task,
                                                  const std::string& path,
                                                  const nlohmann::json& input, const Scope& scope) {
  absl::StatusOr<TaskOutcome> outcome = RunTask(name, task, path, input, scope);
  if (!outcome.ok() || outcome->kind != TaskOutcome::Kind::kCompleted) return outcome;
  const std::string& then = outcome->then;
  if (then == "end") {
    return TaskOutcome{TaskOutcome::Kind::kEnded, std::move(outcome->output), "end", {}};
  }
  if (then != "continue" && then != "exit") {
    return TaskOutcome::Raised(durable::StandardError(
        "configuration", "Invalid flow directive",
        absl::StrCat("a fork branch runs on its own: its then may be continue, exit or end, not "
                     "the task \"",
                     then, "\""),
        path));
  }
  outcome->then = "continue";
  return outcome;
}

absl::StatusOr<TaskOutcome> TaskRunner::RunFork(const nlohmann::ordered_json& task,
                                                const std::string& path,
                                                const nlohmann::json& input, const Scope& scope) {
  const nlohmann::ordered_json& fork = task["fork"];
  const bool compete = fork.is_object() && fork.value("compete", false);
  const std::string branches_path = JsonPointerAppend(JsonPointerAppend(path, "fork"), "branches");
  auto list = fork.is_object() ? fork.find("branches") : fork.end();
  if (!fork.is_object() || list == fork.end() || !list->is_array() || list->empty()) {
    return TaskOutcome::Raised(durable::StandardError(
        "configuration", "Invalid fork", "fork.branches must hold at least one task", path));
  }

  const int64_t start_clock = context_.Clock();
  const nlohmann::json start_context = context_data_;
  std::vector<BranchRun> branches;
  for (size_t i = 0; i < list->size(); ++i) {
    auto [name, definition] = TaskListEntry((*list)[i]);
    const std::string branch_path = JsonPointerAppend(JsonPointerAppend(branches_path, i), name);
    context_.SetClock(start_clock);
    context_data_ = start_context;
    BranchRun branch;
    branch.commands_begin = context_.CommandMark();
    branch.pending_begin = context_.PendingMark();
    if (definition == nullptr) {
      branch.outcome = TaskOutcome::Raised(durable::StandardError(
          "configuration", "Invalid task", "a task list entry must hold one task", branch_path));
    } else {
      absl::StatusOr<TaskOutcome> outcome = RunBranch(name, *definition, branch_path, input, scope);
      if (!outcome.ok()) return outcome.status();
      branch.outcome = *std::move(outcome);
    }
    branch.end_clock = context_.Clock();
    branch.commands_end = context_.CommandMark();
    branch.pending_end = context_.PendingMark();
    branch.context = context_data_;
    branches.push_back(std::move(branch));
  }

  // The branch that decides the fork before the others are done: the first to raise or end the
  // workflow; in a competition, the first to complete (or end), or, when every branch raised,
  // the first to raise.
  auto any = [&](TaskOutcome::Kind kind) {
    return FirstToEnd(branches, [kind](const BranchRun& b) { return Is(b, kind); }) >= 0;
  };
  int decider = -1;
  if (compete) {
    decider = FirstToEnd(branches, [](const BranchRun& b) {
      return Is(b, TaskOutcome::Kind::kCompleted) || Is(b, TaskOutcome::Kind::kEnded);
    });
    if (decider < 0 && !any(TaskOutcome::Kind::kSuspended)) {
      decider = FirstToEnd(branches,
                           [](const BranchRun& b) { return Is(b, TaskOutcome::Kind::kRaised); });
    }
  } else {
    decider = FirstToEnd(branches, [](const BranchRun& b) {
      return Is(b, TaskOutcome::Kind::kRaised) || Is(b, TaskOutcome::Kind::kEnded);
    });
  }

  if (decider >= 0) {
    const size_t winner = static_cast<size_t>(decider);
    // From the last range to the first, so that the positions of the earlier ones hold.
    for (size_t i = branches.size(); i-- > 0;) {
      if (i == winner) continue;
      if (branches[i].commands_begin != branches[i].commands_end) {
        context_.DropCommands(branches[i].commands_begin, branches[i].commands_end);
      }
      context_.CancelPending(branches[i].pending_begin, branches[i].pending_end);
    }
    context_.SetClock(branches[winner].end_clock);
    context_data_ = std::move(branches[winner].context);
    return std::move(branches[winner].outcome);
  }

  int64_t end_clock = start_clock;
  for (const BranchRun& branch : branches) end_clock = std::max(end_clock, branch.end_clock);
  context_.SetClock(end_clock);
  if (any(TaskOutcome::Kind::kSuspended)) return TaskOutcome::Suspended();

  // Every branch completed. $context: the one of the last branch (by end clock, then index) to
  // change it, as if the branches' exports had happened in the order the branches ended.
  nlohmann::json output = nlohmann::json::array();
  int last_writer = -1;
  for (size_t i = 0; i < branches.size(); ++i) {
    output.push_back(std::move(branches[i].outcome.output));
    if (branches[i].context != start_context &&
        (last_writer < 0 ||
         branches[i].end_clock >= branches[static_cast<size_t>(last_writer)].end_clock)) {
      last_writer = static_cast<int>(i);
    }
  }
  context_data_ = last_writer < 0 ? start_context
                                  : std::move(branches[static_cast<size_t>(last_writer)].context);
  return TaskOutcome::Completed(std::move(output));
}

}  // namespace stigmer::workflow
