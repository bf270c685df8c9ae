#include "api_temporal.h"

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "temporal/health_probe.h"
#include "temporal/temporal_channel.h"

namespace stigmer::bench {
namespace {

std::string Tail(const std::filesystem::path& file, size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ApiTemporalServer>> ApiTemporalServer::Start(
    const std::string& binary, const std::filesystem::path& folder, bool in_memory) {
  const int port = FreePort();
  const std::filesystem::path log = folder / "temporal.log";
  const Clock::time_point spawned = Clock::now();
  std::vector<std::string> argv = {binary,        "server",    "start-dev", "--headless",
                                   "--ip",        "127.0.0.1", "--port",    std::to_string(port),
                                   "--log-level", "warn"};
  if (!in_memory) {
    argv.insert(argv.end(), {"--db-filename", (folder / "temporal.db").string()});
  }
  auto child = std::make_unique<ChildProgram>(argv, EnvironmentWith({}), log);
  if (!child->started()) return absl::FailedPreconditionError("cannot start " + binary);
  std::unique_ptr<ApiTemporalServer> server(
      new ApiTemporalServer(std::move(child), absl::StrCat("127.0.0.1:", port)));
  auto channel = temporal::CreateTemporalChannel(server->address_, nullptr);
  absl::Status last = absl::UnavailableError("not checked yet");
  while (Clock::now() - spawned < std::chrono::seconds(60)) {
    siginfo_t info{};  // looks without reaping: the ChildProgram still owns the process
    if (::waitid(P_PID, static_cast<id_t>(server->child_->pid()), &info,
                 WEXITED | WNOHANG | WNOWAIT) != 0 ||
        info.si_pid != 0) {
      return absl::UnavailableError(
          absl::StrCat("the Temporal dev server exited; log tail:\n", Tail(log, 2048)));
    }
    last = temporal::CheckTemporalServing(channel, absl::Seconds(1));
    if (last.ok()) {
      server->seconds_to_serving_ = MillisBetween(spawned, Clock::now()) / 1000.0;
      return server;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::UnavailableError(absl::StrCat("the Temporal dev server on ", server->address_,
                                             " did not become SERVING (", last.message(),
                                             "); log tail:\n", Tail(log, 2048)));
}

ApiTemporalServer::~ApiTemporalServer() {
  if (child_ != nullptr) child_->Stop(SIGTERM, std::chrono::seconds(10));
}

}  // namespace stigmer::bench
