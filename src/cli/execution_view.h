#ifndef STIGMER_CLI_EXECUTION_VIEW_H_
#define STIGMER_CLI_EXECUTION_VIEW_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "nlohmann/json.hpp"
#include "stigmer/v1/execution.pb.h"

namespace stigmer::cli {

// An execution as `-o json` and `-o yaml` show it: MessageToJson's form, with `input` and
// `output` as JSON values rather than strings holding JSON (a text that is not JSON, which the
// server never stores, stays a string).
nlohmann::json ExecutionToJson(const stigmer::v1::Execution& execution);

// One execution as `stigmer get executions ID` prints it: a header (id, workflow and version,
// phase, created, duration), one row per task (name, path, status, start time in `zone`,
// duration), then the output as indented JSON, or the error: its title, detail, type, status
// and the task it came from.
std::string RenderExecutionDetail(const stigmer::v1::Execution& execution, absl::TimeZone zone);

// The lines that describe an execution's error, as `run` and `get` print them: "TITLE",
// "  DETAIL", "  type TYPE, status N, at INSTANCE" (each only when present).
std::vector<std::string> ErrorLines(const stigmer::v1::ProblemDetails& error);

// "2.1s" from `from` to `to`.
std::string FormatSeconds(const google::protobuf::Timestamp& from,
                          const google::protobuf::Timestamp& to);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_EXECUTION_VIEW_H_
