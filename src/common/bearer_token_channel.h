#ifndef STIGMER_COMMON_BEARER_TOKEN_CHANNEL_H_
#define STIGMER_COMMON_BEARER_TOKEN_CHANNEL_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace stigmer {

// A plaintext channel to `address` (host:port) on which every call carries the metadata
// "authorization: Bearer <token>", as stigmer-server's API requires (server/api_token_gate.h).
// With an empty token calls carry no authorization.
std::shared_ptr<grpc::Channel> CreateBearerTokenChannel(
    const std::string& address, const std::string& token,
    const grpc::ChannelArguments& arguments = grpc::ChannelArguments());

}  // namespace stigmer

#endif  // STIGMER_COMMON_BEARER_TOKEN_CHANNEL_H_
