#include "activities/container_command.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace stigmer::activities {
namespace {

using json = nlohmann::json;

std::string Text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// Appends `flag key:value` for each member of the map `field` of `container`.
absl::Status AddPairs(const json& container, const char* field, const char* flag,
                      std::vector<std::string>& argv) {
  auto pairs = container.find(field);
  if (pairs == container.end() || pairs->is_null()) return absl::OkStatus();
  if (!pairs->is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("`run.container.", field, "` must be a map"));
  }
  for (const auto& [from, to] : pairs->items()) {
    argv.push_back(flag);
    argv.push_back(absl::StrCat(from, ":", Text(to)));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ContainerNameFrom(const std::string& text) {
  std::string name;
  for (char c : text) {
    name.push_back(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
                           c == '-'
                       ? c
                       : '-');
  }
  if (name.empty() || !absl::ascii_isalnum(static_cast<unsigned char>(name[0]))) {
    name = absl::StrCat("c", name);
  }
  return name.substr(0, 128);
}

absl::StatusOr<ContainerCommand> BuildContainerCommand(const std::string& engine,
                                                       const json& container,
                                                       const std::string& default_name,
                                                       absl::Duration cleanup_after) {
  if (!container.is_object()) {
    return absl::InvalidArgumentError("`run.container` must be an object");
  }
  auto image = container.find("image");
  if (image == container.end() || !image->is_string() || image->get<std::string>().empty()) {
    return absl::InvalidArgumentError("`run.container.image` is required");
  }
  ContainerCommand command;
  command.name = ContainerNameFrom(container.contains("name") && container["name"].is_string()
                                       ? container["name"].get<std::string>()
                                       : default_name);
  command.argv = {engine, "run", "-i", "--name", command.name};
  if (auto lifetime = container.find("lifetime");
      lifetime != container.end() && lifetime->is_object()) {
    const std::string cleanup = lifetime->value("cleanup", "never");
    if (cleanup == "always") {
      command.remove_after = true;
      command.argv.push_back("--rm");
    } else if (cleanup == "eventually") {
      command.remove_eventually = cleanup_after;
    } else if (cleanup != "never") {
      return absl::InvalidArgumentError(
          "`run.container.lifetime.cleanup` must be always, never or eventually");
    }
  }
  if (auto pull = container.find("pullPolicy"); pull != container.end()) {
    const json policy = *pull;
    const char* flag = policy == "ifNotPresent" ? "missing"
                       : policy == "always"     ? "always"
                       : policy == "never"      ? "never"
                                                : nullptr;
    if (flag == nullptr) {
      return absl::InvalidArgumentError(
          "`run.container.pullPolicy` must be ifNotPresent, always or never");
    }
    command.argv.push_back(absl::StrCat("--pull=", flag));
  }
  for (auto [field, flag] : {std::pair{"ports", "-p"}, std::pair{"volumes", "-v"}}) {
    if (absl::Status added = AddPairs(container, field, flag, command.argv); !added.ok()) {
      return added;
    }
  }
  if (auto environment = container.find("environment");
      environment != container.end() && !environment->is_null()) {
    if (!environment->is_object()) {
      return absl::InvalidArgumentError("`run.container.environment` must be a map");
    }
    for (const auto& [name, value] : environment->items()) {
      command.argv.push_back("-e");
      command.argv.push_back(absl::StrCat(name, "=", Text(value)));
    }
  }
  command.argv.push_back(image->get<std::string>());
  if (auto shell = container.find("command"); shell != container.end() && !shell->is_null()) {
    if (!shell->is_string()) {
      return absl::InvalidArgumentError("`run.container.command` must be a string");
    }
    command.argv.insert(command.argv.end(), {"/bin/sh", "-c", shell->get<std::string>(), "sh"});
  }
  if (auto arguments = container.find("arguments");
      arguments != container.end() && !arguments->is_null()) {
    if (!arguments->is_array()) {
      return absl::InvalidArgumentError("`run.container.arguments` must be a list");
    }
    for (const json& argument : *arguments) command.argv.push_back(Text(argument));
  }
  return command;
}

}  // namespace stigmer::activities
