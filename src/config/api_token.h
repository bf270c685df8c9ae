#ifndef STIGMER_CONFIG_API_TOKEN_H_
#define STIGMER_CONFIG_API_TOKEN_H_

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"

namespace stigmer::config {

// The bearer token that stigmer-server's public API requires on every call but health and
// reflection. It lives in Paths::ApiTokenFile (data/api.token, 0600): 64 hexadecimal characters
// (32 bytes from getrandom) and a newline. Whoever can read that file can drive the stack.

// Reads the token in `file`. Errors name the file: "cannot read the API token at <file>:
// Permission denied" (PermissionDenied), "...: No such file or directory" (NotFound), and
// FailedPrecondition when the file does not hold a token.
absl::StatusOr<std::string> ReadApiToken(const std::filesystem::path& file);

// Reads the token in `file`, creating it first (and its folder, 0700) when there is none. The
// file appears whole or not at all: it is written under a temporary name, then linked into
// place, so that of two creators racing one wins and both return its token.
absl::StatusOr<std::string> LoadOrCreateApiToken(const std::filesystem::path& file);

}  // namespace stigmer::config

#endif  // STIGMER_CONFIG_API_TOKEN_H_
