#include "workflow/expression_evaluator.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

TEST(ExpressionEvaluatorTest, EvaluatesDollarBraceAndBareExpressions) {
  ExpressionEvaluator evaluator;
  ExpressionVariables variables;
  EXPECT_EQ(*evaluator.Evaluate("${ .a + 1 }", {{"a", 1}}, variables), json(2));
  EXPECT_EQ(*evaluator.Evaluate(".a + 1", {{"a", 41}}, variables), json(42));  // same program
  EXPECT_EQ(*evaluator.Evaluate("${ empty }", json::object(), variables), json());
}

TEST(ExpressionEvaluatorTest, BindsTheStandardAndExtraVariables) {
  ExpressionEvaluator evaluator;
  ExpressionVariables variables;
  variables.context = {{"c", 1}};
  variables.input = "in";
  variables.secrets = {{"token", "s"}};
  variables.extra["pet"] = {{"id", 3}};
  EXPECT_EQ(*evaluator.Evaluate("${ [$context.c, $input, $secrets.token, $pet.id, $output] }",
                                json(), variables),
            json({1, "in", "s", 3, nullptr}));
}

TEST(ExpressionEvaluatorTest, EvaluatesObjectsAndArraysLeafByLeaf) {
  ExpressionEvaluator evaluator;
  nlohmann::ordered_json value = {
      {"name", "${ .n }"}, {"literal", "Hello ${ .n }!"}, {"list", {"${ .n | length }", 5, true}}};
  EXPECT_EQ(*evaluator.EvaluateValue(value, {{"n", "Ada"}}, {}),
            json({{"name", "Ada"}, {"literal", "Hello ${ .n }!"}, {"list", {3, 5, true}}}));
}

TEST(ExpressionEvaluatorTest, ConditionsFollowJqTruth) {
  ExpressionEvaluator evaluator;
  EXPECT_FALSE(*evaluator.EvaluateCondition(".missing", json::object(), {}));
  EXPECT_FALSE(*evaluator.EvaluateCondition("false", json::object(), {}));
  EXPECT_TRUE(*evaluator.EvaluateCondition("${ 0 }", json::object(), {}));
  EXPECT_TRUE(*evaluator.EvaluateCondition("${ \"\" }", json::object(), {}));
}

TEST(ExpressionEvaluatorTest, ErrorsNameTheExpression) {
  ExpressionEvaluator evaluator;
  absl::Status runtime = evaluator.Evaluate("${ .a + 1 }", {{"a", json::object()}}, {}).status();
  EXPECT_EQ(runtime.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(runtime.message()), HasSubstr("expression `${ .a + 1 }`: "));
  EXPECT_THAT(std::string(runtime.message()), HasSubstr("cannot be added"));
  absl::Status syntax = evaluator.Evaluate("${ .a | }", json(), {}).status();
  EXPECT_THAT(std::string(syntax.message()), HasSubstr("syntax error"));
  EXPECT_THAT(std::string(evaluator.Evaluate("${ $pet }", json(), {}).status().message()),
              HasSubstr("$pet is not defined"));
}

TEST(ExpressionEvaluatorTest, AProgramEndingInACommentStillRuns) {
  ExpressionEvaluator evaluator;
  EXPECT_EQ(*evaluator.Evaluate(".a # the a", {{"a", 1}}, {}), json(1));
}

TEST(ExpressionEvaluatorTest, AValueBuiltTooDeepIsAnExpressionErrorNotACrash) {
  ExpressionEvaluator evaluator;
  absl::StatusOr<json> deep =
      evaluator.Evaluate("${ reduce range(300) as $i (0; [.]) }", json::object(), {});
  ASSERT_FALSE(deep.ok());
  EXPECT_THAT(std::string(deep.status().message()), HasSubstr("expression `"));
  EXPECT_THAT(std::string(deep.status().message()), HasSubstr("deeper than 256 levels"));
  EXPECT_TRUE(evaluator.Evaluate("${ reduce range(200) as $i (0; [.]) }", json::object(), {}).ok());
}

}  // namespace
}  // namespace stigmer::workflow
