#include "codec_server/codec_request.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace stigmer::codec_server {
namespace {

bool SameSecret(absl::string_view given, absl::string_view expected) {
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

CodecResponse Error(CodecResponse response, int status, absl::string_view message) {
  response.status = status;
  response.headers["Content-Type"] = "application/json";
  // The message may quote the body, which need not be UTF-8.
  response.body = nlohmann::json({{"error", message}})
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace

CodecResponse HandleCodecRequest(const CodecEndpoint& endpoint, const CodecRequest& request) {
  CodecResponse response;
  if (!request.origin.empty() && endpoint.allowed_origins.contains(request.origin)) {
    response.headers["Access-Control-Allow-Origin"] = request.origin;
    response.headers["Access-Control-Allow-Credentials"] = "true";
    response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS";
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, X-Namespace, Authorization";
    response.headers["Vary"] = "Origin";
  }
  if (request.method == "OPTIONS") {
    response.status = 204;
    return response;
  }

  const absl::string_view path(request.path.data(),
                               std::min(request.path.find('?'), request.path.size()));
  const std::vector<absl::string_view> segments = absl::StrSplit(path, '/', absl::SkipEmpty());
  const absl::string_view operation = segments.empty() ? "" : segments.back();
  if (operation != "encode" && operation != "decode") {
    return Error(std::move(response), 404, "the codec endpoints are …/encode and …/decode");
  }
  constexpr absl::string_view kBearer = "Bearer ";
  const bool by_header = absl::StartsWith(request.authorization, kBearer) &&
                         SameSecret(absl::string_view(request.authorization).substr(kBearer.size()),
                                    endpoint.api_token);
  const bool by_path = segments.size() >= 2 && SameSecret(segments.front(), endpoint.api_token);
  if (!by_header && !by_path) {
    return Error(std::move(response), 401,
                 "the codec server needs the API token ($STIGMER_HOME/data/api.token): "
                 "\"Authorization: Bearer <token>\", or http://host:port/<token> as the endpoint");
  }
  if (request.method != "POST") {
    return Error(std::move(response), 405, "use POST");
  }
  if (request.body_too_large || request.body.size() > kMaxCodecBodyBytes) {
    return Error(std::move(response), 413, "the request body is larger than 4 MiB");
  }

  temporal::Payloads payloads;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (auto parsed = google::protobuf::util::JsonStringToMessage(request.body, &payloads, options);
      !parsed.ok()) {
    return Error(std::move(response), 400,
                 absl::StrCat("the body is not Payloads in JSON: ",
                              absl::string_view(parsed.message().data(), parsed.message().size())));
  }
  for (temporal::Payload& payload : *payloads.mutable_payloads()) {
    absl::StatusOr<temporal::Payload> coded =
        operation == "encode" ? endpoint.codec->Encode(payload) : endpoint.codec->Decode(payload);
    if (coded.ok()) {
      payload = *std::move(coded);
    } else if (operation == "encode") {
      return Error(std::move(response), 500, coded.status().message());
    }
  }
  std::string json;
  if (auto printed = google::protobuf::util::MessageToJsonString(payloads, &json); !printed.ok()) {
    return Error(std::move(response), 500,
                 absl::string_view(printed.message().data(), printed.message().size()));
  }
  response.status = 200;
  response.headers["Content-Type"] = "application/json";
  response.body = std::move(json);
  return response;
}

HttpResponse HandleCodecHttpRequest(const CodecEndpoint& endpoint, const HttpRequest& request) {
  CodecResponse answer =
      HandleCodecRequest(endpoint, {.method = request.method,
                                    .path = request.path,
                                    .authorization = request.Header("Authorization"),
                                    .origin = request.Header("Origin"),
                                    .body = request.body,
                                    .body_too_large = request.body_too_large});
  HttpResponse response{.status = answer.status, .body = std::move(answer.body)};
  response.headers.assign(answer.headers.begin(), answer.headers.end());
  return response;
}

}  // namespace stigmer::codec_server
