#include "workflow/dsl_names.h"

#include <string>

#include "gtest/gtest.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

TEST(IsDnsLabelTest, AcceptsLowercaseLettersDigitsAndInnerDashes) {
  EXPECT_TRUE(IsDnsLabel("a"));
  EXPECT_TRUE(IsDnsLabel("hello"));
  EXPECT_TRUE(IsDnsLabel("order-pet-2"));
  EXPECT_TRUE(IsDnsLabel("0day"));
}

TEST(IsDnsLabelTest, SixtyThreeCharactersAreTheLimit) {
  EXPECT_TRUE(IsDnsLabel(std::string(63, 'a')));
  EXPECT_FALSE(IsDnsLabel(std::string(64, 'a')));
}

TEST(IsDnsLabelTest, RefusesEmptyUppercaseEdgeDashesAndOtherCharacters) {
  EXPECT_FALSE(IsDnsLabel(""));
  EXPECT_FALSE(IsDnsLabel("Hello"));
  EXPECT_FALSE(IsDnsLabel("-hello"));
  EXPECT_FALSE(IsDnsLabel("hello-"));
  EXPECT_FALSE(IsDnsLabel("hello_world"));
  EXPECT_FALSE(IsDnsLabel("hello.world"));
  EXPECT_FALSE(IsDnsLabel("héllo"));
}

TEST(IsSemanticVersionTest, AcceptsSemver) {
  EXPECT_TRUE(IsSemanticVersion("0.1.0"));
  EXPECT_TRUE(IsSemanticVersion("1.0.0"));
  EXPECT_TRUE(IsSemanticVersion("10.20.30"));
  EXPECT_TRUE(IsSemanticVersion("1.0.0-alpha.1"));
  EXPECT_TRUE(IsSemanticVersion("1.0.0+build.5"));
  EXPECT_TRUE(IsSemanticVersion("1.0.0-rc.1+sha.0abc"));
}

TEST(IsSemanticVersionTest, RefusesOtherShapes) {
  EXPECT_FALSE(IsSemanticVersion(""));
  EXPECT_FALSE(IsSemanticVersion("1.0"));
  EXPECT_FALSE(IsSemanticVersion("1"));
  EXPECT_FALSE(IsSemanticVersion("v1.0.0"));
  EXPECT_FALSE(IsSemanticVersion("01.0.0"));
  EXPECT_FALSE(IsSemanticVersion("1.0.0-"));
  EXPECT_FALSE(IsSemanticVersion("1.0.0-01"));
  EXPECT_FALSE(IsSemanticVersion("1.0.0.0"));
  EXPECT_FALSE(IsSemanticVersion("1.0.0+"));
}

TEST(IsSupportedDslVersionTest, AcceptsOneZeroZeroToOneZeroThree) {
  for (const char* version : {"1.0.0", "1.0.1", "1.0.2", "1.0.3"}) {
    EXPECT_TRUE(IsSupportedDslVersion(version)) << version;
  }
  for (const char* version : {"1.0.4", "0.8", "1.0.0-alpha1", "1.1.0", "1.0"}) {
    EXPECT_FALSE(IsSupportedDslVersion(version)) << version;
  }
}

TEST(IsJqVariableNameTest, FollowsJqIdentifiers) {
  EXPECT_TRUE(IsJqVariableName("item"));
  EXPECT_TRUE(IsJqVariableName("_x1"));
  EXPECT_FALSE(IsJqVariableName(""));
  EXPECT_FALSE(IsJqVariableName("1x"));
  EXPECT_FALSE(IsJqVariableName("my-item"));
  EXPECT_FALSE(IsJqVariableName("$item"));
}

TEST(JsonPointerTest, EscapesTildeAndSlashPerRfc6901) {
  EXPECT_EQ(EscapeJsonPointerToken("a/b"), "a~1b");
  EXPECT_EQ(EscapeJsonPointerToken("m~n"), "m~0n");
  EXPECT_EQ(EscapeJsonPointerToken("~/"), "~0~1");
  EXPECT_EQ(EscapeJsonPointerToken(""), "");
}

TEST(JsonPointerTest, AppendsMembersAndIndexes) {
  EXPECT_EQ(JsonPointerAppend("", "do"), "/do");
  EXPECT_EQ(JsonPointerAppend(JsonPointerAppend("/do", size_t{2}), "fetch/all"),
            "/do/2/fetch~1all");
}

}  // namespace
}  // namespace stigmer::workflow
