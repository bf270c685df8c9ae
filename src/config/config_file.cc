#include "config/config_file.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/file_io.h"
#include "config/config.h"
#include "config/config_keys.h"

namespace stigmer::config {
namespace {

std::pair<absl::string_view, absl::string_view> SplitKey(absl::string_view dotted) {
  const size_t dot = dotted.find('.');
  return {dotted.substr(0, dot), dotted.substr(dot + 1)};
}

// Plain scalars stay bare; anything YAML could read differently is double-quoted.
std::string YamlScalar(absl::string_view value) {
  const bool plain =
      !value.empty() && value.find_first_of(":#'\"{}[],&*!|>%@`\\ ") == absl::string_view::npos;
  if (plain) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

bool IsSectionHeader(absl::string_view line) {
  return !line.empty() && line[0] != ' ' && line[0] != '#' && absl::EndsWith(line, ":");
}

// True if `line` sets `name` in the current section, or is that setting commented out.
bool SetsKey(absl::string_view line, absl::string_view name) {
  absl::string_view rest = absl::StripLeadingAsciiWhitespace(line);
  if (absl::ConsumePrefix(&rest, "#")) rest = absl::StripLeadingAsciiWhitespace(rest);
  return absl::ConsumePrefix(&rest, name) && absl::StartsWith(rest, ":");
}

}  // namespace

std::string DefaultConfigText() {
  std::string text =
      "# stigmer configuration. Precedence: command-line flag > environment > this file >\n"
      "# built-in default. Every setting below is commented out at its default; `stigmer config\n"
      "# set KEY VALUE` changes one, `stigmer config list` shows the effective values.\n";
  absl::string_view section;
  for (const ConfigKey& key : AllConfigKeys()) {
    auto [key_section, name] = SplitKey(key.name);
    if (key_section != section) {
      section = key_section;
      absl::StrAppend(&text, "\n", section, ":\n");
    }
    absl::StrAppend(&text, "  # ", key.help);
    if (!key.env.empty()) absl::StrAppend(&text, " (environment: ", key.env, ")");
    absl::StrAppend(&text, "\n  # ", name, ": ", YamlScalar(key.default_value), "\n");
  }
  return text;
}

absl::Status EnsureConfigFile(const Paths& paths) {
  if (absl::Status made = MakeDirectories(paths.home()); !made.ok()) return made;
  std::error_code ignored;
  if (std::filesystem::exists(paths.ConfigFile(), ignored)) return absl::OkStatus();
  return WriteFileAtomically(paths.ConfigFile(), DefaultConfigText());
}

absl::StatusOr<std::string> SetConfigValueInText(const std::filesystem::path& file,
                                                 const std::string& text,
                                                 absl::string_view key_name,
                                                 absl::string_view value) {
  const ConfigKey* key = FindConfigKey(key_name);
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown key \"", key_name, "\"; `stigmer config list` shows the keys"));
  }
  if (absl::Status valid = ValidateValue(*key, value); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(key_name, ": ", valid.message()));
  }
  auto [section, name] = SplitKey(key_name);
  const std::string setting = absl::StrCat("  ", name, ": ", YamlScalar(value));
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();

  const std::string header = absl::StrCat(section, ":");
  size_t section_at = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == header) section_at = i;
  }
  if (section_at == lines.size()) {
    lines.push_back(header);
    lines.push_back(setting);
  } else {
    size_t end = section_at + 1;
    while (end < lines.size() && !IsSectionHeader(lines[end])) ++end;
    // An active setting wins over a commented-out one, so the key never appears twice.
    size_t found = end;
    for (size_t i = section_at + 1; i < end; ++i) {
      if (!SetsKey(lines[i], name)) continue;
      const bool commented = absl::StartsWith(absl::StripLeadingAsciiWhitespace(lines[i]), "#");
      if (found == end || !commented) found = i;
    }
    if (found < end) {
      lines[found] = setting;
    } else {
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(section_at) + 1, setting);
    }
  }
  std::string updated = absl::StrCat(absl::StrJoin(lines, "\n"), "\n");
  // A file that is broken elsewhere stays as it is: writing to it would hide the problem.
  if (absl::Status valid = CheckConfigText(file, updated); !valid.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(valid.message(), "; fix config.yaml first (nothing was changed)"));
  }
  return updated;
}

absl::Status SetConfigValue(const Paths& paths, absl::string_view key_name,
                            absl::string_view value) {
  // A bad key or value is refused before the file is created.
  if (absl::StatusOr<std::string> checked =
          SetConfigValueInText(paths.ConfigFile(), "", key_name, value);
      !checked.ok()) {
    return checked.status();
  }
  if (absl::Status ensured = EnsureConfigFile(paths); !ensured.ok()) return ensured;
  absl::StatusOr<std::string> text = ReadFileToString(paths.ConfigFile());
  if (!text.ok()) return text.status();
  absl::StatusOr<std::string> updated =
      SetConfigValueInText(paths.ConfigFile(), *text, key_name, value);
  if (!updated.ok()) return updated.status();
  return WriteFileAtomically(paths.ConfigFile(), *updated);
}

}  // namespace stigmer::config
