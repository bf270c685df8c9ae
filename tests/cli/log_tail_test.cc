#include "cli/log_tail.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/log_files.h"
#include "cli/log_merge.h"
#include "cli/log_reverse_reader.h"
#include "common/timestamp.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kStart = absl::FromUnixSeconds(1795791845);

std::string At(int second, const std::string& text) {
  return FormatRfc3339Millis(kStart + absl::Seconds(second)) + " " + text;
}

void WriteFile(const std::filesystem::path& path, const std::string& contents) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << contents;
}

std::vector<std::string> ReadBackwards(const std::filesystem::path& path) {
  absl::StatusOr<OpenedLogFile> file = OpenLogFile(path);
  EXPECT_TRUE(file.ok()) << file.status();
  ReverseLineReader reader(file->fd.get(), file->size);
  std::vector<std::string> lines;
  while (true) {
    absl::StatusOr<std::optional<std::string>> line = reader.Previous();
    EXPECT_TRUE(line.ok()) << line.status();
    if (!line.ok() || !line->has_value()) break;
    lines.push_back(**line);
  }
  return lines;
}

std::vector<std::string> AllLines(const std::vector<LogEntry>& entries) {
  std::vector<std::string> lines;
  for (const LogEntry& entry : entries)
    lines.insert(lines.end(), entry.lines.begin(), entry.lines.end());
  return lines;
}

// The last lines of the log at `current`, with its rotated files.
std::vector<std::string> Tail(const std::filesystem::path& current, TailOptions options) {
  absl::StatusOr<std::vector<OpenedLogFile>> files = OpenLogFiles(current);
  EXPECT_TRUE(files.ok()) << files.status();
  std::vector<LogSource> sources;
  for (const OpenedLogFile& file : *files) sources.push_back({file.fd.get(), file.size});
  absl::StatusOr<std::vector<LogEntry>> entries = TailLog(sources, options);
  EXPECT_TRUE(entries.ok()) << entries.status();
  return AllLines(*entries);
}

TEST(ReverseLineReaderTest, ReturnsLinesLastFirst) {
  testing::TempDir dir;
  WriteFile(dir.path() / "a", "one\ntwo\n\nfour\n");
  EXPECT_THAT(ReadBackwards(dir.path() / "a"), ElementsAre("four", "", "two", "one"));
  WriteFile(dir.path() / "b", "one\npartial");
  EXPECT_THAT(ReadBackwards(dir.path() / "b"), ElementsAre("partial", "one"));
  WriteFile(dir.path() / "c", "");
  EXPECT_THAT(ReadBackwards(dir.path() / "c"), IsEmpty());
  WriteFile(dir.path() / "d", "\n");
  EXPECT_THAT(ReadBackwards(dir.path() / "d"), ElementsAre(""));
}

// Compares with splitting the file forwards, for contents whose lines and empty lines fall on,
// just before and just after the 64 KiB block boundaries, and a line longer than a block.
TEST(ReverseLineReaderTest, LinesAcrossBlockBoundaries) {
  testing::TempDir dir;
  constexpr size_t kBlock = 64 * 1024;
  for (size_t shift = 0; shift < 4; ++shift) {
    std::vector<std::string> lines = {std::string(shift, 's')};
    for (size_t length : {kBlock - 2, size_t{0}, kBlock - 1, size_t{0}, size_t{0}, kBlock,
                          3 * kBlock + 5, size_t{1}, size_t{0}, kBlock + 1, size_t{7}}) {
      lines.push_back(std::string(length, static_cast<char>('a' + lines.size() % 26)));
    }
    std::string contents;
    for (const std::string& line : lines) contents += line + "\n";
    const std::filesystem::path path = dir.path() / absl::StrCat("file", shift);
    WriteFile(path, contents);
    std::vector<std::string> expected(lines.rbegin(), lines.rend());
    EXPECT_TRUE(ReadBackwards(path) == expected) << "shift " << shift;
  }
}

TEST(TailLogTest, LastLinesAcrossRotatedFiles) {
  testing::TempDir dir;
  const std::filesystem::path log = dir.path() / "x.log";
  WriteFile(RotatedLogPath(log, 2), At(0, "a") + "\n" + At(1, "b") + "\n");
  WriteFile(RotatedLogPath(log, 1), At(2, "c") + "\n" + At(3, "d") + "\n");
  WriteFile(log, At(4, "e") + "\n");
  EXPECT_THAT(Tail(log, {.max_lines = 4}),
              ElementsAre(At(1, "b"), At(2, "c"), At(3, "d"), At(4, "e")));
  EXPECT_THAT(Tail(log, {.max_lines = 1}), ElementsAre(At(4, "e")));
  EXPECT_THAT(Tail(log, {.max_lines = 0}), IsEmpty());
  EXPECT_THAT(Tail(log, {.max_lines = 100}),
              ElementsAre(At(0, "a"), At(1, "b"), At(2, "c"), At(3, "d"), At(4, "e")));
  EXPECT_THAT(Tail(log, {.max_lines = -1}).size(), 5u);
}

// A 4 GiB file (sparse: 4 GiB of NUL bytes, then lines): reading it whole would not fit.
TEST(TailLogTest, ReadsOnlyTheEndOfALargeFile) {
  testing::TempDir dir;
  const std::filesystem::path log = dir.path() / "x.log";
  WriteFile(log, "");
  std::filesystem::resize_file(log, std::uintmax_t{4} << 30);
  {
    std::ofstream file(log, std::ios::binary | std::ios::app);
    for (int i = 0; i < 100; ++i) file << "\n" << At(i, absl::StrCat("line ", i));
    file << "\n";
  }
  EXPECT_THAT(Tail(log, {.max_lines = 2}), ElementsAre(At(98, "line 98"), At(99, "line 99")));
  EXPECT_THAT(Tail(log, {.max_lines = 100, .since = kStart + absl::Seconds(99)}),
              ElementsAre(At(99, "line 99")));
}

TEST(TailLogTest, EmptyCurrentFileAfterRotation) {
  testing::TempDir dir;
  const std::filesystem::path log = dir.path() / "x.log";
  WriteFile(RotatedLogPath(log, 1), At(0, "a") + "\n" + At(1, "b") + "\n");
  WriteFile(log, "");
  EXPECT_THAT(Tail(log, {.max_lines = 1}), ElementsAre(At(1, "b")));
}

TEST(TailLogTest, ContinuationLinesBelongToTheLineBefore) {
  testing::TempDir dir;
  const std::filesystem::path log = dir.path() / "x.log";
  WriteFile(RotatedLogPath(log, 1), "orphan\n" + At(0, "old") + "\n" + At(10, "boom") + "\n");
  WriteFile(log, "  at frame 1\n  at frame 2\n" + At(20, "after") + "\n");
  // The trace started in x.log.1 and continued in x.log: it is as old as "boom".
  EXPECT_THAT(Tail(log, {.max_lines = 100, .since = kStart + absl::Seconds(5)}),
              ElementsAre(At(10, "boom"), "  at frame 1", "  at frame 2", At(20, "after")));
  EXPECT_THAT(Tail(log, {.max_lines = 100, .since = kStart + absl::Seconds(11)}),
              ElementsAre(At(20, "after")));
  // -n counts lines, so a record may be cut at its start.
  EXPECT_THAT(Tail(log, {.max_lines = 2}), ElementsAre("  at frame 2", At(20, "after")));
  // Lines before the first timestamp are kept without --since and dropped with it.
  EXPECT_THAT(Tail(log, {.max_lines = -1}).front(), "orphan");
  EXPECT_THAT(Tail(log, {.max_lines = -1, .since = kStart - absl::Hours(1)}).front(), At(0, "old"));
}

TEST(TailLogTest, SinceAndMaxLinesApplyTogether) {
  testing::TempDir dir;
  const std::filesystem::path log = dir.path() / "x.log";
  std::string contents;
  for (int i = 0; i < 10; ++i) contents += At(i, absl::StrCat("line ", i)) + "\n";
  WriteFile(log, contents);
  EXPECT_THAT(Tail(log, {.max_lines = 100, .since = kStart + absl::Seconds(7)}),
              ElementsAre(At(7, "line 7"), At(8, "line 8"), At(9, "line 9")));
  EXPECT_THAT(Tail(log, {.max_lines = 2, .since = kStart + absl::Seconds(7)}),
              ElementsAre(At(8, "line 8"), At(9, "line 9")));
  EXPECT_THAT(Tail(log, {.max_lines = 100, .since = kStart + absl::Seconds(60)}), IsEmpty());
}

TEST(TailLogTest, RotatedInodeOpenedTwiceIsReadOnce) {
  testing::TempDir dir;
  const std::filesystem::path log = dir.path() / "x.log";
  WriteFile(log, At(0, "a") + "\n");
  std::filesystem::create_hard_link(log, RotatedLogPath(log, 1));  // as if rotated while opening
  EXPECT_THAT(Tail(log, {.max_lines = 10}), ElementsAre(At(0, "a")));
}

TEST(MergeLogsByTimeTest, OrdersByTimeAndKeepsTiesStable) {
  auto entry = [](int second, const std::string& text) {
    return LogEntry{kStart + absl::Seconds(second), {text}};
  };
  std::vector<std::vector<LogEntry>> logs = {
      {entry(1, "a1"), entry(3, "a3"), entry(3, "a3'")},
      {},
      {entry(0, "c0"), entry(3, "c3"), entry(5, "c5")},
      {LogEntry{absl::InfinitePast(), {"d?"}}, entry(2, "d2")},
  };
  std::vector<std::string> order;
  std::vector<size_t> sources;
  for (const SourcedLogEntry& merged : MergeLogsByTime(std::move(logs))) {
    order.push_back(merged.entry.lines.front());
    sources.push_back(merged.source);
  }
  EXPECT_THAT(order, ElementsAre("d?", "c0", "a1", "d2", "a3", "a3'", "c3", "c5"));
  EXPECT_THAT(sources, ElementsAre(3, 2, 0, 3, 0, 0, 2, 2));
}

}  // namespace
}  // namespace stigmer::cli
