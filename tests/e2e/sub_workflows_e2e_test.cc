// `run: workflow` through the daemon: a child workflow's output, a failing child caught by
// `try`, a parent's cancel reaching its child, and refusals at apply and at start (a child
// not applied yet is a warning at apply and an error at start).
#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "temporal/temporal_client.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;

std::string Header(const std::string& name, const std::string& version = "1.0.0") {
  return absl::StrCat("document: {dsl: '1.0.0', namespace: test, name: ", name, ", version: '",
                      version, "'}\n");
}

std::string RunChild(const std::string& name, const std::string& input = "{n: '${ .n }'}") {
  return absl::StrCat("      run:\n        workflow:\n          namespace: test\n          name: ",
                      name, "\n          version: '1.0.0'\n          input: ", input, "\n");
}

std::string Write(StigmerHome& home, const std::string& file, const std::string& text) {
  const std::filesystem::path path = home.paths().home() / file;
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path.string();
}

TEST(SubWorkflows, ChildOutputAFailingChildCaughtAndCancelReachingTheChild) {
  StigmerHome home;
  const std::string child = Write(home, "double.yaml", Header("double") + R"(do:
  - twice:
      set:
        doubled: ${ .n * 2 }
)");
  const std::string failing = Write(home, "failing.yaml", Header("failing") + R"(do:
  - boom:
      raise:
        error:
          type: https://example.com/errors/boom
          status: 422
          title: Boom
)");
  const std::string slow = Write(home, "slow.yaml", Header("slow") + R"(do:
  - pause:
      wait: {minutes: 10}
)");
  const std::string parent = Write(home, "parent.yaml", Header("parent") + R"(do:
  - call:
      run:
        workflow: {namespace: test, name: double, version: '1.0.0', input: {n: '${ .n }'}}
  - guarded:
      try:
        - fail:
            run:
              workflow: {namespace: test, name: failing, version: '1.0.0'}
      catch:
        errors:
          with:
            status: 422
        as: caught
        do:
          - note:
              set:
                caught: ${ $caught.title }
)");
  CommandResult apply = home.Run({"apply", "-f", child, "-f", failing, "-f", slow, "-f", parent});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  CommandResult run = home.Run({"run", "parent", "--input", R"({"n": 21})", "-o", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("\"caught\": \"Boom\"")) << run.out;

  // The first task's output was the child's.
  const std::string looker =
      Write(home, "looker.yaml", Header("looker") + "do:\n  - call:\n" + RunChild("double"));
  ASSERT_EQ(home.Run({"apply", "-f", looker}).exit_code, 0);
  CommandResult looked = home.Run({"run", "looker", "--input", R"({"n": 21})", "-o", "json"});
  ASSERT_EQ(looked.exit_code, 0) << looked.err;
  nlohmann::json record = nlohmann::json::parse(looked.out);
  EXPECT_EQ(record["output"], nlohmann::json({{"doubled", 42}})) << looked.out;
  // The parent's record shows the child's tasks nested under the task that ran it.
  EXPECT_THAT(looked.out, HasSubstr("\"/do/0/call/do/0/twice\"")) << looked.out;

  // Cancelling the parent cancels the child.
  const std::string waiter =
      Write(home, "waiter.yaml", Header("waiter") + "do:\n  - wait:\n" + RunChild("slow", "{}"));
  ASSERT_EQ(home.Run({"apply", "-f", waiter}).exit_code, 0);
  CommandResult started = home.Run({"-q", "run", "waiter", "--no-follow"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const std::string id = started.out.substr(0, started.out.find('\n'));
  auto temporal =
      temporal::TemporalClient::Connect(absl::StrCat("127.0.0.1:", home.temporal_port()));
  ASSERT_TRUE(temporal.ok()) << temporal.status();
  const std::string child_id = absl::StrCat(id, "/do/0/wait#1");
  ASSERT_TRUE(WaitFor([&] { return (*temporal)->Describe(child_id).ok(); }, absl::Seconds(30)))
      << "no child " << child_id;
  ASSERT_EQ(home.Run({"cancel", id}).exit_code, 0);
  EXPECT_TRUE(WaitFor(
      [&] {
        auto child_run = (*temporal)->Describe(child_id);
        return child_run.ok() &&
               child_run->status == ::temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_CANCELED;
      },
      absl::Seconds(30)));
}

TEST(SubWorkflows, SelfRecursionMissingChildAndCyclesAreRefusedBesideAGoodRun) {
  StigmerHome home;
  const std::string self =
      Write(home, "self.yaml", Header("self") + "do:\n  - again:\n" + RunChild("self", "{}"));
  CommandResult refused = home.Run({"apply", "-f", self});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("/do/0/again/run/workflow/name: workflow \"self\" runs "
                                     "itself: that never ends"));

  const std::string orphan =
      Write(home, "orphan.yaml", Header("orphan") + "do:\n  - c:\n" + RunChild("nowhere", "{}"));
  CommandResult missing = home.Run({"apply", "-f", orphan});
  EXPECT_EQ(missing.exit_code, 0) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("workflow \"orphan\" runs workflow \"nowhere\", which is "
                                     "not applied yet: its runs fail until you apply it"));
  CommandResult orphan_run = home.Run({"run", "orphan"});
  EXPECT_NE(orphan_run.exit_code, 0);
  EXPECT_THAT(orphan_run.err, HasSubstr("workflow \"orphan\" runs workflow test/nowhere version "
                                        "1.0.0, which does not exist: stigmer apply it first"));

  // a → b → a: each is valid alone; the cycle is refused when a run would start.
  const std::string a = Write(home, "a.yaml", Header("a") + "do:\n  - b:\n" + RunChild("b", "{}"));
  const std::string b = Write(home, "b.yaml", Header("b") + "do:\n  - a:\n" + RunChild("a", "{}"));
  const std::string good =
      Write(home, "good.yaml", Header("good") + "do:\n  - x:\n      set: {y: 1}\n");
  ASSERT_EQ(home.Run({"apply", "-f", a, "-f", b, "-f", good}).exit_code, 0);
  CommandResult cycle = home.Run({"run", "a"});
  EXPECT_NE(cycle.exit_code, 0);
  EXPECT_THAT(cycle.err, HasSubstr("workflow \"a\" runs itself through a → b → a: a workflow "
                                   "cannot run itself, directly or through others"));
  CommandResult fine = home.Run({"run", "good"});
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
}

}  // namespace
}  // namespace stigmer::testing
