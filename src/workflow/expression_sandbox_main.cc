#include "workflow/expression_sandbox_main.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "workflow/jq_runner.h"
#include "workflow/sandbox_frames.h"

namespace stigmer::workflow {
namespace {

bool ReadField(std::string& out) {
  std::string length_bytes;
  if (!ReadExact(STDIN_FILENO, sizeof(uint32_t), length_bytes)) return false;
  uint32_t length = 0;
  std::memcpy(&length, length_bytes.data(), sizeof(length));
  return length <= kMaxSandboxField && ReadExact(STDIN_FILENO, length, out);
}

bool Answer(SandboxAnswer kind, const std::string& text) {
  std::string frame(1, static_cast<char>(kind));
  AppendSandboxField(frame, text);
  return WriteAll(STDOUT_FILENO, frame);
}

void ApplyLimits(size_t memory_bytes) {
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
#if !defined(__SANITIZE_ADDRESS__)
  const rlimit heap{memory_bytes, memory_bytes};
  ::setrlimit(RLIMIT_DATA, &heap);
#else
  (void)memory_bytes;
#endif
}

}  // namespace

int RunExpressionSandbox(size_t memory_bytes, size_t max_result_bytes) {
  // libjq writes to stderr when it runs out of memory; nobody reads it.
  if (int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC); null_fd >= 0) {
    ::dup2(null_fd, STDERR_FILENO);
    ::close(null_fd);
  }
  // A stack overflow (a schema's std::regex on a huge string) must end the sandbox by SIGSEGV,
  // which workflow-runner reads as the input's fault; a sanitizer's handler would exit 1 instead,
  // which reads as a crashed sandbox and is retried.
  ::signal(SIGSEGV, SIG_DFL);
  ::signal(SIGBUS, SIG_DFL);
  ApplyLimits(memory_bytes);
  InProcessJqRunner runner(max_result_bytes);
  std::string kind, program, input;
  while (ReadExact(STDIN_FILENO, 1, kind)) {
    if (!ReadField(program) || !ReadField(input)) return 1;
    absl::StatusOr<std::optional<std::string>> result;
    switch (static_cast<SandboxRequest>(kind[0])) {
      case SandboxRequest::kJqProgram:
        result = runner.Run(program, input);
        break;
      case SandboxRequest::kJsonSchema:
        if (absl::Status checked = runner.CheckSchema(program, input); checked.ok()) {
          result = std::optional<std::string>();
        } else {
          result = checked;
        }
        break;
      default:
        return 1;
    }
    bool written;
    if (result.ok() && result->has_value()) {
      written = Answer(SandboxAnswer::kResult, **result);
    } else if (result.ok()) {
      written = Answer(SandboxAnswer::kNoResult, "");
    } else if (absl::IsResourceExhausted(result.status())) {
      written = Answer(SandboxAnswer::kBoundReached, std::string(result.status().message()));
    } else {
      written = Answer(SandboxAnswer::kJqError, std::string(result.status().message()));
    }
    if (!written) return 1;
  }
  return 0;
}

}  // namespace stigmer::workflow
