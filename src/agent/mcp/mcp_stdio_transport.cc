#include "agent/mcp/mcp_stdio_transport.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/mcp/mcp_client.h"
#include "common/errno_status.h"
#include "common/executable_search.h"
#include "common/scoped_sigpipe_block.h"

namespace stigmer::agent {
namespace {

constexpr size_t kStderrTailBytes = 4096;
constexpr absl::Duration kKeepGoingInterval = absl::Seconds(1);

int PollMillis(absl::Time deadline) {
  const absl::Duration left = std::min(deadline - absl::Now(), kKeepGoingInterval);
  return std::max<int>(0, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
}

}  // namespace

absl::StatusOr<std::unique_ptr<McpStdioTransport>> McpStdioTransport::Start(
    const McpServerConfig& config, absl::string_view search_path) {
  if (config.argv.empty() || config.argv[0].empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the MCP server ", config.name, " has no command"));
  }
  std::optional<std::filesystem::path> program = FindExecutable(config.argv[0], search_path);
  if (!program) {
    return absl::NotFoundError(absl::StrCat("the MCP server ", config.name, "'s command \"",
                                            config.argv[0], "\" was not found (PATH: ", search_path,
                                            "): install it or give its full path"));
  }
  activities::ProcessOptions options;
  options.argv = config.argv;
  options.argv[0] = program->string();
  options.env = config.env;
  options.working_dir = config.working_dir;
  absl::StatusOr<activities::ShellProcess> process = activities::ShellProcess::Start(options);
  if (!process.ok()) {
    return absl::Status(process.status().code(), absl::StrCat("the MCP server ", config.name, ": ",
                                                              process.status().message()));
  }
  return std::make_unique<McpStdioTransport>(config.name, config.max_message_bytes,
                                             *std::move(process));
}

McpStdioTransport::McpStdioTransport(std::string name, size_t max_message_bytes,
                                     activities::ShellProcess process)
    : name_(std::move(name)), process_(std::move(process)), stdout_lines_(max_message_bytes) {}

McpStdioTransport::~McpStdioTransport() {
  // Closing stdin is how a stdio server is told to stop; it goes with its group anyway.
  process_.stdin_pipe().Reset();
  process_.SignalGroup(SIGTERM);
  process_.KillGroupAndReap();
}

absl::Status McpStdioTransport::Send(const std::string& message, absl::Time deadline,
                                     const std::function<bool()>& /*keep_going*/) {
  ScopedSigpipeBlock no_sigpipe;  // a server that died is an EPIPE here, not the worker's death
  absl::string_view left = message;
  while (!left.empty()) {
    const ssize_t wrote = ::write(process_.stdin_pipe().get(), left.data(), left.size());
    if (wrote > 0) {
      left.remove_prefix(static_cast<size_t>(wrote));
      continue;
    }
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0 && errno != EAGAIN) return Died("a request");
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("the MCP server ", name_, " does not read its input"));
    }
    pollfd out{process_.stdin_pipe().get(), POLLOUT, 0};
    ::poll(&out, 1, PollMillis(deadline));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> McpStdioTransport::Receive(absl::Time deadline,
                                                       const std::function<bool()>& keep_going) {
  char buffer[65536];
  while (true) {
    absl::StatusOr<std::optional<std::string>> next = stdout_lines_.Next();
    if (!next.ok()) {
      alive_ = false;
      return absl::ResourceExhaustedError(
          absl::StrCat("the MCP server ", name_, ": ", next.status().message()));
    }
    if (next->has_value()) return **std::move(next);
    if (!keep_going()) {
      return absl::CancelledError(
          absl::StrCat("the call to the MCP server ", name_, " was cancelled"));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("the MCP server ", name_, " did not answer in time"));
    }
    pollfd fds[2] = {{process_.stdout_pipe().get(), POLLIN, 0},
                     {process_.stderr_pipe().get(), POLLIN, 0}};
    const int ready = ::poll(fds, process_.stderr_pipe() ? 2 : 1, PollMillis(deadline));
    if (ready < 0 && errno != EINTR) return ErrnoToStatus("poll", errno);
    if (process_.stderr_pipe() && (fds[1].revents & (POLLIN | POLLHUP))) {
      const ssize_t got = ::read(process_.stderr_pipe().get(), buffer, sizeof buffer);
      if (got > 0) {
        stderr_tail_.append(buffer, static_cast<size_t>(got));
        if (stderr_tail_.size() > kStderrTailBytes) {
          stderr_tail_.erase(0, stderr_tail_.size() - kStderrTailBytes);
        }
      } else if (got == 0) {
        process_.stderr_pipe().Reset();
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t got = ::read(process_.stdout_pipe().get(), buffer, sizeof buffer);
      if (got > 0) {
        stdout_lines_.Append(absl::string_view(buffer, static_cast<size_t>(got)));
      } else if (got == 0) {
        return Died("an answer");
      }
    }
  }
}

absl::Status McpStdioTransport::Died(absl::string_view doing) {
  alive_ = false;
  std::string how = "closed its output";
  pollfd exited{process_.exit_fd(), POLLIN, 0};
  ::poll(&exited, 1, 200);  // output closes just before the exit is seen: give it a moment
  if (std::optional<activities::ProcessExit> exit = process_.PeekExit()) {
    how = exit->signaled ? absl::StrCat("was killed by signal ", exit->value)
                         : absl::StrCat("exited with code ", exit->value);
  }
  std::string tail(stderr_tail_);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  return absl::UnavailableError(absl::StrCat("the MCP server ", name_, " ", how, " while ",
                                             "waiting for ", doing,
                                             tail.empty() ? "" : "; its last words: ", tail));
}

}  // namespace stigmer::agent
