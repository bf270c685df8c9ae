#ifndef STIGMER_WORKFLOW_EXPRESSION_SANDBOX_MAIN_H_
#define STIGMER_WORKFLOW_EXPRESSION_SANDBOX_MAIN_H_

#include <cstddef>

namespace stigmer::workflow {

// `stigmer internal expression-sandbox`: the child side of an ExpressionSandbox. Limits its heap
// to `memory_bytes` (RLIMIT_DATA; not under AddressSanitizer, whose shadow memory counts) and
// turns core dumps off, then answers requests from stdin on stdout (sandbox_frames.h) with an
// InProcessJqRunner bounded to `max_result_bytes`, until stdin closes. Exit 0 then; 1 for a
// broken request or a failed write.
int RunExpressionSandbox(size_t memory_bytes, size_t max_result_bytes);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_EXPRESSION_SANDBOX_MAIN_H_
