#include "cli/app.h"

#include <signal.h>

#include <atomic>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/agent_runner.h"
#include "cli/apply_command.h"
#include "cli/chat_command.h"
#include "cli/codec_server_command.h"
#include "cli/config_commands.h"
#include "cli/delete_command.h"
#include "cli/emit_command.h"
#include "cli/execution_commands.h"
#include "cli/get_command.h"
#include "cli/log_since.h"
#include "cli/logs_command.h"
#include "cli/server_commands.h"
#include "cli/server_connect.h"
#include "cli/terminal_output.h"
#include "common/version.h"
#include "config/paths.h"
#include "daemon/supervisor_daemon.h"
#include "server/stigmer_server_main.h"
#include "workflow/expression_sandbox_main.h"
#include "workflow/workflow_runner.h"

namespace stigmer::cli {
namespace {

std::atomic<bool> interrupted{false};

void OnInterrupt(int) { interrupted = true; }

// `stigmer server logs`: Ctrl-C ends a follow cleanly instead of killing the process.
int Logs(const config::Paths& paths, TerminalOutput& output, LogsOptions options,
         const std::string& since) {
  if (!since.empty()) {
    absl::StatusOr<absl::Time> parsed = ParseSince(since, absl::Now());
    if (!parsed.ok()) {
      output.Error(parsed.status().message());
      return 2;
    }
    options.since = *parsed;
  }
  options.color = output.color();
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  return RunLogs(paths, options, output.out(), output.err(), interrupted);
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{
      "stigmer: the Stigmer stack (Temporal, stigmer-server, workflow-runner, "
      "agent-runner) on one machine"};
  app.set_version_flag("--version", std::string("stigmer ") + kVersion);
  app.require_subcommand(1);
  app.fallthrough();  // global flags such as -q work after a subcommand too (inherited)
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "Print only errors and requested data");
  int exit_code = 0;
  const config::Paths paths = config::Paths::FromEnvironment();
  auto output = [&] { return TerminalOutput::ForProcess(quiet); };

  // stigmer server [start|status|logs|stop|restart]
  CLI::App* server =
      app.add_subcommand("server", "Start the stack in the background, or manage it");
  server->fallthrough();
  server->callback([&] {
    if (server->get_subcommands().empty()) {
      TerminalOutput out = output();
      exit_code = StartServer(paths, out);
    }
  });
  CLI::App* start = server->add_subcommand("start", "Start the stack (the default of `server`)");
  bool foreground = false;
  start->add_flag("--foreground", foreground,
                  "Run the supervisor in this terminal (for systemd and containers)");
  start->callback([&] {
    TerminalOutput out = output();
    exit_code = foreground ? RunServerInForeground() : StartServer(paths, out);
  });

  CLI::App* status = server->add_subcommand("status", "Show each component's state");
  bool json = false, watch = false;
  status->add_flag("--json", json, "Print one JSON object");
  status->add_flag("--watch", watch, "Keep showing changes until Ctrl-C");
  status->callback([&] {
    TerminalOutput out = output();
    exit_code = ShowStatus(paths, out, json, watch);
  });

  CLI::App* logs = server->add_subcommand("logs", "Print a component's logs (daemon up or down)");
  LogsOptions logs_options;
  std::string since;
  logs->add_option("-c,--component", logs_options.component,
                   absl::StrCat("Component: ", absl::StrJoin(KnownLogComponents(), ", ")))
      ->capture_default_str();
  logs->add_flag("-f,--follow", logs_options.follow, "Keep printing new lines until Ctrl-C");
  logs->add_option("-n,--lines", logs_options.lines, "How many of the last lines")
      ->capture_default_str();
  logs->add_option("--since", since, "Only lines since a duration ago (10m) or a time (RFC 3339)");
  logs->add_flag("--stderr", logs_options.stderr_stream, "The component's stderr log");
  logs->add_flag("--all", logs_options.all, "Every component, merged by time");
  logs->callback([&] {
    TerminalOutput out = output();
    exit_code = Logs(paths, out, logs_options, since);
  });

  CLI::App* stop = server->add_subcommand("stop", "Stop every component in order");
  double stop_timeout_s = 60;
  stop->add_option("--timeout", stop_timeout_s, "Seconds to wait for everything to stop")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            double seconds = 0;
            if (absl::SimpleAtod(text, &seconds) && seconds > 0 && seconds <= 86400) return "";
            return absl::StrCat("--timeout takes seconds from more than 0 to 86400, not \"", text,
                                "\"");
          },
          "SECONDS"));
  stop->callback([&] {
    TerminalOutput out = output();
    exit_code = StopServer(paths, out, absl::Seconds(stop_timeout_s));
  });

  CLI::App* restart = server->add_subcommand("restart", "Restart one component, or all");
  std::string restart_component;
  restart->add_option("-c,--component", restart_component, "The component; default: all");
  restart->callback([&] {
    TerminalOutput out = output();
    exit_code = RestartServer(paths, out, restart_component);
  });

  // stigmer config path|get|set|list
  CLI::App* config = app.add_subcommand("config", "Read and change config.yaml");
  config->require_subcommand(1);
  config->add_subcommand("path", "Print where config.yaml is")->callback([&] {
    TerminalOutput out = output();
    exit_code = ConfigPath(paths, out);
  });
  std::string key, value;
  CLI::App* config_get = config->add_subcommand("get", "Print a key's effective value");
  config_get->add_option("key", key, "e.g. server.port")->required();
  config_get->callback([&] {
    TerminalOutput out = output();
    exit_code = ConfigGet(paths, out, key);
  });
  CLI::App* config_set = config->add_subcommand("set", "Set a key in config.yaml");
  config_set->add_option("key", key, "e.g. server.port")->required();
  config_set->add_option("value", value, "the new value")->required();
  config_set->callback([&] {
    TerminalOutput out = output();
    exit_code = ConfigSet(paths, out, key, value);
  });
  config->add_subcommand("list", "Every key, its effective value and where it comes from")
      ->callback([&] {
        TerminalOutput out = output();
        exit_code = ConfigList(paths, out);
      });

  // stigmer apply | run | get | delete | cancel: workflows, agents and executions on
  // stigmer-server.
  CLI::App* apply =
      app.add_subcommand("apply", "Validate and store workflows (DSL 1.0 YAML) and agents");
  std::vector<std::string> apply_files;
  bool dry_run = false;
  apply
      ->add_option("-f,--filename", apply_files,
                   "Files or folders of workflows and agents; - for stdin")
      ->required();
  apply->add_flag("--dry-run", dry_run, "Validate and show what would change; store nothing");
  apply->callback([&] {
    TerminalOutput out = output();
    exit_code = ApplyResources(paths, out, apply_files, dry_run);
  });

  CLI::App* run =
      app.add_subcommand("run", "Run a workflow or an agent and follow it until it ends");
  RunOptions run_options;
  bool no_follow = false;
  run->add_option("name", run_options.workflow, "The workflow's or the agent's name")->required();
  run->add_option("-m,--message", run_options.message, "An agent run's message");
  run->add_option("--session", run_options.session,
                  "An agent run: continue this session (ses-…); default: a new session");
  run->add_option("--version", run_options.version, "A version number; default: the latest");
  run->add_option("--input", run_options.input, "Input: a JSON object, or @FILE");
  run->add_option("--env", run_options.env, "A runtime value NAME=VALUE (repeatable)");
  run->add_option("--secret", run_options.secrets,
                  "A secret runtime value NAME=VALUE, never stored in clear (repeatable)");
  run->add_flag("--no-follow", no_follow, "Start it and return at once");
  run->add_option("-o,--output", run_options.output, "table (progress lines), json or yaml")
      ->capture_default_str();
  run->callback([&] {
    run_options.follow = !no_follow;
    TerminalOutput out = output();
    exit_code = RunWorkflow(paths, out, run_options);
  });

  CLI::App* chat = app.add_subcommand("chat", "Talk with an agent: each line is a turn");
  ChatOptions chat_options;
  chat->add_option("agent", chat_options.agent, "The agent's name")->required();
  chat->add_option("--session", chat_options.session, "Continue this session (ses-…)");
  chat->callback([&] {
    TerminalOutput out = output();
    exit_code = Chat(paths, out, std::cin, chat_options);
  });

  CLI::App* codec = app.add_subcommand(
      "codec-server", "Serve Temporal's codec endpoint: encrypted payloads in clear for the owner");
  CodecServerOptions codec_options;
  codec->add_option("--port", codec_options.port, "The port to listen on")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  codec->add_option("--listen-address", codec_options.listen_address, "An IPv4 address")
      ->capture_default_str();
  codec->callback([&] {
    TerminalOutput out = output();
    exit_code = RunCodecServer(paths, out, codec_options);
  });

  CLI::App* get = app.add_subcommand(
      "get", "List or show workflows, agents, executions, sessions and schedules");
  GetOptions get_options;
  get->add_option("kind", get_options.kind, "workflows, agents, executions, sessions or schedules")
      ->required();
  get->add_option("name", get_options.name, "A workflow or agent name, or an execution id");
  get->add_option("-o,--output", get_options.output, "table, json or yaml")->capture_default_str();
  get->add_option("--workflow,--agent", get_options.workflow,
                  "Executions (or sessions) of this workflow or agent only");
  get->add_option("--session", get_options.session, "Executions of this agent session only");
  get->add_option("--phase", get_options.phase,
                  "Executions in this phase only: pending, running, completed, failed, cancelled");
  get->add_option("--limit", get_options.limit,
                  "List at most this many (the newest executions); default: all");
  get->add_option("--page-size", get_options.page_size)->group("");  // tests: several pages
  get->callback([&] {
    TerminalOutput out = output();
    exit_code = GetResources(paths, out, get_options);
  });

  CLI::App* remove =
      app.add_subcommand("delete", "Delete a workflow or an agent and all its versions");
  std::string delete_kind, delete_name;
  bool force = false;
  remove->add_option("kind", delete_kind, "workflow or agent")
      ->required()
      ->check(CLI::IsMember({"workflow", "workflows", "agent", "agents"}));
  remove->add_option("name", delete_name, "The workflow's or agent's name")->required();
  remove->add_flag("--force", force, "A workflow: delete even while executions of it run");
  remove->callback([&] {
    TerminalOutput out = output();
    exit_code = DeleteResource(
        paths, out,
        {.agent = delete_kind.rfind("agent", 0) == 0, .name = delete_name, .force = force});
  });

  CLI::App* cancel = app.add_subcommand("cancel", "Cancel a running execution");
  std::string cancel_id;
  cancel->add_option("execution", cancel_id, "The execution's id (wex-…)")->required();
  cancel->callback([&] {
    TerminalOutput out = output();
    exit_code = CancelExecution(paths, out, cancel_id);
  });

  CLI::App* emit = app.add_subcommand("emit", "Publish a CloudEvent to the event bus");
  EmitOptions emit_options;
  emit->add_option("--type", emit_options.type, "The event's type, e.g. com.example.order.placed")
      ->required();
  emit->add_option("--source", emit_options.source, "Where it comes from, e.g. /shop")->required();
  emit->add_option(
      "--id", emit_options.id,
      "Its id, unique per source (a repeated id is not delivered twice); default: new");
  emit->add_option("--subject", emit_options.subject, "Its subject");
  emit->add_option("--data", emit_options.data, "Its data: a JSON value");
  emit->callback([&] {
    TerminalOutput out = output();
    exit_code = EmitEvent(paths, out, emit_options);
  });

  ApprovalOptions approval;
  CLI::App* approve =
      app.add_subcommand("approve", "Let an agent run's tool call that waits for approval run");
  CLI::App* deny =
      app.add_subcommand("deny", "Refuse an agent run's tool call; the model reads the reason");
  for (CLI::App* command : {approve, deny}) {
    command->add_option("execution", approval.id, "The execution's id (wex-…)")->required();
    command->add_option(
        "--call", approval.call_id,
        "The call's id, when several wait (`stigmer get executions ID` lists them)");
  }
  deny->add_option("--reason", approval.reason, "Why: the model reads it");
  approve->callback([&] {
    approval.approved = true;
    TerminalOutput out = output();
    exit_code = DecideApproval(paths, out, approval);
  });
  deny->callback([&] {
    approval.approved = false;
    TerminalOutput out = output();
    exit_code = DecideApproval(paths, out, approval);
  });

  // stigmer internal …: how the daemon runs its own components. Hidden from --help.
  CLI::App* internal = app.add_subcommand("internal", "Components run by the daemon");
  internal->group("");
  internal->require_subcommand(1);
  CLI::App* supervisor = internal->add_subcommand("supervisor", "The supervisor daemon");
  daemon::DaemonOptions daemon_options;
  supervisor->add_flag("--foreground", daemon_options.foreground);
  supervisor->add_option("--launcher-fd", daemon_options.launcher_fd);
  supervisor->callback([&] { exit_code = daemon::RunSupervisorDaemon(daemon_options); });
  internal->add_subcommand("stigmer-server", "The gRPC API")->callback([&] {
    exit_code = server::RunStigmerServer();
  });
  internal->add_subcommand("workflow-runner", "The workflow worker")->callback([&] {
    exit_code = workflow::RunWorkflowRunner();
  });
  internal->add_subcommand("agent-runner", "The agent worker")->callback([&] {
    exit_code = agent::RunAgentRunner();
  });
  CLI::App* sandbox = internal->add_subcommand("expression-sandbox", "Evaluates expressions");
  size_t sandbox_memory = 0, sandbox_result = 0;
  sandbox->add_option("--memory-bytes", sandbox_memory)->required();
  sandbox->add_option("--max-result-bytes", sandbox_result)->required();
  sandbox->callback(
      [&] { exit_code = workflow::RunExpressionSandbox(sandbox_memory, sandbox_result); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace stigmer::cli
