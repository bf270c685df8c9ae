#include "common/cloud_event.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/json_limits.h"

namespace stigmer {
namespace {

constexpr absl::string_view kHeaderPrefix = "ce-";

bool IsAttributeName(absl::string_view name) {
  if (name.empty() || name.size() > 20) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// The media type without parameters, lower case.
std::string MediaType(absl::string_view content_type) {
  return absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(content_type.substr(0, content_type.find(';'))));
}

bool IsJsonMediaType(absl::string_view content_type) {
  const std::string media = MediaType(content_type);
  return media.empty() || media == "application/json" || media == "text/json" ||
         absl::EndsWith(media, "+json");
}

// The HTTP binding percent-encodes header values outside printable ASCII.
absl::StatusOr<std::string> PercentDecode(absl::string_view name, absl::string_view value) {
  std::string decoded;
  decoded.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      decoded.push_back(value[i]);
      continue;
    }
    const std::string hex(value.substr(i + 1, 2));
    if (hex.size() != 2 || !absl::ascii_isxdigit(hex[0]) || !absl::ascii_isxdigit(hex[1])) {
      return absl::InvalidArgumentError(
          absl::StrCat("header ", name, " has a bad percent-encoding (%XX expected)"));
    }
    const int byte = std::stoi(hex, nullptr, 16);
    decoded.push_back(static_cast<char>(byte));
    i += 2;
  }
  return decoded;
}

absl::Status RequireString(const nlohmann::json& event, const char* name) {
  auto it = event.find(name);
  if (it == event.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the event has no \"", name, "\" attribute (CloudEvents requires it)"));
  }
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the event's \"", name, "\" must be a non-empty string"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsStructuredCloudEventContentType(absl::string_view content_type) {
  return MediaType(content_type) == "application/cloudevents+json";
}

bool IsBatchCloudEventContentType(absl::string_view content_type) {
  return MediaType(content_type) == "application/cloudevents-batch+json";
}

absl::Status ValidateCloudEvent(const nlohmann::json& event) {
  if (!event.is_object()) {
    return absl::InvalidArgumentError("the event must be a JSON object of CloudEvents attributes");
  }
  auto version = event.find("specversion");
  if (version == event.end()) {
    return absl::InvalidArgumentError(
        "the event has no \"specversion\" attribute (CloudEvents requires it; use \"1.0\")");
  }
  if (!version->is_string() || *version != "1.0") {
    return absl::InvalidArgumentError(
        absl::StrCat("the event's specversion is ",
                     version->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                     "; stigmer takes CloudEvents \"1.0\""));
  }
  for (const char* required : {"id", "source", "type"}) {
    if (absl::Status status = RequireString(event, required); !status.ok()) return status;
  }
  for (const auto& [name, value] : event.items()) {
    if (name == "data" || name == "data_base64") continue;
    if (!IsAttributeName(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the event's attribute name \"", name.substr(0, 40),
                       "\" is not 1-20 lower-case letters or digits"));
    }
    if (!value.is_string() && !value.is_number_integer() && !value.is_boolean()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the event's attribute \"", name, "\" must be a string, an integer or a boolean"));
    }
    if (value.is_string() &&
        value.get_ref<const std::string&>().size() > kMaxCloudEventAttributeBytes) {
      return absl::InvalidArgumentError(absl::StrCat("the event's attribute \"", name,
                                                     "\" is longer than ",
                                                     kMaxCloudEventAttributeBytes, " bytes"));
    }
  }
  if (auto time = event.find("time"); time != event.end()) {
    absl::Time parsed;
    std::string error;
    if (!time->is_string() ||
        !absl::ParseTime(absl::RFC3339_full, time->get<std::string>(), &parsed, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the event's time ", time->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          " is not an RFC 3339 time (2026-01-02T15:04:05Z)"));
    }
  }
  std::string serialized;
  try {
    serialized = event.dump();
  } catch (const nlohmann::json::exception&) {
    return absl::InvalidArgumentError("the event holds text that is not valid UTF-8");
  }
  if (serialized.size() > kMaxCloudEventBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the event is ", serialized.size(),
                                                   " bytes; the limit is ", kMaxCloudEventBytes));
  }
  return CheckJsonDepth(serialized).ok()
             ? absl::OkStatus()
             : absl::InvalidArgumentError(absl::StrCat("the event is nested deeper than ",
                                                       kMaxJsonDepth, " levels (the limit)"));
}

absl::StatusOr<nlohmann::json> ParseStructuredCloudEvent(absl::string_view body) {
  if (body.size() > kMaxCloudEventBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the event is ", body.size(), " bytes; the limit is ", kMaxCloudEventBytes));
  }
  absl::StatusOr<nlohmann::json> event = ParseJsonBounded(body, "the event");
  if (!event.ok()) return event.status();
  if (absl::Status valid = ValidateCloudEvent(*event); !valid.ok()) return valid;
  return event;
}

absl::StatusOr<nlohmann::json> ParseBinaryCloudEvent(
    const std::vector<std::pair<std::string, std::string>>& headers, absl::string_view body) {
  if (body.size() > kMaxCloudEventBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the event's data is ", body.size(),
                                                   " bytes; the limit is ", kMaxCloudEventBytes));
  }
  nlohmann::json event = nlohmann::json::object();
  std::string content_type;
  for (const auto& [raw_name, value] : headers) {
    const std::string name = absl::AsciiStrToLower(raw_name);
    if (name == "content-type") {
      content_type = value;
      continue;
    }
    if (!absl::StartsWith(name, kHeaderPrefix)) continue;
    const std::string attribute = name.substr(kHeaderPrefix.size());
    if (attribute == "datacontenttype" || attribute == "data") {
      return absl::InvalidArgumentError(absl::StrCat(
          "header ", name, " is not allowed in binary mode (Content-Type carries it)"));
    }
    if (event.contains(attribute)) {
      return absl::InvalidArgumentError(absl::StrCat("header ", name, " is given twice"));
    }
    absl::StatusOr<std::string> decoded = PercentDecode(name, value);
    if (!decoded.ok()) return decoded.status();
    event[attribute] = *std::move(decoded);
  }
  if (!event.contains("specversion")) {
    return absl::InvalidArgumentError(
        "no ce-specversion header: send a CloudEvent in binary mode (ce-specversion, ce-id, "
        "ce-source, ce-type headers) or in structured mode (Content-Type: "
        "application/cloudevents+json)");
  }
  if (!content_type.empty()) event["datacontenttype"] = content_type;
  if (!body.empty()) {
    if (IsJsonMediaType(content_type)) {
      absl::StatusOr<nlohmann::json> data = ParseJsonBounded(body, "the event's data");
      if (!data.ok()) return data.status();
      event["data"] = *std::move(data);
    } else {
      event["data"] = std::string(body);
    }
  }
  if (absl::Status valid = ValidateCloudEvent(event); !valid.ok()) return valid;
  return event;
}

}  // namespace stigmer
