#include "temporal/payload_codec.h"

#include <sys/stat.h>

#include <string>

#include "config/key_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::temporal {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr char kOtherKey[] = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

std::shared_ptr<const PayloadCodec> Codec(const char* key = kKey) {
  auto codec = PayloadCodec::FromHexKey(key, "/home/u/.stigmer/data/payload.key");
  EXPECT_TRUE(codec.ok()) << codec.status();
  return codec.ok() ? *codec : nullptr;
}

TEST(PayloadCodecTest, RoundTripsAPayloadWithTheLayoutOfTemporalsSamples) {
  const Payload plain = JsonPayload({{"secrets", {{"TOKEN", "hunter2"}}}});
  auto encrypted = Codec()->Encode(plain);
  ASSERT_TRUE(encrypted.ok()) << encrypted.status();
  EXPECT_EQ(encrypted->metadata().at("encoding"), "binary/encrypted");
  EXPECT_EQ(encrypted->metadata().at("encryption-key-id"), Codec()->key_id());
  EXPECT_EQ(Codec()->key_id().size(), 8u);
  // nonce ‖ ciphertext of the serialized payload ‖ tag
  EXPECT_EQ(encrypted->data().size(), 12 + plain.SerializeAsString().size() + 16);
  EXPECT_THAT(encrypted->data(), Not(HasSubstr("hunter2")));

  auto decrypted = Codec()->Decode(*encrypted);
  ASSERT_TRUE(decrypted.ok()) << decrypted.status();
  EXPECT_EQ(decrypted->SerializeAsString(), plain.SerializeAsString());
}

TEST(PayloadCodecTest, EveryEncryptionUsesAFreshNonce) {
  const Payload plain = JsonPayload("same");
  EXPECT_NE(Codec()->Encode(plain)->data(), Codec()->Encode(plain)->data());
}

TEST(PayloadCodecTest, UnencryptedPayloadsPassThroughDecode) {
  const Payload plain = JsonPayload({{"a", 1}});
  auto decoded = Codec()->Decode(plain);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->SerializeAsString(), plain.SerializeAsString());
}

TEST(PayloadCodecTest, TamperedDataFailsItsIntegrityCheck) {
  auto encrypted = Codec()->Encode(JsonPayload("value"));
  ASSERT_TRUE(encrypted.ok());
  std::string data = encrypted->data();
  data[14] ^= 1;
  encrypted->set_data(data);
  auto decoded = Codec()->Decode(*encrypted);
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(decoded.status().message(), HasSubstr("fails its integrity check"));

  encrypted->set_data("short");
  EXPECT_EQ(Codec()->Decode(*encrypted).status().code(), absl::StatusCode::kDataLoss);
}

TEST(PayloadCodecTest, AnotherKeyNamesBothKeysAndTheKeyFile) {
  auto encrypted = Codec(kOtherKey)->Encode(JsonPayload("value"));
  ASSERT_TRUE(encrypted.ok());
  auto decoded = Codec()->Decode(*encrypted);
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(decoded.status().message(),
            "payload encrypted with key " + Codec(kOtherKey)->key_id() + "; this process has key " +
                Codec()->key_id() +
                " (/home/u/.stigmer/data/payload.key): was that file replaced or deleted? Put "
                "back the key the payload was written with");
}

TEST(PayloadCodecTest, AnEncryptedPayloadIsNotEncryptedTwice) {
  auto once = Codec()->Encode(JsonPayload("value"));
  ASSERT_TRUE(once.ok());
  (*once->mutable_metadata())[kDecryptErrorKey] = "why";
  auto twice = Codec()->Encode(*once);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->data(), once->data());
  EXPECT_FALSE(twice->metadata().contains(kDecryptErrorKey));
}

TEST(PayloadCodecTest, AKeyThatIsNotHexIsRefused) {
  auto codec = PayloadCodec::FromHexKey("not a key", "/k");
  EXPECT_EQ(codec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(codec.status().message(), HasSubstr("/k is not 64 hexadecimal characters"));
}

TEST(PayloadCodecTest, TheKeyFileIsMadeOnceOwnerOnlyAndShared) {
  testing::TempDir dir;
  const auto file = dir.path() / "data" / "payload.key";
  auto first = LoadOrCreatePayloadCodec(file);
  ASSERT_TRUE(first.ok()) << first.status();
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto second = LoadOrCreatePayloadCodec(file);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*first)->key_id(), (*second)->key_id());
  auto encrypted = (*first)->Encode(JsonPayload(1));
  EXPECT_TRUE((*second)->Decode(*encrypted).ok());
}

TEST(PayloadCodecTest, DecodeJsonPayloadSaysWhyAnEncryptedPayloadCannotBeRead) {
  auto encrypted = Codec()->Encode(JsonPayload("value"));
  ASSERT_TRUE(encrypted.ok());
  auto without_key = DecodeJsonPayload(*encrypted);
  EXPECT_EQ(without_key.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(without_key.status().message(),
            "the payload is encrypted (key " + Codec()->key_id() +
                ") and this process has no payload key to decrypt it");

  (*encrypted->mutable_metadata())[kDecryptErrorKey] = "payload encrypted with key x; …";
  Payloads payloads;
  *payloads.add_payloads() = JsonPayload(1);
  *payloads.add_payloads() = *encrypted;
  EXPECT_EQ(CheckDecrypted(payloads).message(),
            "payload 1: the payload is encrypted and cannot be read here: payload encrypted "
            "with key x; …");
  EXPECT_TRUE(CheckDecrypted(JsonPayloads({1, 2})).ok());
}

}  // namespace
}  // namespace stigmer::temporal
