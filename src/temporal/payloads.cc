#include "temporal/payloads.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/json_limits.h"

namespace stigmer::temporal {
namespace {

absl::Status EncryptedPayloadError(const Payload& payload) {
  if (auto why = payload.metadata().find(kDecryptErrorKey); why != payload.metadata().end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the payload is encrypted and cannot be read here: ", why->second));
  }
  auto id = payload.metadata().find(kEncryptionKeyIdKey);
  return absl::FailedPreconditionError(absl::StrCat(
      "the payload is encrypted (key ", id == payload.metadata().end() ? "(none)" : id->second,
      ") and this process has no payload key to decrypt it"));
}

}  // namespace

Payload JsonPayload(const nlohmann::json& value) {
  Payload payload;
  (*payload.mutable_metadata())[kEncodingKey] = kJsonPlainEncoding;
  payload.set_data(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return payload;
}

absl::StatusOr<nlohmann::json> DecodeJsonPayload(const Payload& payload) {
  const auto found = payload.metadata().find(kEncodingKey);
  if (found == payload.metadata().end()) {
    return absl::InvalidArgumentError("payload has no \"encoding\" metadata");
  }
  const std::string& encoding = found->second;
  if (encoding == kBinaryNullEncoding) return nlohmann::json(nullptr);
  if (encoding == kEncryptedEncoding) return EncryptedPayloadError(payload);
  if (encoding != kJsonPlainEncoding) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload encoding \"", encoding, "\" is not json/plain"));
  }
  return ParseJsonBounded(payload.data(), "the json/plain payload");
}

absl::Status CheckDecrypted(const Payloads& payloads) {
  for (int i = 0; i < payloads.payloads_size(); ++i) {
    const auto& metadata = payloads.payloads(i).metadata();
    if (auto found = metadata.find(kEncodingKey);
        found != metadata.end() && found->second == kEncryptedEncoding) {
      const absl::Status error = EncryptedPayloadError(payloads.payloads(i));
      return absl::Status(error.code(), absl::StrCat("payload ", i, ": ", error.message()));
    }
  }
  return absl::OkStatus();
}

Payloads JsonPayloads(const std::vector<nlohmann::json>& values) {
  Payloads payloads;
  for (const nlohmann::json& value : values) *payloads.add_payloads() = JsonPayload(value);
  return payloads;
}

absl::StatusOr<std::vector<nlohmann::json>> DecodeJsonPayloads(const Payloads& payloads) {
  std::vector<nlohmann::json> values;
  values.reserve(payloads.payloads_size());
  for (int i = 0; i < payloads.payloads_size(); ++i) {
    absl::StatusOr<nlohmann::json> value = DecodeJsonPayload(payloads.payloads(i));
    if (!value.ok()) {
      return absl::Status(value.status().code(),
                          absl::StrCat("payload ", i, ": ", value.status().message()));
    }
    values.push_back(*std::move(value));
  }
  return values;
}

absl::StatusOr<nlohmann::json> DecodeJsonPayloadAt(const Payloads& payloads, int index) {
  if (index < 0 || index >= payloads.payloads_size()) return nlohmann::json(nullptr);
  return DecodeJsonPayload(payloads.payloads(index));
}

}  // namespace stigmer::temporal
