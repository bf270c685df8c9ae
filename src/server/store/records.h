#ifndef STIGMER_SERVER_STORE_RECORDS_H_
#define STIGMER_SERVER_STORE_RECORDS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "stigmer/v1/execution.pb.h"

namespace stigmer::store {

// What a secret runtime value becomes in the store.
inline constexpr absl::string_view kRedactedSecret = "***";

// Replaces the value of every secret RuntimeValue with kRedactedSecret.
void RedactSecrets(stigmer::v1::Execution& execution);

// The bytes stored for an execution: the record with its secrets redacted.
std::string SerializeExecutionRecord(const stigmer::v1::Execution& execution);

// An execution from its stored bytes. DataLoss if they do not parse.
absl::StatusOr<stigmer::v1::Execution> ParseExecutionRecord(absl::string_view bytes);

// Times are stored as nanoseconds since the Unix epoch.
int64_t TimestampToNanos(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp NanosToTimestamp(int64_t nanos);

}  // namespace stigmer::store

#endif  // STIGMER_SERVER_STORE_RECORDS_H_
