#include "temporal/payload_codec.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <climits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "config/key_file.h"

namespace stigmer::temporal {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

const unsigned char* Bytes(absl::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}
unsigned char* Bytes(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

}  // namespace

std::string PayloadKeyId(absl::string_view key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(Bytes(key), key.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 4));
}

absl::StatusOr<std::shared_ptr<const PayloadCodec>> PayloadCodec::FromHexKey(
    absl::string_view key_hex, std::filesystem::path key_file) {
  key_hex = absl::StripAsciiWhitespace(key_hex);
  bool hex = key_hex.size() == 2 * kKeyBytes;
  for (char c : key_hex) hex = hex && absl::ascii_isxdigit(static_cast<unsigned char>(c));
  if (!hex) {
    return absl::InvalidArgumentError(absl::StrCat("the payload key in ", key_file.string(),
                                                   " is not 64 hexadecimal characters"));
  }
  std::string key = absl::HexStringToBytes(key_hex);
  std::string id = PayloadKeyId(key);
  return std::make_shared<const PayloadCodec>(std::move(key), std::move(id), std::move(key_file));
}

absl::StatusOr<std::shared_ptr<const PayloadCodec>> LoadOrCreatePayloadCodec(
    const std::filesystem::path& key_file) {
  absl::StatusOr<std::string> key = config::LoadOrCreateKeyFile(key_file, "payload key");
  if (!key.ok()) return key.status();
  return PayloadCodec::FromHexKey(*key, key_file);
}

absl::StatusOr<Payload> PayloadCodec::Encode(const Payload& plain) const {
  if (auto encoding = plain.metadata().find(kEncodingKey);
      encoding != plain.metadata().end() && encoding->second == kEncryptedEncoding) {
    Payload unchanged = plain;
    unchanged.mutable_metadata()->erase(kDecryptErrorKey);
    return unchanged;
  }
  const std::string serialized = plain.SerializeAsString();
  if (serialized.size() > INT_MAX - kNonceBytes - kTagBytes) {
    return absl::InvalidArgumentError("payload too large to encrypt");
  }
  std::string data(kNonceBytes + serialized.size() + kTagBytes, '\0');
  unsigned char* nonce = Bytes(data);
  unsigned char* ciphertext = nonce + kNonceBytes;
  CipherContext context(EVP_CIPHER_CTX_new());
  int written = 0;
  int finished = 0;
  if (context == nullptr || RAND_bytes(nonce, kNonceBytes) != 1 ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), nonce) != 1 ||
      EVP_EncryptUpdate(context.get(), ciphertext, &written, Bytes(serialized),
                        static_cast<int>(serialized.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), ciphertext + written, &finished) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          ciphertext + serialized.size()) != 1) {
    return absl::InternalError("cannot encrypt a payload: OpenSSL failed");
  }
  Payload encrypted;
  (*encrypted.mutable_metadata())[kEncodingKey] = kEncryptedEncoding;
  (*encrypted.mutable_metadata())[kEncryptionKeyIdKey] = key_id_;
  encrypted.set_data(std::move(data));
  return encrypted;
}

absl::StatusOr<Payload> PayloadCodec::Decode(const Payload& payload) const {
  const auto encoding = payload.metadata().find(kEncodingKey);
  if (encoding == payload.metadata().end() || encoding->second != kEncryptedEncoding) {
    return payload;
  }
  const auto id = payload.metadata().find(kEncryptionKeyIdKey);
  const std::string written_with = id == payload.metadata().end() ? "(none)" : id->second;
  if (written_with != key_id_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "payload encrypted with key ", written_with, "; this process has key ", key_id_, " (",
        key_file_.string(),
        "): was that file replaced or deleted? Put back the key the payload was written with"));
  }
  const std::string& data = payload.data();
  if (data.size() < kNonceBytes + kTagBytes || data.size() > INT_MAX) {
    return absl::DataLossError(absl::StrCat("payload encrypted with key ", written_with,
                                            " is not a nonce, a ciphertext and a tag"));
  }
  const size_t length = data.size() - kNonceBytes - kTagBytes;
  const unsigned char* nonce = Bytes(data);
  const unsigned char* ciphertext = nonce + kNonceBytes;
  std::string serialized(length, '\0');
  // OpenSSL's setter takes a non-const tag it does not write to.
  std::string tag = data.substr(kNonceBytes + length);
  CipherContext context(EVP_CIPHER_CTX_new());
  int written = 0;
  int finished = 0;
  if (context == nullptr ||
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), nonce) != 1 ||
      EVP_DecryptUpdate(context.get(), Bytes(serialized), &written, ciphertext,
                        static_cast<int>(length)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(context.get(), Bytes(serialized) + written, &finished) != 1) {
    return absl::DataLossError(
        absl::StrCat("payload encrypted with key ", written_with,
                     " fails its integrity check: its bytes were changed after it was written"));
  }
  Payload plain;
  if (!plain.ParseFromString(serialized)) {
    return absl::DataLossError(absl::StrCat("payload encrypted with key ", written_with,
                                            " does not hold a payload once decrypted"));
  }
  return plain;
}

}  // namespace stigmer::temporal
