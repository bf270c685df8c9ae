// What the CLI parses from its user before it calls a server (fuzzed by cli_input_fuzzer).
#include "cli/run_input.h"
#include "cli/source_documents.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CliInputTest, ApplyFileSplitsAtSeparatorLinesAndDropsDocumentsWithOnlyComments) {
  std::vector<SourceDocument> documents = SplitSourceDocuments(
      "all.yaml", "a: 1\n--- # second\nb: '---'\n---x: 2\n---\n# nothing here\n---\n\n");
  ASSERT_EQ(documents.size(), 2u);
  EXPECT_EQ(documents[0].origin, "all.yaml (document 1)");
  EXPECT_EQ(documents[0].text, "a: 1\n");
  EXPECT_EQ(documents[1].origin, "all.yaml (document 2)");
  EXPECT_EQ(documents[1].text, "b: '---'\n---x: 2\n");
  std::vector<SourceDocument> one = SplitSourceDocuments("hello.yaml", "---\ndo: []");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].origin, "hello.yaml");
  EXPECT_TRUE(SplitSourceDocuments("empty.yaml", "---\n# c\n").empty());
}

TEST(CliInputTest, RunInputMustBeAJsonObjectNoDeeperThanTheLimit) {
  EXPECT_EQ(*ParseRunInput(R"({ "name" : "Ada" })"), R"({"name":"Ada"})");
  EXPECT_EQ(*ReadRunInput(""), "{}");
  EXPECT_EQ(ParseRunInput("[1]").status().message(),
            "--input must be a JSON object, such as {\"name\": \"ada\"}");
  EXPECT_THAT(ParseRunInput(std::string(300, '[')).status().message(),
              HasSubstr("--input is nested deeper than 256 levels (the limit)"));
  EXPECT_THAT(ReadRunInput("@/no/such/file").status().message(), HasSubstr("/no/such/file"));
}

TEST(CliInputTest, RuntimeValueSplitsAtTheFirstEqualsAndNeverEchoesASecret) {
  absl::StatusOr<RuntimePair> pair = ParseRuntimePair("TOKEN=a=b", /*secret=*/false);
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(pair->name, "TOKEN");
  EXPECT_EQ(pair->value, "a=b");
  EXPECT_EQ(ParseRuntimePair("EMPTY=", false)->value, "");
  EXPECT_EQ(ParseRuntimePair("=x", false).status().message(), "--env \"=x\" is not NAME=VALUE");
  absl::Status secret = ParseRuntimePair("hunter2", /*secret=*/true).status();
  EXPECT_EQ(secret.message(), "--secret \"<hidden>\" is not NAME=VALUE");
  EXPECT_THAT(secret.message(), Not(HasSubstr("hunter2")));
}

}  // namespace
}  // namespace stigmer::cli
