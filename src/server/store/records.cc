#include "server/store/records.h"

#include "absl/status/status.h"

namespace stigmer::store {

void RedactSecrets(stigmer::v1::Execution& execution) {
  for (stigmer::v1::RuntimeValue& value : *execution.mutable_runtime()) {
    if (value.secret()) value.set_value(std::string(kRedactedSecret));
  }
}

std::string SerializeExecutionRecord(const stigmer::v1::Execution& execution) {
  std::string bytes;
  bool needs_redaction = false;
  for (const stigmer::v1::RuntimeValue& value : execution.runtime()) {
    needs_redaction |= value.secret() && value.value() != kRedactedSecret;
  }
  if (!needs_redaction) {
    execution.SerializeToString(&bytes);
    return bytes;
  }
  stigmer::v1::Execution redacted = execution;
  RedactSecrets(redacted);
  redacted.SerializeToString(&bytes);
  return bytes;
}

absl::StatusOr<stigmer::v1::Execution> ParseExecutionRecord(absl::string_view bytes) {
  stigmer::v1::Execution execution;
  if (!execution.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("a stored execution record does not parse");
  }
  return execution;
}

int64_t TimestampToNanos(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() * 1'000'000'000 + timestamp.nanos();
}

google::protobuf::Timestamp NanosToTimestamp(int64_t nanos) {
  google::protobuf::Timestamp timestamp;
  int64_t seconds = nanos / 1'000'000'000;
  int64_t rest = nanos % 1'000'000'000;
  if (rest < 0) {  // times before the epoch: nanos must stay in [0, 1e9)
    rest += 1'000'000'000;
    --seconds;
  }
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(rest));
  return timestamp;
}

}  // namespace stigmer::store
