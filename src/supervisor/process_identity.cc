#include "supervisor/process_identity.h"

#include <unistd.h>

#include <filesystem>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/file_io.h"

namespace stigmer::supervisor {

absl::StatusOr<ProcessIdentity> ReadProcessIdentity(pid_t pid) {
  if (pid <= 0) return absl::InvalidArgumentError(absl::StrCat("invalid pid ", pid));
  const std::filesystem::path dir = absl::StrCat("/proc/", pid);
  absl::StatusOr<std::string> stat = ReadFileToString(dir / "stat");
  if (!stat.ok()) {
    if (absl::IsNotFound(stat.status())) {
      return absl::NotFoundError(absl::StrCat("no process with pid ", pid));
    }
    return stat.status();
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses; fields resume after the
  // last ')'. The first field after it is field 3, so field 22 is index 19.
  const size_t paren = stat->rfind(')');
  if (paren == std::string::npos) {
    return absl::InternalError(absl::StrCat("cannot parse ", (dir / "stat").string()));
  }
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(*stat).substr(paren + 1), ' ', absl::SkipEmpty());
  ProcessIdentity identity;
  identity.pid = pid;
  if (fields.size() < 20 || !absl::SimpleAtoi(fields[19], &identity.start_time_ticks)) {
    return absl::InternalError(absl::StrCat("cannot parse ", (dir / "stat").string()));
  }
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink(dir / "exe", error);
  if (!error) identity.exe = exe.string();
  return identity;
}

}  // namespace stigmer::supervisor
