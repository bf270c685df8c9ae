#ifndef STIGMER_COMMON_HTTP_SERVER_H_
#define STIGMER_COMMON_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "common/http_message.h"

struct MHD_Daemon;

namespace stigmer {

struct HttpListen {
  std::string address;  // an IPv4 address
  int port = 0;         // 0: a free one, see HttpServer::port()
  size_t max_body_bytes = 0;
  std::string purpose;       // what the error says it listens for: "events", "codec requests"
  std::string port_setting;  // what the user changes when the port is taken: "--port"
};

// An HTTP server (libmicrohttpd, one internal thread) answering every request with one handler,
// which runs on that thread. Bodies are read up to max_body_bytes; past that the handler gets
// body_too_large without the rest being kept. Idle connections are closed after 30 s. Stops (and
// joins its thread) on destruction.
class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // InvalidArgument for an address that is not IPv4 or a port out of range; Unavailable naming
  // the address and `port_setting` when it cannot listen (the port is taken).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(HttpListen listen, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }

  // For the libmicrohttpd callbacks only.
  size_t max_body_bytes() const { return max_body_bytes_; }
  HttpResponse Handle(const HttpRequest& request) const { return handler_(request); }

  // Use Start().
  HttpServer(size_t max_body_bytes, Handler handler)
      : max_body_bytes_(max_body_bytes), handler_(std::move(handler)) {}

 private:
  size_t max_body_bytes_;
  Handler handler_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
};

}  // namespace stigmer

#endif  // STIGMER_COMMON_HTTP_SERVER_H_
