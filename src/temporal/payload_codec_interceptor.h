#ifndef STIGMER_TEMPORAL_PAYLOAD_CODEC_INTERCEPTOR_H_
#define STIGMER_TEMPORAL_PAYLOAD_CODEC_INTERCEPTOR_H_

// The one place payloads are encrypted and decrypted: a gRPC client interceptor on the channel to
// Temporal (as Temporal's Go SDK does with NewPayloadCodecGRPCClientInterceptor). Everything
// above the channel (payloads.h, replay, the projection, start signatures) sees plain payloads.

#include <memory>

#include "google/protobuf/message.h"
#include "grpcpp/support/client_interceptor.h"
#include "temporal/payload_codec.h"

namespace stigmer::temporal {

// Encrypts every payload in `message` (SearchAttributes excepted, see payload_visitor.h), after
// moving each failure's message and stack trace into its encoded_attributes. Nothing is left in
// clear: a payload OpenSSL fails to encrypt (it never should) is replaced by an empty
// binary/encrypted payload that says so.
void EncodeMessagePayloads(const PayloadCodec& codec, google::protobuf::Message& message);

// The reverse: decrypts every payload it can, then restores the failures' messages. A payload
// that cannot be decrypted stays encrypted, with the reason in kDecryptErrorKey (DecodeJsonPayload
// reports it); it never stops the rest.
void DecodeMessagePayloads(const PayloadCodec& codec, google::protobuf::Message& message);

// Makes, for every call of a Temporal API service (methods "/temporal.api.…"), an interceptor
// that sends the request through EncodeMessagePayloads (on a copy: the caller's request is not
// changed) and passes the response through DecodeMessagePayloads before the caller sees it.
// Other calls (grpc.health.v1) are not intercepted.
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
NewPayloadCodecInterceptorFactory(std::shared_ptr<const PayloadCodec> codec);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_PAYLOAD_CODEC_INTERCEPTOR_H_
