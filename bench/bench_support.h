#ifndef STIGMER_BENCH_BENCH_SUPPORT_H_
#define STIGMER_BENCH_BENCH_SUPPORT_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

// Small pieces shared by the benchmark programs: clocks and percentiles, temporary folders, free
// ports, child processes without a shell, /proc samples, waiting for a log file's last line, and
// the result rows that bench/run_all.sh turns into the summary table.
namespace stigmer::bench {

// Makes SIGINT, SIGTERM and SIGHUP only set a flag (read with Interrupted()), so that a bench
// always stops what it started. Blocks them for the process: call from main() before any other
// thread starts.
void WatchForInterrupts();
bool Interrupted();

using Clock = std::chrono::steady_clock;

// Milliseconds between two points of the steady clock, as a double.
double MillisBetween(Clock::time_point from, Clock::time_point to);

// Order statistics of a series of measurements (milliseconds or any other unit).
struct Summary {
  double min = 0, p50 = 0, p90 = 0, max = 0;
  size_t count = 0;
};
Summary Summarize(std::vector<double> samples);
// "p50 1.23  p90 2.34  min 0.98  max 3.21  (n=30)" with `unit` after each figure.
std::string Describe(const Summary& summary, const std::string& unit);

// A new folder under $TMPDIR (or /tmp), removed with everything in it when destroyed.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
int FreePort();

// One child process started with posix_spawn (no shell, no PATH search unless `argv[0]` has no
// slash): its signal mask is cleared and SIGPIPE restored, stdin is /dev/null, stdout and stderr
// go to `output` (empty: /dev/null); `fd3`, if >= 0, becomes the child's fd 3. A child still
// running when this object is destroyed gets SIGKILL and is waited for.
class ChildProgram {
 public:
  ChildProgram(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               const std::filesystem::path& output = {}, int fd3 = -1);
  ~ChildProgram();
  ChildProgram(const ChildProgram&) = delete;
  ChildProgram& operator=(const ChildProgram&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Waits for the exit; the exit code, or 128 + signal number. -1 if it never started.
  int Wait();
  // Sends `signal_number`, waits up to `grace`, then SIGKILL; returns as Wait().
  int Stop(int signal_number, std::chrono::milliseconds grace);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// Runs `argv` to completion (see ChildProgram) and returns its exit code.
int RunProgram(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               const std::filesystem::path& output = {});

// The environment of this process, "K=V" each, with `overrides` ("K=V") replacing or adding;
// an override without '=' ("K") removes K.
std::vector<std::string> EnvironmentWith(const std::vector<std::string>& overrides);

// What /proc says about a process: resident memory (RSS = anon + file-backed pages such as
// shared libraries; PSS shares those among the processes mapping them) and the context switches
// of each thread (voluntary + involuntary; each wake-up of a sleeping thread is one voluntary
// switch).
struct ProcessSample {
  int64_t rss_kib = 0, rss_anon_kib = 0, rss_file_kib = 0, pss_kib = 0;
  int threads = 0;
  std::map<pid_t, std::pair<std::string, int64_t>> by_thread;  // tid → (name, switches)
};
ProcessSample SampleProcess(pid_t pid);
// Context switches between two samples, summed over the threads alive at `after` (a thread
// born in between counts from 0; the switches of one that ended in between are lost).
int64_t ContextSwitchesBetween(const ProcessSample& before, const ProcessSample& after);
// "name 2.4/s, name 1.0/s, …": the threads that woke up between two samples, busiest first.
std::string DescribeWakeups(const ProcessSample& before, const ProcessSample& after,
                            double seconds);
// Context switches of one thread of `pid`.
int64_t ThreadContextSwitches(pid_t pid, pid_t tid);

// `root` and every process descended from it (/proc/<pid>/task/<tid>/children), root first;
// empty when `root` is gone.
std::vector<pid_t> ProcessTree(pid_t root);
// Pins every thread of each of `pids` to `cpus` (threads they start later inherit it from
// their creator). False if a process could not be pinned.
bool PinToCpus(const std::vector<pid_t>& pids, const std::vector<int>& cpus);
// PSS (the `Pss:` line of /proc/<pid>/smaps_rollup) summed over `pids`, in KiB: a page the
// processes share counts once in the sum, a page they share with others in proportion. A
// process that is gone adds 0.
int64_t SumPssKib(const std::vector<pid_t>& pids);

// True if the last bytes of the file at `path` contain `needle`.
bool FileEndsWith(const std::filesystem::path& path, const std::string& needle);

// Blocks until `done()` is true, checking it at once and after every change in the folder of
// `path` (inotify: no polling; the file may not exist yet and may be replaced). False after
// `timeout`.
bool WaitForFile(const std::filesystem::path& path, const std::function<bool()>& done,
                 std::chrono::milliseconds timeout);

// Appends one row of the summary table to the file named by $STIGMER_BENCH_ROWS (if set):
// metric, stigmer figure, peer figure (NaN: none), unit, goal, and whether higher is better.
// bench/run_all.sh computes the ratio and pass/fail against `goal`.
void AddResultRow(const std::string& metric, double stigmer, double supervisord,
                  const std::string& unit, double goal, bool higher_is_better);

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_BENCH_SUPPORT_H_
