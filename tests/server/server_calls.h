#ifndef STIGMER_TESTS_SERVER_SERVER_CALLS_H_
#define STIGMER_TESTS_SERVER_SERVER_CALLS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/bearer_token_channel.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/rpc_method.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "stigmer/v1/info.grpc.pb.h"

namespace stigmer::testing {

// The API token of the in-process servers these tests start (ServerOptions::api_token).
inline constexpr char kTestApiToken[] =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

// A channel to 127.0.0.1:`port` whose calls carry `token` (none when empty).
inline std::shared_ptr<grpc::Channel> LocalChannel(int port,
                                                   const std::string& token = kTestApiToken) {
  return CreateBearerTokenChannel(absl::StrCat("127.0.0.1:", port), token);
}

// InfoService.GetInfo on 127.0.0.1:`port`, carrying `token`.
inline absl::StatusOr<stigmer::v1::GetInfoResponse> CallGetInfo(
    int port, const std::string& token = kTestApiToken) {
  auto stub = stigmer::v1::InfoService::NewStub(LocalChannel(port, token));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  stigmer::v1::GetInfoResponse response;
  grpc::Status status = stub->GetInfo(&context, stigmer::v1::GetInfoRequest(), &response);
  if (!status.ok()) return absl::UnavailableError(status.error_message());
  return response;
}

// The services that server reflection (grpc.reflection.v1alpha) on 127.0.0.1:`port` lists, asked
// without a token.
// Debian ships no reflection.proto, so the request is written and the answer read by field
// number: ServerReflectionRequest.list_services = 7; ServerReflectionResponse
// .list_services_response = 6 { repeated ServiceResponse service = 1 { string name = 1 } }.
inline absl::StatusOr<std::vector<std::string>> ListServicesByReflection(int port) {
  std::shared_ptr<grpc::Channel> channel = LocalChannel(port, "");
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  const grpc::internal::RpcMethod method(
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      grpc::internal::RpcMethod::BIDI_STREAMING);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
          channel.get(), method, &context));

  const std::string request("\x3a\x01*", 3);  // field 7, length 1, "*"
  grpc::Slice request_slice(request);
  if (!stream->Write(grpc::ByteBuffer(&request_slice, 1))) {
    return absl::UnavailableError("cannot send the reflection request");
  }
  stream->WritesDone();
  grpc::ByteBuffer answer;
  const bool got_answer = stream->Read(&answer);
  grpc::Status finished = stream->Finish();
  if (!got_answer) return absl::UnavailableError(finished.error_message());

  std::vector<grpc::Slice> slices;
  (void)answer.Dump(&slices);
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  google::protobuf::UnknownFieldSet response;
  if (!response.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InternalError("unreadable reflection response");
  }
  std::vector<std::string> names;
  for (int i = 0; i < response.field_count(); ++i) {
    if (response.field(i).number() != 6) continue;
    google::protobuf::UnknownFieldSet list;
    const std::string& list_bytes = response.field(i).length_delimited();
    list.ParseFromArray(list_bytes.data(), static_cast<int>(list_bytes.size()));
    for (int j = 0; j < list.field_count(); ++j) {
      google::protobuf::UnknownFieldSet service;
      const std::string& service_bytes = list.field(j).length_delimited();
      service.ParseFromArray(service_bytes.data(), static_cast<int>(service_bytes.size()));
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1) names.push_back(service.field(k).length_delimited());
      }
    }
  }
  return names;
}

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_SERVER_SERVER_CALLS_H_
