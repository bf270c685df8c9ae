#include "temporal/busy_retry.h"

#include "gtest/gtest.h"

namespace stigmer::temporal {
namespace {

TEST(CallWhileBusyTest, ABusyAnswerIsAskedAgainUntilTheRealOne) {
  int calls = 0;
  const grpc::Status status = CallWhileBusy(
      [&](grpc::ClientContext&) {
        return ++calls < 3 ? grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                          "consistent query buffer is full")
                           : grpc::Status::OK;
      },
      absl::Seconds(10));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(calls, 3);
}

TEST(CallWhileBusyTest, OtherErrorsAreAnsweredAtOnce) {
  int calls = 0;
  const grpc::Status status = CallWhileBusy(
      [&](grpc::ClientContext&) {
        ++calls;
        return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such schedule");
      },
      absl::Seconds(10));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(calls, 1);
}

TEST(CallWhileBusyTest, ABusyTemporalIsReportedOnceTheDeadlineLeavesNoRoom) {
  int calls = 0;
  const absl::Time start = absl::Now();
  const grpc::Status status = CallWhileBusy(
      [&](grpc::ClientContext& context) {
        ++calls;
        EXPECT_LE(absl::FromChrono(context.deadline()),
                  start + absl::Milliseconds(400) + absl::Milliseconds(50));
        return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "busy");
      },
      absl::Milliseconds(400));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "busy");
  EXPECT_GE(calls, 2);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(400));
}

}  // namespace
}  // namespace stigmer::temporal
