#include "common/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include "absl/strings/str_cat.h"

namespace stigmer {
namespace {

// What one request has sent so far; owned by libmicrohttpd's per-request pointer.
struct RequestState {
  std::string body;
  bool too_large = false;
};

MHD_Result CollectHeader(void* cls, MHD_ValueKind /*kind*/, const char* key, const char* value) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(cls);
  headers->emplace_back(key == nullptr ? "" : key, value == nullptr ? "" : value);
  return MHD_YES;
}

MHD_Result Respond(MHD_Connection* connection, const HttpResponse& answer) {
  MHD_Response* response = MHD_create_response_from_buffer(
      answer.body.size(), const_cast<char*>(answer.body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  for (const auto& [name, value] : answer.headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  const MHD_Result queued =
      MHD_queue_response(connection, static_cast<unsigned int>(answer.status), response);
  MHD_destroy_response(response);
  return queued;
}

MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                     const char* /*version*/, const char* upload_data, size_t* upload_data_size,
                     void** request_state) {
  if (*request_state == nullptr) {  // the headers have arrived; the body (if any) follows
    *request_state = std::make_unique<RequestState>().release();  // freed by OnCompleted
    return MHD_YES;
  }
  const auto* server = static_cast<const HttpServer*>(cls);
  auto& state = *static_cast<RequestState*>(*request_state);
  if (*upload_data_size > 0) {
    if (!state.too_large && state.body.size() + *upload_data_size > server->max_body_bytes()) {
      state.too_large = true;
      std::string().swap(state.body);
    }
    if (!state.too_large) state.body.append(upload_data, *upload_data_size);
    *upload_data_size = 0;
    return MHD_YES;
  }
  HttpRequest request;
  request.method = method;
  request.path = url;
  MHD_get_connection_values(connection, MHD_HEADER_KIND, &CollectHeader, &request.headers);
  request.body = std::move(state.body);
  request.body_too_large = state.too_large;
  return Respond(connection, server->Handle(request));
}

void OnCompleted(void* /*cls*/, MHD_Connection* /*connection*/, void** request_state,
                 MHD_RequestTerminationCode /*code*/) {
  std::unique_ptr<RequestState> owned(static_cast<RequestState*>(*request_state));
  *request_state = nullptr;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(HttpListen listen, Handler handler) {
  sockaddr_in socket_address{};
  socket_address.sin_family = AF_INET;
  socket_address.sin_port = htons(static_cast<uint16_t>(listen.port));
  if (listen.port < 0 || listen.port > 65535 ||
      ::inet_pton(AF_INET, listen.address.c_str(), &socket_address.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("cannot listen for ", listen.purpose, " on ",
                                                   listen.address, ":", listen.port,
                                                   ": not an IPv4 address and port"));
  }
  auto server = std::make_unique<HttpServer>(listen.max_body_bytes, std::move(handler));
  server->daemon_ = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD, static_cast<uint16_t>(listen.port), nullptr, nullptr,
      &OnRequest, server.get(), MHD_OPTION_SOCK_ADDR, &socket_address, MHD_OPTION_NOTIFY_COMPLETED,
      &OnCompleted, nullptr, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
  if (server->daemon_ == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for ", listen.purpose, " on ", listen.address, ":", listen.port,
        ": is another program using that port? Choose another with ", listen.port_setting));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info == nullptr ? listen.port : info->port;
  return server;
}

HttpServer::~HttpServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
}

}  // namespace stigmer
