// The files a workflow names by relative paths, found wherever its tasks nest.

#include "workflow/dsl_file_references.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::workflow {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Of(const std::string& yaml) {
  absl::StatusOr<nlohmann::ordered_json> document = YamlToJson(yaml);
  EXPECT_TRUE(document.ok()) << document.status();
  return RelativeFileReferences(*document);
}

TEST(FileReferencesTest, RelativeReferencesOfEveryKindAreFoundOnce) {
  EXPECT_THAT(Of(R"(
use:
  catalogs:
    mine: {endpoint: {uri: file://catalog}}
    abs: {endpoint: file:///srv/catalog}
do:
  - greet:
      call: grpc
      with: {proto: {endpoint: file://app/greet.proto}, service: {name: G, host: h}, method: M}
  - again:
      try:
        - inner:
            call: grpc
            with: {proto: {endpoint: {uri: file://app/greet.proto}}}
      catch:
        do:
          - pet:
              call: openapi
              with: {document: {endpoint: ../api/petstore.yaml}, operationId: x}
  - each:
      for: {in: '${ [1] }'}
      do:
        - py:
            run: {script: {language: python, source: {endpoint: scripts/a.py}}}
        - fn:
            call: file://functions/f.yaml
)"),
              ElementsAre("file://catalog", "file://app/greet.proto", "../api/petstore.yaml",
                          "scripts/a.py", "file://functions/f.yaml"));
}

TEST(FileReferencesTest, AbsoluteNetworkAndExpressionReferencesAreNotRelative) {
  EXPECT_THAT(Of(R"(
do:
  - a:
      call: grpc
      with: {proto: {endpoint: file:///srv/greet.proto}}
  - b:
      call: openapi
      with: {document: {endpoint: 'https://x.org/openapi.json'}}
  - c:
      call: openapi
      with: {document: {endpoint: '${ .doc }'}}
  - d:
      call: http
      with: {method: get, endpoint: relative/looking}
)"),
              IsEmpty());
}

}  // namespace
}  // namespace stigmer::workflow
