#include "common/executable_search.h"

#include <unistd.h>

#include <string>
#include <system_error>

#include "absl/strings/str_split.h"

namespace stigmer {

bool IsExecutableFile(const std::filesystem::path& path) {
  std::error_code ignored;
  return std::filesystem::is_regular_file(path, ignored) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::filesystem::path> FindExecutable(absl::string_view name,
                                                    absl::string_view search_path) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != absl::string_view::npos) {
    std::filesystem::path path{std::string(name)};
    if (IsExecutableFile(path)) return path;
    return std::nullopt;
  }
  for (absl::string_view dir : absl::StrSplit(search_path, ':', absl::SkipEmpty())) {
    std::filesystem::path candidate = std::filesystem::path(std::string(dir)) / std::string(name);
    if (IsExecutableFile(candidate)) return candidate;
  }
  return std::nullopt;
}

}  // namespace stigmer
