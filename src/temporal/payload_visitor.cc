#include "temporal/payload_visitor.h"

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "nlohmann/json.hpp"
#include "temporal/api/common/v1/message.pb.h"

namespace stigmer::temporal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Calls `visit` on every message of type `target` in `message`, outer ones first. Messages of
// type `target` are descended into only when `descend_into_target` (failures nest, payloads do
// not). The depth is bounded by protobuf's own parse limit (100) on anything that came from the
// wire.
void Walk(Message& message, const Descriptor* target, bool descend_into_target,
          absl::FunctionRef<void(Message&)> visit) {
  const Descriptor* type = message.GetDescriptor();
  if (type == ::temporal::api::common::v1::SearchAttributes::descriptor()) return;
  if (type == target) {
    visit(message);
    if (!descend_into_target) return;
  }
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {  // map fields too: a repeated field of entries
      const int size = reflection->FieldSize(message, field);
      for (int i = 0; i < size; ++i) {
        Walk(*reflection->MutableRepeatedMessage(&message, field, i), target, descend_into_target,
             visit);
      }
    } else {
      Walk(*reflection->MutableMessage(&message, field), target, descend_into_target, visit);
    }
  }
}

}  // namespace

void VisitPayloads(Message& message, absl::FunctionRef<void(Payload&)> visit) {
  Walk(message, Payload::descriptor(), false,
       [&](Message& payload) { visit(static_cast<Payload&>(payload)); });
}

void VisitFailures(Message& message, absl::FunctionRef<void(Failure&)> visit) {
  Walk(message, Failure::descriptor(), true,
       [&](Message& failure) { visit(static_cast<Failure&>(failure)); });
}

void EncodeFailureAttributes(Failure& failure) {
  if (failure.has_encoded_attributes()) return;
  if (failure.message().empty() && failure.stack_trace().empty()) return;
  *failure.mutable_encoded_attributes() =
      JsonPayload({{"message", failure.message()}, {"stack_trace", failure.stack_trace()}});
  failure.set_message(kEncodedFailureMessage);
  failure.clear_stack_trace();
}

void DecodeFailureAttributes(Failure& failure) {
  if (!failure.has_encoded_attributes()) return;
  const Payload& encoded = failure.encoded_attributes();
  auto encoding = encoded.metadata().find(kEncodingKey);
  if (encoding == encoded.metadata().end() || encoding->second != kJsonPlainEncoding) return;
  const absl::StatusOr<nlohmann::json> decoded = DecodeJsonPayload(encoded);
  if (!decoded.ok() || !decoded->is_object()) return;
  const nlohmann::json& attributes = *decoded;
  std::string message;
  std::string stack_trace;
  if (auto found = attributes.find("message"); found != attributes.end() && found->is_string()) {
    message = found->get<std::string>();
  }
  if (auto found = attributes.find("stack_trace");
      found != attributes.end() && found->is_string()) {
    stack_trace = found->get<std::string>();
  }
  failure.set_message(std::move(message));
  failure.set_stack_trace(std::move(stack_trace));
  failure.clear_encoded_attributes();
}

}  // namespace stigmer::temporal
