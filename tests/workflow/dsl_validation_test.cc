// Every error path of ValidateWorkflowJson, with the pointer and message it reports.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/dsl_test_documents.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::workflow::testing::ProblemsOf;
using ::stigmer::workflow::testing::WithHeader;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

ValidationProblem P(std::string pointer, std::string message) {
  return {std::move(pointer), std::move(message)};
}

// The problems of a document made of the standard header and `body`.
std::vector<ValidationProblem> BodyProblems(const std::string& body) {
  return ProblemsOf(WithHeader(body));
}

constexpr char kSetTask[] = "      set: {a: 1}\n";

// --- document ---

std::string Document(const std::string& dsl, const std::string& ns, const std::string& name,
                     const std::string& version) {
  return "document:\n  dsl: " + dsl + "\n  namespace: " + ns + "\n  name: " + name +
         "\n  version: " + version + "\ndo:\n  - a:\n" + kSetTask;
}

TEST(DocumentValidationTest, AcceptsTheSupportedDslVersions) {
  for (const char* dsl : {"'1.0.0'", "1.0.1", "'1.0.2'", "1.0.3"}) {
    EXPECT_THAT(ProblemsOf(Document(dsl, "ns", "wf", "'0.1.0'")), IsEmpty()) << dsl;
  }
}

TEST(DocumentValidationTest, RefusesOtherDslVersionsNamingTheRange) {
  EXPECT_THAT(ProblemsOf(Document("'0.8'", "ns", "wf", "'0.1.0'")),
              ElementsAre(P("/document/dsl",
                            "unsupported DSL version \"0.8\"; stigmer supports 1.0.0 to 1.0.3")));
  EXPECT_THAT(ProblemsOf(Document("1.0.0-alpha5", "ns", "wf", "'0.1.0'")),
              ElementsAre(Field(&ValidationProblem::pointer, "/document/dsl")));
}

TEST(DocumentValidationTest, NameAndNamespaceMustBeDnsLabels) {
  const std::string rule =
      " must be a DNS label (lowercase letters, digits and '-', at most 63 characters)";
  EXPECT_THAT(ProblemsOf(Document("1.0.0", "ns", "MyFlow", "'0.1.0'")),
              ElementsAre(P("/document/name", "name" + rule)));
  EXPECT_THAT(ProblemsOf(Document("1.0.0", "-ns", "flow", "'0.1.0'")),
              ElementsAre(P("/document/namespace", "namespace" + rule)));
  EXPECT_THAT(ProblemsOf(Document("1.0.0", "ns", std::string(64, 'a'), "'0.1.0'")),
              ElementsAre(P("/document/name", "name" + rule)));
  EXPECT_THAT(ProblemsOf(Document("1.0.0", "ns", std::string(63, 'a'), "'0.1.0'")), IsEmpty());
}

TEST(DocumentValidationTest, VersionMustBeSemver) {
  EXPECT_THAT(ProblemsOf(Document("1.0.0", "ns", "wf", "'1.0'")),
              ElementsAre(P("/document/version",
                            "version must be a semantic version (like 1.0.0), not \"1.0\"")));
  EXPECT_THAT(
      ProblemsOf(Document("1.0.0", "ns", "wf", "1.0")),
      ElementsAre(P("/document/version", "must be a string (quote it in YAML, like '1.0.0')")));
}

TEST(DocumentValidationTest, RequiresDocumentAndItsFields) {
  EXPECT_THAT(ProblemsOf("do:\n  - a:\n" + std::string(kSetTask)),
              ElementsAre(P("", "missing required property \"document\"")));
  EXPECT_THAT(
      ProblemsOf("document:\n  dsl: 1.0.0\n  name: x\ndo:\n  - a:\n" + std::string(kSetTask)),
      ElementsAre(P("/document", "missing required property \"namespace\""),
                  P("/document", "missing required property \"version\"")));
}

TEST(DocumentValidationTest, RefusesUnknownAndUnsupportedTopLevelProperties) {
  EXPECT_THAT(BodyProblems("do:\n  - a:\n" + std::string(kSetTask) + "dos: []\n"),
              ElementsAre(P("/dos", "unknown property \"dos\"")));
  EXPECT_THAT(BodyProblems("evaluate:\n  mode: loose\ndo:\n  - a:\n" + std::string(kSetTask)),
              ElementsAre(Field(&ValidationProblem::pointer, "/evaluate/mode")));
  EXPECT_THAT(BodyProblems("use:\n  extensions: {}\ndo:\n  - a:\n" + std::string(kSetTask)),
              ElementsAre(P("/use/extensions", "must be a list of {name: extension}")));
}

// --- task lists ---

TEST(TaskListValidationTest, DoIsRequiredAndNotEmpty) {
  EXPECT_THAT(BodyProblems(""), ElementsAre(P("", "missing required property \"do\"")));
  EXPECT_THAT(BodyProblems("do: []\n"), ElementsAre(P("/do", "must hold at least one task")));
  EXPECT_THAT(BodyProblems("do:\n  call: http\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do")));
}

TEST(TaskListValidationTest, EachItemIsASingleKeyMapping) {
  EXPECT_THAT(BodyProblems("do:\n  - a:\n      set: {x: 1}\n    b:\n      set: {y: 1}\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0")));
  EXPECT_THAT(BodyProblems("do:\n  - just a string\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0")));
}

TEST(TaskListValidationTest, TaskNamesAreUniqueWithinAList) {
  EXPECT_THAT(
      BodyProblems("do:\n  - fetch:\n" + std::string(kSetTask) + "  - other:\n" + kSetTask +
                   "  - fetch:\n" + kSetTask),
      ElementsAre(P("/do/2/fetch", "duplicate task name \"fetch\" (first at /do/0/fetch)")));
  // The same name in different lists is fine.
  EXPECT_THAT(
      BodyProblems("do:\n  - fetch:\n      do:\n        - fetch:\n            set: {a: 1}\n"),
      IsEmpty());
}

// Regression (found by make fuzz): a 600-character name full of tabs was accepted, and its JSON
// could not be read back as YAML.
TEST(TaskListValidationTest, TaskNamesAreShortAndPrintable) {
  const std::string rule = "a task name must be at most 255 characters, without control characters";
  EXPECT_THAT(BodyProblems("do:\n  - \"a\\tb\":\n" + std::string(kSetTask)),
              ElementsAre(P("/do/0", rule)));
  EXPECT_THAT(BodyProblems("do:\n  - " + std::string(256, 'n') + ":\n" + kSetTask),
              ElementsAre(P("/do/0", rule)));
  EXPECT_THAT(BodyProblems("do:\n  - " + std::string(255, 'n') + ":\n" + kSetTask), IsEmpty());
}

TEST(TaskValidationTest, ATaskHasExactlyOneType) {
  EXPECT_THAT(BodyProblems("do:\n  - nothing:\n      then: end\n"),
              ElementsAre(P("/do/0/nothing",
                            "a task needs one of call, do, emit, for, fork, listen, raise, run, "
                            "set, switch, try, wait")));
  EXPECT_THAT(
      BodyProblems("do:\n  - both:\n      set: {a: 1}\n      wait: PT1S\n"),
      ElementsAre(P("/do/0/both", "a task has exactly one type, this one has \"set\", \"wait\"")));
}

TEST(TaskValidationTest, RefusesUnknownTaskProperties) {
  EXPECT_THAT(BodyProblems("do:\n  - a:\n      set: {a: 1}\n      whith: {}\n"),
              ElementsAre(P("/do/0/a/whith", "unknown property \"whith\" for a \"set\" task")));
}

// --- flow directives ---

TEST(FlowDirectiveTest, ThenMustNameATaskOfTheSameList) {
  EXPECT_THAT(
      BodyProblems("do:\n  - a:\n      set: {a: 1}\n      then: nowhere\n"),
      ElementsAre(P("/do/0/a/then",
                    "\"then\" names task \"nowhere\", which is not in the same task list (flow "
                    "directives are continue, exit, end or a task of the same list)")));
  // A task of an enclosing list is out of reach.
  EXPECT_THAT(BodyProblems("do:\n  - outer:\n      do:\n        - inner:\n            set: {a: 1}\n"
                           "            then: outer\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/outer/do/0/inner/then")));
  EXPECT_THAT(BodyProblems("do:\n  - a:\n      set: {a: 1}\n      then: 3\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/a/then")));
}

// --- call ---

TEST(CallValidationTest, UnknownCallType) {
  EXPECT_THAT(BodyProblems("do:\n  - a:\n" + std::string(kSetTask) + "  - b:\n" + kSetTask +
                           "  - fetch:\n      call: smtp\n"),
              ElementsAre(P("/do/2/fetch/call", "unknown call type \"smtp\"")));
}

TEST(CallValidationTest, UnsupportedCallTypesAreNamed) {
  for (const char* kind : {"a2a"}) {
    EXPECT_THAT(
        BodyProblems(std::string("do:\n  - x:\n      call: ") + kind + "\n      with: {}\n"),
        ElementsAre(P("/do/0/x/call",
                      std::string("\"call: ") + kind + "\" is not supported by stigmer yet")))
        << kind;
  }
}

TEST(CallValidationTest, CallsOfUseFunctionsAreAccepted) {
  EXPECT_THAT(BodyProblems("use:\n  functions:\n    greet:\n      set: {a: 1}\n"
                           "do:\n  - x:\n      call: greet\n"),
              IsEmpty());
}

TEST(CallValidationTest, HttpNeedsMethodAndEndpoint) {
  EXPECT_THAT(BodyProblems("do:\n  - x:\n      call: http\n"),
              ElementsAre(P("/do/0/x", "missing required property \"with\"")));
  EXPECT_THAT(BodyProblems("do:\n  - x:\n      call: http\n      with: {}\n"),
              ElementsAre(P("/do/0/x/with", "missing required property \"method\""),
                          P("/do/0/x/with", "missing required property \"endpoint\"")));
  EXPECT_THAT(BodyProblems("do:\n  - x:\n      call: http\n      with:\n        method: fetch\n"
                           "        endpoint: {}\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/x/with/method"),
                          P("/do/0/x/with/endpoint", "missing required property \"uri\"")));
  EXPECT_THAT(BodyProblems("do:\n  - x:\n      call: http\n      with:\n        method: get\n"
                           "        endpoint: https://a.example\n        output: body\n"),
              ElementsAre(P("/do/0/x/with/output", "must be content, response or raw")));
}

// --- emit, listen ---

TEST(EmitValidationTest, AnEventNeedsASourceAndAType) {
  EXPECT_THAT(
      BodyProblems("do:\n  - a:\n" + std::string(kSetTask) +
                   "  - notify:\n      emit:\n        event:\n          with:\n"
                   "            type: x\n"),
      ElementsAre(P("/do/1/notify/emit/event/with", "missing required property \"source\"")));
  EXPECT_THAT(BodyProblems("do:\n  - notify:\n      emit:\n        event:\n          with:\n"
                           "            type: x\n            source: ${ .where }\n"
                           "            data: ${ . }\n"),
              ElementsAre());
}

TEST(ListenValidationTest, AcceptsEveryStrategy) {
  EXPECT_THAT(BodyProblems("do:\n  - hear:\n      listen:\n        to:\n          any: []\n"),
              ElementsAre());
  EXPECT_THAT(BodyProblems("do:\n  - hear:\n      listen:\n        to:\n          all:\n"
                           "            - with: {type: a}\n            - with: {type: b}\n"
                           "        read: envelope\n"),
              ElementsAre());
  EXPECT_THAT(BodyProblems("do:\n  - hear:\n      listen:\n        to:\n          any:\n"
                           "            - with: {type: a, data: '${ .n > 1 }'}\n"
                           "          until: '${ length >= 2 }'\n"
                           "      foreach:\n        item: event\n        do:\n"
                           "          - keep:\n              set: {seen: '${ $event }'}\n"),
              ElementsAre());
}

TEST(ScheduleValidationTest, OnTakesOneOrAnyAndOtherKindsAreRefused) {
  EXPECT_THAT(BodyProblems("schedule:\n  on:\n    one:\n      with: {type: a}\ndo:\n  - a:\n" +
                           std::string(kSetTask)),
              ElementsAre());
  EXPECT_THAT(BodyProblems("schedule:\n  on:\n    all:\n      - with: {type: a}\ndo:\n  - a:\n" +
                           std::string(kSetTask)),
              ElementsAre(P("/schedule/on",
                            "schedule.on takes `one` or `any`: each matching "
                            "event starts one execution")));
}

TEST(ListenValidationTest, CorrelateTakesKeysWithFromAndAnOptionalExpect) {
  EXPECT_THAT(BodyProblems("do:\n  - hear:\n      listen:\n        to:\n          all:\n"
                           "            - with: {type: t}\n"
                           "              correlate: {room: {from: .roomid}}\n"
                           "            - with: {type: h}\n"
                           "              correlate:\n"
                           "                room: {from: .roomid, expect: '${ .room }'}\n"
                           "                floor: {from: '${ .data.floor }', expect: '2'}\n"),
              ElementsAre());
  EXPECT_THAT(
      BodyProblems("do:\n  - hear:\n      listen:\n        to:\n          any:\n"
                   "            - with: {type: t}\n"
                   "              correlate:\n"
                   "                a: {expect: x, by: y}\n"
                   "                b: {from: 3}\n"
                   "                c: {from: .c, expect: 4}\n"
                   "                d: [from]\n"
                   "            - with: {type: u}\n"
                   "              correlate: {}\n"),
      ElementsAre(
          P("/do/0/hear/listen/to/any/0/correlate/a/by", "unknown property \"by\""),
          P("/do/0/hear/listen/to/any/0/correlate/a", "missing required property \"from\""),
          P("/do/0/hear/listen/to/any/0/correlate/b/from",
            "must be a string holding a runtime expression"),
          P("/do/0/hear/listen/to/any/0/correlate/c/expect", "must be a string"),
          P("/do/0/hear/listen/to/any/0/correlate/d", "must be an object (a mapping)"),
          P("/do/0/hear/listen/to/any/1/correlate", "must name at least one correlation key")));
  EXPECT_THAT(BodyProblems("schedule:\n  on:\n    one:\n      with: {type: a}\n"
                           "      correlate: {k: {from: '${ .data.k + }'}}\ndo:\n  - a:\n" +
                           std::string(kSetTask)),
              ElementsAre(::testing::Field(&ValidationProblem::pointer,
                                           "/schedule/on/one/correlate/k/from")));
}

TEST(ListenValidationTest, NamesWhatIsWrong) {
  EXPECT_THAT(BodyProblems("do:\n  - hear:\n      listen:\n        to: {}\n"),
              ElementsAre(P("/do/0/hear/listen/to", "needs exactly one of one, all and any")));
  EXPECT_THAT(BodyProblems("do:\n  - hear:\n      listen:\n        to:\n          one: {with: {}}\n"
                           "          until: '${ true }'\n        read: body\n"),
              ElementsAre(P("/do/0/hear/listen/to/one/with", "must name at least one attribute"),
                          P("/do/0/hear/listen/to/until", "applies only with `any`"),
                          P("/do/0/hear/listen/read", "must be data, envelope or raw")));
  EXPECT_THAT(
      BodyProblems("do:\n  - hear:\n      listen:\n        to:\n          one:\n"
                   "            with: {type: a}\n            correlate: {c: {from: '${ .x }'}}\n"),
      ElementsAre());
  EXPECT_THAT(BodyProblems("do:\n  - hear:\n      listen:\n        to:\n          any: []\n"
                           "          until:\n            one: {with: {type: a}}\n"
                           "            until: '${ true }'\n"),
              ElementsAre(P("/do/0/hear/listen/to/until/until",
                            "an `until` strategy cannot have an `until`")));
}

// --- run ---

TEST(RunValidationTest, NeedsExactlyOneProcessAndACommand) {
  EXPECT_THAT(
      BodyProblems("do:\n  - r:\n      run: {}\n"),
      ElementsAre(P("/do/0/r/run", "run needs one of shell, container, script and workflow")));
  EXPECT_THAT(BodyProblems("do:\n  - r:\n      run:\n        shell: {}\n"),
              ElementsAre(P("/do/0/r/run/shell", "missing required property \"command\"")));
  EXPECT_THAT(BodyProblems("do:\n  - r:\n      run:\n        shell:\n          command: ls\n"
                           "        return: everything\n"),
              ElementsAre(P("/do/0/r/run/return", "must be stdout, stderr, code, all or none")));
}

// --- raise ---

TEST(RaiseValidationTest, ErrorNeedsTypeAndStatus) {
  EXPECT_THAT(BodyProblems("do:\n  - r:\n      raise: {}\n"),
              ElementsAre(P("/do/0/r/raise", "missing required property \"error\"")));
  EXPECT_THAT(BodyProblems("do:\n  - r:\n      raise:\n        error:\n          title: x\n"),
              ElementsAre(P("/do/0/r/raise/error", "missing required property \"type\""),
                          P("/do/0/r/raise/error", "missing required property \"status\"")));
  EXPECT_THAT(BodyProblems("do:\n  - r:\n      raise:\n        error:\n          type: t\n"
                           "          status: high\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/r/raise/error/status")));
}

TEST(RaiseValidationTest, ReferencedErrorsMustExist) {
  EXPECT_THAT(
      BodyProblems("do:\n  - r:\n      raise:\n        error: missing\n"),
      ElementsAre(P("/do/0/r/raise/error", "error \"missing\" is not defined in use.errors")));
}

// --- set, wait ---

TEST(SetValidationTest, IsAnObjectOrAnExpression) {
  EXPECT_THAT(
      BodyProblems("do:\n  - s:\n      set: plain text\n"),
      ElementsAre(P("/do/0/s/set", "must be an object (a mapping) or a runtime expression")));
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      set: {}\n"),
              ElementsAre(P("/do/0/s/set", "must set at least one value")));
}

TEST(WaitValidationTest, IsADuration) {
  EXPECT_THAT(BodyProblems("do:\n  - w:\n      wait: 2 seconds\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/w/wait")));
  EXPECT_THAT(
      BodyProblems("do:\n  - w:\n      wait:\n        secs: 2\n"),
      ElementsAre(Field(&ValidationProblem::message, HasSubstr("unknown duration property"))));
  EXPECT_THAT(BodyProblems("do:\n  - w:\n      wait: 5\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/w/wait")));
}

// A wait beyond what a Temporal timer (and a protobuf Duration) holds used to be accepted here
// and then abort workflow-runner on every dispatch.
TEST(WaitValidationTest, ApplyOfWaitOver100YearsIsRefused) {
  const std::string too_long =
      "the duration is longer than 100 years (36500 days), the most stigmer accepts";
  EXPECT_THAT(BodyProblems("do:\n  - w:\n      wait:\n        days: 36500000\n"),
              ElementsAre(P("/do/0/w/wait", too_long)));
  EXPECT_THAT(BodyProblems("do:\n  - w:\n      wait: P36501D\n"),
              ElementsAre(P("/do/0/w/wait", too_long)));
  EXPECT_THAT(BodyProblems("do:\n  - w:\n      wait:\n        days: 36500\n"), IsEmpty());
}

TEST(DurationValidationTest, EveryDurationIsBoundedWhereverItStands) {
  EXPECT_THAT(
      BodyProblems("timeout:\n  after:\n    hours: 900000\n"
                   "use:\n  timeouts:\n    forever:\n      after: P5300W\n"
                   "do:\n  - t:\n      try:\n        - a:\n            set: {a: 1}\n"
                   "      catch:\n        retry:\n          delay:\n            days: 40000\n"
                   "          jitter:\n            from: PT0S\n            to: P40000D\n"
                   "          limit:\n            duration: P40000D\n"
                   "            attempt:\n              duration: P40000D\n"),
      UnorderedElementsAre(
          Field(&ValidationProblem::pointer, "/use/timeouts/forever/after"),
          Field(&ValidationProblem::pointer, "/timeout/after"),
          Field(&ValidationProblem::pointer, "/do/0/t/catch/retry/delay"),
          Field(&ValidationProblem::pointer, "/do/0/t/catch/retry/jitter/to"),
          Field(&ValidationProblem::pointer, "/do/0/t/catch/retry/limit/duration"),
          Field(&ValidationProblem::pointer, "/do/0/t/catch/retry/limit/attempt/duration")));
}

// --- for, fork, switch, try ---

TEST(ForValidationTest, NeedsInAndDo) {
  EXPECT_THAT(BodyProblems("do:\n  - f:\n      for:\n        each: x\n      do:\n"
                           "        - a:\n            set: {a: 1}\n"),
              ElementsAre(P("/do/0/f/for", "missing required property \"in\"")));
  EXPECT_THAT(BodyProblems("do:\n  - f:\n      for:\n        in: .items\n"),
              ElementsAre(P("/do/0/f", "missing required property \"do\"")));
  EXPECT_THAT(BodyProblems("do:\n  - f:\n      for:\n        in: .items\n        each: my-item\n"
                           "      do:\n        - a:\n            set: {a: 1}\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/f/for/each")));
}

TEST(ForkValidationTest, NeedsBranches) {
  EXPECT_THAT(BodyProblems("do:\n  - f:\n      fork:\n        compete: yes\n"),
              ElementsAre(P("/do/0/f/fork", "missing required property \"branches\""),
                          P("/do/0/f/fork/compete", "must be true or false")));
}

TEST(ForkValidationTest, AcceptsBranchesThatCompete) {
  EXPECT_THAT(BodyProblems("do:\n  - f:\n      fork:\n        compete: true\n        branches:\n"
                           "          - a:\n              set: {a: 1}\n              then: exit\n"
                           "          - b:\n              wait: PT1S\n              then: end\n"),
              IsEmpty());
}

TEST(ForkValidationTest, ABranchCannotGoToAnotherBranch) {
  EXPECT_THAT(BodyProblems("do:\n  - f:\n      fork:\n        branches:\n"
                           "          - a:\n              set: {a: 1}\n              then: b\n"
                           "          - b:\n              set: {b: 1}\n"),
              ElementsAre(P("/do/0/f/fork/branches/0/a/then",
                            "a fork branch runs on its own: its \"then\" may be continue, exit or "
                            "end, not the task \"b\"")));
}

TEST(SwitchValidationTest, CasesNeedThenAndOneDefaultAtMost) {
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      switch: []\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/s/switch")));
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      switch:\n        - one:\n            when: .a\n"),
              ElementsAre(P("/do/0/s/switch/0/one", "missing required property \"then\"")));
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      switch:\n        - one:\n            then: end\n"
                           "        - two:\n            then: exit\n"),
              ElementsAre(P("/do/0/s/switch/1/two",
                            "a switch has at most one default case (one without \"when\")")));
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      switch:\n        - one:\n            when: .a\n"
                           "            then: ghost\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/s/switch/0/one/then")));
}

TEST(TryValidationTest, NeedsTryAndCatch) {
  EXPECT_THAT(BodyProblems("do:\n  - t:\n      try:\n        - a:\n            set: {a: 1}\n"),
              ElementsAre(P("/do/0/t", "missing required property \"catch\"")));
  EXPECT_THAT(BodyProblems("do:\n  - t:\n      try: []\n      catch: {}\n"),
              ElementsAre(P("/do/0/t/try", "must hold at least one task")));
  EXPECT_THAT(BodyProblems("do:\n  - t:\n      try:\n        - a:\n            set: {a: 1}\n"
                           "      catch:\n        retry: often\n"),
              ElementsAre(P("/do/0/t/catch/retry",
                            "retry policy \"often\" is not defined in use.retries")));
  EXPECT_THAT(BodyProblems("do:\n  - t:\n      try:\n        - a:\n            set: {a: 1}\n"
                           "      catch:\n        retry:\n          backoff:\n"
                           "            constant: {}\n            linear: {}\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/t/catch/retry/backoff")));
}

TEST(TryValidationTest, AcceptsRetryPoliciesInlineAndByName) {
  EXPECT_THAT(BodyProblems("use:\n  retries:\n    transient:\n"
                           "      when: ${ $error.status == 503 }\n      delay: PT2S\n"
                           "      backoff:\n        exponential: {}\n"
                           "      limit:\n        attempt:\n          count: 3\n"
                           "do:\n  - t:\n      try:\n        - a:\n            set: {a: 1}\n"
                           "      catch:\n        retry: transient\n"
                           "  - u:\n      try:\n        - a:\n            set: {a: 1}\n"
                           "      catch:\n        as: failure\n        retry:\n"
                           "          exceptWhen: ${ $failure.status == 400 }\n"
                           "          delay:\n            seconds: 1\n"
                           "          jitter:\n            from: PT0S\n            to: PT1S\n"
                           "          limit:\n            duration: PT1M\n"
                           "        do:\n          - b:\n              set: {b: 1}\n"),
              IsEmpty());
}

TEST(TryValidationTest, RetryPolicyFieldsAreChecked) {
  EXPECT_THAT(
      BodyProblems("do:\n  - t:\n      try:\n        - a:\n            set: {a: 1}\n"
                   "      catch:\n        retry:\n          delay: soon\n"
                   "          limit:\n            attempt:\n              count: -1\n"),
      ElementsAre(Field(&ValidationProblem::pointer, "/do/0/t/catch/retry/delay"),
                  P("/do/0/t/catch/retry/limit/attempt/count", "must be a non-negative integer")));
}

// --- expressions ---

TEST(ExpressionValidationTest, EveryDollarBraceStringCompiles) {
  std::vector<ValidationProblem> problems =
      BodyProblems("do:\n  - s:\n      set:\n        deep:\n          list: [1, '${ .a | }']\n");
  ASSERT_THAT(problems, ElementsAre(Field(&ValidationProblem::pointer, "/do/0/s/set/deep/list/1")));
  EXPECT_THAT(problems[0].message, HasSubstr("invalid jq expression \"${ .a | }\": syntax error"));
}

TEST(ExpressionValidationTest, ExpressionFieldsCompileWithoutDollarBraces) {
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      if: .a ==\n      set: {a: 1}\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/s/if")));
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      set: {a: 1}\n      output:\n        as: '.a +'\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/s/output/as")));
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      set: {a: 1}\n      if: true\n"),
              ElementsAre(P("/do/0/s/if", "must be a string holding a runtime expression")));
}

TEST(ExpressionValidationTest, LoopAndCatchVariablesAreOnlyInScopeInside) {
  // $pet is bound inside the loop, not after it.
  EXPECT_THAT(
      BodyProblems("do:\n  - f:\n      for:\n        each: pet\n        in: .pets\n"
                   "      do:\n        - a:\n            set:\n              id: ${ $pet.id }\n"
                   "  - after:\n      set:\n        id: ${ $pet.id }\n"),
      ElementsAre(Field(&ValidationProblem::pointer, "/do/1/after/set/id")));
  EXPECT_THAT(BodyProblems("do:\n  - t:\n      try:\n        - a:\n            set: {a: 1}\n"
                           "      catch:\n        as: oops\n        when: $oops.status == 503\n"
                           "        do:\n          - b:\n              set:\n"
                           "                s: ${ $oops.status }\n"),
              IsEmpty());
  std::vector<ValidationProblem> problems =
      BodyProblems("do:\n  - a:\n      set:\n        x: ${ $error }\n");
  ASSERT_THAT(problems, ElementsAre(Field(&ValidationProblem::pointer, "/do/0/a/set/x")));
  EXPECT_THAT(problems[0].message, HasSubstr("$error is not defined"));
}

TEST(ExpressionValidationTest, ExpressionsOutsideTasksAreCheckedToo) {
  EXPECT_THAT(BodyProblems("do:\n  - a:\n" + std::string(kSetTask) +
                           "output:\n  as:\n    result: ${ .a[ }\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/output/as/result")));
}

TEST(ExpressionValidationTest, EachProblemIsReportedOnce) {
  EXPECT_THAT(BodyProblems("do:\n  - s:\n      if: ${ .a | }\n      set: {a: 1}\n"),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/s/if")));
}

TEST(ValidationTest, TaskNamesWithSlashesAreEscapedInPointers) {
  EXPECT_THAT(BodyProblems("do:\n  - a/b~c:\n      call: smtp\n"),
              ElementsAre(P("/do/0/a~1b~0c/call", "unknown call type \"smtp\"")));
}

}  // namespace
}  // namespace stigmer::workflow
