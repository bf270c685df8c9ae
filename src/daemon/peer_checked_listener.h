#ifndef STIGMER_DAEMON_PEER_CHECKED_LISTENER_H_
#define STIGMER_DAEMON_PEER_CHECKED_LISTENER_H_

#include <filesystem>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace grpc {
class Server;
}

namespace stigmer::daemon {

// Listens on a Unix socket (mode 0600) and hands each connection to a gRPC server, but only
// when the peer's uid (SO_PEERCRED) is this process's effective uid; other peers are closed at
// once. gRPC has no such check of its own, so the daemon accepts connections itself.
class PeerCheckedListener {
 public:
  // Binds `socket_path`, replacing a stale socket file. REQUIRES: the caller holds the
  // daemon's lock, so no live daemon owns that file.
  static absl::StatusOr<std::unique_ptr<PeerCheckedListener>> Listen(
      const std::filesystem::path& socket_path);

  ~PeerCheckedListener();

  // Starts accepting on a thread of its own, passing connections to `server` (which must
  // outlive this object).
  void Serve(grpc::Server* server);

  // Stops accepting and removes the socket file. Called by the destructor.
  void Close();

  explicit PeerCheckedListener(UniqueFd fd, std::filesystem::path path)
      : fd_(std::move(fd)), path_(std::move(path)) {}

 private:
  void AcceptLoop(grpc::Server* server);

  UniqueFd fd_;
  std::filesystem::path path_;
  std::thread thread_;
};

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_PEER_CHECKED_LISTENER_H_
