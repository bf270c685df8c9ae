#ifndef STIGMER_DAEMON_PEER_CHECKED_LISTENER_H_
#define STIGMER_DAEMON_PEER_CHECKED_LISTENER_H_

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace stigmer::daemon {

// Listens on a Unix socket (mode 0600) and hands each connection to a gRPC server, but only
// when the peer's uid (SO_PEERCRED) is this process's effective uid; other peers are closed at
// once. gRPC has no such check of its own, so the daemon accepts connections itself.
//
// The socket file is kept: when it is removed or moved away (inotify on its folder), the
// listener binds the path again, so a daemon never becomes unreachable while it runs.
//
// The gRPC server exists only while a connection is open: it is built when one is accepted and
// shut down once the peers of all of them have hung up. Once the last gRPC object is gone,
// gRPC stops its threads, whose timers would otherwise wake an idle daemon several times a
// second.
class PeerCheckedListener {
 public:
  // A gRPC server and the service it serves (a service belongs to one server).
  struct Api {
    std::unique_ptr<grpc::Service> service;
    std::unique_ptr<grpc::Server> server;  // last: shut down and destroyed first
  };
  // Builds the API for a new connection; a null server refuses the connection. Called on the
  // listener's thread.
  using ApiFactory = std::function<Api()>;

  // Binds `socket_path`, replacing a stale socket file. REQUIRES: the caller holds the
  // daemon's lock, so no live daemon owns that file.
  static absl::StatusOr<std::unique_ptr<PeerCheckedListener>> Listen(
      const std::filesystem::path& socket_path);

  ~PeerCheckedListener();

  // Starts accepting on a thread of its own, passing connections to an API that `build` makes
  // when the first one comes in (and again after it was shut down).
  void Serve(ApiFactory build);

  // Whether a gRPC server is up now (a connection is open, or its hang-up not yet seen).
  bool serving() const { return serving_.load(); }

  // Stops accepting, shuts the server down (calls in progress get 2 s) and removes the socket
  // file. Called by the destructor. Not thread-safe.
  void Close();

  // Use Listen().
  PeerCheckedListener(UniqueFd fd, UniqueFd folder_watch, UniqueFd stop_event,
                      std::filesystem::path path)
      : fd_(std::move(fd)),
        folder_watch_(std::move(folder_watch)),
        stop_event_(std::move(stop_event)),
        path_(std::move(path)) {}

 private:
  void AcceptLoop();
  void Accept();
  // Shuts the server down on a thread of its own, calls in progress ending by `grace` (a
  // watcher notices its client left only within a second), so that the next connection is
  // not kept waiting meanwhile; joins the shutdowns that are over.
  void RetireServer(std::chrono::milliseconds grace);
  // Waits for every shutdown begun.
  void JoinRetired();
  // Reads the folder's inotify events; binds the path again if the socket file is gone.
  void KeepSocketFile();

  UniqueFd fd_;            // the listening socket; replaced by the accept thread only
  UniqueFd folder_watch_;  // inotify on the socket's folder
  UniqueFd stop_event_;    // eventfd: Close() wakes the accept thread
  std::filesystem::path path_;
  ApiFactory build_;
  Api api_;                            // accept thread only (and Close() once it ended)
  std::vector<UniqueFd> connections_;  // a duplicate of each open one, to see its hang-up
  struct Retiring {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Retiring> retiring_;  // accept thread only (and Close() once it ended)
  std::atomic<bool> serving_{false};
  std::thread thread_;
  bool closed_ = false;  // touched by Close() only
};

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_PEER_CHECKED_LISTENER_H_
