// The example agents of examples/agents/, applied and run with `stigmer run` through the daemon
// (real Temporal, stigmer-server and agent-runner), each with the scripted model server in
// place of the local model so that the test chooses the model's answers.
#include <filesystem>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/scripted_model_server.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path& ExamplesDir() {
  static const fs::path dir = SourceDir() / "examples" / "agents";
  return dir;
}

// Replaces the one occurrence of `from` in `text`.
void Replace(std::string& text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << "no \"" << from << "\" in\n" << text;
  text.replace(at, from.size(), to);
}

// examples/agents/<name>.yaml, its model the scripted one, written to `folder` as given.
fs::path CopyExample(const std::string& name, const ScriptedModelServer& model,
                     const fs::path& folder, const std::string& extra_from = "",
                     const std::string& extra_to = "") {
  absl::StatusOr<std::string> text = ReadFileToString(ExamplesDir() / (name + ".yaml"));
  EXPECT_TRUE(text.ok()) << text.status();
  Replace(*text, "model:\n  provider: local\n",
          absl::StrCat("model:\n  provider: openai-compatible\n  name: scripted\n  base_url: ",
                       model.base_url(), "\n"));
  if (!extra_from.empty()) Replace(*text, extra_from, extra_to);
  const fs::path file = folder / (name + ".yaml");
  EXPECT_TRUE(WriteFileAtomically(file, *text).ok());
  return file;
}

TEST(AgentExamples, FileHelperWritesAFileInItsWorkspaceAndSaysSo) {
  StigmerHome home;
  ScriptedModelServer model;
  const fs::path file = CopyExample("file-helper", model, home.paths().home());
  ASSERT_EQ(home.Run({"apply", "-f", file.string()}).exit_code, 0);
  model.QueueToolCall("c1", "files",
                      {{"operation", "write"}, {"path", "notes/todo.md"}, {"content", "- tidy\n"}});
  model.QueueToolCall("c2", "shell", {{"command", "wc -l notes/todo.md"}});
  model.QueueText("I wrote notes/todo.md (one line).");

  CommandResult run = home.Run({"run", "file-helper", "-m", "Start a todo list"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"(→ files {"content":"- tidy\n","operation":"write")"));
  EXPECT_THAT(run.out, HasSubstr("1 notes/todo.md"));  // wc's output, shown
  EXPECT_THAT(run.out, HasSubstr("I wrote notes/todo.md (one line)."));
  // The run's workspace is its session's.
  const size_t at = run.out.find("ses-");
  ASSERT_NE(at, std::string::npos);
  const std::string session = run.out.substr(at, run.out.find_first_of(" \n", at) - at);
  absl::StatusOr<std::string> written =
      ReadFileToString(home.paths().WorkspacesDir() / session / "notes" / "todo.md");
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, "- tidy\n");
}

// The real MCP filesystem server (from .cache/mcp, as `scripts/setup.sh --test-tools` installs
// it, rather than through npx, which would fetch it from npm) reads a file of the run's
// workspace. The file is put there while the model's first answer is held, the run under way.
TEST(AgentExamples, McpFilesReadsAFileOfItsWorkspaceThroughTheMcpServer) {
  const fs::path server = SourceDir() / ".cache/mcp/node_modules/.bin/mcp-server-filesystem";
  ASSERT_TRUE(fs::exists(server)) << "run scripts/setup.sh --test-tools";
  StigmerHome home;
  ScriptedModelServer model;
  const fs::path file =
      CopyExample("mcp-files", model, home.paths().home(),
                  "command: npx\n    args: [-y, \"@modelcontextprotocol/server-filesystem@"
                  "2026.8.31\", \".\"]",
                  absl::StrCat("command: ", server.string(), "\n    args: [\".\"]"));
  ASSERT_EQ(home.Run({"apply", "-f", file.string()}).exit_code, 0);
  model.QueueToolCall("c1", "fs__read_text_file", {{"path", "todo.txt"}}, /*held=*/true);
  model.QueueText("It says: water the plants.");

  CommandResult run;
  std::thread follow([&] { run = home.Run({"run", "mcp-files", "-m", "What is in todo.txt?"}); });
  // The server has listed its tools and the model call is in flight: the workspace is there.
  const bool asked = WaitFor([&] { return model.request_count() == 1; }, absl::Seconds(90));
  fs::path workspace;
  if (asked) {
    for (const auto& entry : fs::directory_iterator(home.paths().WorkspacesDir())) {
      workspace = entry.path();
    }
    EXPECT_TRUE(WriteFileAtomically(workspace / "todo.txt", "water the plants\n").ok());
  }
  model.Release();
  follow.join();
  ASSERT_TRUE(asked) << run.out << run.err;

  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"(→ fs__read_text_file {"path":"todo.txt"})"));
  EXPECT_THAT(run.out, HasSubstr("  water the plants"));  // the server's answer, shown
  EXPECT_THAT(run.out, HasSubstr("It says: water the plants."));
  const auto requests = model.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1]["messages"].back()["content"], "water the plants\n");
}

// A skill applied from its folder beside the agent's file: SKILL.md reaches the model, and the
// skill's other files are read from the workspace.
TEST(AgentExamples, ChangelogAppliesItsSkillFolderAndReadsTheSkillsFile) {
  StigmerHome home;
  ScriptedModelServer model;
  const fs::path folder = home.paths().home() / "agents";
  fs::create_directories(folder);
  fs::copy(ExamplesDir() / "skills", folder / "skills", fs::copy_options::recursive);
  const fs::path file = CopyExample("changelog", model, folder);
  CommandResult apply = home.Run({"apply", "-f", file.string()});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  model.QueueToolCall("c1", "files",
                      {{"operation", "read"}, {"path", "skills/changelog/kinds.md"}});
  model.QueueText("- Added: \"Added skills to agents.\"");

  CommandResult run = home.Run({"run", "changelog", "-m", "We added skills to agents."});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("- Added: \"Added skills to agents.\""));
  const auto requests = model.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(requests[0]["messages"][0]["content"].get<std::string>(),
              HasSubstr("A changelog entry is one line per change"));
  EXPECT_THAT(requests[1]["messages"].back()["content"].get<std::string>(),
              HasSubstr("- Fixed: \"Fixed a run that stayed RUNNING"));
}

}  // namespace
}  // namespace stigmer::testing
