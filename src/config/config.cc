#include "config/config.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "config/config_keys.h"
#include "yaml-cpp/depthguard.h"
#include "yaml-cpp/yaml.h"

namespace stigmer::config {
namespace {

struct FileValue {
  std::string value;
  int line = 0;
};

absl::Status FileError(const std::filesystem::path& file, int line, absl::string_view key,
                       absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(
      file.string(), ":", line, ": ", key.empty() ? "" : absl::StrCat(key, ": "), problem));
}

// Reads config.yaml's `root` into dotted key → value, rejecting unknown keys and non-scalar
// keys and values; errors name `file`.
absl::StatusOr<std::map<std::string, FileValue>> ReadConfigNode(const std::filesystem::path& file,
                                                                const YAML::Node& root) {
  std::map<std::string, FileValue> values;
  if (root.IsNull()) return values;
  if (!root.IsMap()) {
    return FileError(file, root.Mark().line + 1, "",
                     "expected sections such as `temporal:` and `server:`");
  }
  for (const auto& section : root) {
    // A key that is a list or a map (`[a, b]: 1`) has no text: as<std::string>() would throw.
    if (!section.first.IsScalar()) {
      return FileError(file, section.first.Mark().line + 1, "",
                       "expected a section name such as `server:`");
    }
    const std::string section_name = section.first.as<std::string>();
    if (section.second.IsNull()) continue;
    if (!section.second.IsMap()) {
      return FileError(file, section.first.Mark().line + 1, section_name,
                       "expected a section of `key: value` lines");
    }
    for (const auto& entry : section.second) {
      const int line = entry.first.Mark().line + 1;
      if (!entry.first.IsScalar()) {
        return FileError(file, line, section_name, "expected `key: value` lines");
      }
      const std::string name = absl::StrCat(section_name, ".", entry.first.as<std::string>());
      const ConfigKey* key = FindConfigKey(name);
      if (key == nullptr) {
        return FileError(file, line, name, "unknown key; `stigmer config list` shows the keys");
      }
      if (!entry.second.IsNull() && !entry.second.IsScalar()) {
        return FileError(file, line, name, "expected a single value");
      }
      std::string value = entry.second.IsNull() ? "" : entry.second.as<std::string>();
      if (absl::Status valid = ValidateValue(*key, value); !valid.ok()) {
        return FileError(file, line, name, valid.message());
      }
      values[name] = FileValue{std::move(value), line};
    }
  }
  return values;
}

// ReadConfigNode over config.yaml's `text`. yaml-cpp reports by exception, also while a node is
// read: every one becomes an error naming the file and line, never a crash.
absl::StatusOr<std::map<std::string, FileValue>> ReadConfigText(const std::filesystem::path& file,
                                                                const std::string& text) {
  try {
    return ReadConfigNode(file, YAML::Load(text));
  } catch (const YAML::DeepRecursion& e) {  // its own message reads "bad file"
    return FileError(file, e.mark.line + 1, "",
                     "nested too deep; config.yaml holds sections of `key: value` lines");
  } catch (const YAML::Exception& e) {
    return FileError(file, e.mark.line + 1, "", absl::StrCat("not valid YAML: ", e.msg));
  }
}

absl::StatusOr<std::map<std::string, FileValue>> ReadConfigFile(const Paths& paths) {
  std::error_code ignored;
  if (!std::filesystem::exists(paths.ConfigFile(), ignored)) {
    return std::map<std::string, FileValue>();
  }
  absl::StatusOr<std::string> text = ReadFileToString(paths.ConfigFile());
  if (!text.ok()) return text.status();
  return ReadConfigText(paths.ConfigFile(), *text);
}

int AsInt(absl::string_view text) {
  int value = 0;
  (void)absl::SimpleAtoi(text, &value);  // validated before
  return value;
}

absl::Duration AsDuration(absl::string_view text) {
  absl::Duration value;
  (void)absl::ParseDuration(text, &value);  // validated before
  return value;
}

bool IsLocalAddress(absl::string_view address, int port) {
  for (absl::string_view host : {"127.0.0.1", "localhost", "[::1]"}) {
    if (address == absl::StrCat(host, ":", port)) return true;
  }
  return false;
}

}  // namespace

absl::string_view ToString(ValueSource source) {
  switch (source) {
    case ValueSource::kDefault:
      return "default";
    case ValueSource::kFile:
      return "config.yaml";
    case ValueSource::kEnvironment:
      return "environment";
    case ValueSource::kFlag:
      return "flag";
  }
  return "default";
}

std::string Config::TemporalAddress() const {
  if (temporal_is_external()) return temporal_external_address;
  return absl::StrCat("127.0.0.1:", temporal_port);
}

std::string Config::ServerAddress() const {
  const bool any = server_listen_address == "0.0.0.0" || server_listen_address == "::";
  return absl::StrCat(any ? "127.0.0.1" : server_listen_address, ":", server_port);
}

std::string Config::LlmModel() const {
  if (!llm_model.empty()) return llm_model;
  return llm_is_local() ? "SmolLM2-135M-Instruct" : "";
}

std::string Config::LlmBaseUrl() const {
  if (llm_is_local()) return absl::StrCat("http://127.0.0.1:", llm_port, "/v1");
  if (!llm_base_url.empty()) return llm_base_url;
  if (llm_provider == "openai") return "https://api.openai.com/v1";
  if (llm_provider == "anthropic") return "https://api.anthropic.com/v1";
  return "http://localhost:11434/v1";  // ollama
}

absl::Status CheckConfigText(const std::filesystem::path& file, const std::string& text) {
  return ReadConfigText(file, text).status();
}

absl::StatusOr<Config> LoadConfig(const Paths& paths, const EnvironmentLookup& environment,
                                  const std::map<std::string, std::string>& flags) {
  absl::StatusOr<std::map<std::string, FileValue>> file = ReadConfigFile(paths);
  if (!file.ok()) return file.status();

  Config config;
  config.paths = paths;
  for (const ConfigKey& key : AllConfigKeys()) {
    ResolvedValue resolved{std::string(key.default_value), ValueSource::kDefault};
    if (auto it = file->find(std::string(key.name)); it != file->end()) {
      resolved = {it->second.value, ValueSource::kFile};
    }
    if (!key.env.empty()) {
      if (std::optional<std::string> value = environment(key.env); value && !value->empty()) {
        if (absl::Status valid = ValidateValue(key, *value); !valid.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat("environment variable ", key.env, ": ", valid.message()));
        }
        resolved = {*value, ValueSource::kEnvironment};
      }
    }
    if (auto it = flags.find(std::string(key.name)); it != flags.end()) {
      if (absl::Status valid = ValidateValue(key, it->second); !valid.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(key.name, ": ", valid.message()));
      }
      resolved = {it->second, ValueSource::kFlag};
    }
    config.values.emplace(std::string(key.name), std::move(resolved));
  }

  auto get = [&](absl::string_view name) -> const std::string& {
    return config.values.find(name)->second.value;
  };
  config.temporal_binary = get("temporal.binary");
  config.temporal_port = AsInt(get("temporal.port"));
  config.temporal_ui_port = AsInt(get("temporal.ui_port"));
  config.temporal_start_timeout = AsDuration(get("temporal.start_timeout"));
  if (const std::string& address = get("temporal.address");
      !address.empty() && !IsLocalAddress(address, config.temporal_port)) {
    config.temporal_external_address = address;
  }
  config.server_port = AsInt(get("server.port"));
  config.server_events_port = AsInt(get("server.events_port"));
  config.server_listen_address = get("server.listen_address");
  config.server_database = get("server.database");
  config.server_start_timeout = AsDuration(get("server.start_timeout"));
  config.workflow_runner_binary = get("workflow_runner.binary");
  config.workflow_runner_start_timeout = AsDuration(get("workflow_runner.start_timeout"));
  config.agent_runner_binary = get("agent_runner.binary");
  config.agent_runner_start_timeout = AsDuration(get("agent_runner.start_timeout"));
  config.llm_provider = get("llm.provider");
  config.llm_model = get("llm.model");
  config.llm_base_url = get("llm.base_url");
  config.llm_port = AsInt(get("llm.port"));
  config.llm_python = get("llm.python");
  config.llm_model_file = get("llm.model_file");
  config.llm_context_size = AsInt(get("llm.context_size"));
  config.llm_threads = AsInt(get("llm.threads"));
  config.llm_start_timeout = AsDuration(get("llm.start_timeout"));
  config.log_max_bytes = int64_t{AsInt(get("logs.max_size_mb"))} << 20;
  config.log_max_files = AsInt(get("logs.max_files"));
  return config;
}

}  // namespace stigmer::config
