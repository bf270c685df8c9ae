#ifndef STIGMER_CLI_EXECUTION_VIEW_H_
#define STIGMER_CLI_EXECUTION_VIEW_H_

#include "nlohmann/json.hpp"
#include "stigmer/v1/execution.pb.h"

namespace stigmer::cli {

// An execution as `-o json` and `-o yaml` show it: MessageToJson's form, with `input` and
// `output` as JSON values rather than strings holding JSON (a text that is not JSON, which the
// server never stores, stays a string).
nlohmann::json ExecutionToJson(const stigmer::v1::Execution& execution);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_EXECUTION_VIEW_H_
