#include "activities/process_run.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "activities/activity_text.h"
#include "common/scoped_sigpipe_block.h"

extern char** environ;

namespace stigmer::activities {
namespace {

using json = nlohmann::json;

constexpr absl::Duration kControlInterval = absl::Seconds(1);
constexpr absl::Duration kTerminateGrace = absl::Seconds(2);

class KeepGoingUntilDone final : public ActivityControl {
 public:
  bool KeepGoing() override { return true; }
};

std::string Text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
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

std::optional<std::string> ReadProcessIo(const json& spec, absl::string_view field, ProcessIo& io) {
  if (auto arguments = spec.find("arguments"); arguments != spec.end()) {
    if (arguments->is_array()) {
      for (const json& argument : *arguments) io.arguments.push_back(Text(argument));
    } else if (arguments->is_object()) {
      for (const auto& [name, value] : arguments->items()) {
        io.arguments.push_back(name);
        if (!value.is_null()) io.arguments.push_back(Text(value));
      }
    } else if (!arguments->is_null()) {
      return absl::StrCat("`", field, ".arguments` must be a list or a map");
    }
  }
  if (auto environment = spec.find("environment"); environment != spec.end()) {
    if (!environment->is_object() && !environment->is_null()) {
      return absl::StrCat("`", field, ".environment` must be a map");
    }
    for (const auto& [name, value] : environment->items()) {
      if (name.empty() || name.find('=') != std::string::npos) {
        return absl::StrCat("`", name, "` is not a valid environment variable name");
      }
      if (value.is_null()) {
        io.environment[name] = std::nullopt;
      } else {
        io.environment[name] = Text(value);
      }
    }
  }
  if (auto stdin_value = spec.find("stdin"); stdin_value != spec.end() && !stdin_value->is_null()) {
    io.stdin_text = Text(*stdin_value);
  }
  return std::nullopt;
}

std::optional<std::string> ReadReturnAndAwait(const json& input, ReturnMode& mode, bool& await) {
  const json name = input.value("return", json("stdout"));
  const std::pair<const char*, ReturnMode> kModes[] = {{"stdout", ReturnMode::kStdout},
                                                       {"stderr", ReturnMode::kStderr},
                                                       {"code", ReturnMode::kCode},
                                                       {"all", ReturnMode::kAll},
                                                       {"none", ReturnMode::kNone}};
  bool known = false;
  for (const auto& [text, value] : kModes) {
    if (name == text) {
      mode = value;
      known = true;
    }
  }
  if (!known) {
    return absl::StrCat("`run.return` must be stdout, stderr, code, all or none, not ",
                        name.dump());
  }
  const json awaited = input.value("await", json(true));
  if (!awaited.is_boolean()) return "`run.await` must be a boolean";
  await = awaited.get<bool>();
  return std::nullopt;
}

std::vector<std::string> WorkerEnvironmentWith(
    const std::map<std::string, std::optional<std::string>>& changes) {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const absl::string_view text(*entry);
    const std::string name(text.substr(0, text.find('=')));
    if (changes.count(name) == 0) env.emplace_back(text);
  }
  for (const auto& [name, value] : changes) {
    if (value) env.push_back(absl::StrCat(name, "=", *value));
  }
  return env;
}

ActivityResult RunProcessActivity(const ProcessOptions& options, const std::string& stdin_text,
                                  ReturnMode mode, bool await, const json& input,
                                  const ActivityLimits& limits, ActivityControl& control) {
  const std::string task = ActivityTaskPath(input);
  if (!control.KeepGoing()) return ActivityResult::Cancelled();

  if (!await) {
    absl::Status started = ShellProcess::StartDetached(options, stdin_text);
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
  Run run = Capture(*process, stdin_text, limits.max_output_bytes, timeout, control);
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
  return Outcome(std::get<Finished>(run), mode, task);
}

ActivityResult RunHelperProcess(const std::vector<std::string>& argv, ReturnMode mode,
                                absl::Duration timeout) {
  ProcessOptions options;
  options.argv = argv;
  options.env = WorkerEnvironmentWith({});
  KeepGoingUntilDone control;
  return RunProcessActivity(options, "", mode, true,
                            {{"timeout_ms", absl::ToInt64Milliseconds(timeout)}}, ActivityLimits{},
                            control);
}

}  // namespace stigmer::activities
