#ifndef STIGMER_COMMON_GRPC_STATUS_H_
#define STIGMER_COMMON_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace stigmer {

// The two status types carry the same codes; these keep code and message. grpc::Status is used
// only at RPC boundaries (handlers and client calls); everything else speaks absl::Status.
absl::Status FromGrpcStatus(const grpc::Status& status);
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace stigmer

#endif  // STIGMER_COMMON_GRPC_STATUS_H_
