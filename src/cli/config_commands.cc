#include "cli/config_commands.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "config/config.h"
#include "config/config_file.h"
#include "config/config_keys.h"

namespace stigmer::cli {
namespace {

absl::StatusOr<config::Config> Load(const config::Paths& paths, TerminalOutput& output) {
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, ProcessEnvironment());
  if (!config.ok()) output.Error(config.status().message());
  return config;
}

}  // namespace

int ConfigPath(const config::Paths& paths, TerminalOutput& output) {
  output.Line(paths.ConfigFile().string());
  return 0;
}

int ConfigGet(const config::Paths& paths, TerminalOutput& output, const std::string& key) {
  if (config::FindConfigKey(key) == nullptr) {
    output.Error(absl::StrCat("unknown key \"", key, "\"; `stigmer config list` shows the keys"));
    return 2;
  }
  absl::StatusOr<config::Config> config = Load(paths, output);
  if (!config.ok()) return 2;
  output.Line(config::DisplayValue(*config::FindConfigKey(key), config->values.at(key).value));
  return 0;
}

int ConfigSet(const config::Paths& paths, TerminalOutput& output, const std::string& key,
              const std::string& value) {
  if (absl::Status set = config::SetConfigValue(paths, key, value); !set.ok()) {
    output.Error(set.message());
    return 2;
  }
  const config::ConfigKey* entry = config::FindConfigKey(key);
  output.Success(absl::StrCat(key, " = ", config::DisplayValue(*entry, value), " in ",
                              paths.ConfigFile().string()));
  if (const char* env = entry->env.empty() ? nullptr : std::getenv(std::string(entry->env).c_str());
      env != nullptr && *env != '\0') {
    output.Warning(absl::StrCat(entry->env, " is set in your environment and overrides it"));
  }
  output.Info("a running daemon picks it up at its next start: `stigmer server restart`");
  return 0;
}

int ConfigList(const config::Paths& paths, TerminalOutput& output) {
  absl::StatusOr<config::Config> config = Load(paths, output);
  if (!config.ok()) return 2;
  size_t width = 0;
  for (const config::ConfigKey& key : config::AllConfigKeys()) {
    width = std::max(width, key.name.size());
  }
  output.Line(absl::StrFormat("%-*s  %-24s %s", static_cast<int>(width), "KEY", "VALUE", "SOURCE"));
  for (const config::ConfigKey& key : config::AllConfigKeys()) {
    const config::ResolvedValue& value = config->values.at(std::string(key.name));
    std::string source(config::ToString(value.source));
    if (value.source == config::ValueSource::kEnvironment) absl::StrAppend(&source, " ", key.env);
    output.Line(absl::StrFormat(
        "%-*s  %-24s %s", static_cast<int>(width), key.name,
        value.value.empty() ? "\"\"" : config::DisplayValue(key, value.value), source));
  }
  return 0;
}

}  // namespace stigmer::cli
