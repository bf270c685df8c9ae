#ifndef STIGMER_TEMPORAL_PAYLOAD_VISITOR_H_
#define STIGMER_TEMPORAL_PAYLOAD_VISITOR_H_

// Finds every payload and every failure inside any Temporal API message, by protobuf reflection,
// so that a codec applies to all of them without a list of message types to keep up to date.

#include "absl/functional/function_ref.h"
#include "google/protobuf/message.h"
#include "temporal/api/failure/v1/message.pb.h"
#include "temporal/payloads.h"

namespace stigmer::temporal {

using Failure = ::temporal::api::failure::v1::Failure;

// The message that replaces a failure's message once it is moved into encoded_attributes, as
// Temporal's SDKs write it ("encode common attributes"); the Temporal UI and CLI know it.
inline constexpr char kEncodedFailureMessage[] = "Encoded failure";

// Calls `visit` on every temporal.api.common.v1.Payload in `message`: singular, repeated and map
// fields, at any depth (Headers, Memos, Failures' details and encoded_attributes included), and
// `message` itself if it is one. Skips temporal.api.common.v1.SearchAttributes, which Temporal
// indexes and so must read in clear.
void VisitPayloads(google::protobuf::Message& message, absl::FunctionRef<void(Payload&)> visit);

// Calls `visit` on every temporal.api.failure.v1.Failure in `message` (causes included), outer
// ones first; skips SearchAttributes as VisitPayloads does.
void VisitFailures(google::protobuf::Message& message, absl::FunctionRef<void(Failure&)> visit);

// Moves a failure's message and stack trace into encoded_attributes, as JSON
// {"message": …, "stack_trace": …} in a json/plain payload, and sets its message to
// kEncodedFailureMessage (the stack trace empty). A failure with neither, or that already has
// encoded_attributes, is left as is.
void EncodeFailureAttributes(Failure& failure);

// The reverse: a failure whose encoded_attributes is a json/plain object gets its message and
// stack trace back from it, and loses encoded_attributes. Any other failure is left as is (also
// one whose encoded_attributes could not be decrypted: it keeps kEncodedFailureMessage).
void DecodeFailureAttributes(Failure& failure);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_PAYLOAD_VISITOR_H_
