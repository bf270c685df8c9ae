#ifndef STIGMER_CONFIG_KEY_FILE_H_
#define STIGMER_CONFIG_KEY_FILE_H_

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stigmer::config {

// A secret that only the owner of STIGMER_HOME can read (the API token, the key that signs
// starts): a file of 64 hexadecimal characters (32 bytes from getrandom) and a newline, 0600.
// `what` names it in messages ("API token", "signing key").

// The secret in `file`. Errors name the file: "cannot read the signing key at <file>:
// Permission denied" (PermissionDenied), "...: No such file or directory" (NotFound), and
// FailedPrecondition when the file does not hold a key.
absl::StatusOr<std::string> ReadKeyFile(const std::filesystem::path& file, absl::string_view what);

// The secret in `file`, creating it first (and its folder, 0700) when there is none. The file
// appears whole or not at all: it is written under a temporary name, then linked into place, so
// that of two processes racing to create it one wins and both return its secret.
absl::StatusOr<std::string> LoadOrCreateKeyFile(const std::filesystem::path& file,
                                                absl::string_view what);

}  // namespace stigmer::config

#endif  // STIGMER_CONFIG_KEY_FILE_H_
