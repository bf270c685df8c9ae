#include "testing/notify_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <utility>

namespace stigmer::testing {

NotifySocket::NotifySocket(std::filesystem::path path) : path_(std::move(path)) {
  fd_.Reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
  ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
}

std::string NotifySocket::Receive(absl::Duration timeout) {
  pollfd entry{fd_.get(), POLLIN, 0};
  if (::poll(&entry, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) <= 0) return "";
  char buffer[512];
  const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
}

}  // namespace stigmer::testing
