#include "cli/logs_command.h"

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/log_files.h"
#include "common/timestamp.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const absl::Time kStart = absl::FromUnixSeconds(1795791845);

std::string At(int second, const std::string& text) {
  return FormatRfc3339Millis(kStart + absl::Seconds(second)) + " " + text;
}

void Append(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary | std::ios::app);
  file << text;
}

std::vector<std::string> Lines(const std::string& text) {
  if (text.empty()) return {};
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  lines.pop_back();  // after the last '\n'
  return lines;
}

// An output that one thread writes while another reads it.
class SharedOutput : public std::streambuf {
 public:
  std::string Text() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }

 protected:
  int_type overflow(int_type c) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (c != traits_type::eof()) text_.push_back(static_cast<char>(c));
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard<std::mutex> lock(mutex_);
    text_.append(s, static_cast<size_t>(n));
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

class LogsCommandTest : public ::testing::Test {
 protected:
  // Runs to completion (without -f); returns the exit code.
  int Run(const LogsOptions& options) {
    out_.str("");
    err_.str("");
    return RunLogs(paths_, options, out_, err_, never_stop_);
  }

  testing::TempDir home_;
  config::Paths paths_{home_.path()};
  std::ostringstream out_;
  std::ostringstream err_;
  std::atomic<bool> never_stop_{false};
};

TEST_F(LogsCommandTest, UnknownComponentListsTheValidOnesAndExits2) {
  EXPECT_EQ(Run({.component = "postgres"}), 2);
  EXPECT_EQ(err_.str(),
            "unknown component \"postgres\"; valid components: stigmer-server, workflow-runner, "
            "agent-runner, temporal, llm, supervisor\n");
  EXPECT_THAT(out_.str(), IsEmpty());
}

TEST_F(LogsCommandTest, NoLogsYetIsANoteAndExit0) {
  EXPECT_EQ(Run({.component = "workflow-runner"}), 0);
  EXPECT_EQ(err_.str(), "no logs yet for workflow-runner at " +
                            paths_.StdoutLog("workflow-runner").string() +
                            "; start the server with `stigmer server`\n");
  EXPECT_THAT(out_.str(), IsEmpty());
  EXPECT_EQ(Run({.all = true}), 0);
  EXPECT_THAT(err_.str(), HasSubstr("no logs yet in " + paths_.LogDir().string()));
}

TEST_F(LogsCommandTest, LastLinesAcrossRotatedFiles) {
  const std::filesystem::path log = paths_.StdoutLog("stigmer-server");
  for (int file = 3; file >= 0; --file) {
    const std::filesystem::path path = file == 0 ? log : RotatedLogPath(log, file);
    for (int i = 0; i < 20; ++i)
      Append(path, At((3 - file) * 20 + i, absl::StrCat("l", (3 - file) * 20 + i)) + "\n");
  }
  EXPECT_EQ(Run({.lines = 25}), 0);
  std::vector<std::string> lines = Lines(out_.str());
  ASSERT_EQ(lines.size(), 25u);
  EXPECT_EQ(lines.front(), At(55, "l55"));
  EXPECT_EQ(lines.back(), At(79, "l79"));
  EXPECT_THAT(err_.str(), IsEmpty());
}

TEST_F(LogsCommandTest, SinceAndStderr) {
  Append(paths_.StderrLog("agent-runner"), At(0, "e0") + "\n" + At(5, "e5") + "\n  trace\n");
  Append(paths_.StdoutLog("agent-runner"), At(6, "o6") + "\n");
  EXPECT_EQ(
      Run({.component = "agent-runner", .since = kStart + absl::Seconds(1), .stderr_stream = true}),
      0);
  EXPECT_THAT(Lines(out_.str()), ElementsAre(At(5, "e5"), "  trace"));
  // temporal writes one file; --stderr reads that one.
  Append(paths_.StdoutLog("temporal"), At(1, "t1") + "\n");
  EXPECT_EQ(Run({.component = "temporal", .stderr_stream = true}), 0);
  EXPECT_THAT(Lines(out_.str()), ElementsAre(At(1, "t1")));
}

TEST_F(LogsCommandTest, AllMergesByTimeWithPrefixes) {
  Append(paths_.StdoutLog("stigmer-server"), At(1, "s1") + "\n" + At(4, "s4") + "\n");
  Append(paths_.StderrLog("stigmer-server"), At(2, "s-err2") + "\n");
  Append(paths_.StdoutLog("workflow-runner"), At(0, "w0") + "\n" + At(4, "w4") + "\n");
  Append(paths_.StdoutLog("supervisor"), At(3, "sup3") + "\n  more\n");
  EXPECT_EQ(Run({.all = true}), 0);
  EXPECT_THAT(Lines(out_.str()),
              ElementsAre("[workflow-runner] " + At(0, "w0"), "[stigmer-server] " + At(1, "s1"),
                          "[stigmer-server] " + At(2, "s-err2"), "[supervisor] " + At(3, "sup3"),
                          "[supervisor]   more", "[stigmer-server] " + At(4, "s4"),
                          "[workflow-runner] " + At(4, "w4")));
  EXPECT_THAT(out_.str(), Not(HasSubstr("\x1b[")));
  EXPECT_EQ(Run({.lines = 2, .all = true}), 0);
  EXPECT_THAT(Lines(out_.str()),
              ElementsAre("[stigmer-server] " + At(4, "s4"), "[workflow-runner] " + At(4, "w4")));
}

TEST_F(LogsCommandTest, AllWithColorGivesEachComponentItsOwnColor) {
  Append(paths_.StdoutLog("stigmer-server"), At(1, "s") + "\n");
  Append(paths_.StdoutLog("temporal"), At(2, "t") + "\n");
  EXPECT_EQ(Run({.all = true, .color = true}), 0);
  std::vector<std::string> lines = Lines(out_.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("[stigmer-server]\x1b[0m " + At(1, "s")));
  EXPECT_THAT(lines[1], HasSubstr("[temporal]\x1b[0m " + At(2, "t")));
  EXPECT_NE(lines[0].substr(0, 5), lines[1].substr(0, 5));  // "\x1b[3Nm"
}

// Runs `stigmer server logs -f` in a thread, as the CLI does until Ctrl-C.
class FollowTest : public LogsCommandTest {
 protected:
  void Start(LogsOptions options) {
    options.follow = true;
    thread_ = std::thread([this, options] {
      exit_code_ = RunLogs(paths_, options, shared_out_, shared_err_, stop_);
    });
  }
  // Stops following; returns how long that took.
  absl::Duration Stop() {
    const absl::Time asked = absl::Now();
    stop_ = true;
    thread_.join();
    return absl::Now() - asked;
  }
  bool WaitForLines(size_t count) {
    return testing::WaitFor([&] { return Lines(output_.Text()).size() >= count; },
                            absl::Seconds(10));
  }
  void TearDown() override {
    if (thread_.joinable()) Stop();
  }

  // Waits for the note that no log exists yet, printed once the follower knows every file.
  bool WaitForNoLogsNote() {
    return testing::WaitFor([&] { return errors_.Text().find("waiting") != std::string::npos; },
                            absl::Seconds(10));
  }

  SharedOutput output_;
  std::ostream shared_out_{&output_};
  SharedOutput errors_;
  std::ostream shared_err_{&errors_};
  std::atomic<bool> stop_{false};
  std::atomic<int> exit_code_{-1};
  std::thread thread_;
};

TEST_F(FollowTest, PrintsTheTailThenAppendedLines) {
  const std::filesystem::path log = paths_.StdoutLog("stigmer-server");
  Append(log, At(0, "old") + "\n" + At(1, "half"));
  Start({.lines = 10});
  ASSERT_TRUE(WaitForLines(1));
  Append(log, " done\n" + At(2, "new") + "\n");
  ASSERT_TRUE(WaitForLines(3));
  EXPECT_LT(Stop(), absl::Seconds(1));
  EXPECT_EQ(exit_code_, 0);
  EXPECT_THAT(Lines(output_.Text()), ElementsAre(At(0, "old"), At(1, "half done"), At(2, "new")));
}

TEST_F(FollowTest, WaitsForAFileThatDoesNotExistYet) {
  Start({.component = "workflow-runner"});
  ASSERT_TRUE(WaitForNoLogsNote());
  Append(paths_.StdoutLog("workflow-runner"), At(0, "hello") + "\n");
  ASSERT_TRUE(WaitForLines(1));
  Stop();
  EXPECT_THAT(Lines(output_.Text()), ElementsAre(At(0, "hello")));
  EXPECT_EQ(errors_.Text(), "no logs yet for workflow-runner at " +
                                paths_.StdoutLog("workflow-runner").string() +
                                "; waiting for them (start the server with `stigmer server`)\n");
}

TEST_F(FollowTest, RotationDuringFollowLosesAndRepeatsNothing) {
  const std::filesystem::path log = paths_.StdoutLog("agent-runner");
  Append(log, At(0, "start") + "\n");
  Start({.component = "agent-runner"});
  ASSERT_TRUE(WaitForLines(1));
  std::vector<std::string> expected = {At(0, "start")};
  for (int round = 1; round <= 5; ++round) {
    expected.push_back(At(round, absl::StrCat("before rotation ", round)));
    Append(log, expected.back() + "\n");
    if (std::filesystem::exists(RotatedLogPath(log, 1))) {
      std::filesystem::rename(RotatedLogPath(log, 1), RotatedLogPath(log, 2));
    }
    std::filesystem::rename(log, RotatedLogPath(log, 1));
    expected.push_back(At(round, absl::StrCat("after rotation ", round)));
    Append(log, expected.back() + "\n");
    ASSERT_TRUE(WaitForLines(expected.size()));
  }
  Stop();
  EXPECT_EQ(Lines(output_.Text()), expected);
}

TEST_F(FollowTest, AllFollowsEveryComponentWithPrefixes) {
  Start({.lines = 0, .all = true});
  ASSERT_TRUE(WaitForNoLogsNote());
  Append(paths_.StderrLog("workflow-runner"), At(0, "w") + "\n");
  ASSERT_TRUE(WaitForLines(1));
  Append(paths_.StdoutLog("temporal"), At(1, "t") + "\n");
  ASSERT_TRUE(WaitForLines(2));
  Stop();
  EXPECT_THAT(Lines(output_.Text()),
              ElementsAre("[workflow-runner] " + At(0, "w"), "[temporal] " + At(1, "t")));
}

TEST_F(FollowTest, StopEndsFollowPromptly) {
  Append(paths_.StdoutLog("supervisor"), At(0, "x") + "\n");
  Start({.component = "supervisor"});
  ASSERT_TRUE(WaitForLines(1));
  EXPECT_LT(Stop(), absl::Milliseconds(500));
  EXPECT_EQ(exit_code_, 0);
}

// `stigmer server logs -f | head -1`, with SIGPIPE ignored: writing fails, following ends.
TEST_F(LogsCommandTest, FollowEndsWhenTheOutputIsClosed) {
  class ClosedOutput : public std::streambuf {
   protected:
    int_type overflow(int_type) override { return traits_type::eof(); }
    std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
  };
  Append(paths_.StdoutLog("stigmer-server"), At(0, "x") + "\n");
  ClosedOutput closed;
  std::ostream out(&closed);
  std::atomic<bool> finished{false};
  std::thread runner([&] {
    RunLogs(paths_, {.follow = true}, out, err_, never_stop_);
    finished = true;
  });
  const bool ended = testing::WaitFor([&] { return finished.load(); }, absl::Seconds(10));
  if (!ended) never_stop_ = true;  // let the thread end before failing
  runner.join();
  EXPECT_TRUE(ended);
}

}  // namespace
}  // namespace stigmer::cli
