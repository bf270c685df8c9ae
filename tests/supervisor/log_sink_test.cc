#include "supervisor/log_sink.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/file_io.h"
#include "common/timestamp.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::supervisor {
namespace {

using ::testing::ElementsAre;

const absl::Time kNow = absl::FromUnixMillis(1'800'000'000'123);

// The lines of a log file without their timestamps; checks each has one.
std::vector<std::string> Lines(const std::filesystem::path& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return {};
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    EXPECT_TRUE(ParseRfc3339Millis(line).has_value()) << line;
    EXPECT_EQ(line.substr(24, 1), " ");
    lines.emplace_back(line.substr(25));
  }
  return lines;
}

TEST(LogStreamTest, FramesLinesWithTimestamp) {
  testing::TempDir dir;
  LogSink sink(dir.path() / "a.log", LogRotation{});
  LogStream stream(&sink, nullptr);
  stream.Append("hello\nworld\n", kNow);
  absl::StatusOr<std::string> text = ReadFileToString(dir.path() / "a.log");
  ASSERT_TRUE(text.ok());
  const std::string stamp = FormatRfc3339Millis(kNow);
  EXPECT_EQ(*text, absl::StrCat(stamp, " hello\n", stamp, " world\n"));
  EXPECT_EQ(
      std::filesystem::status(dir.path() / "a.log").permissions() & std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(LogStreamTest, PartialLinesWaitForTheirNewline) {
  testing::TempDir dir;
  LogSink sink(dir.path() / "a.log", LogRotation{});
  LogTail tail;
  LogStream stream(&sink, &tail);
  stream.Append("hel", kNow);
  EXPECT_THAT(Lines(dir.path() / "a.log"), ElementsAre());
  stream.Append("lo\nwor", kNow);
  stream.Append("", kNow);
  stream.Append("ld\n\nlast", kNow);
  EXPECT_THAT(Lines(dir.path() / "a.log"), ElementsAre("hello", "world", ""));
  stream.Finish(kNow);
  EXPECT_THAT(Lines(dir.path() / "a.log"), ElementsAre("hello", "world", "", "last"));
  EXPECT_EQ(tail.LastLine(), "last");
}

TEST(LogStreamTest, TwoStreamsShareAFileWithoutMixingLines) {
  testing::TempDir dir;
  LogSink sink(dir.path() / "a.log", LogRotation{});
  LogStream out(&sink, nullptr), err(&sink, nullptr);
  out.Append("out-", kNow);
  err.Append("err-", kNow);
  out.Append("1\n", kNow);
  err.Append("2\n", kNow);
  EXPECT_THAT(Lines(dir.path() / "a.log"), ElementsAre("out-1", "err-2"));
}

TEST(LogStreamTest, LongLinesAreSplitIntoFullLines) {
  testing::TempDir dir;
  LogSink sink(dir.path() / "a.log", LogRotation{});
  LogStream stream(&sink, nullptr);
  const size_t max = LogStream::kMaxLine;
  const std::string a(max, 'a'), b(max, 'b');
  // One line of 2*max+5 bytes fed in odd pieces, then a line of exactly max bytes.
  const std::string input = a + b + "ccccc\n" + a + "\n";
  for (size_t pos = 0; pos < input.size(); pos += 1000)
    stream.Append(input.substr(pos, 1000), kNow);
  EXPECT_THAT(Lines(dir.path() / "a.log"), ElementsAre(a, b, "ccccc", a));
  stream.Append(std::string(max + 1, 'd'), kNow);  // a full piece is written at once
  EXPECT_THAT(Lines(dir.path() / "a.log"), ElementsAre(a, b, "ccccc", a, std::string(max, 'd')));
}

TEST(LogSinkTest, RotatesBySizeKeepingMaxFilesWithoutLosingLines) {
  testing::TempDir dir;
  const std::filesystem::path path = dir.path() / "r.log";
  LogRotation rotation;
  rotation.max_bytes = 1000;  // 24 bytes of stamp, a space, 9 of text, '\n': 35 per line
  rotation.max_files = 3;
  LogSink sink(path, rotation);
  LogStream stream(&sink, nullptr);
  std::string batch;
  for (int i = 0; i < 200; ++i) batch += absl::StrFormat("line %04d\n", i);
  stream.Append(batch.substr(0, 1234), kNow);  // cut inside a line
  stream.Append(batch.substr(1234), kNow);

  EXPECT_FALSE(std::filesystem::exists(dir.path() / "r.log.4"));
  std::vector<std::string> all;
  for (const std::string name : {"r.log.3", "r.log.2", "r.log.1", "r.log"}) {
    ASSERT_TRUE(std::filesystem::exists(dir.path() / name)) << name;
    EXPECT_LE(std::filesystem::file_size(dir.path() / name), 1000u) << name;
    for (std::string& line : Lines(dir.path() / name)) all.push_back(std::move(line));
  }
  // 28 lines fit a file: the newest 4 files hold the last lines, in order, once each.
  ASSERT_FALSE(all.empty());
  const int first = 200 - static_cast<int>(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i], absl::StrFormat("line %04d", first + static_cast<int>(i)));
  }
  EXPECT_EQ(all.size(), 28u * 3 + 200 % 28);
  EXPECT_EQ(sink.lines_dropped(), 0);
}

TEST(LogSinkTest, UnwritableFolderDropsAndCountsThenRecovers) {
  testing::TempDir dir;
  // A regular file where the folder should be: fails even for root.
  ASSERT_TRUE(WriteFileAtomically(dir.path() / "logs", "not a folder").ok());
  const std::filesystem::path path = dir.path() / "logs" / "a.log";
  LogSink sink(path, LogRotation{});
  LogStream stream(&sink, nullptr);
  stream.Append("one\ntwo\n", kNow);
  EXPECT_EQ(sink.lines_dropped(), 2);
  EXPECT_FALSE(sink.error().empty());

  std::filesystem::remove(dir.path() / "logs");
  // Within a second of the failure, no new attempt.
  stream.Append("three\n", kNow + absl::Milliseconds(500));
  EXPECT_EQ(sink.lines_dropped(), 3);
  // A second later the file is opened again (with its folder) and logging resumes.
  stream.Append("four\n", kNow + absl::Milliseconds(1001));
  EXPECT_EQ(sink.lines_dropped(), 3);
  EXPECT_TRUE(sink.error().empty());
  EXPECT_THAT(Lines(path), ElementsAre("four"));
  EXPECT_EQ(
      std::filesystem::status(dir.path() / "logs").permissions() & std::filesystem::perms::all,
      std::filesystem::perms::owner_all);
}

TEST(LogSinkTest, WriteErrorDropsTheBatch) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  LogSink sink("/dev/full", LogRotation{});
  LogStream stream(&sink, nullptr);
  stream.Append("a\nb\nc\n", kNow);
  EXPECT_EQ(sink.lines_dropped(), 3);
  EXPECT_THAT(sink.error(), ::testing::HasSubstr("No space left on device"));
}

TEST(LogTailTest, KeepsTheLastLines) {
  LogTail tail(3);
  tail.Add({"a", "b"});
  tail.Add({"c", "d", "e", "f"});
  EXPECT_THAT(tail.Lines(), ElementsAre("d", "e", "f"));
}

}  // namespace
}  // namespace stigmer::supervisor
