#ifndef STIGMER_COMMON_PROTO_TIME_H_
#define STIGMER_COMMON_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace stigmer {

// Between protobuf's Timestamp and Duration and absl's Time and Duration.
//
// The *Millis forms keep whole milliseconds, as execution records and schedules do, and as a
// replayed workflow must see an event's time: the same as its first run saw, whatever the
// precision of the history it is replayed from.
absl::Time FromProtoTime(const google::protobuf::Timestamp& timestamp);
absl::Time FromProtoTimeMillis(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp ToProtoTimeMillis(absl::Time time);

google::protobuf::Duration ToProtoDuration(absl::Duration duration);
google::protobuf::Duration ToProtoDurationMillis(absl::Duration duration);

}  // namespace stigmer

#endif  // STIGMER_COMMON_PROTO_TIME_H_
