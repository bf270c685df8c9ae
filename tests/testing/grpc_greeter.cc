#include "testing/grpc_greeter.h"

#include <atomic>
#include <stdexcept>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace stigmer::testing {
namespace {

namespace io = ::google::protobuf::io;

struct HelloRequest {
  std::string name;
  int32_t repeat = 0;
};

HelloRequest Decode(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (buffer.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  HelloRequest request;
  io::ArrayInputStream stream(bytes.data(), static_cast<int>(bytes.size()));
  io::CodedInputStream input(&stream);
  while (uint32_t tag = input.ReadTag()) {
    if (tag == 0x0A) {
      uint32_t size = 0;
      if (!input.ReadVarint32(&size) || !input.ReadString(&request.name, size)) break;
    } else if (tag == 0x10) {
      uint32_t value = 0;
      if (!input.ReadVarint32(&value)) break;
      request.repeat = static_cast<int32_t>(value);
    } else {
      break;
    }
  }
  return request;
}

grpc::ByteBuffer Reply(const std::string& message) {
  std::string bytes;
  {
    io::StringOutputStream stream(&bytes);
    io::CodedOutputStream output(&stream);
    output.WriteTag(0x0A);
    output.WriteVarint32(static_cast<uint32_t>(message.size()));
    output.WriteString(message);
  }
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// "/pkg.Greeter/SayHello" → "SayHello"; "" for a service other than a Greeter.
std::string GreeterMethod(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return "";
  const std::string service = path.substr(1, slash - 1);
  if (service != "Greeter" && !absl::EndsWith(service, ".Greeter")) return "";
  return path.substr(slash + 1);
}

class Call final : public grpc::ServerGenericBidiReactor {
 public:
  explicit Call(grpc::GenericCallbackServerContext* context) : context_(context) {
    const std::string method = GreeterMethod(context->method());
    if ((method != "SayHello" && method != "Fail" && method != "Hang")) {
      End(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no such method"));
      return;
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      End(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request"));
      return;
    }
    const HelloRequest hello = Decode(request_);
    const std::string method = GreeterMethod(context_->method());

    if (method == "Hang") return;  // OnCancel finishes it
    std::string name = hello.name;
    if (name == "whoami") {
      auto found = context_->client_metadata().find("authorization");
      name = found == context_->client_metadata().end()
                 ? "nobody"
                 : std::string(found->second.data(), found->second.size());
    }
    if (method == "Fail") {
      End(grpc::Status(grpc::StatusCode::NOT_FOUND, "no greeting for " + name));
      return;
    }
    std::string message = hello.name == "whoami" ? name : "Hello, " + name;
    if (hello.repeat > 0) message = std::string(static_cast<size_t>(hello.repeat), 'x');
    response_ = Reply(message);
    if (!finished_.exchange(true)) {
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    }
  }

  void OnCancel() override { End(grpc::Status::CANCELLED); }

  // Finishes once, whichever of OnReadDone and OnCancel comes first.
  void End(grpc::Status status) {
    if (!finished_.exchange(true)) Finish(std::move(status));
  }

  void OnDone() override { delete this; }  // the reactor pattern: gRPC owns it until here

 private:
  grpc::GenericCallbackServerContext* context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::atomic<bool> finished_{false};
};

class Greeter final : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    return new Call(context);
  }
};

}  // namespace

GrpcGreeter::GrpcGreeter() : service_(std::make_unique<Greeter>()) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  builder.RegisterCallbackGenericService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) throw std::runtime_error("the greeter cannot listen");
}

GrpcGreeter::~GrpcGreeter() {
  server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  server_->Wait();
}

}  // namespace stigmer::testing
