#include "bench_support.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "absl/strings/str_format.h"
#include "common/unique_fd.h"

extern char** environ;

namespace stigmer::bench {
namespace {
std::atomic<bool> interrupted{false};
}  // namespace

void WatchForInterrupts() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, signal_number);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // inherited by every later thread
  std::thread([set] {
    int signal_number = 0;
    sigwait(&set, &signal_number);
    std::fprintf(stderr, "interrupted: stopping what was started\n");
    interrupted = true;
  }).detach();
}

bool Interrupted() { return interrupted.load(); }

double MillisBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

Summary Summarize(std::vector<double> samples) {
  Summary summary;
  if (samples.empty()) return summary;
  std::sort(samples.begin(), samples.end());
  auto at = [&](double quantile) {
    return samples[static_cast<size_t>(quantile * static_cast<double>(samples.size() - 1) + 0.5)];
  };
  summary.min = samples.front();
  summary.p50 = at(0.5);
  summary.p90 = at(0.9);
  summary.max = samples.back();
  summary.count = samples.size();
  return summary;
}

std::string Describe(const Summary& summary, const std::string& unit) {
  return absl::StrFormat("p50 %8.2f %s  p90 %8.2f %s  min %8.2f %s  max %8.2f %s  (n=%d)",
                         summary.p50, unit, summary.p90, unit, summary.min, unit, summary.max, unit,
                         summary.count);
}

TempDir::TempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

int FreePort() {
  UniqueFd socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (!socket_fd ||
      ::bind(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("free port");
    std::exit(1);
  }
  return ntohs(address.sin_port);
}

ChildProgram::ChildProgram(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env, const std::filesystem::path& output,
                           int fd3) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const std::string out = output.empty() ? "/dev/null" : output.string();
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (fd3 >= 0) posix_spawn_file_actions_adddup2(&actions, fd3, 3);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args, envp;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  for (const std::string& entry : env) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int error =
      argv[0].find('/') == std::string::npos
          ? ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), envp.data())
          : ::posix_spawn(&pid, args[0], &actions, &attributes, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    std::fprintf(stderr, "cannot start %s: %s\n", argv[0].c_str(), std::strerror(error));
    return;
  }
  pid_ = pid;
}

ChildProgram::~ChildProgram() {
  if (pid_ > 0 && !exit_code_) Stop(SIGKILL, std::chrono::milliseconds(0));
}

namespace {
int ExitCodeOf(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace

int ChildProgram::Wait() {
  if (pid_ <= 0) return -1;
  if (exit_code_) return *exit_code_;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  exit_code_ = ExitCodeOf(status);
  return *exit_code_;
}

int ChildProgram::Stop(int signal_number, std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  if (exit_code_) return *exit_code_;
  ::kill(pid_, signal_number);
  const Clock::time_point deadline = Clock::now() + grace;
  int status = 0;
  for (;;) {
    const pid_t got = ::waitpid(pid_, &status, WNOHANG);
    if (got == pid_) {
      exit_code_ = ExitCodeOf(status);
      return *exit_code_;
    }
    if (got < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // shutdown, not a measurement
  }
  ::kill(pid_, SIGKILL);
  return Wait();
}

int RunProgram(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               const std::filesystem::path& output) {
  ChildProgram child(argv, env, output);
  return child.Wait();
}

std::vector<std::string> EnvironmentWith(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const std::string name = text.substr(0, text.find('='));
    const bool replaced = std::any_of(overrides.begin(), overrides.end(), [&](const auto& o) {
      return o.substr(0, o.find('=')) == name;
    });
    if (!replaced) env.push_back(text);
  }
  for (const std::string& entry : overrides) {
    if (entry.find('=') != std::string::npos) env.push_back(entry);
  }
  return env;
}

namespace {
// Sums the "<key>:  N" lines of a /proc status file whose key is one of `keys`.
int64_t SumStatusFields(const std::filesystem::path& status_file,
                        std::initializer_list<const char*> keys) {
  std::ifstream in(status_file);
  std::string line;
  int64_t total = 0;
  while (std::getline(in, line)) {
    for (const char* key : keys) {
      const size_t length = std::strlen(key);
      if (line.compare(0, length, key) == 0 && line.size() > length && line[length] == ':') {
        total += std::atoll(line.c_str() + length + 1);
      }
    }
  }
  return total;
}
}  // namespace

ProcessSample SampleProcess(pid_t pid) {
  ProcessSample sample;
  const std::filesystem::path proc = "/proc/" + std::to_string(pid);
  sample.rss_kib = SumStatusFields(proc / "status", {"VmRSS"});
  sample.rss_anon_kib = SumStatusFields(proc / "status", {"RssAnon"});
  sample.rss_file_kib = SumStatusFields(proc / "status", {"RssFile", "RssShmem"});
  sample.pss_kib = SumStatusFields(proc / "smaps_rollup", {"Pss"});
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator(proc / "task", error)) {
    const int64_t switches = SumStatusFields(
        task.path() / "status", {"voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"});
    std::string name;
    std::getline(std::ifstream(task.path() / "comm"), name);
    sample.by_thread[std::atoi(task.path().filename().c_str())] = {name, switches};
    ++sample.threads;
  }
  return sample;
}

int64_t ContextSwitchesBetween(const ProcessSample& before, const ProcessSample& after) {
  int64_t total = 0;
  for (const auto& [tid, named] : after.by_thread) {
    auto earlier = before.by_thread.find(tid);
    total += named.second - (earlier == before.by_thread.end() ? 0 : earlier->second.second);
  }
  return total;
}

std::string DescribeWakeups(const ProcessSample& before, const ProcessSample& after,
                            double seconds) {
  std::vector<std::pair<double, std::string>> rates;
  for (const auto& [tid, named] : after.by_thread) {
    auto earlier = before.by_thread.find(tid);
    const int64_t delta =
        named.second - (earlier == before.by_thread.end() ? 0 : earlier->second.second);
    if (delta > 0) rates.push_back({static_cast<double>(delta) / seconds, named.first});
  }
  std::sort(rates.rbegin(), rates.rend());
  std::string text;
  for (const auto& [rate, name] : rates) {
    text += absl::StrFormat("%s%s %.1f/s", text.empty() ? "" : ", ", name, rate);
  }
  return text.empty() ? "none" : text;
}

int64_t ThreadContextSwitches(pid_t pid, pid_t tid) {
  return SumStatusFields(std::filesystem::path("/proc") / std::to_string(pid) / "task" /
                             std::to_string(tid) / "status",
                         {"voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"});
}

std::vector<pid_t> ProcessTree(pid_t root) {
  std::vector<pid_t> tree;
  if (::kill(root, 0) != 0 && errno == ESRCH) return tree;
  tree.push_back(root);
  for (size_t at = 0; at < tree.size(); ++at) {
    std::error_code error;
    const std::filesystem::path tasks =
        std::filesystem::path("/proc") / std::to_string(tree[at]) / "task";
    for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
      std::ifstream children(task.path() / "children");
      pid_t child = 0;
      while (children >> child) tree.push_back(child);
    }
  }
  return tree;
}

bool PinToCpus(const std::vector<pid_t>& pids, const std::vector<int>& cpus) {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  for (const int cpu : cpus) CPU_SET(cpu, &mask);
  bool pinned = true;
  for (const pid_t pid : pids) {
    // Twice: a thread started while the first pass ran may have copied its creator's old mask.
    for (int pass = 0; pass < 2; ++pass) {
      std::error_code error;
      const std::filesystem::path tasks =
          std::filesystem::path("/proc") / std::to_string(pid) / "task";
      for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
        const pid_t tid = std::atoi(task.path().filename().c_str());
        // A thread that ended meanwhile (ESRCH) is no failure.
        if (::sched_setaffinity(tid, sizeof(mask), &mask) != 0 && errno != ESRCH) pinned = false;
      }
      if (error) pinned = false;
    }
  }
  return pinned;
}

int64_t SumPssKib(const std::vector<pid_t>& pids) {
  int64_t total = 0;
  for (const pid_t pid : pids) {
    total += SumStatusFields(std::filesystem::path("/proc") / std::to_string(pid) / "smaps_rollup",
                             {"Pss"});
  }
  return total;
}

bool FileEndsWith(const std::filesystem::path& path, const std::string& needle) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  const off_t size = ::lseek(fd.get(), 0, SEEK_END);
  const off_t window = static_cast<off_t>(needle.size()) + 512;
  const off_t from = size > window ? size - window : 0;
  std::string tail(static_cast<size_t>(size - from), '\0');
  const ssize_t got = ::pread(fd.get(), tail.data(), tail.size(), from);
  return got > 0 && tail.find(needle) != std::string::npos;
}

bool WaitForFile(const std::filesystem::path& path, const std::function<bool()>& done,
                 std::chrono::milliseconds timeout) {
  UniqueFd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!inotify || ::inotify_add_watch(inotify.get(), path.parent_path().c_str(),
                                      IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
    std::perror("inotify");
    return false;
  }
  const Clock::time_point deadline = Clock::now() + timeout;
  alignas(inotify_event) char events[64 * 1024];
  for (;;) {
    if (done()) return true;  // checked after every batch of events
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd ready{inotify.get(), POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(left)) < 0 && errno != EINTR) return false;
    while (::read(inotify.get(), events, sizeof(events)) > 0) {
    }
  }
}

void AddResultRow(const std::string& metric, double stigmer, double supervisord,
                  const std::string& unit, double goal, bool higher_is_better) {
  const char* rows = std::getenv("STIGMER_BENCH_ROWS");
  if (rows == nullptr || *rows == '\0') return;
  std::ofstream out(rows, std::ios::app);
  auto number = [](double value) {
    return std::isnan(value) ? std::string("-") : absl::StrFormat("%.2f", value);
  };
  out << metric << '\t' << number(stigmer) << '\t' << number(supervisord) << '\t' << unit << '\t'
      << number(goal) << '\t' << (higher_is_better ? "higher" : "lower") << '\n';
}

}  // namespace stigmer::bench
