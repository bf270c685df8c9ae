#ifndef STIGMER_WORKFLOW_JQ_RUNNER_H_
#define STIGMER_WORKFLOW_JQ_RUNNER_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "workflow/jq_handles.h"

namespace stigmer::workflow {

// Runs one jq program on one input. `program` is a whole jq program that compiles (the caller
// checked it with CompileJqExpression); `input_json` is its input as JSON text.
//
// Returns the program's first result as JSON text, or nullopt when it produces none.
// Errors: InvalidArgument with jq's message for a runtime error ("object ({}) and number (1)
// cannot be added"); ResourceExhausted when a bound was hit, the message naming the bound.
//
// CheckSchema checks a value against a JSON Schema from a document (json_schema.h): schemas run
// regular expressions, so they are programs of users too and run where jq programs run. OK when
// the value matches; InvalidArgument as ValidateJson says; ResourceExhausted as for Run.
class JqRunner {
 public:
  virtual ~JqRunner() = default;
  virtual absl::StatusOr<std::optional<std::string>> Run(const std::string& program,
                                                         const std::string& input_json) = 0;
  virtual absl::Status CheckSchema(const std::string& schema_json,
                                   const std::string& value_json) = 0;
};

// Runs programs in this process with libjq, keeping each compiled program for later runs (at
// most kMaxCachedPrograms). Bounds only the size of a result (`max_result_bytes`): a program
// that never ends or exhausts memory takes this process with it, which is why workflow-runner
// evaluates through an ExpressionSandbox. Not thread-safe.
class InProcessJqRunner final : public JqRunner {
 public:
  static constexpr size_t kMaxCachedPrograms = 1024;

  explicit InProcessJqRunner(size_t max_result_bytes = SIZE_MAX)
      : max_result_bytes_(max_result_bytes) {}

  absl::StatusOr<std::optional<std::string>> Run(const std::string& program,
                                                 const std::string& input_json) override;
  absl::Status CheckSchema(const std::string& schema_json, const std::string& value_json) override;

 private:
  absl::StatusOr<jq_state*> Compiled(const std::string& program);

  const size_t max_result_bytes_;
  absl::flat_hash_map<std::string, JqStatePtr> programs_;
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_JQ_RUNNER_H_
