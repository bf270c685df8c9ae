#ifndef STIGMER_CONFIG_CONFIG_FILE_H_
#define STIGMER_CONFIG_CONFIG_FILE_H_

#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/paths.h"

namespace stigmer::config {

// config.yaml as first written: every key commented out at its default, with its help and the
// environment variable that overrides it.
std::string DefaultConfigText();

// Creates STIGMER_HOME (0700) and config.yaml (0600, DefaultConfigText) if they do not exist.
// An existing file is never touched.
absl::Status EnsureConfigFile(const Paths& paths);

// Sets `key` to `value` in config.yaml, keeping every other line and comment as it is; a key
// that is commented out is uncommented in place. Validates first: an unknown key or a bad value
// is InvalidArgument and the file is unchanged. The file is replaced atomically.
absl::Status SetConfigValue(const Paths& paths, absl::string_view key, absl::string_view value);

// SetConfigValue's edit of config.yaml's `text`, pure: the new text, InvalidArgument for an
// unknown key or a bad value, FailedPrecondition ("…; fix config.yaml first (nothing was
// changed)", naming `file`) when the result would not load.
absl::StatusOr<std::string> SetConfigValueInText(const std::filesystem::path& file,
                                                 const std::string& text, absl::string_view key,
                                                 absl::string_view value);

}  // namespace stigmer::config

#endif  // STIGMER_CONFIG_CONFIG_FILE_H_
