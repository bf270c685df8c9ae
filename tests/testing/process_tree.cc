#include "testing/process_tree.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/file_io.h"

namespace stigmer::testing {

pid_t ParentOf(pid_t pid) {
  absl::StatusOr<std::string> stat = ReadFileToString(absl::StrCat("/proc/", pid, "/stat"));
  if (!stat.ok()) return 0;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  const size_t end_of_comm = stat->rfind(')');
  if (end_of_comm == std::string::npos) return 0;
  std::vector<std::string> fields =
      absl::StrSplit(stat->substr(end_of_comm + 1), ' ', absl::SkipEmpty());
  pid_t parent = 0;
  if (fields.size() < 2 || !absl::SimpleAtoi(fields[1], &parent)) return 0;
  return parent;
}

std::string CommandLineOf(pid_t pid) {
  absl::StatusOr<std::string> raw = ReadFileToString(absl::StrCat("/proc/", pid, "/cmdline"));
  if (!raw.ok()) return "";
  std::replace(raw->begin(), raw->end(), '\0', ' ');
  return *raw;
}

std::map<pid_t, std::string> ChildrenOf(pid_t parent) {
  std::map<pid_t, std::string> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid)) continue;
    if (ParentOf(pid) == parent) children[pid] = CommandLineOf(pid);
  }
  return children;
}

}  // namespace stigmer::testing
