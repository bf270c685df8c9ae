#include "log_throughput.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <vector>

#include "bench_support.h"
#include "common/unique_fd.h"
#include "library_host.h"
#include "supervisord_peer.h"

namespace stigmer::bench {
namespace {

constexpr int kRepeats = 3;
constexpr auto kWaitLimit = std::chrono::seconds(60);

// The number of '\n' in the file (0 if it cannot be read).
int64_t CountLines(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return 0;
  std::vector<char> buffer(1 << 20);
  int64_t lines = 0;
  for (ssize_t n; (n = ::read(fd.get(), buffer.data(), buffer.size())) > 0;) {
    lines += std::count(buffer.begin(), buffer.begin() + n, '\n');
  }
  return lines;
}

// One way of running the spewing fixture: starts it so that its output ends up in `log`;
// returns when it was started, and keeps whatever runs it alive in `keep_alive` until the
// measurement is over.
using Variant = std::function<std::optional<Clock::time_point>(
    const std::filesystem::path& dir, const std::filesystem::path& log,
    const std::vector<std::string>& argv, std::shared_ptr<void>& keep_alive)>;

std::optional<Clock::time_point> StraightIntoFile(const std::filesystem::path&,
                                                  const std::filesystem::path& log,
                                                  const std::vector<std::string>& argv,
                                                  std::shared_ptr<void>& keep_alive) {
  const Clock::time_point start = Clock::now();
  keep_alive =
      std::make_shared<ChildProgram>(argv, std::vector<std::string>{"PATH=/usr/bin:/bin"}, log);
  return start;
}

std::optional<Clock::time_point> ThroughLibrary(const std::filesystem::path& dir,
                                                const std::filesystem::path&,
                                                const std::vector<std::string>& argv,
                                                std::shared_ptr<void>& keep_alive) {
  const std::vector<std::string> args(argv.begin() + 1, argv.end());
  auto host = std::make_shared<LibraryHost>(std::vector<supervisor::ComponentSpec>{
      FakeComponentSpec("spew", argv[0], args, dir, /*notify=*/false)});
  keep_alive = host;
  return host->Start();
}

std::optional<Clock::time_point> ThroughSupervisord(const std::filesystem::path& dir,
                                                    const std::filesystem::path& log,
                                                    const std::vector<std::string>& argv,
                                                    std::shared_ptr<void>& keep_alive) {
  std::shared_ptr<SupervisordPeer> supervisord =
      SupervisordPeer::Start(dir, {PeerProgram{"spew", argv, log}});
  if (!supervisord) return std::nullopt;
  keep_alive = supervisord;
  const Clock::time_point start = Clock::now();
  if (!supervisord->StartProcess("spew")) return std::nullopt;
  return start;
}

// The median time of kRepeats runs of `variant` in ms; nullopt if a run failed or lost lines.
std::optional<double> Measure(const Variant& variant, const std::vector<std::string>& argv,
                              const std::string& last_line, int64_t lines) {
  std::vector<double> samples;
  for (int run = 0; run < kRepeats; ++run) {
    TempDir dir("stigmer-bench-logs");
    const std::filesystem::path log = dir.path() / "spew.log";
    std::shared_ptr<void> keep_alive;
    const std::optional<Clock::time_point> start = variant(dir.path(), log, argv, keep_alive);
    if (!start) return std::nullopt;
    if (!WaitForFile(
            log, [&] { return FileEndsWith(log, last_line); }, kWaitLimit)) {
      std::fprintf(stderr, "the last line never reached %s\n", log.c_str());
      return std::nullopt;
    }
    samples.push_back(MillisBetween(*start, Clock::now()));
    if (const int64_t logged = CountLines(log); logged != lines) {
      std::fprintf(stderr, "%s holds %lld lines, not %lld\n", log.c_str(),
                   static_cast<long long>(logged), static_cast<long long>(lines));
      return std::nullopt;
    }
  }
  return Summarize(samples).p50;
}

}  // namespace

int MeasureLogThroughput(const std::string& fixture, int megabytes) {
  const int64_t lines = int64_t{megabytes} * 10000;  // 100-byte lines
  const double total_mb = static_cast<double>(lines) * 100 / 1e6;
  const std::string last_line =
      "line " + std::to_string(int64_t{1000000000} + lines - 1).substr(1) + " ";
  const std::vector<std::string> argv = {fixture, "--spew-lines", std::to_string(lines)};
  auto rate = [&](std::optional<double> millis) {
    return millis ? total_mb / (*millis / 1000.0) : NAN;
  };
  auto print = [&](const char* what, std::optional<double> millis) {
    if (millis) {
      std::printf("  %-46s %8.1f ms  %7.1f MB/s\n", what, *millis, rate(millis));
    } else {
      std::printf("  %-46s failed\n", what);
    }
  };
  const std::optional<double> library = Measure(ThroughLibrary, argv, last_line, lines);
  const std::optional<double> peer = Measure(ThroughSupervisord, argv, last_line, lines);
  const std::optional<double> direct = Measure(StraightIntoFile, argv, last_line, lines);
  std::printf(
      "log throughput: %.0f MB of 100-byte lines, spawn → last line in the log file\n"
      "(median of %d runs; every file checked to hold all %lld lines)\n",
      total_mb, kRepeats, static_cast<long long>(lines));
  print("stigmer LogSink (timestamped lines)", library);
  print("supervisord stdout_logfile", peer);
  print("fixture straight into a file (no supervisor)", direct);
  AddResultRow("log throughput, 100-byte lines (library)", rate(library), rate(peer), "MB/s", 200,
               true);
  return library ? 0 : 1;
}

}  // namespace stigmer::bench
