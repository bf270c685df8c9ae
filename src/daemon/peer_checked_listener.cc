#include "daemon/peer_checked_listener.h"

#include <grpcpp/server.h>
#include <grpcpp/server_posix.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"
#include "spdlog/spdlog.h"

namespace stigmer::daemon {

absl::StatusOr<std::unique_ptr<PeerCheckedListener>> PeerCheckedListener::Listen(
    const std::filesystem::path& socket_path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = socket_path.string();
  if (path.size() >= sizeof address.sun_path) {
    return absl::InvalidArgumentError(absl::StrCat("socket path ", path, " is longer than ",
                                                   sizeof address.sun_path - 1,
                                                   " bytes; choose a shorter STIGMER_HOME"));
  }
  std::memcpy(address.sun_path, path.c_str(), path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoToStatus("cannot create a Unix socket", errno);
  ::unlink(path.c_str());
  // Created with no permissions for group and others from the start.
  const mode_t old_mask = ::umask(0177);
  const int bound = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
  const int bind_errno = errno;
  ::umask(old_mask);
  if (bound != 0) return ErrnoToStatus(absl::StrCat("cannot bind ", path), bind_errno);
  if (::listen(fd.get(), 64) != 0) {
    return ErrnoToStatus(absl::StrCat("cannot listen on ", path), errno);
  }
  return std::make_unique<PeerCheckedListener>(std::move(fd), socket_path);
}

PeerCheckedListener::~PeerCheckedListener() { Close(); }

void PeerCheckedListener::Serve(grpc::Server* server) {
  thread_ = std::thread([this, server] { AcceptLoop(server); });
}

void PeerCheckedListener::AcceptLoop(grpc::Server* server) {
  while (true) {
    // gRPC expects a non-blocking socket; a blocking one stalls its poller thread in recv.
    int connection = ::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (connection < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // the listening socket was shut down
    }
    ucred peer{};
    socklen_t length = sizeof peer;
    if (::getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 ||
        peer.uid != ::geteuid()) {
      spdlog::warn("refused a control connection from uid {} (pid {})", peer.uid, peer.pid);
      ::close(connection);
      continue;
    }
    grpc::AddInsecureChannelFromFd(server, connection);  // gRPC owns the fd from here
  }
}

void PeerCheckedListener::Close() {
  if (!fd_) return;
  ::shutdown(fd_.get(), SHUT_RDWR);  // wakes accept4
  if (thread_.joinable()) thread_.join();
  fd_.Reset();
  ::unlink(path_.c_str());
}

}  // namespace stigmer::daemon
