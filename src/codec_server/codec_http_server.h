#ifndef STIGMER_CODEC_SERVER_CODEC_HTTP_SERVER_H_
#define STIGMER_CODEC_SERVER_CODEC_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "codec_server/codec_request.h"

struct MHD_Daemon;

namespace stigmer::codec_server {

// An HTTP server (libmicrohttpd, one internal thread) answering every request with
// HandleCodecRequest. Bodies are read up to kMaxCodecBodyBytes; past that the request gets 413
// without the rest being kept. Stops (and joins its thread) on destruction.
class CodecHttpServer {
 public:
  // Listens on `address` (an IPv4 address) and `port` (0: a free one, see port()).
  // Unavailable naming the address when it cannot listen (port taken, bad address).
  static absl::StatusOr<std::unique_ptr<CodecHttpServer>> Start(CodecEndpoint endpoint,
                                                                const std::string& address,
                                                                int port);
  ~CodecHttpServer();
  CodecHttpServer(const CodecHttpServer&) = delete;
  CodecHttpServer& operator=(const CodecHttpServer&) = delete;

  int port() const { return port_; }

  // For the libmicrohttpd callbacks only.
  const CodecEndpoint& endpoint() const { return endpoint_; }

  // Use Start().
  explicit CodecHttpServer(CodecEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

 private:
  CodecEndpoint endpoint_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
};

}  // namespace stigmer::codec_server

#endif  // STIGMER_CODEC_SERVER_CODEC_HTTP_SERVER_H_
