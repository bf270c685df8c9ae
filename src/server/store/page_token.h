#ifndef STIGMER_SERVER_STORE_PAGE_TOKEN_H_
#define STIGMER_SERVER_STORE_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stigmer::store {

// Page tokens for keyset paging: each names the last item of the page before, so that the next
// page starts right after it whatever was inserted or deleted meanwhile. Tokens are opaque to
// clients (URL-safe base64 of a tagged text). Decoding anything that is not a token of the right
// kind → InvalidArgument "invalid page token".

// Default and maximum page sizes, and the rule: 0 → the default, above the maximum → the
// maximum, negative → InvalidArgument.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;
absl::StatusOr<int> EffectivePageSize(int requested);

// Workflows are listed by name: the token holds the last name.
std::string EncodeWorkflowPageToken(absl::string_view last_name);
absl::StatusOr<std::string> DecodeWorkflowPageToken(absl::string_view token);

// Agents too; an agent token is not a workflow token, nor the other way round.
std::string EncodeAgentPageToken(absl::string_view last_name);
absl::StatusOr<std::string> DecodeAgentPageToken(absl::string_view token);

// Executions are listed newest first: the token holds the last (created_at, id).
struct ExecutionCursor {
  int64_t created_at_nanos = 0;
  std::string id;
};
std::string EncodeExecutionPageToken(const ExecutionCursor& last);
absl::StatusOr<ExecutionCursor> DecodeExecutionPageToken(absl::string_view token);

}  // namespace stigmer::store

#endif  // STIGMER_SERVER_STORE_PAGE_TOKEN_H_
