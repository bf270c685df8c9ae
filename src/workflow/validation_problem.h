#ifndef STIGMER_WORKFLOW_VALIDATION_PROBLEM_H_
#define STIGMER_WORKFLOW_VALIDATION_PROBLEM_H_

#include <string>

namespace stigmer::workflow {

// One thing wrong with a workflow document: where (a JSON pointer, RFC 6901, "" for the whole
// document) and what, e.g. {"/do/2/fetch/call", "unknown call type \"smtp\""}.
struct ValidationProblem {
  std::string pointer;
  std::string message;

  bool operator==(const ValidationProblem&) const = default;
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_VALIDATION_PROBLEM_H_
