#include "agent/mcp/mcp_client.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/errno_status.h"
#include "common/executable_search.h"
#include "common/json_fields.h"
#include "common/scoped_sigpipe_block.h"

namespace stigmer::agent {
namespace {

constexpr size_t kStderrTailBytes = 4096;
constexpr int kMaxToolPages = 50;
constexpr absl::Duration kKeepGoingInterval = absl::Seconds(1);

int PollMillis(absl::Time deadline) {
  const absl::Duration left = std::min(deadline - absl::Now(), kKeepGoingInterval);
  return std::max<int>(0, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
}

}  // namespace

std::string McpResultText(const nlohmann::json& result) {
  std::vector<std::string> parts;
  const auto content = result.find("content");
  if (content != result.end() && content->is_array()) {
    for (const nlohmann::json& item : *content) {
      const std::string type = StringAt(item, "type");
      if (type == "text") {
        parts.push_back(StringAt(item, "text"));
      } else if (type == "resource") {
        const nlohmann::json resource = item.value("resource", nlohmann::json::object());
        const std::string text = StringAt(resource, "text");
        parts.push_back(text.empty() ? absl::StrCat("[resource ", StringAt(resource, "uri"), "]")
                                     : text);
      } else if (!type.empty()) {
        parts.push_back(absl::StrCat("[", type, " ", StringAt(item, "mimeType"), "]"));
      }
    }
  }
  if (parts.empty()) {
    const auto structured = result.find("structuredContent");
    if (structured != result.end()) return structured->dump();
  }
  return absl::StrJoin(parts, "\n");
}

McpClient::McpClient(Key, McpServerConfig config, activities::ShellProcess process)
    : config_(std::move(config)),
      process_(std::move(process)),
      stdout_lines_(config_.max_message_bytes) {}

McpClient::~McpClient() {
  // Closing stdin is how a stdio server is told to stop; it goes with its group anyway.
  process_.stdin_pipe().Reset();
  process_.SignalGroup(SIGTERM);
  process_.KillGroupAndReap();
}

absl::StatusOr<std::unique_ptr<McpClient>> McpClient::Start(
    const McpServerConfig& config, absl::string_view search_path, absl::Duration timeout,
    const std::function<bool()>& keep_going) {
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
  auto client = std::make_unique<McpClient>(Key(), config, *std::move(process));
  const absl::Time deadline = absl::Now() + timeout;
  const nlohmann::json params = {
      {"protocolVersion", kMcpProtocolVersion},
      {"capabilities", nlohmann::json::object()},
      {"clientInfo", {{"name", "stigmer-agent-runner"}, {"version", "0.1.0"}}}};
  absl::StatusOr<nlohmann::json> initialized =
      client->Request("initialize", params, deadline, keep_going);
  if (!initialized.ok()) return initialized.status();
  client->server_info_ = initialized->value("serverInfo", nlohmann::json::object());
  absl::Status sent =
      client->Send(JsonRpcLine(nullptr, "notifications/initialized", nullptr), deadline);
  if (!sent.ok()) return sent;
  return client;
}

absl::StatusOr<std::vector<McpTool>> McpClient::ListTools(absl::Duration timeout,
                                                          const std::function<bool()>& keep_going) {
  const absl::Time deadline = absl::Now() + timeout;
  std::vector<McpTool> tools;
  std::string cursor;
  for (int page = 0; page < kMaxToolPages; ++page) {
    nlohmann::json params = nlohmann::json::object();
    if (!cursor.empty()) params["cursor"] = cursor;
    absl::StatusOr<nlohmann::json> listed = Request("tools/list", params, deadline, keep_going);
    if (!listed.ok()) return listed.status();
    const auto found = listed->find("tools");
    if (found == listed->end() || !found->is_array()) {
      return absl::InvalidArgumentError(absl::StrCat("the MCP server ", config_.name,
                                                     " answered tools/list without a tool list"));
    }
    for (const nlohmann::json& tool : *found) {
      const std::string name = StringAt(tool, "name");
      if (name.empty()) continue;
      McpTool& listed_tool = tools.emplace_back();
      listed_tool.name = name;
      listed_tool.description = StringAt(tool, "description");
      const auto schema = tool.find("inputSchema");
      if (schema != tool.end() && schema->is_object()) listed_tool.input_schema = *schema;
    }
    cursor = StringAt(*listed, "nextCursor");
    if (cursor.empty()) return tools;
  }
  return tools;
}

absl::StatusOr<McpCallResult> McpClient::CallTool(const std::string& name,
                                                  const nlohmann::json& arguments,
                                                  absl::Duration timeout,
                                                  const std::function<bool()>& keep_going) {
  absl::StatusOr<nlohmann::json> called = Request(
      "tools/call", {{"name", name}, {"arguments", arguments}}, absl::Now() + timeout, keep_going);
  if (!called.ok()) return called.status();
  McpCallResult result;
  result.text = McpResultText(*called);
  const auto is_error = called->find("isError");
  result.is_error = is_error != called->end() && is_error->is_boolean() && is_error->get<bool>();
  result.content = *std::move(called);
  return result;
}

absl::StatusOr<nlohmann::json> McpClient::Call(const std::string& method,
                                               const nlohmann::json& params, absl::Duration timeout,
                                               const std::function<bool()>& keep_going) {
  return Request(method, params, absl::Now() + timeout, keep_going);
}

absl::StatusOr<nlohmann::json> McpClient::Request(const std::string& method,
                                                  const nlohmann::json& params, absl::Time deadline,
                                                  const std::function<bool()>& keep_going) {
  if (!alive_) return Died(method);
  const int64_t id = next_id_++;
  if (absl::Status sent = Send(JsonRpcLine(id, method, params), deadline); !sent.ok()) return sent;
  while (true) {
    absl::StatusOr<std::string> line = ReadLine(deadline, keep_going);
    if (absl::IsCancelled(line.status()) || absl::IsDeadlineExceeded(line.status())) {
      // Tell the server to stop working on it; its late answer is skipped (ids differ).
      (void)Send(JsonRpcLine(nullptr, "notifications/cancelled",
                             {{"requestId", id}, {"reason", std::string(line.status().message())}}),
                 absl::Now() + absl::Seconds(1));
    }
    if (!line.ok()) return line.status();
    JsonRpcMessage message = ParseJsonRpcLine(*line);
    switch (message.kind) {
      case JsonRpcMessage::Kind::kResponse:
        if (message.id != id) continue;  // a late answer to a cancelled request
        if (!message.error.is_null()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the MCP server ", config_.name, " answered ", method, " with error ",
              IntegerAt(message.error, "code"), ": ", StringAt(message.error, "message")));
        }
        return message.result.is_object() ? message.result : nlohmann::json::object();
      case JsonRpcMessage::Kind::kRequest: {
        const std::string answer =
            message.method == "ping"
                ? JsonRpcResultLine(message.id, nlohmann::json::object())
                : JsonRpcErrorLine(message.id, -32601, "stigmer does not offer this method");
        if (absl::Status sent = Send(answer, deadline); !sent.ok()) return sent;
        continue;
      }
      case JsonRpcMessage::Kind::kNotification:
      case JsonRpcMessage::Kind::kInvalid:
        continue;
    }
  }
}

absl::Status McpClient::Send(const std::string& line, absl::Time deadline) {
  ScopedSigpipeBlock no_sigpipe;  // a server that died is an EPIPE here, not the worker's death
  absl::string_view left = line;
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
          absl::StrCat("the MCP server ", config_.name, " does not read its input"));
    }
    pollfd out{process_.stdin_pipe().get(), POLLOUT, 0};
    ::poll(&out, 1, PollMillis(deadline));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> McpClient::ReadLine(absl::Time deadline,
                                                const std::function<bool()>& keep_going) {
  char buffer[65536];
  while (true) {
    absl::StatusOr<std::optional<std::string>> next = stdout_lines_.Next();
    if (!next.ok()) {
      alive_ = false;
      return absl::ResourceExhaustedError(
          absl::StrCat("the MCP server ", config_.name, ": ", next.status().message()));
    }
    if (next->has_value()) return **std::move(next);
    if (!keep_going()) {
      return absl::CancelledError(
          absl::StrCat("the call to the MCP server ", config_.name, " was cancelled"));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("the MCP server ", config_.name, " did not answer in time"));
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

absl::Status McpClient::Died(absl::string_view doing) {
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
  return absl::UnavailableError(absl::StrCat("the MCP server ", config_.name, " ", how, " while ",
                                             "waiting for ", doing,
                                             tail.empty() ? "" : "; its last words: ", tail));
}

}  // namespace stigmer::agent
