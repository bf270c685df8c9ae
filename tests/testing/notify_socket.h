#ifndef STIGMER_TESTS_TESTING_NOTIFY_SOCKET_H_
#define STIGMER_TESTS_TESTING_NOTIFY_SOCKET_H_

#include <filesystem>
#include <string>

#include "absl/time/time.h"
#include "common/unique_fd.h"

namespace stigmer::testing {

// A datagram socket bound at `path`, standing in for systemd's NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(std::filesystem::path path);

  // The next message, or "" when none arrives within `timeout` (zero: only one already there).
  std::string Receive(absl::Duration timeout);

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  UniqueFd fd_;
};

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_NOTIFY_SOCKET_H_
