// The spec's composition example (`run-subflow`, written again from what it shows) and
// `run: workflow` through the daemon: applied in either order, a child's own execution record
// linked to its parent's, a child not awaited that outlives its parent, and a failing child
// beside a good one. (Cancel reaching an awaited child: sub_workflows_e2e_test.cc.)
#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;

std::string Write(StigmerHome& home, const std::string& file, const std::string& text) {
  const std::filesystem::path path = home.paths().home() / file;
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path.string();
}

nlohmann::json Json(const CommandResult& result) {
  return nlohmann::json::parse(result.out, nullptr, false);
}

// The execution `id`, as `get execution ID -o json` gives it (null when it cannot be read).
nlohmann::json Execution(StigmerHome& home, const std::string& id) {
  CommandResult got = home.Run({"get", "execution", id, "-o", "json"});
  if (got.exit_code != 0) return nullptr;
  return Json(got);
}

// The executions of `workflow` (newest first).
nlohmann::json Executions(StigmerHome& home, const std::string& workflow) {
  CommandResult listed = home.Run({"get", "executions", "--workflow", workflow, "-o", "json"});
  if (listed.exit_code != 0) return nlohmann::json::array();
  return Json(listed);
}

std::string Phase(const nlohmann::json& execution) {
  return execution.is_object() ? execution.value("phase", "") : "";
}

// The spec's run-subflow: a workflow of namespace test runs `register-customer` 0.1.0 with the
// input {customer: .user} (a plain string in the spec's text, not an expression).
constexpr char kRunSubflow[] = R"(document:
  dsl: '1.0.3'
  namespace: test
  name: run-subflow
  version: '0.1.0'
do:
  - registerCustomer:
      run:
        workflow:
          namespace: test
          name: register-customer
          version: '0.1.0'
          input:
            customer: .user
)";

// Ours: what the child gets back as its output.
constexpr char kRegisterCustomer[] =
    R"(document: {dsl: '1.0.3', namespace: test, name: register-customer, version: '0.1.0'}
do:
  - register:
      set:
        registered: ${ .customer }
)";

TEST(SpecExamplesComposition, RunSubflowAppliedBeforeItsChildRunsOnceTheChildIsApplied) {
  StigmerHome home;
  const std::string parent = Write(home, "run-subflow.yaml", kRunSubflow);
  const std::string child = Write(home, "register-customer.yaml", kRegisterCustomer);

  // The parent first: accepted, with a warning naming the workflow still missing.
  CommandResult early = home.Run({"apply", "-f", parent});
  ASSERT_EQ(early.exit_code, 0) << early.out << early.err;
  EXPECT_THAT(early.err, HasSubstr("workflow \"run-subflow\" runs workflow \"register-customer\", "
                                   "which is not applied yet: its runs fail until you apply it"));

  // A run before the child is applied: refused, naming it and what to do; nothing started.
  CommandResult refused = home.Run({"run", "run-subflow"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err,
              HasSubstr("workflow \"run-subflow\" runs workflow test/register-customer version "
                        "0.1.0, which does not exist: stigmer apply it first"));
  EXPECT_TRUE(Executions(home, "run-subflow").empty());

  CommandResult late = home.Run({"apply", "-f", child});
  ASSERT_EQ(late.exit_code, 0) << late.out << late.err;
  CommandResult run = home.Run({"run", "run-subflow", "-o", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const nlohmann::json record = Json(run);
  EXPECT_EQ(record["output"], nlohmann::json({{"registered", ".user"}})) << run.out;

  // The child has a record of its own, linked both ways.
  const std::string parent_id = record["id"].get<std::string>();
  nlohmann::json children;
  ASSERT_TRUE(WaitFor(
      [&] {
        children = Executions(home, "register-customer");
        return children.size() == 1 && Phase(children[0]) == "EXECUTION_PHASE_COMPLETED";
      },
      absl::Seconds(30)))
      << children.dump(2);
  const std::string child_id = children[0]["id"].get<std::string>();
  EXPECT_EQ(children[0]["parent_execution"], parent_id);
  EXPECT_EQ(children[0]["input"], nlohmann::json({{"customer", ".user"}}));
  EXPECT_EQ(children[0]["output"], nlohmann::json({{"registered", ".user"}}));
  EXPECT_EQ(Execution(home, parent_id)["child_executions"], nlohmann::json::array({child_id}));

  CommandResult shown = home.Run({"get", "execution", parent_id});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr(absl::StrCat("CHILDREN  ", child_id)));
  CommandResult listed = home.Run({"get", "executions"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("PARENT"));
  EXPECT_THAT(listed.out, HasSubstr(parent_id));
}

TEST(SpecExamplesComposition, AChildNotAwaitedOutlivesItsParentWhichOutputsItsInput) {
  StigmerHome home;
  const std::string child =
      Write(home, "later.yaml",
            R"(document: {dsl: '1.0.0', namespace: test, name: later, version: '1.0.0'}
do:
  - pause:
      wait: {seconds: 3}
  - done:
      set:
        seen: ${ .n }
)");
  const std::string parent = Write(
      home, "fire.yaml", R"(document: {dsl: '1.0.0', namespace: test, name: fire, version: '1.0.0'}
do:
  - launch:
      run:
        workflow: {namespace: test, name: later, version: '1.0.0', input: {n: '${ .n }'}}
        await: false
  - after:
      set:
        n: ${ .n + 1 }
)");
  CommandResult apply = home.Run({"apply", "-f", child, "-f", parent});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  CommandResult run = home.Run({"run", "fire", "--input", R"({"n": 41})", "-o", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const nlohmann::json record = Json(run);
  // Not awaited, the task output its input: the next task saw {n: 41}.
  EXPECT_EQ(record["output"], nlohmann::json({{"n", 42}})) << run.out;

  // The parent has ended; its child runs on, then completes with what it was given.
  nlohmann::json children = Executions(home, "later");
  ASSERT_TRUE(WaitFor(
      [&] {
        children = Executions(home, "later");
        return children.size() == 1;
      },
      absl::Seconds(30)));
  EXPECT_EQ(children[0]["parent_execution"], record["id"]);
  ASSERT_TRUE(WaitFor(
      [&] {
        children = Executions(home, "later");
        return children.size() == 1 && Phase(children[0]) == "EXECUTION_PHASE_COMPLETED";
      },
      absl::Seconds(60)))
      << children.dump(2);
  EXPECT_EQ(children[0]["output"], nlohmann::json({{"seen", 41}}));
  EXPECT_EQ(Execution(home, record["id"].get<std::string>())["child_executions"],
            nlohmann::json::array({children[0]["id"]}));

  // `await` must be a boolean.
  const std::string bad = Write(
      home, "bad.yaml", R"(document: {dsl: '1.0.0', namespace: test, name: bad, version: '1.0.0'}
do:
  - launch:
      run:
        workflow: {namespace: test, name: later, version: '1.0.0'}
        await: later
)");
  CommandResult refused = home.Run({"apply", "-f", bad});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("/do/0/launch/run/await: must be true or false"));
}

TEST(SpecExamplesComposition, AFailingChildBesideAGoodOneFailsItsParentOnly) {
  StigmerHome home;
  const std::string good = Write(
      home, "good.yaml", R"(document: {dsl: '1.0.0', namespace: test, name: good, version: '1.0.0'}
do:
  - ok:
      set:
        fine: true
)");
  const std::string failing =
      Write(home, "failing.yaml",
            R"(document: {dsl: '1.0.0', namespace: test, name: failing, version: '1.0.0'}
do:
  - boom:
      raise:
        error:
          type: https://example.com/errors/boom
          status: 422
          title: Boom
          detail: the child failed on purpose
)");
  const std::string parent = Write(
      home, "both.yaml", R"(document: {dsl: '1.0.0', namespace: test, name: both, version: '1.0.0'}
do:
  - first:
      run:
        workflow: {namespace: test, name: good, version: '1.0.0'}
  - second:
      run:
        workflow: {namespace: test, name: failing, version: '1.0.0'}
)");
  const std::string alone =
      Write(home, "alone.yaml",
            R"(document: {dsl: '1.0.0', namespace: test, name: alone, version: '1.0.0'}
do:
  - only:
      run:
        workflow: {namespace: test, name: good, version: '1.0.0'}
)");
  CommandResult apply = home.Run({"apply", "-f", good, "-f", failing, "-f", parent, "-f", alone});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  CommandResult both = home.Run({"-q", "run", "both", "--no-follow"});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  const std::string both_id = both.out.substr(0, both.out.find('\n'));
  CommandResult fine = home.Run({"run", "alone", "-o", "json"});
  ASSERT_EQ(fine.exit_code, 0) << fine.out << fine.err;
  EXPECT_EQ(Json(fine)["output"], nlohmann::json({{"fine", true}}));

  nlohmann::json parent_record;
  ASSERT_TRUE(WaitFor(
      [&] {
        parent_record = Execution(home, both_id);
        return Phase(parent_record) == "EXECUTION_PHASE_FAILED" &&
               parent_record["child_executions"].size() == 2;
      },
      absl::Seconds(60)))
      << parent_record.dump(2);
  EXPECT_EQ(parent_record["error"]["title"], "Boom");
  EXPECT_EQ(parent_record["error"]["detail"], "the child failed on purpose");
  // The instance is where the child raised it, in the child.
  EXPECT_EQ(parent_record["error"]["instance"], "/do/0/boom");

  // Each child's record ended as it did: the good one completed, the failing one failed.
  const std::string good_child = parent_record["child_executions"][0].get<std::string>();
  const std::string bad_child = parent_record["child_executions"][1].get<std::string>();
  nlohmann::json good_record, bad_record;
  ASSERT_TRUE(WaitFor(
      [&] {
        good_record = Execution(home, good_child);
        bad_record = Execution(home, bad_child);
        return Phase(good_record) == "EXECUTION_PHASE_COMPLETED" &&
               Phase(bad_record) == "EXECUTION_PHASE_FAILED";
      },
      absl::Seconds(30)))
      << good_record.dump(2) << bad_record.dump(2);
  EXPECT_EQ(good_record["workflow"], "good");
  EXPECT_EQ(bad_record["workflow"], "failing");
  EXPECT_EQ(bad_record["error"]["title"], "Boom");
  EXPECT_EQ(bad_record["parent_execution"], both_id);
}

}  // namespace
}  // namespace stigmer::testing
