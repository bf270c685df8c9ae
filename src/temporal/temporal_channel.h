#ifndef STIGMER_TEMPORAL_TEMPORAL_CHANNEL_H_
#define STIGMER_TEMPORAL_TEMPORAL_CHANNEL_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "temporal/payload_codec.h"

namespace stigmer::temporal {

// Messages up to this size go both ways: a workflow task carries its whole history.
inline constexpr int kTemporalMaxMessageBytes = 128 * 1024 * 1024;

// An insecure channel to a Temporal frontend at `address` ("host:port"), set up for long polls:
// 128 MiB message limits, keepalive pings every 30 s even while a poll waits (so a vanished
// server is noticed), and gRPC's own reconnect backoff capped at 5 s so a restarted server is
// found again quickly. Connects lazily; never fails.
//
// With a `codec`, every payload of every Temporal call is encrypted on its way out and decrypted
// on its way in (payload_codec_interceptor.h); components pass the codec of their payload key.
// Null: payloads travel as they are (tests, health probes, other tools' payloads).
// `own_connection`: a connection of the channel's own, not shared with identical channels.
std::shared_ptr<grpc::Channel> CreateTemporalChannel(const std::string& address,
                                                     std::shared_ptr<const PayloadCodec> codec,
                                                     bool own_connection = false);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_TEMPORAL_CHANNEL_H_
