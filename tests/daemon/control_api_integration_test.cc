// The control API over its Unix socket: the real listener, service and client, no supervisor.
#include <grpcpp/server_builder.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "daemon/control_client.h"
#include "daemon/control_service.h"
#include "daemon/daemon_state.h"
#include "daemon/peer_checked_listener.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::daemon {
namespace {

class ControlApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);  // let another uid reach the socket file
    ASSERT_EQ(::mkdir(paths_.DataDir().c_str(), 0755), 0);
    auto listener = PeerCheckedListener::Listen(paths_.SupervisorSocket());
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = std::move(*listener);
    listener_->Serve([this] {
      PeerCheckedListener::Api api;
      api.service = std::make_unique<ControlService>(&state_, actions_);
      grpc::ServerBuilder builder;
      builder.RegisterService(api.service.get());
      api.server = builder.BuildAndStart();
      return api;
    });
  }
  void TearDown() override { listener_->Close(); }

  testing::TempDir dir_;
  config::Paths paths_{dir_.path()};
  DaemonState state_{1234, "/home/test"};
  std::string restarted_;
  bool stopped_ = false;
  ControlService::Actions actions_{.restart =
                                       [this](const std::string& name) {
                                         if (name == "nope") {
                                           return absl::NotFoundError("unknown component \"nope\"");
                                         }
                                         restarted_ = name.empty() ? "all" : name;
                                         return absl::OkStatus();
                                       },
                                   .stop = [this] { stopped_ = true; }};
  std::unique_ptr<PeerCheckedListener> listener_;
};

TEST_F(ControlApiTest, TheOwnerCanCallEveryMethod) {
  struct stat info {};
  ASSERT_EQ(::stat(paths_.SupervisorSocket().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);

  absl::StatusOr<ControlClient> client = ControlClient::Connect(paths_);
  ASSERT_TRUE(client.ok()) << client.status();
  auto status = client->GetStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->supervisor_pid(), 1234);
  EXPECT_EQ(status->phase(), "starting");

  EXPECT_TRUE(client->Restart("workflow-runner").ok());
  EXPECT_EQ(restarted_, "workflow-runner");
  absl::Status unknown = client->Restart("nope");
  EXPECT_TRUE(absl::IsNotFound(unknown));
  EXPECT_EQ(unknown.message(), "unknown component \"nope\"");
  EXPECT_TRUE(client->Stop().ok());
  EXPECT_TRUE(stopped_);
}

TEST_F(ControlApiTest, WatchDeliversChangesUntilTheDaemonCloses) {
  absl::StatusOr<ControlClient> client = ControlClient::Connect(paths_);
  ASSERT_TRUE(client.ok());
  stigmer::daemon::v1::ComponentStatus temporal;
  temporal.set_name("temporal");
  temporal.set_state("ready");
  state_.UpdateComponent(temporal);
  std::vector<std::string> seen;
  std::thread closer;
  absl::Status watched = client->Watch([&](const stigmer::daemon::v1::Event& event) {
    if (event.has_component()) {
      seen.push_back(event.component().name() + ":" + event.component().state());
      if (seen.size() == 1) closer = std::thread([this] { state_.Close(); });
    }
    if (event.has_stop_finished()) seen.push_back("stop_finished");
    return true;
  });
  closer.join();
  EXPECT_TRUE(watched.ok()) << watched;
  EXPECT_EQ(seen, (std::vector<std::string>{"temporal:ready", "stop_finished"}));
}

// The gRPC server goes once nobody is connected (an idle daemon then has no gRPC threads to wake
// it) and comes back for the next client.
TEST_F(ControlApiTest, ControlApiAnswersAgainAfterItsServerWentIdle) {
  for (int round = 0; round < 2; ++round) {
    {
      absl::StatusOr<ControlClient> client = ControlClient::Connect(paths_);
      ASSERT_TRUE(client.ok()) << client.status();
      auto status = client->GetStatus();
      ASSERT_TRUE(status.ok()) << status.status();
      EXPECT_EQ(status->supervisor_pid(), 1234);
      EXPECT_TRUE(listener_->serving());
    }
    EXPECT_TRUE(testing::WaitFor([&] { return !listener_->serving(); }, absl::Seconds(10)))
        << "the control API's server is still up with no client connected";
  }
}

TEST_F(ControlApiTest, DeletedControlSocketIsRecreated) {
  const std::filesystem::path socket = paths_.SupervisorSocket();
  const std::filesystem::path moved = paths_.DataDir() / "moved.sock";
  // Removed, then moved away: each time the daemon listens on its path again.
  for (bool remove : {true, false}) {
    ASSERT_EQ(remove ? ::unlink(socket.c_str()) : ::rename(socket.c_str(), moved.c_str()), 0);
    ASSERT_TRUE(
        testing::WaitFor([&] { return std::filesystem::exists(socket); }, absl::Seconds(10)))
        << "the control socket was not made again";
    struct stat info {};
    ASSERT_EQ(::stat(socket.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600);
    absl::StatusOr<ControlClient> client = ControlClient::Connect(paths_);
    ASSERT_TRUE(client.ok()) << client.status();
    auto status = client->GetStatus();
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(status->supervisor_pid(), 1234);
  }
}

// Runs `stigmer server status` as uid 65534 against this home; returns its exit code, which is
// 3 when it could not reach the daemon and 1 when it may not use the socket at all. (exec at once:
// gRPC does not survive a fork.)
int StatusAsAnotherUser(const config::Paths& paths) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(100);
    ::setenv("STIGMER_HOME", paths.home().c_str(), 1);
    const std::string binary = testing::StigmerBinary();
    ::execl(binary.c_str(), binary.c_str(), "server", "status", "-q", nullptr);
    ::_exit(101);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(ControlApiTest, AnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to become another user";
  // The socket is 0600, so connect() itself is refused: status says permission denied.
  EXPECT_EQ(StatusAsAnotherUser(paths_), 1) << "another uid could call the control API";
}

TEST_F(ControlApiTest, AnotherUserIsRefusedEvenWhenTheSocketIsOpenToAll) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to become another user";
  ASSERT_EQ(::chmod(paths_.SupervisorSocket().c_str(), 0777), 0);
  EXPECT_EQ(StatusAsAnotherUser(paths_), 3) << "the SO_PEERCRED check let another uid in";
}

}  // namespace
}  // namespace stigmer::daemon
