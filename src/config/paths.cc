#include "config/paths.h"

#include <cstdlib>
#include <string>

namespace stigmer::config {
namespace {

// The seed named stigmer-server's files after the process it used to be: "daemon".
std::string FileStem(std::string_view component) {
  if (component == "stigmer-server") return "daemon";
  return std::string(component);
}

bool SharesOneLog(std::string_view component) {
  return component == "temporal" || component == "supervisor" || component == "llm";
}

}  // namespace

Paths Paths::FromEnvironment() {
  if (const char* home = std::getenv("STIGMER_HOME"); home != nullptr && *home != '\0') {
    return Paths(home);
  }
  const char* user_home = std::getenv("HOME");
  return Paths(std::filesystem::path(user_home != nullptr ? user_home : "/tmp") / ".stigmer");
}

std::filesystem::path Paths::PidFile(std::string_view component) const {
  return DataDir() / (FileStem(component) + ".pid");
}

std::filesystem::path Paths::StdoutLog(std::string_view component) const {
  return LogDir() / (FileStem(component) + ".log");
}

std::filesystem::path Paths::StderrLog(std::string_view component) const {
  if (SharesOneLog(component)) return StdoutLog(component);
  return LogDir() / (FileStem(component) + ".err");
}

}  // namespace stigmer::config
