#ifndef STIGMER_SERVER_EVENT_HTTP_SERVER_H_
#define STIGMER_SERVER_EVENT_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/event_http_request.h"

struct MHD_Daemon;

namespace stigmer::server {

// The event bus's HTTP endpoint (libmicrohttpd, one internal thread) answering every request with
// HandleEventHttpRequest. Bodies are read up to kMaxEventBodyBytes; past that the request gets
// 413 without the rest being kept. Stops (and joins its thread) on destruction.
class EventHttpServer {
 public:
  using Publish = std::function<absl::StatusOr<EventBus::Accepted>(const nlohmann::json&)>;

  // Listens on `address` (an IPv4 address) and `port` (0: a free one, see port()).
  // Unavailable naming the address when it cannot listen (port taken, bad address).
  // REQUIRES: `gate` outlives the server.
  static absl::StatusOr<std::unique_ptr<EventHttpServer>> Start(const ApiTokenGate* gate,
                                                                Publish publish,
                                                                const std::string& address,
                                                                int port);
  ~EventHttpServer();
  EventHttpServer(const EventHttpServer&) = delete;
  EventHttpServer& operator=(const EventHttpServer&) = delete;

  int port() const { return port_; }

  // For the libmicrohttpd callbacks only.
  EventHttpResponse Handle(const EventHttpRequest& request) const {
    return HandleEventHttpRequest(*gate_, request, publish_);
  }

  // Use Start().
  EventHttpServer(const ApiTokenGate* gate, Publish publish)
      : gate_(gate), publish_(std::move(publish)) {}

 private:
  const ApiTokenGate* gate_;
  Publish publish_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EVENT_HTTP_SERVER_H_
