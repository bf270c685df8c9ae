#ifndef STIGMER_TESTS_WORKFLOW_DSL_TEST_DOCUMENTS_H_
#define STIGMER_TESTS_WORKFLOW_DSL_TEST_DOCUMENTS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "workflow/workflow_document.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::workflow::testing {

// A valid `document:` header followed by `body` (YAML: `do:` and whatever else the test needs).
inline std::string WithHeader(const std::string& body) {
  return absl::StrCat(
      "document:\n"
      "  dsl: '1.0.0'\n"
      "  namespace: test\n"
      "  name: sample\n"
      "  version: '0.1.0'\n",
      body);
}

// The problems ValidateWorkflowJson finds in YAML `text`; a parse failure is one problem at
// "(yaml)".
inline std::vector<ValidationProblem> ProblemsOf(const std::string& text) {
  absl::StatusOr<nlohmann::ordered_json> json = YamlToJson(text);
  if (!json.ok()) return {{"(yaml)", std::string(json.status().message())}};
  return ValidateWorkflowJson(*json);
}

}  // namespace stigmer::workflow::testing

namespace stigmer::workflow {
// Lets gtest print problems in failure messages.
inline void PrintTo(const ValidationProblem& problem, std::ostream* out) {
  *out << "{\"" << problem.pointer << "\", \"" << problem.message << "\"}";
}
}  // namespace stigmer::workflow

#endif  // STIGMER_TESTS_WORKFLOW_DSL_TEST_DOCUMENTS_H_
