#ifndef STIGMER_CONFIG_CONFIG_KEYS_H_
#define STIGMER_CONFIG_CONFIG_KEYS_H_

#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace stigmer::config {

enum class ValueKind {
  kString,
  kPort,
  kDuration,
  kPositiveInt,
  kAddress,
  kLlmProvider,
  kDatabaseUrl,  // empty, or postgres://… (common/database_url.h); shown with its password masked
};

// The values of llm.provider; `local` runs the `llm` component (a small model on this machine).
inline constexpr const char* kLlmProviders[] = {"local", "openai", "anthropic", "ollama"};

// One configuration setting: its dotted name in config.yaml, the environment variable that
// overrides it (may be empty), its built-in default and one line of help. This table is the single
// source for parsing, validation, `stigmer config list` and the commented config.yaml.
struct ConfigKey {
  absl::string_view name;  // "temporal.port"
  absl::string_view env;   // "GRPC_PORT", or "" when none
  absl::string_view default_value;
  ValueKind kind;
  absl::string_view help;
};

std::span<const ConfigKey> AllConfigKeys();

// The key named `name`, or nullptr.
const ConfigKey* FindConfigKey(absl::string_view name);

// OK if `value` is acceptable for `key`; otherwise InvalidArgument saying what was expected,
// e.g. `expected a port from 1 to 65535, got "abc"`.
absl::Status ValidateValue(const ConfigKey& key, absl::string_view value);

// `value` as `stigmer config` shows it: a database URL with its password as ***, else as is.
std::string DisplayValue(const ConfigKey& key, absl::string_view value);

}  // namespace stigmer::config

#endif  // STIGMER_CONFIG_CONFIG_KEYS_H_
