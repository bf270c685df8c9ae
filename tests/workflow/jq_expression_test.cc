#include "workflow/jq_expression.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;

TEST(IsRuntimeExpressionTest, IsTheWholeStringInDollarBraces) {
  EXPECT_TRUE(IsRuntimeExpression("${ .a }"));
  EXPECT_TRUE(IsRuntimeExpression("  ${.a}\n"));
  EXPECT_FALSE(IsRuntimeExpression(".a"));
  EXPECT_FALSE(IsRuntimeExpression("Hello ${ .name }!"));
  EXPECT_FALSE(IsRuntimeExpression("${"));
  EXPECT_FALSE(IsRuntimeExpression(""));
}

TEST(RuntimeExpressionBodyTest, StripsTheDelimiters) {
  EXPECT_EQ(RuntimeExpressionBody("${ .a | length }"), ".a | length");
  EXPECT_EQ(RuntimeExpressionBody(" .a "), ".a");
}

TEST(CompileJqExpressionTest, CompilesWithTheStandardVariables) {
  EXPECT_TRUE(CompileJqExpression("${ .pets | map(.name) }").ok());
  EXPECT_TRUE(CompileJqExpression(".a + 1").ok());
  EXPECT_TRUE(CompileJqExpression(
                  "${ {c: $context, i: $input, o: $output, s: $secrets, t: $task, w: $workflow, "
                  "r: $runtime, a: $authorization} }")
                  .ok());
}

TEST(CompileJqExpressionTest, ReportsSyntaxErrorsWithJqsMessage) {
  absl::Status status = CompileJqExpression("${ .a | }");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("syntax error"));
  EXPECT_THAT(std::string(status.message()), ::testing::Not(HasSubstr("Unix shell")));
}

TEST(CompileJqExpressionTest, UnknownVariablesAndFunctionsDoNotCompile) {
  EXPECT_THAT(std::string(CompileJqExpression("${ $pet.id }").message()),
              HasSubstr("$pet is not defined"));
  EXPECT_THAT(std::string(CompileJqExpression("${ nosuchfunction(1) }").message()),
              HasSubstr("nosuchfunction/1 is not defined"));
}

// libjq 1.6 leaks on unterminated strings: they are refused before they reach it.
TEST(CompileJqExpressionTest, UnterminatedStringsAreSyntaxErrors) {
  for (const char* program : {"\"abc", ".\"a", "\"\\(1", "\"\\(.a", "\"a\\\"", "\"\\(\"x\")"}) {
    EXPECT_THAT(std::string(CompileJqExpression(program).message()),
                HasSubstr("string is not terminated"))
        << program;
  }
}

TEST(CompileJqExpressionTest, StringsWithEscapesInterpolationsAndCommentsCompile) {
  for (const char* program :
       {"\"a\\\"b\"", "\"x\\(.a + \"(\" + (.b | tostring))y\"", "@base64 \"v=\\(.v)\"",
        ".a # a comment with \" and (\n| length", "\"\\\\\" + \"\\(1)\""}) {
    EXPECT_TRUE(CompileJqExpression(program).ok())
        << program << ": " << CompileJqExpression(program);
  }
}

TEST(CompileJqExpressionTest, ExtraVariablesAreBound) {
  EXPECT_TRUE(CompileJqExpression("${ $pet.id }", {"pet"}).ok());
}

TEST(CompileJqExpressionTest, RefusesEmptyAndNulPrograms) {
  EXPECT_THAT(std::string(CompileJqExpression("${ }").message()), HasSubstr("empty"));
  EXPECT_THAT(std::string(CompileJqExpression(std::string(".a\0.b", 5)).message()),
              HasSubstr("NUL"));
}

TEST(CompileJqExpressionTest, RepeatedCompilesGiveTheSameAnswer) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(CompileJqExpression("${ .x }").ok());
    EXPECT_FALSE(CompileJqExpression("${ .x | }").ok());
  }
}

}  // namespace
}  // namespace stigmer::workflow
