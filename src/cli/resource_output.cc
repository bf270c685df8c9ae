#include "cli/resource_output.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/proto_time.h"
#include "common/timestamp.h"
#include "google/protobuf/timestamp.pb.h"
#include "yaml-cpp/yaml.h"

namespace stigmer::cli {
namespace {

void EmitYaml(const nlohmann::json& json, YAML::Emitter& out) {
  switch (json.type()) {
    case nlohmann::json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, value] : json.items()) {
        out << YAML::Key << key << YAML::Value;
        EmitYaml(value, out);
      }
      out << YAML::EndMap;
      break;
    case nlohmann::json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& item : json) EmitYaml(item, out);
      out << YAML::EndSeq;
      break;
    case nlohmann::json::value_t::string: {
      const std::string& text = json.get_ref<const std::string&>();
      if (absl::StrContains(text, "\n")) {
        out << YAML::Literal << text;
      } else {
        out << text;
      }
      break;
    }
    case nlohmann::json::value_t::null:
      out << YAML::Null;
      break;
    default:
      out << json.dump();
  }
}

// Rewrites the Timestamp fields of `message` in `json` (its JSON form) with one precision.
void NormalizeTimestamps(const google::protobuf::Message& message, nlohmann::json& json) {
  if (!json.is_object()) return;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    auto entry = json.find(field->name());
    if (entry == json.end()) continue;
    if (field->message_type()->full_name() ==
        google::protobuf::Timestamp::descriptor()->full_name()) {
      if (field->is_repeated()) continue;
      const auto& timestamp =
          static_cast<const google::protobuf::Timestamp&>(reflection->GetMessage(message, field));
      *entry = FormatRfc3339Millis(FromProtoTime(timestamp));
    } else if (field->is_map()) {
      continue;
    } else if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      for (int i = 0; i < size && i < static_cast<int>(entry->size()); ++i) {
        NormalizeTimestamps(reflection->GetRepeatedMessage(message, field, i), (*entry)[i]);
      }
    } else {
      NormalizeTimestamps(reflection->GetMessage(message, field), *entry);
    }
  }
}

}  // namespace

absl::StatusOr<OutputFormat> ParseOutputFormat(const std::string& text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "yaml") return OutputFormat::kYaml;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown output format \"", text, "\"; use table, json or yaml"));
}

nlohmann::json MessageToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  (void)google::protobuf::util::MessageToJsonString(message, &text, options);
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  NormalizeTimestamps(message, json);
  return json;
}

std::string JsonToYaml(const nlohmann::json& json) {
  YAML::Emitter out;
  EmitYaml(json, out);
  return std::string(out.c_str()) + "\n";
}

std::string RenderTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i + 1 == row.size()) {
        absl::StrAppend(&text, row[i]);
      } else {
        absl::StrAppend(&text, absl::StrFormat("%-*s  ", static_cast<int>(widths[i]), row[i]));
      }
    }
    absl::StrAppend(&text, "\n");
  }
  return text;
}

std::string PhaseName(stigmer::v1::ExecutionPhase phase) {
  return std::string(
      absl::StripPrefix(stigmer::v1::ExecutionPhase_Name(phase), "EXECUTION_PHASE_"));
}

absl::StatusOr<stigmer::v1::ExecutionPhase> ParsePhase(const std::string& text) {
  stigmer::v1::ExecutionPhase phase;
  const std::string upper = absl::AsciiStrToUpper(text);
  if (stigmer::v1::ExecutionPhase_Parse(absl::StrCat("EXECUTION_PHASE_", upper), &phase) &&
      phase != stigmer::v1::EXECUTION_PHASE_UNSPECIFIED) {
    return phase;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown phase \"", text, "\"; use pending, running, completed, failed or cancelled"));
}

}  // namespace stigmer::cli
