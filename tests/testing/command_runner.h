#ifndef STIGMER_TESTS_TESTING_COMMAND_RUNNER_H_
#define STIGMER_TESTS_TESTING_COMMAND_RUNNER_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace stigmer::testing {

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed; -1 when it did not finish in time
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] an absolute path) with this process's environment plus `env`
// (an empty value unsets the variable), stdin from /dev/null, and waits at most `timeout`
// (then SIGKILL). Collects stdout and stderr separately.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         absl::Duration timeout = absl::Seconds(120));

// RunCommand with stdin a pipe that carries `input` and then ends (at most the pipe's buffer,
// 64 KiB: written before the command reads).
CommandResult RunCommandWithInput(const std::vector<std::string>& argv,
                                  const std::map<std::string, std::string>& env,
                                  const std::string& input, absl::Duration timeout);

// Applies `env` to this process's environment (an empty value unsets). For a forked child
// before exec.
void ApplyEnvironment(const std::map<std::string, std::string>& env);

// True while a process with this pid exists (zombies of other parents count as gone).
bool ProcessAlive(pid_t pid);

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_COMMAND_RUNNER_H_
