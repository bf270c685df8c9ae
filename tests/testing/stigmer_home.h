#ifndef STIGMER_TESTS_TESTING_STIGMER_HOME_H_
#define STIGMER_TESTS_TESTING_STIGMER_HOME_H_

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "config/paths.h"
#include "nlohmann/json.hpp"
#include "testing/command_runner.h"
#include "testing/test_env.h"

namespace stigmer::testing {

// A temporary STIGMER_HOME whose config puts every port on a free one, and a way to run the
// real `stigmer` binary against it. Destroying it stops any daemon it started and kills every
// process a PID file still names, so a failed test leaves nothing running.
class StigmerHome {
 public:
  StigmerHome();
  ~StigmerHome();

  const config::Paths& paths() const { return paths_; }
  int temporal_port() const { return temporal_port_; }
  int server_port() const { return server_port_; }
  int events_port() const { return events_port_; }
  int llm_port() const { return llm_port_; }

  // Runs the `llm` component (the local model) too: STIGMER_LLM_PROVIDER is openai otherwise.
  void UseLocalModel();

  // Environment added to every command; an empty value unsets a variable.
  std::map<std::string, std::string>& env() { return env_; }

  // Runs `stigmer ARGS...`.
  CommandResult Run(const std::vector<std::string>& args,
                    absl::Duration timeout = absl::Seconds(120)) const;
  // Runs `stigmer ARGS...` with `input` on its stdin (a pipe, closed after it).
  CommandResult RunWithInput(const std::vector<std::string>& args, const std::string& input,
                             absl::Duration timeout = absl::Seconds(120)) const;

  // `stigmer server status --json`, parsed (null on failure).
  nlohmann::json StatusJson() const;
  // The component's entry in StatusJson(), or null.
  nlohmann::json Component(const std::string& name) const;
  // The API token stigmer-server made in this home (empty before it first started).
  std::string ApiToken() const;
  // The pid in a PID file, 0 when absent.
  pid_t PidFromFile(const std::filesystem::path& file) const;

  // Every supervisor process serving this home.
  std::vector<pid_t> SupervisorProcesses() const;

 private:
  TempDir dir_;
  config::Paths paths_;
  int temporal_port_, temporal_ui_port_, server_port_, events_port_, llm_port_;
  std::map<std::string, std::string> env_;
};

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_STIGMER_HOME_H_
