#ifndef STIGMER_CLI_RESOURCE_OUTPUT_H_
#define STIGMER_CLI_RESOURCE_OUTPUT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"
#include "stigmer/v1/execution.pb.h"

namespace stigmer::cli {

enum class OutputFormat { kTable, kJson, kYaml };

// "table", "json" or "yaml"; InvalidArgument naming the accepted ones otherwise.
absl::StatusOr<OutputFormat> ParseOutputFormat(const std::string& text);

// A message as JSON with the .proto field names (snake_case) and enums by name; every
// google.protobuf.Timestamp as RFC 3339 UTC with milliseconds ("2026-11-27T18:29:20.000Z"),
// whatever its fraction (protobuf's own printer drops a zero fraction).
nlohmann::json MessageToJson(const google::protobuf::Message& message);

// JSON as block-style YAML.
std::string JsonToYaml(const nlohmann::json& json);

// Rows of cells as aligned columns, the first row a header.
std::string RenderTable(const std::vector<std::vector<std::string>>& rows);

// "COMPLETED" for EXECUTION_PHASE_COMPLETED; the inverse for --phase (case-insensitive).
std::string PhaseName(stigmer::v1::ExecutionPhase phase);
absl::StatusOr<stigmer::v1::ExecutionPhase> ParsePhase(const std::string& text);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_RESOURCE_OUTPUT_H_
