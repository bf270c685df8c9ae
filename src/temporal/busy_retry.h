#ifndef STIGMER_TEMPORAL_BUSY_RETRY_H_
#define STIGMER_TEMPORAL_BUSY_RETRY_H_

#include <functional>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace stigmer::temporal {

// Makes `call` (a unary call to Temporal, given a fresh context each time, with the deadline
// `now + timeout` of the whole) and makes it again while Temporal answers RESOURCE_EXHAUSTED —
// busy, not wrong: e.g. DescribeSchedule's "consistent query buffer is full" while the schedule's
// workflow is answering other queries — waiting 50 ms, then twice as long each time, as long as
// the deadline leaves room. Returns the last answer.
grpc::Status CallWhileBusy(const std::function<grpc::Status(grpc::ClientContext&)>& call,
                           absl::Duration timeout);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_BUSY_RETRY_H_
