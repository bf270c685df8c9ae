#include "workflow/jq_runner.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/byte_size.h"
#include "workflow/json_schema.h"

namespace stigmer::workflow {
namespace {

std::string JvMessage(const JvValue& message) {
  if (message.kind() == JV_KIND_STRING) return jv_string_value(message.get());
  JvValue text(jv_dump_string(message.Copy(), 0));
  return jv_string_value(text.get());
}

void IgnoreJqMessage(void*, jv message) { jv_free(message); }

}  // namespace

absl::StatusOr<jq_state*> InProcessJqRunner::Compiled(const std::string& program) {
  if (auto it = programs_.find(program); it != programs_.end()) return it->second.get();
  JqStatePtr jq = NewJqState();
  if (jq == nullptr) return absl::ResourceExhaustedError("libjq could not allocate its state");
  jq_set_error_cb(jq.get(), IgnoreJqMessage, nullptr);
  if (!jq_compile_args(jq.get(), program.c_str(), jv_object())) {
    return absl::InvalidArgumentError("the expression does not compile");
  }
  if (programs_.size() >= kMaxCachedPrograms) programs_.clear();
  jq_state* compiled = jq.get();
  programs_.emplace(program, std::move(jq));
  return compiled;
}

absl::StatusOr<std::optional<std::string>> InProcessJqRunner::Run(const std::string& program,
                                                                  const std::string& input_json) {
  absl::StatusOr<jq_state*> jq = Compiled(program);
  if (!jq.ok()) return jq.status();
  JvValue input(jv_parse_sized(input_json.data(), static_cast<int>(input_json.size())));
  if (input.kind() == JV_KIND_INVALID) {
    return absl::InvalidArgumentError("its arguments could not be given to libjq");
  }
  jq_start(*jq, input.Release(), 0);
  JvValue result(jq_next(*jq));
  if (result.kind() == JV_KIND_INVALID) {
    if (!jv_invalid_has_msg(result.Copy())) return std::nullopt;  // no result
    JvValue message(jv_invalid_get_msg(result.Release()));
    return absl::InvalidArgumentError(JvMessage(message));
  }
  JvValue text(jv_dump_string(result.Release(), 0));
  const int length = jv_string_length_bytes(text.Copy());
  if (static_cast<size_t>(length) > max_result_bytes_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("its result is ", HumanBytes(length), ", more than the ",
                     HumanBytes(max_result_bytes_), " one value may hold"));
  }
  return std::string(jv_string_value(text.get()), length);
}

absl::Status InProcessJqRunner::CheckSchema(const std::string& schema_json,
                                            const std::string& value_json) {
  nlohmann::json schema = nlohmann::json::parse(schema_json, nullptr, false);
  nlohmann::json value = nlohmann::json::parse(value_json, nullptr, false);
  if (schema.is_discarded() || value.is_discarded()) {
    return absl::InvalidArgumentError("the schema or the value is not JSON");
  }
  return ValidateJson(schema, value);
}

}  // namespace stigmer::workflow
