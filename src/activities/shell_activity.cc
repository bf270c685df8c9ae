#include "activities/shell_activity.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "activities/activity_text.h"
#include "activities/shell_process.h"
#include "common/scoped_sigpipe_block.h"

extern char** environ;

namespace stigmer::activities {
namespace {

using json = nlohmann::json;

constexpr absl::Duration kControlInterval = absl::Seconds(1);
constexpr absl::Duration kTerminateGrace = absl::Seconds(2);

enum class ReturnMode { kStdout, kStderr, kCode, kAll, kNone };

struct ShellRequest {
  std::string command;
  std::vector<std::string> arguments;
  std::map<std::string, std::optional<std::string>> environment;  // nullopt: unset
  std::string stdin_text;
  std::string working_dir;  // empty: the worker's own
  ReturnMode mode = ReturnMode::kStdout;
  bool await = true;
};

durable::WorkflowError Configuration(std::string detail) {
  return durable::StandardError("configuration", "Invalid shell command", std::move(detail), "");
}

std::string Text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::optional<durable::WorkflowError> ReadShell(const json& shell, ShellRequest& request) {
  if (!shell.is_object()) return Configuration("`run.shell` must be an object");
  auto command = shell.find("command");
  if (command == shell.end() || !command->is_string() || command->get<std::string>().empty()) {
    return Configuration("`run.shell.command` is required and must be a non-empty string");
  }
  request.command = command->get<std::string>();
  if (auto arguments = shell.find("arguments"); arguments != shell.end()) {
    if (arguments->is_array()) {
      for (const json& argument : *arguments) request.arguments.push_back(Text(argument));
    } else if (arguments->is_object()) {
      for (const auto& [name, value] : arguments->items()) {
        request.arguments.push_back(name);
        if (!value.is_null()) request.arguments.push_back(Text(value));
      }
    } else if (!arguments->is_null()) {
      return Configuration("`run.shell.arguments` must be a list or a map");
    }
  }
  if (auto environment = shell.find("environment"); environment != shell.end()) {
    if (!environment->is_object() && !environment->is_null()) {
      return Configuration("`run.shell.environment` must be a map");
    }
    for (const auto& [name, value] : environment->items()) {
      if (name.empty() || name.find('=') != std::string::npos) {
        return Configuration(absl::StrCat("`", name, "` is not a valid environment variable name"));
      }
      if (value.is_null()) {
        request.environment[name] = std::nullopt;
      } else {
        request.environment[name] = Text(value);
      }
    }
  }
  if (auto stdin_value = shell.find("stdin");
      stdin_value != shell.end() && !stdin_value->is_null()) {
    request.stdin_text = Text(*stdin_value);
  }
  return std::nullopt;
}

std::variant<ShellRequest, durable::WorkflowError> ReadRequest(const json& input) {
  if (!input.is_object()) return Configuration("the activity input must be an object");
  ShellRequest request;
  static const json kMissing;
  auto shell = input.find("shell");
  if (auto error = ReadShell(shell != input.end() ? *shell : kMissing, request)) return *error;
  const json mode = input.value("return", json("stdout"));
  const std::pair<const char*, ReturnMode> kModes[] = {{"stdout", ReturnMode::kStdout},
                                                       {"stderr", ReturnMode::kStderr},
                                                       {"code", ReturnMode::kCode},
                                                       {"all", ReturnMode::kAll},
                                                       {"none", ReturnMode::kNone}};
  bool known = false;
  for (const auto& [name, value] : kModes) {
    if (mode == name) {
      request.mode = value;
      known = true;
    }
  }
  if (!known) {
    return Configuration(
        absl::StrCat("`run.return` must be stdout, stderr, code, all or none, "
                     "not ",
                     mode.dump()));
  }
  if (auto dir = input.find("working_dir"); dir != input.end() && !dir->is_null()) {
    if (!dir->is_string()) return Configuration("`working_dir` must be a string");
    request.working_dir = dir->get<std::string>();
  }
  const json await = input.value("await", json(true));
  if (!await.is_boolean()) return Configuration("`run.await` must be a boolean");
  request.await = await.get<bool>();
  return request;
}

// The worker's environment with the request's changes.
std::vector<std::string> Environment(const ShellRequest& request) {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const absl::string_view text(*entry);
    const std::string name(text.substr(0, text.find('=')));
    if (request.environment.count(name) == 0) env.emplace_back(text);
  }
  for (const auto& [name, value] : request.environment) {
    if (value) env.push_back(absl::StrCat(name, "=", *value));
  }
  return env;
}

ProcessOptions Options(const ShellRequest& request) {
  ProcessOptions options;
  // `sh -c COMMAND sh ARG...`: the arguments are the command's positional parameters ($1,
  // "$@"), as the spec's run-shell example reads them.
  options.argv = {"/bin/sh", "-c", request.command};
  if (!request.arguments.empty()) {
    options.argv.push_back("sh");  // $0
    options.argv.insert(options.argv.end(), request.arguments.begin(), request.arguments.end());
  }
  options.env = Environment(request);
  options.working_dir = request.working_dir;
  options.record_group = request.await;  // a detached command is meant to outlive the worker
  return options;
}

// What the command came to.
struct Finished {
  ProcessExit exit;
  std::string out, err;
};
struct Stopped {};   // KeepGoing() said no
struct TimedOut {};  // still running at the deadline
struct TooLarge {
  const char* stream;
};
using Run = std::variant<Finished, Stopped, TimedOut, TooLarge>;

// SIGTERM to the group, then SIGKILL once the leader is gone or the grace has passed.
void Terminate(ShellProcess& process) {
  process.SignalGroup(SIGTERM);
  pollfd exit_event{process.exit_fd(), POLLIN, 0};
  const absl::Time deadline = absl::Now() + kTerminateGrace;
  while (!process.PeekExit()) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left <= 0) break;
    ::poll(&exit_event, 1, static_cast<int>(left));
  }
  process.KillGroupAndReap();
}

// Reads what is ready on `fd` into `data`: false once `data` holds more than `limit`.
bool Drain(UniqueFd& fd, std::string& data, size_t limit) {
  char buffer[65536];
  while (fd) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) break;
    if (got <= 0) {
      fd.Reset();  // end of file, or an error that ends the stream alike
      break;
    }
    data.append(buffer, static_cast<size_t>(got));
    if (data.size() > limit) return false;
  }
  return true;
}

// Feeds stdin as the pipe takes it; closes it once all is written or the reader is gone.
void Feed(UniqueFd& fd, absl::string_view& left) {
  while (fd && !left.empty()) {
    const ssize_t put = ::write(fd.get(), left.data(), left.size());
    if (put < 0 && errno == EINTR) continue;
    if (put < 0 && errno == EAGAIN) return;
    if (put < 0) break;  // EPIPE: the command does not read it
    left.remove_prefix(static_cast<size_t>(put));
  }
  fd.Reset();
}

Run Capture(ShellProcess& process, const std::string& stdin_text, size_t limit,
            absl::Duration timeout, ActivityControl& control) {
  ScopedSigpipeBlock no_sigpipe;
  Finished finished;
  absl::string_view stdin_left = stdin_text;
  std::optional<ProcessExit> exited;
  const absl::Time deadline = absl::Now() + timeout;
  absl::Time next_check = absl::Now() + kControlInterval;  // the caller has just asked
  if (stdin_left.empty()) process.stdin_pipe().Reset();
  while (true) {
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      Terminate(process);
      return TimedOut{};
    }
    if (now >= next_check) {
      if (!control.KeepGoing()) {
        Terminate(process);
        return Stopped{};
      }
      next_check = now + kControlInterval;
    }
    if (exited && !process.stdout_pipe() && !process.stderr_pipe()) break;
    pollfd fds[4];
    nfds_t count = 0;
    const auto watch = [&fds, &count](int fd, short events) {
      if (fd >= 0) fds[count++] = pollfd{fd, events, 0};
    };
    watch(process.stdout_pipe().get(), POLLIN);
    watch(process.stderr_pipe().get(), POLLIN);
    watch(process.stdin_pipe().get(), POLLOUT);
    if (!exited) watch(process.exit_fd(), POLLIN);
    const int64_t wait_ms =
        std::max<int64_t>(0, absl::ToInt64Milliseconds(std::min(next_check, deadline) - now));
    if (::poll(fds, count, static_cast<int>(wait_ms) + 1) < 0 && errno != EINTR) {
      break;  // cannot happen with valid descriptors; the command is killed below
    }
    Feed(process.stdin_pipe(), stdin_left);
    if (!Drain(process.stdout_pipe(), finished.out, limit)) return TooLarge{"stdout"};
    if (!Drain(process.stderr_pipe(), finished.err, limit)) return TooLarge{"stderr"};
    if (!exited) exited = process.PeekExit();
  }
  process.KillGroupAndReap();  // whatever the command left behind in its group
  finished.exit = exited.value_or(ProcessExit{true, SIGKILL});
  return finished;
}

// Text without its one final newline.
std::string StreamText(const std::string& bytes) {
  absl::string_view text = bytes;
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r' && bytes.back() == '\n') text.remove_suffix(1);
  return ToValidUtf8(text);
}

ActivityResult Outcome(const Finished& finished, ReturnMode mode, const std::string& task) {
  const std::string stderr_excerpt =
      finished.err.empty() ? "" : absl::StrCat(": ", Excerpt(StreamText(finished.err)));
  if (finished.exit.signaled) {
    const char* name = ::sigabbrev_np(finished.exit.value);
    return ActivityResult::Failure(
        durable::StandardError("runtime", "Command killed",
                               absl::StrCat("killed by signal ", finished.exit.value, " (SIG",
                                            name ? name : "?", ")", stderr_excerpt),
                               task));
  }
  const int code = finished.exit.value;
  if (code != 0 && mode != ReturnMode::kCode && mode != ReturnMode::kAll) {
    return ActivityResult::Failure(durable::StandardError(
        "runtime", "Command failed", absl::StrCat("exit code ", code, stderr_excerpt), task));
  }
  switch (mode) {
    case ReturnMode::kStdout:
      return ActivityResult::Success(StreamText(finished.out));
    case ReturnMode::kStderr:
      return ActivityResult::Success(StreamText(finished.err));
    case ReturnMode::kCode:
      return ActivityResult::Success(code);
    case ReturnMode::kAll:
      return ActivityResult::Success({{"code", code},
                                      {"stdout", StreamText(finished.out)},
                                      {"stderr", StreamText(finished.err)}});
    case ReturnMode::kNone:
      break;
  }
  return ActivityResult::Success(nullptr);
}

}  // namespace

ActivityResult RunShellActivity(const json& input, const ActivityLimits& limits,
                                ActivityControl& control) {
  const std::string task = ActivityTaskPath(input);
  auto read = ReadRequest(input);
  if (auto* error = std::get_if<durable::WorkflowError>(&read)) {
    error->instance = task;
    return ActivityResult::Failure(std::move(*error));
  }
  const ShellRequest& request = std::get<ShellRequest>(read);
  if (!control.KeepGoing()) return ActivityResult::Cancelled();
  const ProcessOptions options = Options(request);

  if (!request.await) {
    absl::Status started = ShellProcess::StartDetached(options, request.stdin_text);
    if (absl::IsInvalidArgument(started)) {
      return ActivityResult::Failure(durable::StandardError(
          "configuration", "Invalid shell command", std::string(started.message()), task));
    }
    if (!started.ok()) {
      return ActivityResult::Failure(durable::StandardError("runtime", "Command not started",
                                                            std::string(started.message()), task));
    }
    return ActivityResult::Success(input.value("input", json()));
  }

  absl::StatusOr<ShellProcess> process = ShellProcess::Start(options);
  if (!process.ok()) {
    return ActivityResult::Failure(durable::StandardError(
        "runtime", "Command not started", std::string(process.status().message()), task));
  }
  const absl::Duration timeout = ActivityTimeout(input, limits.shell_timeout);
  Run run = Capture(*process, request.stdin_text, limits.max_output_bytes, timeout, control);
  if (std::holds_alternative<Stopped>(run)) return ActivityResult::Cancelled();
  if (std::holds_alternative<TimedOut>(run)) {
    return ActivityResult::Failure(durable::StandardError(
        "timeout", "Command timed out",
        absl::StrCat("the command did not finish within ", absl::FormatDuration(timeout),
                     timeout == limits.shell_timeout
                         ? " (the limit is set by STIGMER_SHELL_TIMEOUT_S)"
                         : " (the task's timeout)",
                     "; its process group was killed"),
        task));
  }
  if (const auto* too_large = std::get_if<TooLarge>(&run)) {
    process->KillGroupAndReap();
    return ActivityResult::Failure(durable::StandardError(
        "runtime", "Output too large",
        absl::StrCat("the ", too_large->stream, " of the command exceeded ",
                     limits.max_output_bytes,
                     " bytes (the limit is set by STIGMER_MAX_OUTPUT_BYTES); it was killed"),
        task));
  }
  return Outcome(std::get<Finished>(run), request.mode, task);
}

}  // namespace stigmer::activities
