#ifndef STIGMER_TESTS_WORKFLOW_SANDBOX_TEST_LIMITS_H_
#define STIGMER_TESTS_WORKFLOW_SANDBOX_TEST_LIMITS_H_

// What the expression sandbox tests evaluate, and within which bounds.

#include <cstddef>

#include "absl/time/time.h"
#include "workflow/expression_sandbox.h"

namespace stigmer::workflow {

// `.` as the expression evaluator wraps it.
inline constexpr char kSandboxIdentity[] = ". as [$__stigmer_data] | $__stigmer_data | (.)";

// 64 MiB of heap and 64 KiB results; `timeout` per evaluation.
inline ExpressionLimits SandboxTestLimits(absl::Duration timeout) {
  ExpressionLimits limits;
  limits.timeout = timeout;
  limits.memory_bytes = size_t{64} << 20;
  limits.max_result_bytes = size_t{64} << 10;
  return limits;
}

}  // namespace stigmer::workflow

#endif  // STIGMER_TESTS_WORKFLOW_SANDBOX_TEST_LIMITS_H_
