// Agent sessions through the daemon: `stigmer chat` driven by a pipe, `stigmer run --session`,
// `stigmer get sessions`, with the real Temporal and agent-runner and the scripted model server.
#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/scripted_model_server.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void ApplyAgent(const StigmerHome& home, const ScriptedModelServer& model,
                const std::string& more = "") {
  const std::filesystem::path file = home.paths().home() / "helper.yaml";
  ASSERT_TRUE(WriteFileAtomically(file, absl::StrCat("kind: Agent\nname: helper\n"
                                                     "instructions: Answer briefly.\n"
                                                     "model: {provider: openai-compatible, "
                                                     "name: scripted, base_url: '",
                                                     model.base_url(), "'}\n", more))
                  .ok());
  CommandResult apply = home.Run({"apply", "-f", file.string()});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
}

// The session id a command printed ("session ses-…").
std::string SessionIn(const std::string& text) {
  const size_t at = text.find("session ses-");
  if (at == std::string::npos) return "";
  const size_t start = at + 8;
  return text.substr(start, text.find_first_of(" \n", start) - start);
}

// The texts of the messages of one model request.
std::vector<std::string> Texts(const nlohmann::json& request) {
  std::vector<std::string> texts;
  for (const auto& message : request["messages"]) {
    texts.push_back(message["content"].is_string() ? message["content"].get<std::string>()
                                                   : message["content"].dump());
  }
  return texts;
}

TEST(Sessions, ChatOverAPipeKeepsTheConversationAndRunContinuesIt) {
  StigmerHome home;
  ScriptedModelServer model;
  ApplyAgent(home, model);
  model.QueueText("Hello Ada.");
  model.QueueText("Your name is Ada.");
  CommandResult chat =
      home.RunWithInput({"chat", "helper"}, "My name is Ada.\n\n   \nWhat is my name?\n");
  ASSERT_EQ(chat.exit_code, 0) << chat.out << chat.err;
  EXPECT_THAT(chat.out, HasSubstr("one line is one turn; Ctrl-D ends the chat"));
  EXPECT_THAT(chat.out, HasSubstr("Hello Ada."));
  EXPECT_THAT(chat.out, HasSubstr("Your name is Ada."));
  const std::string session = SessionIn(chat.out);
  ASSERT_FALSE(session.empty()) << chat.out;
  EXPECT_THAT(chat.out, HasSubstr(absl::StrCat("(continue with --session ", session, ")")));
  ASSERT_EQ(model.request_count(), 2u);  // blank lines are no turns
  EXPECT_EQ(Texts(model.requests()[1]),
            (std::vector<std::string>{"Answer briefly.", "My name is Ada.", "Hello Ada.",
                                      "What is my name?"}));

  CommandResult sessions = home.Run({"get", "sessions"});
  ASSERT_EQ(sessions.exit_code, 0) << sessions.err;
  EXPECT_THAT(sessions.out,
              HasSubstr("ID                              AGENT   TURNS  LAST ACTIVITY"));
  EXPECT_THAT(sessions.out, HasSubstr(absl::StrCat(session, "  helper  2      ")));
  EXPECT_THAT(sessions.out, HasSubstr("What is my name?"));
  CommandResult json = home.Run({"get", "sessions", "--agent", "helper", "-o", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json listed = nlohmann::json::parse(json.out);
  ASSERT_EQ(listed.size(), 1u) << json.out;
  EXPECT_EQ(listed[0]["id"], session);
  EXPECT_EQ(listed[0]["turns"], 2);
  EXPECT_EQ(listed[0]["last_message"], "What is my name?");
  CommandResult runs = home.Run({"get", "executions", "--session", session});
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_EQ(std::count(runs.out.begin(), runs.out.end(), '\n'), 3) << runs.out;  // header + 2

  // `stigmer run --session` continues the same conversation; without it, a new one starts.
  model.QueueText("Still Ada.");
  CommandResult more = home.Run({"run", "helper", "-m", "And now?", "--session", session});
  ASSERT_EQ(more.exit_code, 0) << more.out << more.err;
  EXPECT_THAT(more.out, HasSubstr("Still Ada."));
  EXPECT_THAT(more.out, Not(HasSubstr("continue with")));
  EXPECT_EQ(Texts(model.requests()[2]).size(), 6u);
  model.QueueText("Who?");
  CommandResult fresh = home.Run({"run", "helper", "-m", "Who am I?"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.out << fresh.err;
  const std::string other = SessionIn(fresh.out);
  EXPECT_FALSE(other.empty()) << fresh.out;
  EXPECT_NE(other, session);
  EXPECT_EQ(Texts(model.requests()[3]).size(), 2u);
}

TEST(Sessions, AnUnknownSessionIsBadInputAndRunsNothing) {
  StigmerHome home;
  ScriptedModelServer model;
  ApplyAgent(home, model);
  const std::string unknown = "ses-01J00000000000000000000000";
  CommandResult run = home.Run({"run", "helper", "-m", "hi", "--session", unknown});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr(absl::StrCat("session \"", unknown,
                                              "\" not found; stigmer get "
                                              "sessions lists them")));
  CommandResult chat = home.RunWithInput({"chat", "helper", "--session", unknown}, "hi\nthere\n");
  EXPECT_EQ(chat.exit_code, 2);
  EXPECT_THAT(chat.err, HasSubstr("not found; stigmer get sessions lists them"));
  CommandResult workflow_like = home.Run({"run", "helper", "--session", unknown});
  EXPECT_EQ(workflow_like.exit_code, 2);
  EXPECT_THAT(workflow_like.err, HasSubstr("--session continues an agent's session"));
  EXPECT_EQ(model.request_count(), 0u);
}

TEST(Sessions, AFailedChatTurnIsShownAndTheChatGoesOnItsLastTurnSettingTheExitCode) {
  StigmerHome home;
  ScriptedModelServer model;
  ApplyAgent(home, model);
  model.Queue({.status = 401, .body = R"({"error":{"message":"Incorrect API key"}})"});
  model.QueueText("Second try worked.");
  model.Queue({.status = 401, .body = R"({"error":{"message":"Incorrect API key"}})"});
  CommandResult chat = home.RunWithInput({"chat", "helper"}, "first\nsecond\n");
  EXPECT_EQ(chat.exit_code, 0) << chat.out << chat.err;
  EXPECT_THAT(chat.err, HasSubstr("failed: Agent failed"));
  EXPECT_THAT(chat.err, HasSubstr("Incorrect API key"));
  EXPECT_THAT(chat.out, HasSubstr("Second try worked."));
  // A failed turn is no turn of the transcript: the second request holds only its own message.
  ASSERT_EQ(model.request_count(), 2u);
  EXPECT_EQ(Texts(model.requests()[1]), (std::vector<std::string>{"Answer briefly.", "second"}));

  const std::string session = SessionIn(chat.out);
  CommandResult last_failed =
      home.RunWithInput({"chat", "helper", "--session", session}, "third\n");
  EXPECT_EQ(last_failed.exit_code, 1) << last_failed.out << last_failed.err;
  EXPECT_THAT(last_failed.out, HasSubstr(absl::StrCat("session ", session, " with helper")));

  CommandResult one = home.Run({"get", "session", session});
  EXPECT_EQ(one.exit_code, 2);
  EXPECT_THAT(one.err, HasSubstr(absl::StrCat("`stigmer get executions --session ", session,
                                              "` lists the runs of one")));
}

TEST(Sessions, ChatAsksInlineForApprovalAndDeliversTheAnswer) {
  StigmerHome home;
  ScriptedModelServer model;
  ApplyAgent(home, model, "tools: [shell]\nneeds_approval: [shell]\n");
  model.QueueToolCall("c1", "shell", {{"command", "echo approved-inline"}});
  model.QueueText("It ran.");
  model.QueueToolCall("c2", "shell", {{"command", "echo never-runs"}});
  model.QueueText("It did not run.");
  CommandResult chat = home.RunWithInput({"chat", "helper"}, "run it\ny\nrun another\nn\n");
  ASSERT_EQ(chat.exit_code, 0) << chat.out << chat.err;
  EXPECT_THAT(
      chat.out,
      HasSubstr(R"(approve call c1 (tool shell {"command":"echo approved-inline"})? [y/N])"));
  EXPECT_THAT(chat.out, HasSubstr("approved c1"));
  EXPECT_THAT(chat.out, HasSubstr("approved-inline"));
  EXPECT_THAT(chat.out, HasSubstr("It ran."));
  EXPECT_THAT(chat.out, HasSubstr("denied c2"));
  EXPECT_THAT(chat.out, Not(HasSubstr("never-runs\n")));
  EXPECT_THAT(chat.out, HasSubstr("It did not run."));
  ASSERT_EQ(model.request_count(), 4u);
  EXPECT_THAT(model.requests()[3].dump(), HasSubstr("answered no in stigmer chat"));
}

}  // namespace
}  // namespace stigmer::testing
