#ifndef STIGMER_TESTING_FILES_HOLDING_H_
#define STIGMER_TESTING_FILES_HOLDING_H_

#include <filesystem>
#include <string>
#include <vector>

namespace stigmer::testing {

// Every regular file under `root` whose bytes contain `needle` (a secret that must be nowhere).
std::vector<std::string> FilesHolding(const std::filesystem::path& root, const std::string& needle);

}  // namespace stigmer::testing

#endif  // STIGMER_TESTING_FILES_HOLDING_H_
