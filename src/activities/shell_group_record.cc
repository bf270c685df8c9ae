#include "activities/shell_group_record.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/file_io.h"

namespace stigmer::activities {
namespace {

constexpr absl::Duration kDeathWait = absl::Seconds(5);

struct ProcStat {
  char state = '?';
  pid_t pgrp = 0;
  uint64_t start = 0;
};

// /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; fields resume after the last ')', where
// field 3 (state) is index 0, pgrp index 2 and the start time (field 22) index 19.
std::optional<ProcStat> ReadStat(const std::string& pid) {
  absl::StatusOr<std::string> text = ReadFileToString(absl::StrCat("/proc/", pid, "/stat"));
  if (!text.ok()) return std::nullopt;
  const size_t paren = text->rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(*text).substr(paren + 1), ' ', absl::SkipEmpty());
  ProcStat stat;
  if (fields.size() < 20 || fields[0].empty() || !absl::SimpleAtoi(fields[2], &stat.pgrp) ||
      !absl::SimpleAtoi(fields[19], &stat.start)) {
    return std::nullopt;
  }
  stat.state = fields[0][0];
  return stat;
}

std::string BootId() {
  absl::StatusOr<std::string> id = ReadFileToString("/proc/sys/kernel/random/boot_id");
  return id.ok() ? std::string(absl::StripAsciiWhitespace(*id)) : "";
}

// A process of group `pgid` that is not a zombie.
bool GroupHasLiveProcess(pid_t pgid) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] < '0' || name[0] > '9') continue;
    std::optional<ProcStat> stat = ReadStat(name);
    if (stat && stat->pgrp == pgid && stat->state != 'Z') return true;
  }
  return false;
}

class Record {
 public:
  absl::Status Enable(const std::filesystem::path& dir) {
    absl::Status made = MakeDirectories(dir);
    if (!made.ok()) return made;
    std::optional<ProcStat> self = ReadStat(std::to_string(::getpid()));
    if (!self) return absl::InternalError("cannot read /proc/self/stat");
    absl::MutexLock lock(&mutex_);
    file_ = dir / absl::StrCat(::getpid(), "-", self->start);
    boot_id_ = BootId();
    return absl::OkStatus();
  }

  absl::Status Add(pid_t pgid) {
    std::optional<ProcStat> leader = ReadStat(std::to_string(pgid));
    absl::MutexLock lock(&mutex_);
    if (file_.empty()) return absl::OkStatus();
    if (!leader) return absl::InternalError(absl::StrCat("cannot read /proc/", pgid, "/stat"));
    groups_[pgid] = leader->start;
    absl::Status written = Write();
    if (!written.ok()) groups_.erase(pgid);
    return written;
  }

  void Remove(pid_t pgid) {
    absl::MutexLock lock(&mutex_);
    if (file_.empty() || groups_.erase(pgid) == 0) return;
    Write().IgnoreError();  // a stale line is harmless: its leader's pid is checked
  }

 private:
  absl::Status Write() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    std::string text = absl::StrCat(boot_id_, "\n");
    for (const auto& [pgid, start] : groups_) absl::StrAppend(&text, pgid, " ", start, "\n");
    absl::Status written = WriteFileAtomically(file_, text, 0600, /*durable=*/false);
    if (!written.ok()) {
      return absl::Status(
          written.code(),
          absl::StrCat("cannot record the command's process group: ", written.message()));
    }
    return absl::OkStatus();
  }

  absl::Mutex mutex_;
  std::filesystem::path file_ ABSL_GUARDED_BY(mutex_);
  std::string boot_id_ ABSL_GUARDED_BY(mutex_);
  std::map<pid_t, uint64_t> groups_ ABSL_GUARDED_BY(mutex_);
};

Record& TheRecord() {
  static Record* record = new Record();  // never destroyed: used by activity threads until exit
  return *record;
}

// Whether the workflow-runner that wrote file "<pid>-<start>" still runs.
bool OwnerRuns(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '-');
  uint64_t start = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &start)) return false;
  std::optional<ProcStat> owner = ReadStat(std::string(parts[0]));
  return owner && owner->start == start && owner->state != 'Z';
}

// SIGKILLs the recorded groups still there; returns those signalled.
std::vector<pid_t> KillGroups(const std::string& text) {
  std::vector<pid_t> killed;
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<absl::string_view> fields = absl::StrSplit(lines[i], ' ');
    pid_t pgid = 0;
    uint64_t start = 0;
    if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &pgid) ||
        !absl::SimpleAtoi(fields[1], &start) || pgid <= 1) {
      continue;
    }
    // While a group has a process its id cannot name a new process; if it does, the recorded
    // group is gone and that process is someone else's.
    std::optional<ProcStat> leader = ReadStat(std::to_string(pgid));
    if (leader && leader->start != start) continue;
    if (::kill(-pgid, SIGKILL) == 0) killed.push_back(pgid);
  }
  return killed;
}

}  // namespace

absl::Status EnableShellGroupRecord(const std::filesystem::path& dir) {
  return TheRecord().Enable(dir);
}

absl::Status RecordShellGroup(pid_t pgid) { return TheRecord().Add(pgid); }

void ForgetShellGroup(pid_t pgid) { TheRecord().Remove(pgid); }

int KillLeftoverShellGroups(const std::filesystem::path& dir) {
  const std::string boot_id = BootId();
  std::vector<pid_t> killed;
  std::error_code error;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    files.push_back(entry.path());
  }
  for (const std::filesystem::path& file : files) {
    const std::string name = file.filename().string();
    const size_t tmp = name.find(".tmp");  // WriteFileAtomically's, left by a crash mid-write
    if (OwnerRuns(absl::string_view(name).substr(0, tmp))) continue;
    absl::StatusOr<std::string> text = ReadFileToString(file);
    if (tmp == std::string::npos && text.ok() && absl::StartsWith(*text, boot_id + "\n")) {
      for (pid_t pgid : KillGroups(*text)) killed.push_back(pgid);
    }
    std::filesystem::remove(file, error);
  }
  const absl::Time deadline = absl::Now() + kDeathWait;
  for (pid_t pgid : killed) {
    while (GroupHasLiveProcess(pgid) && absl::Now() < deadline)
      absl::SleepFor(absl::Milliseconds(20));
  }
  return static_cast<int>(killed.size());
}

}  // namespace stigmer::activities
