#include "workflow/yaml_to_json.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(YamlToJsonTest, TypesPlainScalarsByTheCoreSchema) {
  absl::StatusOr<Json> json = YamlToJson(
      "int: 42\nneg: -7\nhex: 0x1f\nfloat: 2.5\nexp: 1e3\nyes: true\nno: False\n"
      "nothing: ~\nempty:\nword: hello\non: off\ninf: .inf\nbig: 99999999999999999999\n");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ((*json)["int"], 42);
  EXPECT_EQ((*json)["neg"], -7);
  EXPECT_EQ((*json)["hex"], 31);
  EXPECT_EQ((*json)["float"], 2.5);
  EXPECT_EQ((*json)["exp"], 1000.0);
  EXPECT_EQ((*json)["yes"], true);
  EXPECT_EQ((*json)["no"], false);
  EXPECT_TRUE((*json)["nothing"].is_null());
  EXPECT_TRUE((*json)["empty"].is_null());
  EXPECT_EQ((*json)["word"], "hello");
  EXPECT_EQ((*json)["on"], "off");  // YAML 1.1 booleans stay strings
  EXPECT_EQ((*json)["inf"], ".inf");
  EXPECT_TRUE((*json)["big"].is_number_float());
}

TEST(YamlToJsonTest, QuotedBlockAndStrTaggedScalarsStayStrings) {
  absl::StatusOr<Json> json =
      YamlToJson("a: '1'\nb: \"true\"\nc: !!str 12\nd: |\n  42\ne: '1.0.0'\nf: 1.0.0\n");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ((*json)["a"], "1");
  EXPECT_EQ((*json)["b"], "true");
  EXPECT_EQ((*json)["c"], "12");
  EXPECT_EQ((*json)["d"], "42\n");
  EXPECT_EQ((*json)["e"], "1.0.0");
  EXPECT_EQ((*json)["f"], "1.0.0");
}

TEST(YamlToJsonTest, KeepsKeyOrder) {
  absl::StatusOr<Json> json = YamlToJson("zebra: 1\napple: 2\nmango: 3\n");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->dump(), R"({"zebra":1,"apple":2,"mango":3})");
}

TEST(YamlToJsonTest, ReadsJson) {
  absl::StatusOr<Json> json =
      YamlToJson(R"({"a": [1, 2.5, "x", true, null], "b": {"c": "\u00e9\n"}})");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->dump(), R"({"a":[1,2.5,"x",true,null],"b":{"c":"é\n"}})");
}

TEST(YamlToJsonTest, SyntaxErrorsNameLineAndColumn) {
  absl::StatusOr<Json> json = YamlToJson("a: 1\nb: [1, 2\nc: 3\n");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(json.status().message()), StartsWith("line "));
  EXPECT_THAT(std::string(json.status().message()), HasSubstr(", column "));
}

TEST(YamlToJsonTest, RefusesDuplicateKeys) {
  absl::StatusOr<Json> json = YamlToJson("a: 1\nb: 2\na: 3\n");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().message(), "line 3, column 1: duplicate key \"a\"");
}

TEST(YamlToJsonTest, RefusesEmptyTextAndSeveralDocuments) {
  EXPECT_THAT(std::string(YamlToJson("").status().message()), HasSubstr("empty"));
  EXPECT_THAT(std::string(YamlToJson("# only a comment\n").status().message()), HasSubstr("empty"));
  EXPECT_EQ(YamlToJson("a: 1\n---\nb: 2\n").status().message(),
            "line 2, column 1: a second YAML document (or stray text) starts here; give one "
            "document");
}

// yaml-cpp 0.7's LoadAll never returns on these.
TEST(YamlToJsonTest, StrayTextAfterAFlowCollectionIsAnErrorNotAHang) {
  for (const char* text : {"{},", "[],", "\"x\",", "{a: 1} ,"}) {
    EXPECT_FALSE(YamlToJson(text).ok()) << text;
  }
}

TEST(YamlToJsonTest, RefusesBadlyTaggedScalars) {
  EXPECT_THAT(std::string(YamlToJson("a: !!int abc\n").status().message()),
              HasSubstr("not a valid !!int"));
}

TEST(YamlToJsonTest, StopsAliasExpansionBombs) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char previous = 'a';
  for (char name = 'b'; name <= 'j'; ++name) {
    text += std::string(1, name) + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", *" : "*") + previous;
    text += "]\n";
    previous = name;
  }
  absl::StatusOr<Json> json = YamlToJson(text);
  ASSERT_FALSE(json.ok());
  EXPECT_THAT(std::string(json.status().message()), HasSubstr("more than 1000000 values"));
}

TEST(YamlToJsonTest, RefusesTextThatIsNotUtf8) {
  EXPECT_FALSE(YamlToJson("a: \"\\uD800\"\n").ok());  // yaml-cpp refuses lone surrogates
  EXPECT_THAT(std::string(YamlToJson("a: caf\xe9\n").status().message()),
              HasSubstr("not valid UTF-8"));
  EXPECT_THAT(std::string(YamlToJson("\xc3\x28: 1\n").status().message()),
              HasSubstr("not valid UTF-8"));
  EXPECT_TRUE(YamlToJson("a: caf\xc3\xa9 \xf0\x9f\x98\x80\n").ok());
}

TEST(YamlToJsonTest, RefusesDeepNesting) {
  std::string text(5000, '[');
  text += std::string(5000, ']');
  EXPECT_FALSE(YamlToJson(text).ok());
  EXPECT_THAT(
      std::string(YamlToJson(std::string(257, '[') + std::string(257, ']')).status().message()),
      HasSubstr("the document is nested deeper than 256 levels (the limit)"));
  EXPECT_TRUE(YamlToJson(std::string(256, '[') + "1" + std::string(256, ']')).ok());
  std::string maps;
  for (int i = 0; i < 256; ++i) maps += "{a: ";
  EXPECT_TRUE(YamlToJson(maps + "1" + std::string(256, '}')).ok());
  EXPECT_FALSE(YamlToJson("{a: " + maps + "1" + std::string(257, '}')).ok());
}

// yaml-cpp recurses while it builds nodes; its own guard must stop every way of nesting long
// before the stack runs out, also in block style.
TEST(YamlToJsonTest, DocumentNested100000DeepIsRefusedNotACrash) {
  const int depth = 100000;
  for (const std::string& text : {std::string(depth, '[') + std::string(depth, ']'),
                                  std::string(depth, '{') + std::string(depth, '}'),
                                  [&] {
                                    std::string flow;
                                    for (int i = 0; i < depth; ++i) flow += "{a: ";
                                    return flow + "1" + std::string(depth, '}');
                                  }(),
                                  [&] {
                                    std::string block;
                                    for (int i = 0; i < depth; ++i) block += "- ";
                                    return block + "1\n";
                                  }()}) {
    absl::StatusOr<Json> json = YamlToJson(text);
    EXPECT_FALSE(json.ok()) << text.substr(0, 20);
  }
  std::string mappings;  // a: / b: / c: ..., each indented one more, as deep as 4 MiB allows
  for (int i = 0; i < 2800; ++i) mappings += std::string(i, ' ') + "a:\n";
  EXPECT_FALSE(YamlToJson(mappings).ok());
}

TEST(YamlToJsonTest, RefusesAnAliasInsideItsOwnAnchor) {
  EXPECT_FALSE(YamlToJson("a: &x [1, *x]\n").ok());
}

}  // namespace
}  // namespace stigmer::workflow
