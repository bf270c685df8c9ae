#include "temporal/start_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <string>
#include <utility>

#include "absl/time/time.h"

namespace stigmer::temporal {
namespace {

// Each field as its length (8 bytes) and its bytes, so that no two starts share a message.
void AppendField(std::string& message, absl::string_view field) {
  const uint64_t length = field.size();
  message.append(reinterpret_cast<const char*>(&length), sizeof(length));
  message.append(field.data(), field.size());
}

std::string Sign(absl::string_view kind, absl::string_view key, absl::string_view workflow_id,
                 absl::string_view workflow_type,
                 const ::temporal::api::common::v1::Payloads& input) {
  std::string message;
  AppendField(message, kind);
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

constexpr char kStartKind[] = "stigmer start v1";
constexpr char kScheduledStartKind[] = "stigmer scheduled start v1";

void SetSignature(::temporal::api::common::v1::Header& header, absl::string_view field,
                  std::string signature) {
  ::temporal::api::common::v1::Payload& payload = (*header.mutable_fields())[std::string(field)];
  (*payload.mutable_metadata())["encoding"] = "binary/plain";
  payload.set_data(std::move(signature));
}

bool SameBytes(const std::string& given, const std::string& expected) {
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

// `workflow_id` less the "-2026-12-05T07:20:00Z" a Temporal Schedule appends; empty when it
// does not end so.
absl::string_view ScheduledBaseId(absl::string_view workflow_id) {
  constexpr size_t kSuffix = sizeof("-2026-12-05T07:20:00Z") - 1;
  if (workflow_id.size() <= kSuffix) return {};
  const absl::string_view suffix = workflow_id.substr(workflow_id.size() - kSuffix);
  absl::Time time;
  std::string error;
  if (suffix[0] != '-' || suffix.back() != 'Z' ||
      !absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", suffix.substr(1), &time, &error)) {
    return {};
  }
  return workflow_id.substr(0, workflow_id.size() - kSuffix);
}

}  // namespace

std::string SignStart(absl::string_view key, absl::string_view workflow_id,
                      absl::string_view workflow_type,
                      const ::temporal::api::common::v1::Payloads& input) {
  return Sign(kStartKind, key, workflow_id, workflow_type, input);
}

void AddStartSignature(absl::string_view key, absl::string_view workflow_id,
                       absl::string_view workflow_type,
                       const ::temporal::api::common::v1::Payloads& input,
                       ::temporal::api::common::v1::Header& header) {
  SetSignature(header, kStartSignatureHeader, SignStart(key, workflow_id, workflow_type, input));
}

void AddScheduledStartSignature(absl::string_view key, absl::string_view base_workflow_id,
                                absl::string_view workflow_type,
                                const ::temporal::api::common::v1::Payloads& input,
                                ::temporal::api::common::v1::Header& header) {
  SetSignature(header, kScheduledStartSignatureHeader,
               Sign(kScheduledStartKind, key, base_workflow_id, workflow_type, input));
}

absl::Status VerifyStartSignature(absl::string_view key, absl::string_view workflow_id,
                                  absl::string_view workflow_type,
                                  const ::temporal::api::common::v1::Payloads& input,
                                  const ::temporal::api::common::v1::Header& header) {
  auto field = header.fields().find(kStartSignatureHeader);
  if (auto scheduled = header.fields().find(kScheduledStartSignatureHeader);
      field == header.fields().end() && scheduled != header.fields().end()) {
    const absl::string_view base = ScheduledBaseId(workflow_id);
    if (!base.empty() && SameBytes(scheduled->second.data(),
                                   Sign(kScheduledStartKind, key, base, workflow_type, input))) {
      return absl::OkStatus();
    }
    return absl::PermissionDeniedError(
        "this execution's schedule signature does not match its workflow id and input: it was "
        "not started by a schedule of this stigmer-server, so workflow-runner does not run it");
  }
  if (field == header.fields().end()) {
    return absl::PermissionDeniedError(
        "this execution was not started by stigmer-server: it carries no signature, so "
        "workflow-runner does not run it (start executions with `stigmer run` or the API)");
  }
  const std::string expected = SignStart(key, workflow_id, workflow_type, input);
  if (!SameBytes(field->second.data(), expected)) {
    return absl::PermissionDeniedError(
        "this execution's signature does not match its input: it was not started by this "
        "stigmer-server, or its input was changed, so workflow-runner does not run it");
  }
  return absl::OkStatus();
}

}  // namespace stigmer::temporal
