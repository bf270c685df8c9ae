#include "common/proto_time.h"

#include <gtest/gtest.h>

namespace stigmer {
namespace {

const absl::Time kAt = absl::FromUnixSeconds(1796000000) + absl::Nanoseconds(123456789);

TEST(ProtoTime, ATimestampReadsBackToTheNanosecond) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(1796000000);
  timestamp.set_nanos(123456789);
  EXPECT_EQ(FromProtoTime(timestamp), kAt);
}

TEST(ProtoTime, RecordsAndReplayKeepWholeMilliseconds) {
  const google::protobuf::Timestamp stored = ToProtoTimeMillis(kAt);
  EXPECT_EQ(stored.seconds(), 1796000000);
  EXPECT_EQ(stored.nanos(), 123000000);

  google::protobuf::Timestamp event;
  event.set_seconds(1796000000);
  event.set_nanos(123999999);
  EXPECT_EQ(FromProtoTimeMillis(event), absl::FromUnixMillis(int64_t{1796000000123}));
}

TEST(ProtoTime, DurationsKeepNanosecondsOrWholeMilliseconds) {
  const absl::Duration duration = absl::Seconds(90) + absl::Nanoseconds(1500001);
  const google::protobuf::Duration exact = ToProtoDuration(duration);
  EXPECT_EQ(exact.seconds(), 90);
  EXPECT_EQ(exact.nanos(), 1500001);
  const google::protobuf::Duration millis = ToProtoDurationMillis(duration);
  EXPECT_EQ(millis.seconds(), 90);
  EXPECT_EQ(millis.nanos(), 1000000);
}

}  // namespace
}  // namespace stigmer
