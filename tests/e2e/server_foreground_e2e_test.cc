// `stigmer server start --foreground`, as systemd (Type=notify) or a container runs it.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/notify_socket.h"
#include "testing/stigmer_home.h"

namespace stigmer::testing {
namespace {

TEST(ServerForeground, NotifiesReadyAndStoppingAndStopsEverythingOnSigterm) {
  StigmerHome home;
  TempDir socket_dir;
  NotifySocket notify(socket_dir.path() / "notify");
  home.env()["NOTIFY_SOCKET"] = notify.path().string();

  const pid_t pid = ::fork();
  if (pid == 0) {
    ApplyEnvironment(home.env());
    int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, 0);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    const std::string binary = StigmerBinary();
    ::execl(binary.c_str(), binary.c_str(), "server", "start", "--foreground", nullptr);
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  EXPECT_EQ(notify.Receive(absl::Seconds(90)), "READY=1");
  EXPECT_EQ(home.Run({"server", "status"}).exit_code, 0);
  const pid_t server = home.PidFromFile(home.paths().PidFile("stigmer-server"));
  EXPECT_TRUE(ProcessAlive(server));

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  EXPECT_EQ(notify.Receive(absl::Seconds(30)), "STOPPING=1");
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(notify.Receive(absl::ZeroDuration()), "") << "STOPPING=1 is sent once";
  EXPECT_FALSE(ProcessAlive(server));
  EXPECT_FALSE(std::filesystem::exists(home.paths().SupervisorSocket()));
  EXPECT_FALSE(std::filesystem::exists(home.paths().PidFile("stigmer-server")));
}

}  // namespace
}  // namespace stigmer::testing
