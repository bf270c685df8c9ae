#include "server/store/page_token.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/ulid.h"

namespace stigmer::store {
namespace {

constexpr absl::string_view kWorkflowTag = "wf1";
constexpr absl::string_view kExecutionTag = "ex1";
constexpr absl::string_view kAgentTag = "ag1";

absl::Status InvalidToken() { return absl::InvalidArgumentError("invalid page token"); }

// The token's fields after its tag (at most `count`, the last taking the rest of the text, so
// that it may hold any character); empty when the token is not one of `tag`.
std::vector<std::string> Fields(absl::string_view token, absl::string_view tag, int count) {
  std::string text;
  if (token.empty() || !absl::WebSafeBase64Unescape(token, &text)) return {};
  std::vector<std::string> fields = absl::StrSplit(text, absl::MaxSplits('\n', count));
  if (fields.empty() || fields[0] != tag) return {};
  fields.erase(fields.begin());
  return fields;
}

std::string NameToken(absl::string_view tag, absl::string_view last_name) {
  return absl::WebSafeBase64Escape(absl::StrCat(tag, "\n", last_name));
}

absl::StatusOr<std::string> NameFromToken(absl::string_view tag, absl::string_view token) {
  std::vector<std::string> fields = Fields(token, tag, 1);
  if (fields.size() != 1 || fields[0].empty()) return InvalidToken();
  return fields[0];
}

}  // namespace

absl::StatusOr<int> EffectivePageSize(int requested) {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page size must not be negative (got ", requested, ")"));
  }
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

std::string EncodeWorkflowPageToken(absl::string_view last_name) {
  return NameToken(kWorkflowTag, last_name);
}

absl::StatusOr<std::string> DecodeWorkflowPageToken(absl::string_view token) {
  return NameFromToken(kWorkflowTag, token);
}

std::string EncodeAgentPageToken(absl::string_view last_name) {
  return NameToken(kAgentTag, last_name);
}

absl::StatusOr<std::string> DecodeAgentPageToken(absl::string_view token) {
  return NameFromToken(kAgentTag, token);
}

std::string EncodeExecutionPageToken(const ExecutionCursor& last) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kExecutionTag, "\n", last.created_at_nanos, "\n", last.id));
}

absl::StatusOr<ExecutionCursor> DecodeExecutionPageToken(absl::string_view token) {
  std::vector<std::string> fields = Fields(token, kExecutionTag, 2);
  ExecutionCursor cursor;
  if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &cursor.created_at_nanos) ||
      !IsExecutionId(fields[1])) {
    return InvalidToken();
  }
  cursor.id = fields[1];
  return cursor;
}

}  // namespace stigmer::store
