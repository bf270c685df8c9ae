#include "daemon/peer_checked_listener.h"

#include <fcntl.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/server.h>
#include <grpcpp/server_posix.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
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

namespace {

// A non-blocking Unix socket listening on `path` (replacing whatever file is there), mode 0600.
absl::StatusOr<UniqueFd> BindSocket(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) {
    return absl::InvalidArgumentError(absl::StrCat("socket path ", path, " is longer than ",
                                                   sizeof address.sun_path - 1,
                                                   " bytes; choose a shorter STIGMER_HOME"));
  }
  std::memcpy(address.sun_path, path.c_str(), path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
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
  return fd;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PeerCheckedListener>> PeerCheckedListener::Listen(
    const std::filesystem::path& socket_path) {
  absl::StatusOr<UniqueFd> fd = BindSocket(socket_path.string());
  if (!fd.ok()) return fd.status();
  UniqueFd watch(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!watch) return ErrnoToStatus("cannot watch the control socket's folder", errno);
  const std::string folder = socket_path.parent_path().string();
  if (::inotify_add_watch(watch.get(), folder.c_str(), IN_DELETE | IN_MOVED_FROM) < 0) {
    return ErrnoToStatus(absl::StrCat("cannot watch ", folder), errno);
  }
  UniqueFd stop(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!stop) return ErrnoToStatus("cannot create an eventfd", errno);
  return std::make_unique<PeerCheckedListener>(*std::move(fd), std::move(watch), std::move(stop),
                                               socket_path);
}

PeerCheckedListener::~PeerCheckedListener() { Close(); }

void PeerCheckedListener::Serve(ApiFactory build) {
  build_ = std::move(build);
  thread_ = std::thread([this] { AcceptLoop(); });
}

void PeerCheckedListener::AcceptLoop() {
  constexpr size_t kFixed = 3;  // the listening socket, the folder watch, the stop event
  while (true) {
    std::vector<pollfd> fds = {
        {fd_.get(), POLLIN, 0}, {folder_watch_.get(), POLLIN, 0}, {stop_event_.get(), POLLIN, 0}};
    for (const UniqueFd& connection : connections_) fds.push_back({connection.get(), POLLRDHUP, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("control socket: {}", ErrnoToStatus("poll", errno).ToString());
      return;
    }
    if (fds[2].revents != 0) return;
    if (fds[1].revents != 0) KeepSocketFile();
    for (size_t i = fds.size(); i-- > kFixed;) {
      if (fds[i].revents != 0) connections_.erase(connections_.begin() + (i - kFixed));
    }
    if (fds[0].revents != 0) Accept();
    // Nobody left to answer: let gRPC stop its threads until the next connection.
    if (connections_.empty() && api_.server != nullptr) RetireServer(std::chrono::seconds(1));
  }
}

void PeerCheckedListener::RetireServer(std::chrono::milliseconds grace) {
  std::erase_if(retiring_, [](Retiring& retiring) {
    if (!retiring.done->load()) return false;
    retiring.thread.join();
    return true;
  });
  if (api_.server == nullptr) return;
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread thread([api = std::move(api_), grace, done]() mutable {
    api.server->Shutdown(std::chrono::system_clock::now() + grace);
    api.server.reset();
    api.service.reset();
    *done = true;
  });
  retiring_.push_back({std::move(thread), std::move(done)});
  api_ = Api{};
  serving_ = false;
}

void PeerCheckedListener::JoinRetired() {
  for (Retiring& retiring : retiring_) retiring.thread.join();
  retiring_.clear();
}

void PeerCheckedListener::Accept() {
  while (true) {
    // gRPC expects a non-blocking socket; a blocking one stalls its poller thread in recv.
    int connection = ::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (connection < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN: none left
    }
    ucred peer{};
    socklen_t length = sizeof peer;
    if (::getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 ||
        peer.uid != ::geteuid()) {
      spdlog::warn("refused a control connection from uid {} (pid {})", peer.uid, peer.pid);
      ::close(connection);
      continue;
    }
    if (api_.server == nullptr) {
      api_ = build_();
      if (api_.server == nullptr) {
        spdlog::error("cannot start the control API for a connection");
        ::close(connection);
        continue;
      }
      serving_ = true;
    }
    UniqueFd watched(::fcntl(connection, F_DUPFD_CLOEXEC, 0));
    if (!watched) {
      spdlog::error("control socket: {}", ErrnoToStatus("dup", errno).ToString());
      ::close(connection);
      continue;
    }
    connections_.push_back(std::move(watched));
    grpc::AddInsecureChannelFromFd(api_.server.get(), connection);  // gRPC owns the fd from here
  }
}

void PeerCheckedListener::KeepSocketFile() {
  const std::string name = path_.filename().string();
  bool ours_went = false;
  alignas(inotify_event) char buffer[4096];
  ssize_t length;
  while ((length = ::read(folder_watch_.get(), buffer, sizeof buffer)) > 0) {
    for (ssize_t at = 0; at < length;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      if (event->len > 0 && name == event->name) ours_went = true;
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  struct stat file {};
  if (!ours_went || (::stat(path_.c_str(), &file) == 0 && S_ISSOCK(file.st_mode))) return;
  absl::StatusOr<UniqueFd> fd = BindSocket(path_.string());
  if (!fd.ok()) {
    spdlog::error("the control socket {} was removed and cannot be made again: {}", path_.string(),
                  fd.status().ToString());
    return;
  }
  fd_ = *std::move(fd);
  spdlog::warn("the control socket {} was removed; listening on it again", path_.string());
}

void PeerCheckedListener::Close() {
  if (closed_) return;
  closed_ = true;
  const uint64_t one = 1;
  (void)::write(stop_event_.get(), &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  RetireServer(std::chrono::seconds(2));
  JoinRetired();
  connections_.clear();
  fd_.Reset();
  ::unlink(path_.c_str());
}

}  // namespace stigmer::daemon
