#ifndef STIGMER_COMMON_EXECUTABLE_SEARCH_H_
#define STIGMER_COMMON_EXECUTABLE_SEARCH_H_

#include <filesystem>
#include <optional>

#include "absl/strings/string_view.h"

namespace stigmer {

// A regular file this process may execute.
bool IsExecutableFile(const std::filesystem::path& path);

// `name` as execvp would find it: itself when it holds a '/', else the first executable file
// called `name` in the folders of `search_path` (a PATH value: ':'-separated, empty parts
// skipped). nullopt when there is none.
std::optional<std::filesystem::path> FindExecutable(absl::string_view name,
                                                    absl::string_view search_path);

}  // namespace stigmer

#endif  // STIGMER_COMMON_EXECUTABLE_SEARCH_H_
