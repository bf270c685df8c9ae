#ifndef STIGMER_TESTS_TESTING_LOCAL_HTTP_SERVER_H_
#define STIGMER_TESTS_TESTING_LOCAL_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/unique_fd.h"

namespace stigmer::testing {

struct HttpServerRequest {
  std::string method;
  std::string path;                            // the target before '?'
  std::string query;                           // after '?', still percent-encoded
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct HttpServerResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added
  std::string body;
};

// A small HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for tests and benchmarks. One thread
// serves one connection at a time: it reads a request (a body only with Content-Length; "Expect:
// 100-continue" is answered), records it, calls the handler on that thread, writes the response
// with "Connection: close" and closes. A handler that throws gets a 500.
//
// A handler may block (to test a client's cancellation or timeout), but must be released before
// the server is destroyed: the destructor stops accepting and joins the thread.
class LocalHttpServer {
 public:
  using Handler = std::function<HttpServerResponse(const HttpServerRequest&)>;

  // Listens at once; throws std::runtime_error when it cannot.
  explicit LocalHttpServer(Handler handler);
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port>"
  std::string url() const;

  // Every request received so far, in order (recorded before the handler runs).
  std::vector<HttpServerRequest> requests() const;

 private:
  void Serve();
  void HandleConnection(UniqueFd connection);

  Handler handler_;
  UniqueFd listener_;
  UniqueFd stop_read_, stop_write_;  // a byte on this pipe stops the thread
  int port_ = 0;
  mutable absl::Mutex mutex_;
  std::vector<HttpServerRequest> requests_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_LOCAL_HTTP_SERVER_H_
