#include "cli/chat_command.h"

#include <unistd.h>

#include <iostream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cli/agent_progress.h"
#include "cli/api_client.h"
#include "cli/execution_commands.h"
#include "cli/execution_follow.h"
#include "cli/server_connect.h"
#include "common/grpc_status.h"

namespace stigmer::cli {
namespace {

using stigmer::v1::Execution;

// Asks whether `call` may run and sends the answer; the end of the input denies.
// `echo`: repeat the answer (input that is not a terminal shows none).
void AskApproval(ApiClient& client, TerminalOutput& output, std::istream& in, bool echo,
                 const Execution& execution, const stigmer::v1::PendingApproval& call) {
  output.out() << "approve call " << call.call_id() << " (tool " << call.tool() << " "
               << CutText(call.arguments(), 200) << ")? [y/N] " << std::flush;
  std::string answer;
  const bool answered = static_cast<bool>(std::getline(in, answer));
  if (!answered || echo) output.Line(answer);
  answer = absl::AsciiStrToLower(absl::StripAsciiWhitespace(answer));
  stigmer::v1::ApproveRequest request;
  request.set_id(execution.id());
  request.set_call_id(call.call_id());
  request.set_approved(answered && (answer == "y" || answer == "yes"));
  if (!request.approved()) {
    request.set_reason(answered ? "answered no in stigmer chat"
                                : "no answer: the chat's input ended");
  }
  grpc::ClientContext context;
  Execution ignored;
  if (absl::Status status = FromGrpcStatus(
          client.executions().Approve(WithCallDeadline(&context), request, &ignored));
      !status.ok()) {
    output.Error(status.message());
    return;
  }
  output.Info(absl::StrCat(request.approved() ? "approved " : "denied ", call.call_id()));
}

}  // namespace

int Chat(const config::Paths& paths, TerminalOutput& output, std::istream& in,
         const ChatOptions& options) {
  absl::StatusOr<ApiClient> client = ConnectStartingServer(paths, output);
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  std::string session = options.session;
  if (!session.empty()) {
    output.Info(absl::StrCat("session ", session, " with ", options.agent));
  }
  output.Info("one line is one turn; Ctrl-D ends the chat");
  const bool terminal = &in == &std::cin && ::isatty(STDIN_FILENO) == 1;
  const std::string client_id = absl::StrCat("chat-", ::getpid(), "-");
  int exit_code = 0;
  std::string line;
  while (true) {
    if (terminal) output.out() << "> " << std::flush;
    if (!std::getline(in, line)) break;
    const std::string message(absl::StripAsciiWhitespace(line));
    if (message.empty()) continue;
    stigmer::v1::CreateExecutionRequest request;
    request.set_agent(options.agent);
    request.set_message(message);
    request.set_session(session);
    request.set_request_id(absl::StrCat(client_id, absl::ToUnixNanos(absl::Now())));
    Execution execution;
    grpc::ClientContext context;
    if (absl::Status created = FromGrpcStatus(
            client->executions().Create(WithCallDeadline(&context), request, &execution));
        !created.ok()) {
      output.Error(created.message());
      if (SessionRefused(created, session)) return 2;
      exit_code = 1;
      continue;
    }
    if (session.empty()) {
      session = execution.session();
      output.Info(absl::StrCat("session ", session, "  (continue with --session ", session, ")"));
    }
    absl::StatusOr<Execution> ended =
        FollowExecution(*client, execution, output, /*show_progress=*/true,
                        [&](const Execution& waiting, const stigmer::v1::PendingApproval& call) {
                          AskApproval(*client, output, in, !terminal, waiting, call);
                        });
    if (!ended.ok()) {
      output.Error(ended.status().message());
      exit_code = 1;
      continue;
    }
    // A completed turn's answer was shown as the model's last step; say only that it ended.
    if (ended->phase() == stigmer::v1::EXECUTION_PHASE_COMPLETED) {
      output.Success(absl::StrCat(ended->id(), " completed"));
      exit_code = 0;
    } else {
      exit_code = ShowExecutionEnd(*ended, output, "table");
    }
  }
  if (terminal) output.Line("");
  return exit_code;
}

}  // namespace stigmer::cli
