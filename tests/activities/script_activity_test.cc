// RunScriptActivity with the machine's real node and python3: arguments, environment, stdin,
// `return` modes, sources, a missing interpreter, and scripts that misbehave
// (dsl-reference.md, Run, Script Process).

#include "activities/script_activity.h"

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "absl/time/clock.h"
#include "common/environment.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::activities {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kTask[] = "/do/0/runScript";

class FakeControl : public ActivityControl {
 public:
  explicit FakeControl(std::function<bool()> keep_going = [] { return true; })
      : keep_going_(std::move(keep_going)) {}
  bool KeepGoing() override { return keep_going_(); }

 private:
  std::function<bool()> keep_going_;
};

json Request(json script, const std::string& mode = "stdout") {
  return {{"task", kTask}, {"input", {{"n", 1}}}, {"script", std::move(script)}, {"return", mode}};
}

ActivityResult RunScript(const json& request, const ActivityLimits& limits = {},
                         const EnvironmentLookup& lookup = ProcessEnvironment()) {
  FakeControl control;
  return RunScriptActivity(request, limits, control, lookup);
}

TEST(ScriptActivityTest, PythonGetsArgumentsEnvironmentAndStdin) {
  ActivityResult result = RunScript(Request({{"language", "python"},
                                             {"code",
                                              "import os, sys\n"
                                              "print(sys.argv[1:], os.environ['GREETING'], "
                                              "sys.stdin.read())\n"
                                              "sys.stderr.write('careful')\n"
                                              "sys.exit(3)\n"},
                                             {"arguments", {"hello", "world"}},
                                             {"environment", {{"GREETING", "bonjour"}}},
                                             {"stdin", "from stdin"}},
                                            "all"));
  ASSERT_TRUE(result.ok()) << result.error.detail;
  EXPECT_EQ(result.output, json({{"code", 3},
                                 {"stdout", "['hello', 'world'] bonjour from stdin"},
                                 {"stderr", "careful"}}));
}

TEST(ScriptActivityTest, JavascriptReturnsStdoutAndItsCode) {
  const json script = {{"language", "js"},
                       {"code",
                        "const [, , first, second] = process.argv;\n"
                        "let input = '';\n"
                        "process.stdin.on('data', (d) => (input += d));\n"
                        "process.stdin.on('end', () => {\n"
                        "  console.log(`${first}-${second}-${process.env.COLOR}-${input}`);\n"
                        "  process.exitCode = 4;\n"
                        "});\n"},
                       {"arguments", {"a", "b"}},
                       {"environment", {{"COLOR", "blue"}}},
                       {"stdin", "in"}};
  ActivityResult code = RunScript(Request(script, "code"));
  ASSERT_TRUE(code.ok()) << code.error.detail;
  EXPECT_EQ(code.output, 4);
  json succeeding = script;
  succeeding["code"] = "console.log(`${process.argv[2]} ${process.env.COLOR}`);";
  ActivityResult stdout_result = RunScript(Request(succeeding));
  ASSERT_TRUE(stdout_result.ok()) << stdout_result.error.detail;
  EXPECT_EQ(stdout_result.output, "a blue");
  ActivityResult none = RunScript(Request(succeeding, "none"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.output, nullptr);
}

TEST(ScriptActivityTest, JavascriptWithImportStatementsRunsAsAModule) {
  ActivityResult result =
      RunScript(Request({{"language", "javascript"},
                         {"code",
                          "import { readFileSync } from 'node:fs';\n"
                          "const text = readFileSync(process.stdin.fd, 'utf8');\n"
                          "console.log('read', text, process.argv[2]);\n"},
                         {"arguments", {"arg"}},
                         {"stdin", "from stdin"}}));
  ASSERT_TRUE(result.ok()) << result.error.detail;
  EXPECT_EQ(result.output, "read from stdin arg");
  ActivityResult common_js = RunScript(
      Request({{"language", "js"},
               {"code", "const fs = require('fs'); console.log(typeof fs.readFileSync)"}}));
  ASSERT_TRUE(common_js.ok()) << common_js.error.detail;
  EXPECT_EQ(common_js.output, "function");
}

TEST(ScriptActivityTest, AFailingScriptsStackTraceNamesItsFile) {
  ActivityResult result = RunScript(
      Request({{"language", "python"}, {"code", "def f():\n  raise ValueError('boom')\nf()\n"}}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.title, "Command failed");
  EXPECT_THAT(result.error.detail, HasSubstr("exit code 1"));
  EXPECT_THAT(result.error.detail, HasSubstr("script.py\", line 2"));
  EXPECT_THAT(result.error.detail, HasSubstr("ValueError: boom"));
  EXPECT_EQ(result.error.instance, kTask);
}

TEST(ScriptActivityTest, MissingInterpreterSaysWhatToInstallOrSet) {
  testing::TempDir empty;
  const EnvironmentLookup no_path = testing::FakeEnvironment({{"PATH", empty.path().string()}});
  ActivityResult python =
      RunScript(Request({{"language", "python"}, {"code", "print(1)"}}), {}, no_path);
  ASSERT_FALSE(python.ok());
  EXPECT_EQ(python.error.title, "Interpreter not found");
  EXPECT_EQ(python.error.detail,
            "python3 is not installed (not found on PATH): install python3 or set "
            "STIGMER_PYTHON_BIN to its path");
  ActivityResult node =
      RunScript(Request({{"language", "javascript"}, {"code", "1"}}), {}, no_path);
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.error.detail,
            "node is not installed (not found on PATH): install node or set STIGMER_NODE_BIN to "
            "its path");
  const EnvironmentLookup wrong = testing::FakeEnvironment({{"STIGMER_NODE_BIN", "/nowhere/node"}});
  ActivityResult configured = RunScript(Request({{"language", "js"}, {"code", "1"}}), {}, wrong);
  ASSERT_FALSE(configured.ok());
  EXPECT_EQ(configured.error.detail,
            "STIGMER_NODE_BIN is \"/nowhere/node\", which is not an executable file: point it at "
            "node or unset it");
}

TEST(ScriptActivityTest, ConfiguredInterpreterIsUsed) {
  const EnvironmentLookup configured =
      testing::FakeEnvironment({{"STIGMER_PYTHON_BIN", "/bin/cat"}, {"PATH", "/nonexistent"}});
  ActivityResult result =
      RunScript(Request({{"language", "python"}, {"code", "not python at all"}}), {}, configured);
  ASSERT_TRUE(result.ok()) << result.error.detail;
  EXPECT_EQ(result.output, "not python at all");  // cat printed the script's file
}

TEST(ScriptActivityTest, SourceIsReadFromALocalFileAndNeverFromTheNetwork) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "hello.py";
  std::ofstream(file) << "print('from a file')\n";
  for (const std::string& uri : {"file://" + file.string(), file.string()}) {
    ActivityResult result =
        RunScript(Request({{"language", "python"}, {"source", {{"endpoint", {{"uri", uri}}}}}}));
    ASSERT_TRUE(result.ok()) << result.error.detail;
    EXPECT_EQ(result.output, "from a file");
  }
  ActivityResult remote = RunScript(Request(
      {{"language", "python"}, {"source", {{"endpoint", "https://example.com/hello.py"}}}}));
  ASSERT_FALSE(remote.ok());
  EXPECT_EQ(remote.error.title, "Invalid script");
  EXPECT_EQ(remote.error.detail,
            "script source: \"https://example.com/hello.py\" is not fetched: stigmer reaches no "
            "network while it runs a workflow; copy it to this machine and give "
            "file:///its/path");
  ActivityResult missing = RunScript(
      Request({{"language", "python"}, {"source", {{"endpoint", "file:///nowhere/x.py"}}}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error.detail, HasSubstr("/nowhere/x.py"));
}

TEST(ScriptActivityTest, UnknownLanguageIsInvalid) {
  ActivityResult result = RunScript(Request({{"language", "ruby"}, {"code", "puts 1"}}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.title, "Invalid script");
  EXPECT_EQ(result.error.detail,
            "unknown script language \"ruby\" (expected js, javascript or python)");
}

TEST(ScriptActivityTest, TheTemporaryFolderIsRemovedAfterTheRun) {
  testing::TempDir tmp;
  const char* old = ::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("TMPDIR", tmp.path().c_str(), 1);
  ActivityResult result = RunScript(
      Request({{"language", "python"}, {"code", "import os; print(os.path.dirname(__file__))"}}));
  old != nullptr ? ::setenv("TMPDIR", saved.c_str(), 1) : ::unsetenv("TMPDIR");
  ASSERT_TRUE(result.ok()) << result.error.detail;
  EXPECT_THAT(result.output.get<std::string>(),
              HasSubstr(tmp.path().string() + "/stigmer-script-"));
  EXPECT_FALSE(std::filesystem::exists(result.output.get<std::string>()));
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST(ScriptActivityTest, AScriptThatNeverEndsTimesOutAndCancelKillsIt) {
  json forever = Request({{"language", "python"}, {"code", "while True: pass"}});
  forever["timeout_ms"] = 500;
  const absl::Time started = absl::Now();
  ActivityResult timed_out = RunScript(forever);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.error.title, "Command timed out");
  EXPECT_LT(absl::Now() - started, absl::Seconds(10));

  forever.erase("timeout_ms");
  std::atomic<int> asked{0};
  FakeControl stop_soon([&asked] { return ++asked < 3; });
  ActivityResult cancelled = RunScriptActivity(forever, {}, stop_soon, ProcessEnvironment());
  EXPECT_EQ(cancelled.state, ActivityResult::State::kCancelled);
}

TEST(ScriptActivityTest, HundredMebibytesOfOutputFailOnlyThatRun) {
  ActivityResult huge, good;
  std::thread hostile([&huge] {
    huge = RunScript(Request({{"language", "js"},
                              {"code",
                               "const s = 'x'.repeat(1 << 20);\n"
                               "for (let i = 0; i < 100; i++) process.stdout.write(s);\n"}}));
  });
  std::thread fine([&good] {
    good = RunScript(Request({{"language", "python"}, {"code", "print('still fine')"}}));
  });
  hostile.join();
  fine.join();
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error.title, "Output too large");
  EXPECT_THAT(huge.error.detail, HasSubstr("STIGMER_MAX_OUTPUT_BYTES"));
  ASSERT_TRUE(good.ok()) << good.error.detail;
  EXPECT_EQ(good.output, "still fine");
}

TEST(ScriptActivityTest, NotAwaitedScriptAnswersTheInputAndStillRuns) {
  testing::TempDir dir;
  const std::string marker = (dir.path() / "ran").string();
  json request = Request({{"language", "python"},
                          {"code", "import sys; open(sys.argv[1], 'w').write('yes')"},
                          {"arguments", {marker}}});
  request["await"] = false;
  ActivityResult result = RunScript(request);
  ASSERT_TRUE(result.ok()) << result.error.detail;
  EXPECT_EQ(result.output, json({{"n", 1}}));
  EXPECT_TRUE(testing::WaitFor([&] { return std::filesystem::exists(marker); }, absl::Seconds(20)));
}

}  // namespace
}  // namespace stigmer::activities
