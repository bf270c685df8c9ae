// `stigmer apply`, `get` and `delete` of agents (and workflows beside them), the real binary
// against an in-process stigmer-server that has this home's API token. Nothing here runs, so no
// Temporal is needed.
#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/stigmer_server.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

constexpr char kHelloWorkflow[] =
    "document: {dsl: '1.0.0', namespace: t, name: hello, version: '1.0.0'}\n"
    "do:\n  - one:\n      set: {a: 1}\n";
constexpr char kReviewer[] =
    "kind: Agent\nname: reviewer\ninstructions: You review code.\n"
    "model: {provider: openai, name: gpt-4o-mini}\ntools: [files, shell]\n"
    "mcp_servers:\n  - {name: fs, command: npx}\n";

class AgentCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerOptions options;
    options.port = 0;
    options.temporal_address = absl::StrCat("127.0.0.1:", FreePort());
    options.store_path = home_.paths().StoreDatabase();
    options.api_token = kToken;
    absl::StatusOr<std::unique_ptr<server::StigmerServer>> server =
        server::StigmerServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_TRUE(WriteFileAtomically(home_.paths().ApiTokenFile(), absl::StrCat(kToken, "\n")).ok());
    home_.env()["STIGMER_SERVER_ADDR"] = absl::StrCat("127.0.0.1:", server_->port());
  }

  std::string Write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_.path() / name;
    EXPECT_TRUE(MakeDirectories(path.parent_path()).ok());
    EXPECT_TRUE(WriteFileAtomically(path, text).ok());
    return path.string();
  }

  StigmerHome home_;
  TempDir dir_;
  std::unique_ptr<server::StigmerServer> server_;
};

TEST_F(AgentCommands, ApplyAMixedFileThenGetAndDelete) {
  const std::string mixed = Write("mixed.yaml", absl::StrCat(kHelloWorkflow, "---\n", kReviewer));
  CommandResult apply = home_.Run({"apply", "-f", mixed});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_THAT(apply.out, HasSubstr("NAME            VERSION  STATUS   ID\n"));
  EXPECT_THAT(apply.out, HasSubstr("workflow/hello  1        created  wfl-"));
  EXPECT_THAT(apply.out, HasSubstr("agent/reviewer  1        created  agt-"));
  CommandResult again = home_.Run({"apply", "-f", mixed});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("agent/reviewer  1        unchanged"));

  CommandResult agents = home_.Run({"get", "agents"});
  ASSERT_EQ(agents.exit_code, 0) << agents.err;
  EXPECT_THAT(agents.out,
              HasSubstr("NAME      VERSION  MODEL               TOOLS               UPDATED"));
  EXPECT_THAT(agents.out, HasSubstr("reviewer  1        openai/gpt-4o-mini  files,shell,mcp:fs  "));
  EXPECT_THAT(home_.Run({"get", "workflows"}).out, Not(HasSubstr("reviewer")));

  CommandResult json = home_.Run({"get", "agent", "reviewer", "-o", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json agent = nlohmann::json::parse(json.out);
  EXPECT_EQ(agent["name"], "reviewer");
  EXPECT_EQ(agent["version"], 1);
  EXPECT_EQ(agent["tools"], nlohmann::json({"files", "shell"}));
  EXPECT_THAT(agent["definition"].get<std::string>(), ::testing::StartsWith(kReviewer));
  CommandResult yaml = home_.Run({"get", "agents", "-o", "yaml"});
  EXPECT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_THAT(yaml.out, HasSubstr("name: reviewer"));

  CommandResult deleted = home_.Run({"delete", "agent", "reviewer"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_THAT(deleted.out, HasSubstr("agent reviewer deleted (1 version)"));
  EXPECT_THAT(home_.Run({"get", "agents"}).out, Not(HasSubstr("reviewer")));
  EXPECT_THAT(home_.Run({"get", "workflows"}).out, HasSubstr("hello"));  // untouched
}

TEST_F(AgentCommands, UnknownAgentsAreNamedWithHowToListThem) {
  for (std::vector<std::string> command :
       {std::vector<std::string>{"get", "agent", "nope"}, {"delete", "agents", "nope"}}) {
    CommandResult result = home_.Run(command);
    EXPECT_EQ(result.exit_code, 1) << command[0];
    EXPECT_THAT(result.err,
                HasSubstr("agent \"nope\" not found; `stigmer get agents` lists the agents"));
  }
  CommandResult kind = home_.Run({"get", "robots"});
  EXPECT_EQ(kind.exit_code, 2);
  EXPECT_THAT(kind.err,
              HasSubstr("unknown kind \"robots\"; use workflows, agents, executions, sessions "
                        "or schedules"));
}

// The examples in the README, applied as a folder of agents beside a workflow file.
TEST_F(AgentCommands, TheExampleAgentsApplyFromAFolderBesideAWorkflow) {
  CommandResult apply = home_.Run({"apply", "-f", (SourceDir() / "examples" / "agents").string(),
                                   "-f", (SourceDir() / "examples" / "hello.yaml").string()});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_THAT(apply.out, HasSubstr("agent/changelog "));
  EXPECT_THAT(apply.out, HasSubstr("agent/file-helper"));
  EXPECT_THAT(apply.out, HasSubstr("agent/hello-agent"));
  EXPECT_THAT(apply.out, HasSubstr("agent/mcp-files"));
  EXPECT_THAT(apply.out, HasSubstr("workflow/hello "));
  CommandResult agents = home_.Run({"get", "agents"});
  EXPECT_THAT(agents.out, HasSubstr("file-helper  1        local  files,shell"));
  EXPECT_THAT(agents.out, HasSubstr("hello-agent  1        local  -"));
  EXPECT_THAT(agents.out, HasSubstr("mcp-files    1        local  mcp:fs"));
}

TEST_F(AgentCommands, ANameCannotBeBothAWorkflowAndAnAgent) {
  // In one batch: refused before anything is stored.
  Write("twins/a.yaml", kHelloWorkflow);
  Write("twins/b.yaml", "kind: Agent\nname: hello\ninstructions: Say hello.\n");
  CommandResult batch = home_.Run({"apply", "-f", (dir_.path() / "twins").string()});
  EXPECT_EQ(batch.exit_code, 1);
  EXPECT_THAT(batch.err, HasSubstr("b.yaml: agent \"hello\": the name is also a workflow's, in "));
  EXPECT_THAT(batch.err, HasSubstr("a.yaml, and `stigmer run hello` must find one thing"));
  EXPECT_THAT(batch.err, HasSubstr("1 of 2 documents are not valid; nothing was applied"));
  EXPECT_THAT(home_.Run({"get", "workflows"}).out, Not(HasSubstr("hello")));

  // Against what is stored: the workflow is applied, then the agent is refused.
  ASSERT_EQ(home_.Run({"apply", "-f", (dir_.path() / "twins" / "a.yaml").string()}).exit_code, 0);
  CommandResult agent = home_.Run({"apply", "-f", (dir_.path() / "twins" / "b.yaml").string()});
  EXPECT_EQ(agent.exit_code, 1);
  EXPECT_THAT(agent.err, HasSubstr("agent \"hello\": the name is already a workflow's, and "
                                   "`stigmer run hello` must find one thing; rename the agent, "
                                   "or first `stigmer delete workflow hello`"));
  EXPECT_THAT(home_.Run({"get", "agents"}).out, Not(HasSubstr("hello")));
}

TEST_F(AgentCommands, AMalformedAgentIsNamedByPointerAndNothingOfTheBatchIsApplied) {
  const std::string folder = (dir_.path() / "batch").string();
  Write("batch/a-workflow.yaml", kHelloWorkflow);
  Write("batch/b-reviewer.yaml", kReviewer);
  const std::string bad = Write("batch/c-broken.yaml",
                                "kind: Agent\nname: broken\ninstructions: x\n"
                                "tools: [shell, browser]\n");
  CommandResult apply = home_.Run({"apply", "-f", folder});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_THAT(apply.err, HasSubstr("c-broken.yaml: /tools/1: unknown built-in tool \"browser\""));
  EXPECT_THAT(apply.err, HasSubstr("1 of 3 documents are not valid; nothing was applied"));
  EXPECT_THAT(home_.Run({"get", "agents"}).out, Not(HasSubstr("reviewer")));
  EXPECT_THAT(home_.Run({"get", "workflows"}).out, Not(HasSubstr("hello")));

  // Fixed, the same folder applies whole.
  Write("batch/c-broken.yaml", "kind: Agent\nname: broken\ninstructions: x\ntools: [shell]\n");
  CommandResult fixed = home_.Run({"apply", "-f", folder});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_THAT(fixed.out, HasSubstr("agent/broken"));
  EXPECT_THAT(home_.Run({"get", "agents"}).out, HasSubstr("reviewer"));
}

TEST_F(AgentCommands, ApplySendsTheSkillFoldersFilesAndAChangedFolderMakesANewVersion) {
  Write("agents/skills/review/SKILL.md", "Review against checklist.md.\n");
  Write("agents/skills/review/checklist.md", "1. tests\n");
  const std::string file =
      Write("agents/reviewer.yaml",
            "kind: Agent\nname: reviewer\ninstructions: Review.\nskills: [skills/review]\n");
  CommandResult apply = home_.Run({"apply", "-f", file});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_THAT(apply.out, HasSubstr("agent/reviewer  1        created"));
  CommandResult json = home_.Run({"get", "agent", "reviewer", "-o", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json stored =
      nlohmann::json::parse(nlohmann::json::parse(json.out)["definition"].get<std::string>());
  EXPECT_EQ(stored["skills"][0]["name"], "review");
  EXPECT_EQ(stored["skills"][0]["files"]["checklist.md"], "1. tests\n");

  EXPECT_THAT(home_.Run({"apply", "-f", file}).out,
              HasSubstr("agent/reviewer  1        unchanged"));
  Write("agents/skills/review/checklist.md", "1. tests\n2. docs\n");
  EXPECT_THAT(home_.Run({"apply", "-f", file}).out, HasSubstr("agent/reviewer  2        updated"));
}

TEST_F(AgentCommands, ASkillFolderWithoutSkillMdIsNamedAndNothingIsApplied) {
  Write("skills/empty/notes.md", "no instructions\n");
  const std::string file =
      Write("both.yaml", absl::StrCat(kHelloWorkflow, "---\n",
                                      "kind: Agent\nname: reviewer\ninstructions: Review.\n"
                                      "skills: [skills/empty]\n"));
  CommandResult apply = home_.Run({"apply", "-f", file});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_THAT(apply.err, HasSubstr("both.yaml (document 2): skills/empty: no SKILL.md in the "
                                   "folder; a skill is a folder holding a SKILL.md"));
  EXPECT_THAT(apply.err, HasSubstr("1 of 2 documents are not valid; nothing was applied"));
  EXPECT_THAT(home_.Run({"get", "workflows"}).out, Not(HasSubstr("hello")));
}

TEST_F(AgentCommands, AFileOfCommentsOnlyHoldsNothingToApply) {
  CommandResult empty = home_.Run({"apply", "-f", Write("empty.yaml", "# nothing yet\n---\n")});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_THAT(empty.err, HasSubstr("no workflow or agent documents in the given files"));
}

TEST_F(AgentCommands, DryRunStoresNoAgent) {
  const std::string file = Write("reviewer.yaml", kReviewer);
  CommandResult dry = home_.Run({"apply", "-f", file, "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("agent/reviewer  1        created (dry run)  agt-"));
  EXPECT_THAT(home_.Run({"get", "agents"}).out, Not(HasSubstr("reviewer")));
}

TEST_F(AgentCommands, GrpcurlCallsAgentServiceWithTheToken) {
  const std::string grpcurl = (SourceDir() / ".cache" / "bin" / "grpcurl").string();
  ASSERT_TRUE(std::filesystem::exists(grpcurl)) << "run scripts/setup.sh --test-tools";
  const std::string address = absl::StrCat("127.0.0.1:", server_->port());
  const std::string header = absl::StrCat("authorization: Bearer ", kToken);
  CommandResult list = RunCommand({grpcurl, "-plaintext", "-H", header, address, "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("stigmer.v1.AgentService"));
  CommandResult apply =
      RunCommand({grpcurl, "-plaintext", "-H", header, "-d",
                  R"({"definition": "kind: Agent\nname: hi\ninstructions: Say hi.\n"})", address,
                  "stigmer.v1.AgentService/Apply"});
  EXPECT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_THAT(apply.out, HasSubstr("APPLY_OUTCOME_CREATED"));
  CommandResult without =
      RunCommand({grpcurl, "-plaintext", address, "stigmer.v1.AgentService/List"});
  EXPECT_NE(without.exit_code, 0);
  EXPECT_THAT(without.err, HasSubstr("missing bearer token"));
}

}  // namespace
}  // namespace stigmer::testing
