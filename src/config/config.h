#ifndef STIGMER_CONFIG_CONFIG_H_
#define STIGMER_CONFIG_CONFIG_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/environment.h"
#include "config/paths.h"

namespace stigmer::config {

enum class ValueSource { kDefault, kFile, kEnvironment, kFlag };
absl::string_view ToString(ValueSource source);  // "default", "config.yaml", "environment", "flag"

struct ResolvedValue {
  std::string value;
  ValueSource source = ValueSource::kDefault;
};

// The effective configuration: flag > environment > config.yaml > built-in default.
struct Config {
  Paths paths{""};
  // Every key of AllConfigKeys() with its effective value and where it came from.
  std::map<std::string, ResolvedValue, std::less<>> values;

  std::string temporal_binary;            // may be empty: look it up (see temporal_binary_lookup.h)
  std::string temporal_external_address;  // empty when stigmer manages a local Temporal
  int temporal_port = 7233;
  int temporal_ui_port = 8233;
  absl::Duration temporal_start_timeout = absl::Seconds(60);
  int server_port = 7234;
  int server_events_port = 7236;
  std::string server_listen_address = "127.0.0.1";
  std::string server_database;  // empty: SQLite in data/stigmer.db; else a PostgreSQL URL
  absl::Duration server_start_timeout = absl::Seconds(20);
  std::string workflow_runner_binary;
  absl::Duration workflow_runner_start_timeout = absl::Seconds(20);
  std::string agent_runner_binary;
  absl::Duration agent_runner_start_timeout = absl::Seconds(20);
  std::string llm_provider = "local";  // one of kLlmProviders
  std::string llm_model;               // empty: the provider's default (see LlmModel)
  std::string llm_base_url;            // empty: the provider's usual URL (see LlmBaseUrl)
  int llm_port = 7235;
  std::string llm_python;      // may be empty: look it up (see llm_program.h)
  std::string llm_model_file;  // may be empty: look it up (see llm_program.h)
  int llm_context_size = 4096;
  int llm_threads = 2;
  absl::Duration llm_start_timeout = absl::Seconds(30);
  int64_t log_max_bytes = 10 << 20;
  int log_max_files = 5;

  bool temporal_is_external() const { return !temporal_external_address.empty(); }
  // Where clients reach Temporal: the external address, or 127.0.0.1:<temporal.port>.
  std::string TemporalAddress() const;
  // Whether the supervisor runs the `llm` component (llm.provider is `local`).
  bool llm_is_local() const { return llm_provider == "local"; }
  // The model agents use by default: llm.model, or SmolLM2-135M-Instruct when local, else "".
  std::string LlmModel() const;
  // The provider's API: http://127.0.0.1:<llm.port>/v1 when local; otherwise llm.base_url, or
  // the provider's usual URL (OpenAI's, Anthropic's, Ollama's on localhost:11434).
  std::string LlmBaseUrl() const;
  // Where clients reach stigmer-server: 127.0.0.1:<server.port> unless listening elsewhere.
  std::string ServerAddress() const;
};

// OK when `text` is a valid config.yaml; otherwise LoadConfig's error, naming `file`.
absl::Status CheckConfigText(const std::filesystem::path& file, const std::string& text);

// Reads paths.ConfigFile() if it exists (a missing file means all defaults), applies the
// environment and `flags` (key → value), validates every value and returns the typed result.
// Errors are InvalidArgument naming the file, line and key
// ("/home/u/.stigmer/config.yaml:4: temporal.port: expected a port from 1 to 65535, got "x""),
// or the environment variable for a bad environment value.
absl::StatusOr<Config> LoadConfig(const Paths& paths, const EnvironmentLookup& environment,
                                  const std::map<std::string, std::string>& flags = {});

}  // namespace stigmer::config

#endif  // STIGMER_CONFIG_CONFIG_H_
