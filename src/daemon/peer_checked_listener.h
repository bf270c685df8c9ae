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
//
// The socket file is kept: when it is removed or moved away (inotify on its folder), the
// listener binds the path again, so a daemon never becomes unreachable while it runs.
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

  // Stops accepting and removes the socket file. Called by the destructor. Not thread-safe.
  void Close();

  // Use Listen().
  PeerCheckedListener(UniqueFd fd, UniqueFd folder_watch, UniqueFd stop_event,
                      std::filesystem::path path)
      : fd_(std::move(fd)),
        folder_watch_(std::move(folder_watch)),
        stop_event_(std::move(stop_event)),
        path_(std::move(path)) {}

 private:
  void AcceptLoop(grpc::Server* server);
  void Accept(grpc::Server* server);
  // Reads the folder's inotify events; binds the path again if the socket file is gone.
  void KeepSocketFile();

  UniqueFd fd_;            // the listening socket; replaced by the accept thread only
  UniqueFd folder_watch_;  // inotify on the socket's folder
  UniqueFd stop_event_;    // eventfd: Close() wakes the accept thread
  std::filesystem::path path_;
  std::thread thread_;
  bool closed_ = false;  // touched by Close() only
};

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_PEER_CHECKED_LISTENER_H_
