#include "config/api_token.h"

#include "config/key_file.h"

namespace stigmer::config {

absl::StatusOr<std::string> ReadApiToken(const std::filesystem::path& file) {
  return ReadKeyFile(file, "API token");
}

absl::StatusOr<std::string> LoadOrCreateApiToken(const std::filesystem::path& file) {
  return LoadOrCreateKeyFile(file, "API token");
}

}  // namespace stigmer::config
