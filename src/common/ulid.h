#ifndef STIGMER_COMMON_ULID_H_
#define STIGMER_COMMON_ULID_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace stigmer {

// ULIDs (https://github.com/ulid/spec): 26 characters of Crockford base32, upper case; the first
// 10 encode the milliseconds since the Unix epoch (48 bits), the last 16 are 80 random bits from
// the kernel's CSPRNG (getrandom(2)). ULIDs made later sort after earlier ones as plain text.
//
// Within one process, ULIDs of the same millisecond are strictly increasing: each adds one to the
// random part of the one before (as the spec's monotonic factory does). The time part is always
// `now`'s, so a clock that goes back gives smaller ULIDs. Thread-safe. Aborts the process if the
// kernel cannot supply random bytes (there is no safe way to carry on without them). Times before
// the epoch count as the epoch.
std::string NewUlid(absl::Time now);

// True for a canonical ULID as NewUlid makes them: 26 characters of the upper-case Crockford
// alphabet (no I, L, O, U), the first at most '7' (the time fits 48 bits).
bool IsUlid(absl::string_view text);

// Resource ids: "wfl-" (workflows) or "wex-" (executions) followed by a ULID.
std::string NewWorkflowId(absl::Time now = absl::Now());
std::string NewExecutionId(absl::Time now = absl::Now());
bool IsWorkflowId(absl::string_view text);
bool IsExecutionId(absl::string_view text);
// Agents: "agt-" followed by a ULID.
std::string NewAgentId(absl::Time now = absl::Now());
bool IsAgentId(absl::string_view text);
// Agent sessions: "ses-" followed by a ULID.
std::string NewSessionId(absl::Time now = absl::Now());
bool IsSessionId(absl::string_view text);

}  // namespace stigmer

#endif  // STIGMER_COMMON_ULID_H_
