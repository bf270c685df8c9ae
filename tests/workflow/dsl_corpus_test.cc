// The fuzzer's seed corpus (tests/fuzz/corpus/dsl) stays what its file names say: valid_*
// documents parse, invalid_* ones are refused.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "testing/test_env.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {
namespace {

TEST(DslCorpusTest, ValidSeedsParseAndInvalidSeedsDoNot) {
  std::filesystem::path corpus = stigmer::testing::SourceDir() / "tests/fuzz/corpus/dsl";
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    std::string name = entry.path().filename().string();
    absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument(text.str());
    if (name.rfind("valid_", 0) == 0) {
      EXPECT_TRUE(document.ok()) << name << ": " << document.status();
    } else if (name.rfind("invalid_", 0) == 0) {
      EXPECT_FALSE(document.ok()) << name;
    }
    ++seeds;
  }
  EXPECT_GE(seeds, 5);
}

}  // namespace
}  // namespace stigmer::workflow
