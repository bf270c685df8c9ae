#include "daemon/supervisor_daemon.h"

#include <grpcpp/server_builder.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "config/config.h"
#include "config/config_file.h"
#include "daemon/component_profile.h"
#include "daemon/component_status_proto.h"
#include "daemon/control_service.h"
#include "daemon/daemon_state.h"
#include "daemon/leftover_cleanup.h"
#include "daemon/peer_checked_listener.h"
#include "daemon/process_lock.h"
#include "daemon/sd_notify.h"
#include "daemon/stack_runner.h"
#include "daemon/state_file.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

extern char** environ;

namespace stigmer::daemon {
namespace {

// Tells the `stigmer server` that launched us how the start went, once.
class LauncherPipe {
 public:
  explicit LauncherPipe(int fd) : fd_(fd) {}
  void Send(absl::string_view line) {
    if (!fd_) return;
    const std::string text = absl::StrCat(line, "\n");
    (void)::write(fd_.get(), text.data(), text.size());
    fd_.Reset();
  }

 private:
  UniqueFd fd_;
};

// Keeps DaemonState and state.json in step with the supervisor. Runs on the loop thread.
class StateRecorder final : public supervisor::SupervisorObserver {
 public:
  StateRecorder(DaemonState* state, const config::Paths* paths) : state_(state), paths_(paths) {}

  // A round of the stack begins: its components start one at a time again.
  void BeginRound(std::map<std::string, std::string> endpoints) {
    endpoints_ = std::move(endpoints);
    all_ready_ = false;
  }

  void OnStatusChanged(const supervisor::ComponentStatus& status) override {
    if (status.state == supervisor::ComponentState::kStarting && !all_ready_) {
      starting_ = status.name;  // components start one at a time: this one is now in question
    }
    stigmer::daemon::v1::ComponentStatus proto = ToProto(status, endpoints_[status.name]);
    state_->UpdateComponent(proto);
    auto& saved = saved_[status.name];
    *saved.mutable_status() = proto;
    saved.set_start_time_ticks(status.start_time_ticks);
    saved.set_exe("");
    if (status.pid != 0) {
      absl::StatusOr<supervisor::ProcessIdentity> identity =
          supervisor::ReadProcessIdentity(status.pid);
      if (identity.ok()) saved.set_exe(identity->exe);
    }
    Save();
  }

  void OnAllReady() override {
    all_ready_ = true;
    stigmer::daemon::v1::StartFinished result;
    result.set_ok(true);
    state_->FinishStart(result);
    Save();
    NotifyServiceManager("READY=1");
  }

  // The component whose start was under way when the initial start failed.
  const std::string& starting() const { return starting_; }

  void Save() {
    stigmer::daemon::v1::SavedState file;
    const auto snapshot = state_->Snapshot();
    file.set_supervisor_pid(snapshot.supervisor_pid());
    file.set_phase(snapshot.phase());
    file.set_updated_at_unix_ms(absl::ToUnixMillis(absl::Now()));
    file.set_start_error(snapshot.start_error());
    if (!snapshot.start_error().empty()) file.set_failed_component(starting_);
    for (const auto& component : snapshot.components()) {
      *file.add_components() = saved_[component.name()];
    }
    if (absl::Status written = WriteStateFile(paths_->StateFile(), file); !written.ok()) {
      spdlog::warn("cannot save state: {}", written.ToString());
    }
  }

 private:
  DaemonState* state_;
  const config::Paths* paths_;
  std::map<std::string, std::string> endpoints_;
  std::map<std::string, stigmer::daemon::v1::SavedComponent> saved_;
  std::string starting_;
  bool all_ready_ = false;
};

void ConfigureLogging(bool foreground) {
  auto logger = spdlog::stderr_color_mt("supervisor");
  // The same line format as the components' logs, so `stigmer server logs --all` can merge them.
  logger->set_pattern(foreground ? "%H:%M:%S.%e [%l] %v" : "%Y-%m-%dT%H:%M:%S.%eZ [%l] %v",
                      spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

std::vector<std::string> ProcessEnvironmentList() {
  std::vector<std::string> list;
  for (char** entry = environ; *entry != nullptr; ++entry) list.emplace_back(*entry);
  return list;
}

// Homes made before the daemon set its umask may hold files other accounts can read (Temporal's
// database was 0644): take group and other permissions away from everything in `home`.
void MakePrivate(const std::filesystem::path& home) {
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(
           home, std::filesystem::directory_options::skip_permission_denied, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    struct stat info {};
    if (::lstat(it->path().c_str(), &info) == 0 && !S_ISLNK(info.st_mode) &&
        (info.st_mode & 077) != 0) {
      ::chmod(it->path().c_str(), info.st_mode & 07700);
    }
  }
}

}  // namespace

int RunSupervisorDaemon(const DaemonOptions& options) {
  // Everything the daemon and its children (Temporal's database included) create under
  // STIGMER_HOME is private to this account: folders 0700, files 0600.
  ::umask(077);
  supervisor::BlockSupervisorSignals();
  ConfigureLogging(options.foreground);
  LauncherPipe launcher(options.launcher_fd);
  auto fail = [&](int code, absl::string_view message) {
    spdlog::error("{}", std::string(message));
    launcher.Send(absl::StrCat("ERROR ", message));
    return code;
  };

  const config::Paths paths = config::Paths::FromEnvironment();
  for (const auto& dir : {paths.home(), paths.DataDir(), paths.TemporalDataDir()}) {
    if (absl::Status made = MakeDirectories(dir); !made.ok()) return fail(1, made.message());
  }
  // Logs are not worth refusing to run for: the log sinks count what they cannot write and
  // status reports it.
  if (absl::Status made = MakeDirectories(paths.LogDir()); !made.ok()) {
    spdlog::warn("{}; component output will be dropped until it can be written", made.ToString());
  }
  if (absl::Status ensured = config::EnsureConfigFile(paths); !ensured.ok()) {
    return fail(2, ensured.message());
  }
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, ProcessEnvironment());
  if (!config.ok()) return fail(2, config.status().message());

  absl::StatusOr<ProcessLock> lock =
      ProcessLock::TryAcquire(paths.SupervisorLockFile(), paths.SupervisorPidFile());
  if (!lock.ok()) {
    if (absl::IsAlreadyExists(lock.status())) {
      launcher.Send(absl::StrCat("RUNNING ", ReadPidFile(paths.SupervisorPidFile())));
      return 0;
    }
    return fail(1, lock.status().message());
  }
  if (absl::Status written = lock->WritePidFile(); !written.ok()) {
    return fail(1, written.message());
  }
  spdlog::info("stigmer supervisor {} starting for {}", ::getpid(), paths.home().string());
  MakePrivate(paths.home());

  absl::StatusOr<stigmer::daemon::v1::SavedState> saved = ReadStateFile(paths.StateFile());
  for (const std::string& action :
       CleanUpLeftovers(paths, ComponentNames(), saved.ok() ? std::optional(*saved) : std::nullopt,
                        absl::Seconds(10))) {
    spdlog::info("{}", action);
  }

  char self[4096];
  const ssize_t self_length = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (self_length <= 0) return fail(1, "cannot find the stigmer binary (/proc/self/exe)");
  absl::StatusOr<StackProfile> profile = BuildStackProfile(
      *config, std::string(self, static_cast<size_t>(self_length)), ProcessEnvironmentList());
  if (!profile.ok()) {
    lock->RemovePidFile();
    return fail(1, profile.status().message());
  }

  absl::StatusOr<std::unique_ptr<PeerCheckedListener>> listener =
      PeerCheckedListener::Listen(paths.SupervisorSocket());
  if (!listener.ok()) {
    lock->RemovePidFile();
    return fail(1, listener.status().message());
  }

  DaemonState state(::getpid(), paths.home().string());
  StateRecorder recorder(&state, &paths);
  const std::string self_path(self, static_cast<size_t>(self_length));
  std::atomic<bool> stopping_announced{false};
  StackRunner stack(
      [&]() -> absl::StatusOr<StackProfile> {
        absl::StatusOr<config::Config> reread = config::LoadConfig(paths, ProcessEnvironment());
        if (!reread.ok()) return reread.status();
        return BuildStackProfile(*reread, self_path, ProcessEnvironmentList());
      },
      &recorder,
      [&](const StackProfile& round) {
        std::vector<std::string> names;
        for (const auto& spec : round.components) names.push_back(spec.name);
        state.RetainComponents(names);
        recorder.BeginRound(round.endpoints);
      },
      [&] {
        // Told when the stop begins (systemd shows the unit deactivating), not once it is over.
        stopping_announced = true;
        NotifyServiceManager("STOPPING=1");
        state.SetPhase("stopping");
      });
  const ControlService::Actions actions = {.restart =
                                               [&](const std::string& name) {
                                                 absl::Status asked = stack.RequestRestart(name);
                                                 if (asked.ok() && name.empty()) {
                                                   state.SetPhase("restarting");
                                                 }
                                                 return asked;
                                               },
                                           .stop = [&] { stack.RequestStop(); }};
  // Built for each connection that finds none running (see PeerCheckedListener).
  (*listener)->Serve([&] {
    PeerCheckedListener::Api api;
    api.service = std::make_unique<ControlService>(&state, actions);
    grpc::ServerBuilder builder;
    builder.RegisterService(api.service.get());
    api.server = builder.BuildAndStart();
    return api;
  });
  launcher.Send("LISTENING");

  absl::Status run = stack.Run(*std::move(profile));
  if (!run.ok()) {
    stigmer::daemon::v1::StartFinished result;
    result.set_ok(false);
    result.set_failed_component(recorder.starting());
    result.set_error(std::string(run.message()));
    state.FinishStart(result);
    spdlog::error("start failed: {}", std::string(run.message()));
  } else {
    spdlog::info("all components stopped");
  }
  state.SetPhase(run.ok() ? "stopped" : "start_failed");
  recorder.Save();
  if (!stopping_announced) NotifyServiceManager("STOPPING=1");  // a failed start
  state.Close();
  (*listener)->Close();
  lock->RemovePidFile();
  return run.ok() ? 0 : 1;
}

}  // namespace stigmer::daemon
