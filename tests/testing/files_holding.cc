#include "testing/files_holding.h"

#include "common/file_io.h"

namespace stigmer::testing {

std::vector<std::string> FilesHolding(const std::filesystem::path& root,
                                      const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    absl::StatusOr<std::string> bytes = ReadFileToString(entry.path());
    if (bytes.ok() && bytes->find(needle) != std::string::npos) {
      found.push_back(entry.path().string());
    }
  }
  return found;
}

}  // namespace stigmer::testing
