#include "temporal/start_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>

namespace stigmer::temporal {
namespace {

// Each field as its length (8 bytes) and its bytes, so that no two starts share a message.
void AppendField(std::string& message, absl::string_view field) {
  const uint64_t length = field.size();
  message.append(reinterpret_cast<const char*>(&length), sizeof(length));
  message.append(field.data(), field.size());
}

}  // namespace

std::string SignStart(absl::string_view key, absl::string_view workflow_id,
                      absl::string_view workflow_type,
                      const ::temporal::api::common::v1::Payloads& input) {
  std::string message;
  AppendField(message, "stigmer start v1");
  AppendField(message, workflow_id);
  AppendField(message, workflow_type);
  for (const auto& payload : input.payloads()) {
    // Of the metadata only the encoding is covered: a map has no order to sign in.
    auto encoding = payload.metadata().find("encoding");
    AppendField(message, encoding == payload.metadata().end() ? "" : encoding->second);
    AppendField(message, payload.data());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

void AddStartSignature(absl::string_view key, absl::string_view workflow_id,
                       absl::string_view workflow_type,
                       const ::temporal::api::common::v1::Payloads& input,
                       ::temporal::api::common::v1::Header& header) {
  ::temporal::api::common::v1::Payload& signature =
      (*header.mutable_fields())[kStartSignatureHeader];
  (*signature.mutable_metadata())["encoding"] = "binary/plain";
  signature.set_data(SignStart(key, workflow_id, workflow_type, input));
}

absl::Status VerifyStartSignature(absl::string_view key, absl::string_view workflow_id,
                                  absl::string_view workflow_type,
                                  const ::temporal::api::common::v1::Payloads& input,
                                  const ::temporal::api::common::v1::Header& header) {
  auto field = header.fields().find(kStartSignatureHeader);
  if (field == header.fields().end()) {
    return absl::PermissionDeniedError(
        "this execution was not started by stigmer-server: it carries no signature, so "
        "workflow-runner does not run it (start executions with `stigmer run` or the API)");
  }
  const std::string expected = SignStart(key, workflow_id, workflow_type, input);
  const std::string& given = field->second.data();
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return absl::PermissionDeniedError(
        "this execution's signature does not match its input: it was not started by this "
        "stigmer-server, or its input was changed, so workflow-runner does not run it");
  }
  return absl::OkStatus();
}

}  // namespace stigmer::temporal
