// Fuzzes `stigmer codec-server`'s request handling: the first byte picks the path (with or
// without the token, encode or decode) and the header, the rest is the body. Every request must
// get a status from the protocol's list; a decode with the token must answer JSON Payloads that
// parse again; without the token the answer must be 401 or 404 with nothing of the body.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "codec_server/codec_request.h"
#include "google/protobuf/util/json_util.h"

namespace {

const stigmer::codec_server::CodecEndpoint& Endpoint() {
  static const stigmer::codec_server::CodecEndpoint endpoint = [] {
    stigmer::codec_server::CodecEndpoint made;
    made.codec = *stigmer::temporal::PayloadCodec::FromHexKey(
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "/fuzz/payload.key");
    made.api_token = "token";
    made.allowed_origins = {"http://localhost:8233"};
    return made;
  }();
  return endpoint;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  stigmer::codec_server::CodecRequest request;
  request.method = (mode & 8) ? "OPTIONS" : "POST";
  const bool authorized = mode & 1;
  const bool by_header = mode & 2;
  const std::string operation = (mode & 4) ? "encode" : "decode";
  request.path = (authorized && !by_header) ? "/token/" + operation : "/" + operation;
  if (authorized && by_header) request.authorization = "Bearer token";
  if (mode & 16) request.origin = "http://localhost:8233";
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);

  const stigmer::codec_server::CodecResponse response =
      stigmer::codec_server::HandleCodecRequest(Endpoint(), request);
  if (request.method == "OPTIONS") {
    if (response.status != 204) std::abort();
    return 0;
  }
  if (!authorized) {
    if (response.status != 401 || response.body.find("payloads") != std::string::npos) {
      std::abort();
    }
    return 0;
  }
  if (response.status == 200) {
    stigmer::temporal::Payloads payloads;
    if (!google::protobuf::util::JsonStringToMessage(response.body, &payloads).ok()) std::abort();
  } else if (response.status != 400 && response.status != 413) {
    std::abort();
  }
  return 0;
}
