#include "common/utf8_prefix.h"

#include "gtest/gtest.h"

namespace stigmer {
namespace {

TEST(Utf8PrefixTest, KeepsTextThatFits) { EXPECT_EQ(Utf8Prefix("héllo", 6), "héllo"); }

TEST(Utf8PrefixTest, NeverEndsInsideACharacter) {
  EXPECT_EQ(Utf8Prefix("héllo", 2), "h");  // "é" is two bytes: not split
  EXPECT_EQ(Utf8Prefix("héllo", 3), "hé");
  EXPECT_EQ(Utf8Prefix("€uro", 2), "");  // "€" is three bytes
  EXPECT_EQ(Utf8Prefix("abc", 0), "");
}

}  // namespace
}  // namespace stigmer
