#ifndef STIGMER_COMMON_PAYLOAD_LIMITS_H_
#define STIGMER_COMMON_PAYLOAD_LIMITS_H_

#include <cstddef>

namespace stigmer {

// Temporal's default blob size limit (dynamic config `limit.blobSize.error`): the most the
// payloads of one request may hold together, in encoded bytes. A workflow start carries the
// document, the input and the runtime values in one such request; Temporal refuses anything
// larger with "Blob data size exceeds limit". Here, not in temporal/, so that the DSL parser
// checks it without Temporal's stubs.
inline constexpr size_t kMaxPayloadsBytes = 2 * 1024 * 1024;

// How much larger a payload is once encrypted (temporal/payload_codec.h: the plain payload's
// metadata, a nonce, a tag and the encrypted payload's own metadata; about 100 bytes): size
// checks against Temporal's limit add it for every payload.
inline constexpr size_t kEncryptedPayloadOverheadBytes = 128;

}  // namespace stigmer

#endif  // STIGMER_COMMON_PAYLOAD_LIMITS_H_
