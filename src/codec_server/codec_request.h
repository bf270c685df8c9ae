#ifndef STIGMER_CODEC_SERVER_CODEC_REQUEST_H_
#define STIGMER_CODEC_SERVER_CODEC_REQUEST_H_

// Temporal's remote codec protocol, as the Temporal CLI (`--codec-endpoint`) and the Temporal UI
// (Settings → codec endpoint) speak it: POST <endpoint>/encode or <endpoint>/decode with a body of
// Payloads in protobuf JSON ({"payloads": [{"metadata": {…}, "data": "<base64>"}]}), answered
// with the same shape. Here without any HTTP server, so that it is unit-tested and fuzzed alone.

#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/http_message.h"
#include "temporal/payload_codec.h"

namespace stigmer::codec_server {

// The largest request body read; larger ones get 413.
inline constexpr size_t kMaxCodecBodyBytes = 4 * 1024 * 1024;

struct CodecRequest {
  std::string method;         // "POST", "OPTIONS", …
  std::string path;           // "/decode", "/<token>/decode", …
  std::string authorization;  // the Authorization header, "" when absent
  std::string origin;         // the Origin header, "" when absent
  std::string body;
  bool body_too_large = false;  // more than kMaxCodecBodyBytes was sent (and not kept)
};

struct CodecResponse {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;  // JSON
};

struct CodecEndpoint {
  std::shared_ptr<const temporal::PayloadCodec> codec;  // REQUIRES: not null
  std::string api_token;                                // REQUIRES: not empty
  std::set<std::string> allowed_origins;                // e.g. "http://localhost:8233"
};

// The answer to `request`:
//  - CORS headers when its Origin is allowed; OPTIONS (a browser's preflight) → 204.
//  - The last path segment decides: "encode" or "decode"; anything else 404.
//  - The caller must hold the API token, as "Authorization: Bearer <token>" or as the first path
//    segment (the UI cannot add headers: its endpoint is http://host:port/<token>); otherwise 401
//    with {"error": …} and nothing of the body. Compared in constant time.
//  - Not POST → 405; a body over kMaxCodecBodyBytes → 413; a body that is not Payloads in JSON
//    → 400 naming the problem.
//  - encode → every payload encrypted; decode → every payload decrypted, those that cannot be
//    (another key, altered) returned as they came.
CodecResponse HandleCodecRequest(const CodecEndpoint& endpoint, const CodecRequest& request);

// HandleCodecRequest for a request as HttpServer reads it (serve with max_body_bytes =
// kMaxCodecBodyBytes).
HttpResponse HandleCodecHttpRequest(const CodecEndpoint& endpoint, const HttpRequest& request);

}  // namespace stigmer::codec_server

#endif  // STIGMER_CODEC_SERVER_CODEC_REQUEST_H_
