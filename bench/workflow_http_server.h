#ifndef STIGMER_BENCH_WORKFLOW_HTTP_SERVER_H_
#define STIGMER_BENCH_WORKFLOW_HTTP_SERVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace stigmer::bench {

// The local HTTP server both workers call in workflow_bench's `call: http` scenario: HTTP/1.1 on
// 127.0.0.1 (an ephemeral port), `threads` threads accepting on one listening socket, so that
// concurrent activities of either worker are served in parallel and the server is never what
// they wait for. Each request (its head only: a GET has no body) is answered with 200,
// Content-Type application/json, the body {"path":"<path of the request>"} and
// "Connection: close" (what Python's urllib asks for anyway), then the connection is closed.
// A connection that sends no complete head within 10 s, or a head over 64 KiB, is dropped.
class LoopbackJsonServer {
 public:
  // Listens and starts the threads. Unavailable when it cannot listen.
  static absl::StatusOr<std::unique_ptr<LoopbackJsonServer>> Start(int threads);
  // Stops accepting, finishes the requests in progress and joins the threads.
  ~LoopbackJsonServer();
  LoopbackJsonServer(const LoopbackJsonServer&) = delete;
  LoopbackJsonServer& operator=(const LoopbackJsonServer&) = delete;

  // "http://127.0.0.1:<port>"
  std::string url() const;
  // Requests answered so far (with 200). Thread-safe.
  int64_t requests() const { return requests_.load(); }

 private:
  LoopbackJsonServer() = default;
  void Serve();
  void Answer(int connection);

  UniqueFd listener_;
  UniqueFd stop_read_, stop_write_;  // closing stop_write_ wakes every thread for good
  int port_ = 0;
  std::atomic<int64_t> requests_{0};
  std::vector<std::thread> threads_;
};

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_WORKFLOW_HTTP_SERVER_H_
