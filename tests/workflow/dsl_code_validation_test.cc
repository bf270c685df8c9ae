// Validation at apply of `run: script`, `run: container`, custom functions, catalogs and
// use.extensions (dsl-reference.md, Script Process, Container Process, Use, Catalog,
// Extension).

#include <string>
#include <utility>
#include <vector>

#include "dsl_test_documents.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::workflow::testing::ProblemsOf;
using ::stigmer::workflow::testing::WithHeader;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

ValidationProblem P(std::string pointer, std::string message) {
  return {std::move(pointer), std::move(message)};
}

std::vector<ValidationProblem> BodyProblems(const std::string& body) {
  return ProblemsOf(WithHeader(body));
}

TEST(ScriptValidationTest, AcceptsCodeInEachLanguageWithItsOwnDollarBraces) {
  for (const char* language : {"js", "javascript", "python"}) {
    EXPECT_THAT(BodyProblems(std::string("do:\n  - s:\n      run:\n        script:\n"
                                         "          language: ") +
                             language +
                             "\n          code: '${ not jq at all }'\n"
                             "          arguments: [a, b]\n"
                             "          environment: {A: b}\n"
                             "          stdin: ${ . }\n"),
                IsEmpty())
        << language;
  }
}

TEST(ScriptValidationTest, RefusesUnknownLanguagesAndRemoteSources) {
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      run:\n        script:\n          language: ruby\n"
                           "          code: puts 1\n"),
              ElementsAre(P("/do/0/s/run/script/language", "must be js, javascript or python")));
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      run:\n        script:\n          language: python\n"
                           "          source:\n            endpoint: https://x.org/a.py\n"),
              ElementsAre(P("/do/0/s/run/script/source/endpoint",
                            "\"https://x.org/a.py\" is not a local file: stigmer reaches no "
                            "network while it runs a workflow; give file:///its/path or put the "
                            "script in `code`")));
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      run:\n        script:\n          language: python\n"
                           "          source:\n            endpoint:\n"
                           "              uri: file:///srv/a.py\n"),
              IsEmpty());
  EXPECT_THAT(
      BodyProblems("do:\n  - s:\n      run:\n        script:\n          language: js\n"),
      ElementsAre(P("/do/0/s/run/script", "a script needs exactly one of code and source")));
}

TEST(ContainerValidationTest, AcceptsEveryFieldAndNamesWhatIsWrong) {
  EXPECT_THAT(BodyProblems("do:\n  - c:\n      run:\n        container:\n"
                           "          image: alpine\n          name: box\n"
                           "          command: echo hi\n          arguments: [a]\n"
                           "          ports: {'8080': 80}\n          volumes: {/a: /b}\n"
                           "          environment: {A: b}\n          stdin: hi\n"
                           "          pullPolicy: never\n"
                           "          lifetime:\n            cleanup: eventually\n"
                           "            after: {minutes: 30}\n"),
              IsEmpty());
  EXPECT_THAT(
      BodyProblems("do:\n  - c:\n      run:\n        container:\n"
                   "          pullPolicy: sometimes\n"
                   "          lifetime: {cleanup: eventually}\n"),
      ElementsAre(
          P("/do/0/c/run/container", "missing required property \"image\""),
          P("/do/0/c/run/container/pullPolicy", "must be ifNotPresent, always or never"),
          P("/do/0/c/run/container/lifetime", "cleanup: eventually needs `after` (a duration)")));
}

TEST(FunctionValidationTest, FunctionsAreCheckedAsTasksAndCatalogsMustBeLocal) {
  EXPECT_THAT(BodyProblems("use:\n  functions:\n    f:\n      call: http\n"
                           "do:\n  - x:\n      call: f\n"),
              ElementsAre(P("/use/functions/f", "missing required property \"with\"")));
  EXPECT_THAT(BodyProblems("use:\n  catalogs:\n    global:\n      endpoint:\n"
                           "        uri: https://github.com/serverlessworkflow/catalog\n"
                           "do:\n  - x:\n      call: log:1.0.0@global\n"),
              ElementsAre(P("/use/catalogs/global/endpoint",
                            "catalog \"global\" \"https://github.com/serverlessworkflow/catalog\" "
                            "is not a file:// URI: stigmer reaches no network while it runs a "
                            "workflow; copy it to this machine and give file:///its/path"),
                          P("/do/0/x/call",
                            "catalog \"global\" \"https://github.com/serverlessworkflow/catalog\" "
                            "is not a file:// URI: stigmer reaches no network while it runs a "
                            "workflow; copy it to this machine and give file:///its/path")));
  EXPECT_THAT(BodyProblems("do:\n  - x:\n      call: log:1.0.0@nowhere\n"),
              ElementsAre(P("/do/0/x/call", "no catalog named \"nowhere\" in use.catalogs")));
  EXPECT_THAT(BodyProblems("use:\n  catalogs:\n    local:\n      endpoint: file:///srv/c\n"
                           "do:\n  - x:\n      call: log@local\n"),
              ElementsAre(P("/do/0/x/call",
                            "\"log@local\" must name a version: <function>:<version>@local")));
  EXPECT_THAT(BodyProblems("do:\n  - x:\n      call: https://example.com/functions/log.yaml\n"),
              ElementsAre(P("/do/0/x/call",
                            "the function \"https://example.com/functions/log.yaml\" is not a "
                            "file:// URI: stigmer reaches no network while it runs a workflow; "
                            "copy it to this machine and give file:///its/path")));
  EXPECT_THAT(BodyProblems("use:\n  catalogs:\n    local:\n      endpoint: file:///srv/c\n"
                           "do:\n  - x:\n      call: log:1.0.0@local\n"
                           "  - y:\n      call: file:///srv/f/function.yaml\n"),
              IsEmpty());
}

TEST(ExtensionValidationTest, ChecksExtendWhenAndTheTaskLists) {
  EXPECT_THAT(BodyProblems("use:\n  extensions:\n    - log:\n        extend: all\n"
                           "        when: $task.call == \"http\"\n"
                           "        before:\n          - a:\n              set: {x: 1}\n"
                           "        after:\n          - b:\n              set: {y: 1}\n"
                           "do:\n  - a:\n      set: {a: 1}\n"),
              IsEmpty());
  EXPECT_THAT(BodyProblems("use:\n  extensions:\n    - log:\n        extend: everything\n"
                           "        before: []\n"
                           "do:\n  - a:\n      set: {a: 1}\n"),
              ElementsAre(P("/use/extensions/0/log/extend",
                            "must be all or a task type: call, composite, emit, for, fork, "
                            "listen, raise, run, set, switch, try or wait"),
                          P("/use/extensions/0/log/before", "must hold at least one task")));
}

}  // namespace
}  // namespace stigmer::workflow
