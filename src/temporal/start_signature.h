#ifndef STIGMER_TEMPORAL_START_SIGNATURE_H_
#define STIGMER_TEMPORAL_START_SIGNATURE_H_

// Temporal's port is open to every local account, so anyone could start a ServerlessWorkflow on
// stigmer-workflows and have workflow-runner run its shell tasks. stigmer-server therefore signs
// what it starts: an HMAC-SHA256, with a key only the stack's owner can read, over the workflow
// id, the workflow type and every input payload, carried in the start's header. workflow-runner
// runs only runs whose signature holds (and signs the runs it continues as new itself).

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "temporal/api/common/v1/message.pb.h"

namespace stigmer::temporal {

// The header field that holds the signature (a binary/plain payload of the 32 bytes).
inline constexpr char kStartSignatureHeader[] = "stigmer-signature";

// The header field of a start made by a Temporal Schedule. Temporal appends "-<nominal time>"
// (RFC 3339 UTC to the second, e.g. "-2026-12-05T07:20:00Z") to the schedule action's workflow
// id, so such a start is signed over that base id, in a message of its own kind: a plain
// signature never passes as a scheduled one, nor the reverse. What a copied scheduled start
// can do is start the same document with the same input again, as its schedule does.
inline constexpr char kScheduledStartSignatureHeader[] = "stigmer-schedule-signature";

// The signature of a start, for `key` (any length; REQUIRES: not empty).
std::string SignStart(absl::string_view key, absl::string_view workflow_id,
                      absl::string_view workflow_type,
                      const ::temporal::api::common::v1::Payloads& input);

// Sets header[kStartSignatureHeader] to SignStart(...).
void AddStartSignature(absl::string_view key, absl::string_view workflow_id,
                       absl::string_view workflow_type,
                       const ::temporal::api::common::v1::Payloads& input,
                       ::temporal::api::common::v1::Header& header);

// Sets header[kScheduledStartSignatureHeader] for the action of a schedule whose runs get
// workflow ids `base_workflow_id` + "-<nominal time>".
void AddScheduledStartSignature(absl::string_view key, absl::string_view base_workflow_id,
                                absl::string_view workflow_type,
                                const ::temporal::api::common::v1::Payloads& input,
                                ::temporal::api::common::v1::Header& header);

// OK when `header` holds the signature SignStart gives, or when it holds a scheduled start's
// signature over `workflow_id` less a "-<RFC 3339 UTC time>" suffix; PermissionDenied otherwise,
// saying whether it is missing or wrong. Compares in constant time.
absl::Status VerifyStartSignature(absl::string_view key, absl::string_view workflow_id,
                                  absl::string_view workflow_type,
                                  const ::temporal::api::common::v1::Payloads& input,
                                  const ::temporal::api::common::v1::Header& header);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_START_SIGNATURE_H_
