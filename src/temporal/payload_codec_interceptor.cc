#include "temporal/payload_codec_interceptor.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/interceptor.h"
#include "spdlog/spdlog.h"
#include "temporal/payload_visitor.h"

namespace stigmer::temporal {
namespace {

using google::protobuf::Message;
using grpc::experimental::InterceptionHookPoints;

constexpr absl::string_view kTemporalMethodPrefix = "/temporal.api.";

class PayloadCodecInterceptor final : public grpc::experimental::Interceptor {
 public:
  PayloadCodecInterceptor(std::shared_ptr<const PayloadCodec> codec, const Message* request_type)
      : codec_(std::move(codec)), request_type_(request_type) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      EncodeRequest(methods);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // Our stubs are generated protobuf classes: the received object is a Message.
      if (void* received = methods->GetRecvMessage(); received != nullptr) {
        DecodeMessagePayloads(*codec_, *static_cast<Message*>(received));
      }
    }
    methods->Proceed();
  }

 private:
  void EncodeRequest(grpc::experimental::InterceptorBatchMethods* methods) {
    if (const void* request = methods->GetSendMessage(); request != nullptr) {
      // Our stubs are generated protobuf classes: the request object is a Message.
      const Message& original = *static_cast<const Message*>(request);
      encoded_.reset(original.New());
      encoded_->CopyFrom(original);
    } else if (grpc::ByteBuffer* serialized = methods->GetSerializedSendMessage();
               serialized != nullptr && request_type_ != nullptr) {
      // Already serialized (async calls serialize early): parse, encode, send the parsed copy.
      std::vector<grpc::Slice> slices;
      std::string bytes;
      if (serialized->Dump(&slices).ok()) {
        for (const grpc::Slice& slice : slices) {
          bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
        }
      }
      encoded_.reset(request_type_->New());
      // What cannot be parsed cannot be encrypted: an empty request is sent rather than clear text.
      if (!encoded_->ParseFromString(bytes)) encoded_->Clear();
    } else {
      spdlog::error("a Temporal request of an unknown type is sent as it is");
      return;
    }
    EncodeMessagePayloads(*codec_, *encoded_);
    methods->ModifySendMessage(encoded_.get());
  }

  std::shared_ptr<const PayloadCodec> codec_;
  const Message* request_type_;       // the prototype of the request type (null: unknown)
  std::unique_ptr<Message> encoded_;  // what is sent; lives until the call ends
};

class PayloadCodecInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit PayloadCodecInterceptorFactory(std::shared_ptr<const PayloadCodec> codec)
      : codec_(std::move(codec)) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    const absl::string_view method = info->method() == nullptr ? "" : info->method();
    if (!absl::StartsWith(method, kTemporalMethodPrefix)) return nullptr;
    // "/temporal.api.x.v1.Service/Method" → "temporal.api.x.v1.Service.Method".
    const std::string name = absl::StrReplaceAll(method.substr(1), {{"/", "."}});
    const google::protobuf::MethodDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
    const Message* request_type =
        descriptor == nullptr ? nullptr
                              : google::protobuf::MessageFactory::generated_factory()->GetPrototype(
                                    descriptor->input_type());
    // gRPC takes ownership of the interceptor.
    return std::make_unique<PayloadCodecInterceptor>(codec_, request_type).release();
  }

 private:
  std::shared_ptr<const PayloadCodec> codec_;
};

}  // namespace

void EncodeMessagePayloads(const PayloadCodec& codec, Message& message) {
  VisitFailures(message, EncodeFailureAttributes);
  VisitPayloads(message, [&codec](Payload& payload) {
    absl::StatusOr<Payload> encoded = codec.Encode(payload);
    if (encoded.ok()) {
      payload = *std::move(encoded);
      return;
    }
    spdlog::error("{}", std::string(encoded.status().message()));
    payload.Clear();
    (*payload.mutable_metadata())[kEncodingKey] = kEncryptedEncoding;
    (*payload.mutable_metadata())[kDecryptErrorKey] =
        absl::StrCat("it was never written: ", encoded.status().message());
  });
}

void DecodeMessagePayloads(const PayloadCodec& codec, Message& message) {
  VisitPayloads(message, [&codec](Payload& payload) {
    absl::StatusOr<Payload> decoded = codec.Decode(payload);
    if (decoded.ok()) {
      payload = *std::move(decoded);
    } else {
      (*payload.mutable_metadata())[kDecryptErrorKey] = std::string(decoded.status().message());
    }
  });
  VisitFailures(message, DecodeFailureAttributes);
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
NewPayloadCodecInterceptorFactory(std::shared_ptr<const PayloadCodec> codec) {
  return std::make_unique<PayloadCodecInterceptorFactory>(std::move(codec));
}

}  // namespace stigmer::temporal
