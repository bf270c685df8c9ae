#include "workflow/sandbox_launcher.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace stigmer::workflow {
namespace {

class ExecChild final : public SandboxChild {
 public:
  explicit ExecChild(activities::ShellProcess process) : process_(std::move(process)) {}

  int request_fd() const override { return process_.stdin_pipe().get(); }
  int answer_fd() const override { return process_.stdout_pipe().get(); }
  int exit_fd() const override { return process_.exit_fd(); }
  std::optional<activities::ProcessExit> PeekExit() override { return process_.PeekExit(); }
  pid_t pid() const override { return process_.pid(); }

 private:
  mutable activities::ShellProcess process_;  // its pipe accessors are not const
};

class ExecLauncher final : public SandboxLauncher {
 public:
  explicit ExecLauncher(std::string binary) : binary_(std::move(binary)) {}

  absl::StatusOr<std::unique_ptr<SandboxChild>> Start(size_t memory_bytes,
                                                      size_t max_result_bytes) override {
    activities::ProcessOptions options;
    options.argv = {binary_, "internal", "expression-sandbox",
                    absl::StrCat("--memory-bytes=", memory_bytes),
                    absl::StrCat("--max-result-bytes=", max_result_bytes)};
    for (char** variable = environ; *variable != nullptr; ++variable) {
      options.env.emplace_back(*variable);
    }
    absl::StatusOr<activities::ShellProcess> started = activities::ShellProcess::Start(options);
    if (!started.ok()) return started.status();
    started->stderr_pipe().Reset();  // the child sends its stderr to /dev/null itself
    return std::make_unique<ExecChild>(*std::move(started));
  }

 private:
  const std::string binary_;
};

}  // namespace

std::shared_ptr<SandboxLauncher> ExecSandboxLauncher(std::string binary) {
  return std::make_shared<ExecLauncher>(std::move(binary));
}

}  // namespace stigmer::workflow
