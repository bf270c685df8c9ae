#include "common/proto_time.h"

#include "google/protobuf/util/time_util.h"

namespace stigmer {

using google::protobuf::util::TimeUtil;

absl::Time FromProtoTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

absl::Time FromProtoTimeMillis(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixMillis(TimeUtil::TimestampToMilliseconds(timestamp));
}

google::protobuf::Timestamp ToProtoTimeMillis(absl::Time time) {
  return TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(time));
}

google::protobuf::Duration ToProtoDuration(absl::Duration duration) {
  return TimeUtil::NanosecondsToDuration(absl::ToInt64Nanoseconds(duration));
}

google::protobuf::Duration ToProtoDurationMillis(absl::Duration duration) {
  return TimeUtil::MillisecondsToDuration(absl::ToInt64Milliseconds(duration));
}

}  // namespace stigmer
