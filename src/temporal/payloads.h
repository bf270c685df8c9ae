#ifndef STIGMER_TEMPORAL_PAYLOADS_H_
#define STIGMER_TEMPORAL_PAYLOADS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "temporal/api/common/v1/message.pb.h"

namespace stigmer::temporal {

using Payload = ::temporal::api::common::v1::Payload;
using Payloads = ::temporal::api::common::v1::Payloads;

// The metadata key and the two encodings we read and write; they are the ones Temporal's SDKs
// use, so the Temporal UI and CLI show our values as JSON.
inline constexpr char kEncodingKey[] = "encoding";
inline constexpr char kJsonPlainEncoding[] = "json/plain";
inline constexpr char kBinaryNullEncoding[] = "binary/null";
// An encrypted payload (payload_codec.h) and the id of the key it was encrypted with.
inline constexpr char kEncryptedEncoding[] = "binary/encrypted";
inline constexpr char kEncryptionKeyIdKey[] = "encryption-key-id";
// Why a payload is still binary/encrypted (for DecodeJsonPayload to say): set on a received
// payload that could not be decrypted (and removed before it is sent again), or sent, in place of
// the data, when a payload could not be encrypted.
inline constexpr char kDecryptErrorKey[] = "stigmer-decrypt-error";

// `value` as a json/plain payload: metadata {"encoding": "json/plain"}, data = compact JSON text
// (UTF-8; invalid UTF-8 in strings is replaced, never thrown).
Payload JsonPayload(const nlohmann::json& value);

// The JSON value a payload holds. "json/plain" → the parsed data; "binary/null" → null.
// InvalidArgument for any other (or a missing) encoding and for data that is not JSON; for a
// payload still "binary/encrypted" (this process could not decrypt it), FailedPrecondition
// saying why (kDecryptErrorKey) or that this process has no payload key.
absl::StatusOr<nlohmann::json> DecodeJsonPayload(const Payload& payload);

// OK unless a payload is still binary/encrypted (this process could not decrypt it); then the
// error DecodeJsonPayload gives for it, naming its index.
absl::Status CheckDecrypted(const Payloads& payloads);

// Each value as a json/plain payload, in order.
Payloads JsonPayloads(const std::vector<nlohmann::json>& values);

// Every payload decoded, in order; the first failure (naming its index) otherwise.
absl::StatusOr<std::vector<nlohmann::json>> DecodeJsonPayloads(const Payloads& payloads);

// The payload at `index` decoded; null when there is no such payload (Temporal omits empty
// results), the decoding error otherwise.
absl::StatusOr<nlohmann::json> DecodeJsonPayloadAt(const Payloads& payloads, int index = 0);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_PAYLOADS_H_
