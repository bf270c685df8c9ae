// `call: mcp` over MCP's Streamable HTTP transport, against the real npm MCP server
// `server-everything` in its HTTP mode (from .cache/mcp, see scripts/setup.sh) on a free port:
// the activity alone, then a workflow on the real Temporal dev server beside a failing call.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "activities/shell_process.h"
#include "common/unique_fd.h"
#include "gmock/gmock.h"
#include "testing/test_env.h"
#include "workflow/mcp_call_activity.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

bool Accepts(int port) {
  UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  return ::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

// server-everything serving Streamable HTTP at url() until destroyed.
class EverythingOverHttp {
 public:
  EverythingOverHttp() : port_(testing::FreePort()) {
    activities::ProcessOptions options;
    options.argv = {
        (testing::SourceDir() / ".cache/mcp/node_modules/.bin/mcp-server-everything").string(),
        "streamableHttp"};
    options.env = {absl::StrCat("PORT=", port_), absl::StrCat("PATH=", ::getenv("PATH"))};
    absl::StatusOr<activities::ShellProcess> started = activities::ShellProcess::Start(options);
    EXPECT_TRUE(started.ok()) << started.status();
    if (started.ok()) process_.emplace(*std::move(started));
    EXPECT_TRUE(testing::WaitFor([this] { return Accepts(port_); }, absl::Seconds(30)))
        << "server-everything did not listen on " << port_;
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_, "/mcp"); }

 private:
  const int port_;
  std::optional<activities::ShellProcess> process_;
};

class FakeControl : public activities::ActivityControl {
 public:
  bool KeepGoing() override { return true; }
};

activities::ActivityResult Mcp(const json& http, const std::string& method,
                               const json& parameters) {
  FakeControl control;
  return RunMcpCallActivity(
      {{"task", "/do/0/mcp"},
       {"input", json::object()},
       {"with", {{"method", method}, {"parameters", parameters}, {"transport", {{"http", http}}}}}},
      {}, control);
}

TEST(McpHttpCallActivity, ListsAndCallsToolsOfARealServerOverHttp) {
  EverythingOverHttp server;
  activities::ActivityResult listed = Mcp({{"endpoint", server.url()}}, "tools/list", {});
  ASSERT_TRUE(listed.ok()) << listed.error.ToJson();
  EXPECT_THAT(listed.output.dump(), HasSubstr("\"echo\""));
  activities::ActivityResult echoed =
      Mcp({{"endpoint", {{"uri", server.url()}}}, {"headers", {{"x-trace", "t-1"}}}}, "tools/call",
          {{"name", "echo"}, {"arguments", {{"message", "durable over http"}}}});
  ASSERT_TRUE(echoed.ok()) << echoed.error.ToJson();
  EXPECT_THAT(echoed.output["content"][0]["text"].get<std::string>(),
              HasSubstr("durable over http"));
}

TEST(McpHttpCallActivity, NoServerAtTheUrlIsAClearRuntimeError) {
  const int port = testing::FreePort();
  const std::string url = absl::StrCat("http://127.0.0.1:", port, "/mcp");
  activities::ActivityResult result = Mcp({{"endpoint", url}}, "tools/list", {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.title, "MCP call failed");
  EXPECT_THAT(result.error.detail, HasSubstr(absl::StrCat("the MCP server ", url, ": ")));
}

TEST(McpHttpCallActivity, AUrlThatIsNotAnMcpServerNamesWhatItAnswered) {
  EverythingOverHttp server;
  const std::string elsewhere = absl::StrReplaceAll(server.url(), {{"/mcp", "/nothing-here"}});
  activities::ActivityResult result = Mcp({{"endpoint", elsewhere}}, "tools/list", {});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error.detail, HasSubstr("answered HTTP 404"));
}

TEST_F(WorkflowRunnerTest, McpCallOverHttpCompletesBesideAFailingOne) {
  EverythingOverHttp server;
  auto body = [&](const std::string& tool) {
    return absl::StrCat(R"(do:
  - ask:
      call: mcp
      with:
        method: tools/call
        parameters: {name: )",
                        tool, R"(, arguments: {message: '${ .say }'}}
        transport:
          http:
            endpoint: )",
                        server.url(), "\n");
  };
  const std::string good = Start("mcp_http_good", body("echo"), {{"say", "over http"}});
  const std::string bad = Start("mcp_http_bad", body("no-such-tool"), {{"say", "x"}});
  std::vector<durable::HistoryEvent> events = WaitClosed(good, absl::Seconds(60));
  EXPECT_THAT(Output(events).dump(), HasSubstr("over http"));
  events = WaitClosed(bad, absl::Seconds(60));
  EXPECT_EQ(FailureProblem(events)["title"], "MCP call failed");
}

}  // namespace
}  // namespace stigmer::workflow
