#include "workflow/json_schema.h"

// valijson aborts the process on a bad schema unless it may throw.
#define VALIJSON_USE_EXCEPTIONS 1

#include <exception>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "valijson/adapters/nlohmann_json_adapter.hpp"
#include "valijson/schema.hpp"
#include "valijson/schema_parser.hpp"
#include "valijson/validation_results.hpp"
#include "valijson/validator.hpp"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

absl::Status Parse(const nlohmann::json& schema, valijson::Schema& out) {
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter adapter(schema);
  try {
    parser.populateSchema(adapter, out);
  } catch (const std::exception& error) {
    return absl::InvalidArgumentError(absl::StrCat("the schema is not usable: ", error.what()));
  }
  return absl::OkStatus();
}

// valijson's context ("<root>", "[items]", "[0]") as a JSON pointer ("/items/0").
std::string PointerOf(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& part : context) {
    absl::string_view name = part;
    if (!absl::ConsumePrefix(&name, "[") || !absl::ConsumeSuffix(&name, "]")) continue;
    pointer = JsonPointerAppend(pointer, name);
  }
  return pointer.empty() ? "/" : pointer;
}

// valijson writes numbers with six decimals ("0.000000"); the user wrote "0".
std::string Tidy(std::string description) {
  for (size_t at = description.find(".000000"); at != std::string::npos;
       at = description.find(".000000", at)) {
    description.erase(at, 7);
  }
  return description;
}

}  // namespace

absl::Status CheckJsonSchema(const nlohmann::json& schema) {
  valijson::Schema parsed;
  return Parse(schema, parsed);
}

absl::Status ValidateJson(const nlohmann::json& schema, const nlohmann::json& value) {
  valijson::Schema parsed;
  if (absl::Status status = Parse(schema, parsed); !status.ok()) return status;
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(value);
  try {
    if (validator.validate(parsed, target, &results)) return absl::OkStatus();
  } catch (const std::exception& error) {
    return absl::InvalidArgumentError(absl::StrCat("the schema is not usable: ", error.what()));
  }
  // The first error is the deepest: the place that actually failed.
  valijson::ValidationResults::Error first;
  if (!results.popError(first)) return absl::InvalidArgumentError("it does not match its schema");
  return absl::InvalidArgumentError(
      absl::StrCat("at ", PointerOf(first.context), ": ", Tidy(first.description)));
}

}  // namespace stigmer::workflow
