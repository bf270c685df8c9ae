#include "activities/grpc_activity.h"

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "activities/activity_text.h"
#include "activities/http_request.h"
#include "activities/local_resource.h"
#include "activities/oauth2_token.h"
#include "activities/proto_schema.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/channel_arguments.h"

namespace stigmer::activities {
namespace {

using json = nlohmann::json;

constexpr absl::Duration kCheckEvery = absl::Milliseconds(250);

durable::WorkflowError Failure(const std::string& kind, std::string title, std::string detail,
                               const json& input) {
  return durable::StandardError(kind, std::move(title), std::move(detail), ActivityTaskPath(input));
}

ActivityResult Invalid(std::string detail, const json& input) {
  return ActivityResult::Failure(
      Failure("configuration", "Invalid gRPC call", std::move(detail), input));
}

const json* Member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() || found->is_null() ? nullptr : &*found;
}

std::string Text(const json* value) {
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

// The usual HTTP status of a gRPC code (grpc-gateway's table).
int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

struct Exchange {
  grpc::Status status;
  std::string response;
  bool cancelled = false;
};

// One unary call on a completion queue, polled so that `control` can cancel it.
Exchange Call(const std::string& target, const std::string& path, const std::string& request,
              const std::string& authorization, absl::Duration timeout, size_t max_bytes,
              ActivityControl& control) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(static_cast<int>(std::min<size_t>(max_bytes, INT32_MAX)));
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  grpc::CompletionQueue queue;
  grpc::Slice slice(request);
  grpc::ByteBuffer buffer(&slice, 1);
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, path, buffer, &queue);
  call->StartCall();
  Exchange exchange;
  grpc::ByteBuffer response;
  int done_tag = 1;
  call->Finish(&response, &exchange.status, &done_tag);
  void* tag = nullptr;
  bool ok = false;
  while (true) {
    const auto next = queue.AsyncNext(&tag, &ok, absl::ToChronoTime(absl::Now() + kCheckEvery));
    if (next == grpc::CompletionQueue::GOT_EVENT && tag == &done_tag) break;
    if (next == grpc::CompletionQueue::SHUTDOWN) break;
    if (!exchange.cancelled && !control.KeepGoing()) {
      exchange.cancelled = true;
      context.TryCancel();
    }
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (exchange.status.ok()) {
    std::vector<grpc::Slice> slices;
    if (response.Dump(&slices).ok()) {
      for (const grpc::Slice& part : slices) {
        exchange.response.append(reinterpret_cast<const char*>(part.begin()), part.size());
      }
    }
  }
  return exchange;
}

// RunGrpcActivity; `token` receives the OAuth access token the call was sent with, if any.
ActivityResult RunGrpcCall(const json& input, const ActivityLimits& limits,
                           ActivityControl& control, std::string& token) {
  const json* with = Member(input, "with");
  if (with == nullptr || !with->is_object()) return Invalid("`with` must be an object", input);
  const json* proto = Member(*with, "proto");
  const json* endpoint = proto != nullptr ? Member(*proto, "endpoint") : nullptr;
  if (endpoint != nullptr && endpoint->is_object()) endpoint = Member(*endpoint, "uri");
  if (endpoint == nullptr || !endpoint->is_string()) {
    return Invalid("`with.proto.endpoint` must be the .proto file's URI", input);
  }
  const json* service = Member(*with, "service");
  const std::string service_name = Text(service ? Member(*service, "name") : nullptr);
  const std::string host = Text(service ? Member(*service, "host") : nullptr);
  const std::string method_name = Text(Member(*with, "method"));
  if (service_name.empty() || host.empty() || method_name.empty()) {
    return Invalid("`with.service.name`, `with.service.host` and `with.method` are required",
                   input);
  }
  int port = 443;
  if (const json* given = service ? Member(*service, "port") : nullptr) {
    if (!given->is_number_integer() || given->get<int64_t>() < 1 || given->get<int64_t>() > 65535) {
      return Invalid("`with.service.port` must be a port number (1 to 65535)", input);
    }
    port = given->get<int>();
  }
  std::string authorization;
  const absl::Duration timeout = ActivityTimeout(input, limits.http_timeout);
  if (const json* given = service ? Member(*service, "authentication") : nullptr) {
    json policy = *given;
    if (auto failure = UseOAuthToken(policy, input, timeout, control, token)) {
      return *std::move(failure);
    }
    auto header = AuthorizationHeader(policy);
    if (auto* error = std::get_if<durable::WorkflowError>(&header)) {
      error->title = "Invalid gRPC call";
      error->instance = ActivityTaskPath(input);
      return ActivityResult::Failure(std::move(*error));
    }
    authorization = std::get<std::string>(std::move(header));
  }

  absl::StatusOr<std::string> path =
      ProtoFilePath(endpoint->get<std::string>(), SourceDirOf(input));
  if (!path.ok()) return Invalid(std::string(path.status().message()), input);
  absl::StatusOr<ProtoMethod> method = ProtoMethod::Load(*path, service_name, method_name);
  if (!method.ok()) return Invalid(std::string(method.status().message()), input);
  const json* arguments = Member(*with, "arguments");
  absl::StatusOr<std::string> request =
      method->EncodeRequest(arguments != nullptr ? *arguments : json::object());
  if (!request.ok()) return Invalid(std::string(request.status().message()), input);

  const std::string target = host.find(':') != std::string::npos && host.front() != '['
                                 ? absl::StrCat("[", host, "]:", port)
                                 : absl::StrCat(host, ":", port);
  const std::string what = absl::StrCat(method->Path(), " at ", target);
  Exchange exchange = Call(target, method->Path(), *request, authorization, timeout,
                           limits.max_output_bytes, control);
  if (exchange.cancelled) return ActivityResult::Cancelled();
  const grpc::StatusCode code = exchange.status.error_code();
  if (code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return ActivityResult::Failure(
        Failure("timeout", "gRPC call timed out",
                absl::StrCat(what, ": no answer within ", absl::FormatDuration(timeout),
                             timeout == limits.http_timeout
                                 ? " (the limit is set by STIGMER_HTTP_TIMEOUT_S)"
                                 : " (the task's timeout)"),
                input));
  }
  if (code == grpc::StatusCode::RESOURCE_EXHAUSTED &&
      absl::StrContains(exchange.status.error_message(), "larger than max")) {
    return ActivityResult::Failure(
        Failure("runtime", "Response too large",
                absl::StrCat("the response of ", what, " exceeds ", limits.max_output_bytes,
                             " bytes (the limit is set by STIGMER_MAX_OUTPUT_BYTES)"),
                input));
  }
  if (!exchange.status.ok()) {
    std::string title = absl::StrCat(method->Path(), " returned ", CodeName(code));
    durable::WorkflowError error =
        Failure("communication", title,
                ToValidUtf8(absl::StrCat(what, " returned ", CodeName(code), " (gRPC code ",
                                         static_cast<int>(code),
                                         "): ", Excerpt(exchange.status.error_message()))),
                input);
    error.status = HttpStatusOf(code);
    return ActivityResult::Failure(std::move(error));
  }
  absl::StatusOr<json> output = method->DecodeResponse(exchange.response);
  if (!output.ok()) {
    return ActivityResult::Failure(Failure("communication", "Invalid gRPC response",
                                           absl::StrCat(what, ": ", output.status().message()),
                                           input));
  }
  return ActivityResult::Success(*std::move(output));
}

}  // namespace

ActivityResult RunGrpcActivity(const json& input, const ActivityLimits& limits,
                               ActivityControl& control) {
  std::string token;
  ActivityResult result = RunGrpcCall(input, limits, control, token);
  return WithoutToken(std::move(result), token);
}

}  // namespace stigmer::activities
