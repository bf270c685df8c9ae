#ifndef STIGMER_TEMPORAL_PAYLOAD_CODEC_H_
#define STIGMER_TEMPORAL_PAYLOAD_CODEC_H_

// Payloads are encrypted before they reach Temporal, so that secrets (and anything derived from
// them) never sit in clear in Temporal's history. The layout is the one of Temporal's own
// encryption samples (samples-go `encryption/`), so a codec server written for them reads ours:
//
//   metadata  encoding: binary/encrypted, encryption-key-id: <first 8 hex of SHA-256(key)>
//   data      12-byte random nonce ‖ AES-256-GCM ciphertext of the serialized plain Payload ‖
//             16-byte tag

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "temporal/payloads.h"

namespace stigmer::temporal {

// AES-256-GCM over whole payloads with one key. Immutable; thread-safe.
class PayloadCodec {
 public:
  // A codec for `key_hex`, 64 hexadecimal characters (the content of a key file, see
  // config/key_file.h); `key_file` is where it came from, named in decryption errors.
  // InvalidArgument when the key is not 64 hex characters.
  static absl::StatusOr<std::shared_ptr<const PayloadCodec>> FromHexKey(
      absl::string_view key_hex, std::filesystem::path key_file);

  // The id written in every payload this codec encrypts: 8 hex characters of SHA-256(key).
  const std::string& key_id() const { return key_id_; }
  const std::filesystem::path& key_file() const { return key_file_; }

  // `plain` encrypted. A payload that is already encrypted is returned as is (without any
  // kDecryptErrorKey), never encrypted twice. Internal when OpenSSL fails (no randomness).
  absl::StatusOr<Payload> Encode(const Payload& plain) const;

  // The plain payload inside `payload`; a payload that is not binary/encrypted is returned as
  // is. FailedPrecondition naming both key ids and the key file when it was encrypted with
  // another key; DataLoss when it fails its integrity check or is malformed.
  absl::StatusOr<Payload> Decode(const Payload& payload) const;

  // Use FromHexKey.
  PayloadCodec(std::string key, std::string key_id, std::filesystem::path key_file)
      : key_(std::move(key)), key_id_(std::move(key_id)), key_file_(std::move(key_file)) {}

 private:
  std::string key_;  // 32 bytes
  std::string key_id_;
  std::filesystem::path key_file_;
};

// The codec of the key in `key_file` (config/key_file.h), which is created first when there is
// none: whichever component starts first makes it, and every component of a STIGMER_HOME uses it.
// The key file's errors otherwise ("cannot read the payload key at …").
absl::StatusOr<std::shared_ptr<const PayloadCodec>> LoadOrCreatePayloadCodec(
    const std::filesystem::path& key_file);

// The key id PayloadCodec derives from the 32 bytes `key`.
std::string PayloadKeyId(absl::string_view key);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_PAYLOAD_CODEC_H_
