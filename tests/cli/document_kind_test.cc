#include "cli/document_kind.h"

#include "gtest/gtest.h"

namespace stigmer::cli {
namespace {

TEST(DocumentKindTest, AnAgentHasAKindAndAWorkflowADocument) {
  EXPECT_EQ(KindOfDocument("kind: Agent\nname: reviewer\ninstructions: x\n"), DocumentKind::kAgent);
  EXPECT_EQ(KindOfDocument(R"({"kind": "Agent", "name": "reviewer"})"), DocumentKind::kAgent);
  EXPECT_EQ(KindOfDocument("document: {dsl: '1.0.0', name: hello}\ndo: []\n"),
            DocumentKind::kWorkflow);
}

// A mistyped kind goes to the agent's validation, which names /kind; anything else that is no
// agent goes to the workflow's, which says what a workflow needs.
TEST(DocumentKindTest, WhatIsNeitherGoesWhereItsErrorIsClearest) {
  EXPECT_EQ(KindOfDocument("kind: Agnet\nname: reviewer\n"), DocumentKind::kAgent);
  EXPECT_EQ(KindOfDocument("kind: Agent\ndocument: {dsl: '1.0.0'}\n"), DocumentKind::kWorkflow);
  EXPECT_EQ(KindOfDocument("name: reviewer\n"), DocumentKind::kWorkflow);
  EXPECT_EQ(KindOfDocument("kind: [unclosed\n"), DocumentKind::kWorkflow);
  EXPECT_EQ(KindOfDocument("- kind: Agent\n"), DocumentKind::kWorkflow);
  EXPECT_EQ(KindOfDocument(std::string(100000, '[')), DocumentKind::kWorkflow);
}

TEST(DocumentKindTest, Names) {
  EXPECT_EQ(DocumentKindName(DocumentKind::kAgent), "agent");
  EXPECT_EQ(DocumentKindName(DocumentKind::kWorkflow), "workflow");
}

}  // namespace
}  // namespace stigmer::cli
