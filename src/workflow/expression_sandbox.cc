#include "workflow/expression_sandbox.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/byte_size.h"
#include "common/scoped_sigpipe_block.h"
#include "workflow/sandbox_frames.h"

namespace stigmer::workflow {

ExpressionSandbox::ExpressionSandbox(std::shared_ptr<SandboxLauncher> launcher,
                                     ExpressionLimits limits)
    : launcher_(std::move(launcher)), limits_(limits) {}

absl::Status ExpressionSandbox::EnsureChild() {
  if (child_ && !child_->PeekExit()) return absl::OkStatus();
  child_.reset();  // one that ended between evaluations (e.g. its starting thread ended)
  absl::StatusOr<std::unique_ptr<SandboxChild>> started =
      launcher_->Start(limits_.memory_bytes, limits_.max_result_bytes);
  if (!started.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot start the expression sandbox: ", started.status().message()));
  }
  child_ = *std::move(started);
  return absl::OkStatus();
}

absl::Status ExpressionSandbox::ChildEnded(SandboxRequest kind, bool killed, bool task_deadline) {
  std::optional<activities::ProcessExit> exit;
  if (!killed) {
    // It closed its end: it is exiting; wait for it briefly to learn how.
    pollfd entry{child_->exit_fd(), POLLIN, 0};
    ::poll(&entry, 1, 1000);
    exit = child_->PeekExit();
  }
  child_.reset();  // kills it
  if (killed && task_deadline) {
    return absl::ResourceExhaustedError(
        absl::StrCat("stopped: the expressions of one workflow task may take ",
                     absl::FormatDuration(task_budget_), " together"));
  }
  if (killed) {
    return absl::ResourceExhaustedError(
        absl::StrCat("stopped after ", absl::FormatDuration(limits_.timeout),
                     ", the limit for one expression (STIGMER_EXPRESSION_TIMEOUT_MS)"));
  }
  // std::regex recurses once per character of the string it matches.
  if (kind == SandboxRequest::kJsonSchema && exit && exit->signaled &&
      (exit->value == SIGABRT || exit->value == SIGSEGV)) {
    return absl::ResourceExhaustedError(
        "stopped: the schema's `pattern` recursed too deep on a long string (patterns run "
        "once per character; bound the string with maxLength before its pattern)");
  }
  // libjq aborts when an allocation fails (RLIMIT_DATA); a deep recursion may overflow.
  if (exit && exit->signaled && (exit->value == SIGABRT || exit->value == SIGSEGV)) {
    return absl::ResourceExhaustedError(
        absl::StrCat("stopped at the ", HumanBytes(limits_.memory_bytes),
                     " memory limit for expressions (STIGMER_EXPRESSION_MEMORY_MB)"));
  }
  return absl::UnavailableError(absl::StrCat("the expression sandbox ended unexpectedly (",
                                             !exit            ? std::string("still running")
                                             : exit->signaled ? absl::StrCat("signal ", exit->value)
                                                              : absl::StrCat("exit ", exit->value),
                                             ")"));
}

absl::StatusOr<std::optional<std::string>> ExpressionSandbox::Run(const std::string& program,
                                                                  const std::string& input_json) {
  return Ask(SandboxRequest::kJqProgram, program, input_json);
}

absl::Status ExpressionSandbox::CheckSchema(const std::string& schema_json,
                                            const std::string& value_json) {
  return Ask(SandboxRequest::kJsonSchema, schema_json, value_json).status();
}

absl::StatusOr<std::optional<std::string>> ExpressionSandbox::Ask(SandboxRequest kind,
                                                                  const std::string& program,
                                                                  const std::string& input_json) {
  absl::StatusOr<std::optional<std::string>> result = AskOnce(kind, program, input_json);
  // A child lost for a reason of its own (killed from outside, or with the thread that started
  // it) says nothing about the expression: once more, in a new child.
  if (absl::IsUnavailable(result.status())) result = AskOnce(kind, program, input_json);
  if (absl::IsUnavailable(result.status())) failure_ = result.status();
  return result;
}

absl::StatusOr<std::optional<std::string>> ExpressionSandbox::AskOnce(
    SandboxRequest kind, const std::string& program, const std::string& input_json) {
  if (absl::Status started = EnsureChild(); !started.ok()) return started;
  const absl::Time own_deadline = absl::Now() + limits_.timeout;
  const bool task_bound = deadline_ < own_deadline;
  const absl::Time deadline = task_bound ? deadline_ : own_deadline;

  std::string request;
  request.reserve(program.size() + input_json.size() + 9);
  request.push_back(static_cast<char>(kind));
  AppendSandboxField(request, program);
  AppendSandboxField(request, input_json);
  absl::Status io;
  {
    ScopedSigpipeBlock no_sigpipe;  // a child that died mid-request is an EPIPE, not our death
    io = WriteAllBy(child_->request_fd(), request, deadline);
  }
  std::string header, text;
  if (io.ok()) io = ReadExactBy(child_->answer_fd(), 5, deadline, header);
  uint32_t length = 0;
  if (io.ok()) {
    std::memcpy(&length, header.data() + 1, sizeof(length));
    if (length > kMaxSandboxField) return ChildEnded(kind, false, false);
    io = ReadExactBy(child_->answer_fd(), length, deadline, text);
  }
  if (absl::IsDeadlineExceeded(io)) return ChildEnded(kind, true, task_bound);
  if (!io.ok()) return ChildEnded(kind, false, false);

  switch (static_cast<SandboxAnswer>(header[0])) {
    case SandboxAnswer::kResult:
      return std::optional<std::string>(std::move(text));
    case SandboxAnswer::kNoResult:
      return std::optional<std::string>();
    case SandboxAnswer::kJqError:
      return absl::InvalidArgumentError(text);
    case SandboxAnswer::kBoundReached:
      return absl::ResourceExhaustedError(text);
  }
  return ChildEnded(kind, false, false);
}

}  // namespace stigmer::workflow
