#include "server/api_token_gate.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc_security.h"
#include "openssl/crypto.h"
#include "spdlog/spdlog.h"

namespace stigmer::server {
namespace {

constexpr absl::string_view kScheme = "Bearer ";

// Services that answer without a token.
bool IsOpen(absl::string_view method) {
  return absl::StartsWith(method, "/grpc.health.v1.Health/") ||
         absl::StartsWith(method, "/grpc.reflection.v1alpha.ServerReflection/") ||
         absl::StartsWith(method, "/grpc.reflection.v1.ServerReflection/");
}

absl::string_view View(const grpc_slice& slice) {
  return absl::string_view(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(slice)),
                           GRPC_SLICE_LENGTH(slice));
}

// Called by gRPC core for each incoming call, on its own thread, before the call is routed.
void Process(void* state, grpc_auth_context* /*context*/, const grpc_metadata* metadata,
             size_t count, grpc_process_auth_metadata_done_cb done, void* user_data) {
  const auto* gate = static_cast<const ApiTokenGate*>(state);
  absl::string_view method;
  absl::string_view user_agent = "unknown";
  std::vector<absl::string_view> authorization;
  const grpc_metadata* presented = nullptr;
  for (size_t i = 0; i < count; ++i) {
    const absl::string_view key = View(metadata[i].key);
    if (key == ":path") method = View(metadata[i].value);
    if (key == "user-agent") user_agent = View(metadata[i].value);
    if (key == "authorization") {
      authorization.push_back(View(metadata[i].value));
      presented = &metadata[i];
    }
  }
  const ApiTokenGate::Verdict verdict = gate->Judge(method, authorization);
  if (verdict == ApiTokenGate::Verdict::kAllowed) {
    // The token goes no further than this check.
    done(user_data, presented, presented != nullptr && authorization.size() == 1 ? 1 : 0, nullptr,
         0, GRPC_STATUS_OK, nullptr);
    return;
  }
  spdlog::warn("refused a call to {}: {} bearer token (user agent \"{}\")", std::string(method),
               verdict == ApiTokenGate::Verdict::kMissing ? "missing" : "wrong",
               std::string(user_agent));
  const std::string message = gate->RefusalMessage(verdict);
  done(user_data, nullptr, 0, nullptr, 0, GRPC_STATUS_UNAUTHENTICATED, message.c_str());
}

// InsecureServerCredentials cannot take a metadata processor; core's insecure credentials can.
class TokenCheckedCredentials final : public grpc::ServerCredentials {
 public:
  explicit TokenCheckedCredentials(ApiTokenGate* gate) : gate_(gate) {}

  void SetAuthMetadataProcessor(
      const std::shared_ptr<grpc::AuthMetadataProcessor>& /*processor*/) override {}

 private:
  int AddPortToServer(const std::string& address, grpc_server* server) override {
    grpc_server_credentials* credentials = grpc_insecure_server_credentials_create();
    grpc_server_credentials_set_auth_metadata_processor(credentials, {Process, nullptr, gate_});
    const int port = grpc_server_add_http2_port(server, address.c_str(), credentials);
    grpc_server_credentials_release(credentials);
    return port;
  }

  ApiTokenGate* gate_;
};

}  // namespace

ApiTokenGate::ApiTokenGate(std::string token, std::filesystem::path token_file)
    : token_(std::move(token)), token_file_(std::move(token_file)) {}

ApiTokenGate::Verdict ApiTokenGate::Judge(
    absl::string_view method, const std::vector<absl::string_view>& authorization) const {
  if (IsOpen(method)) return Verdict::kAllowed;
  if (authorization.empty()) return Verdict::kMissing;
  if (token_.empty()) return Verdict::kWrong;
  for (absl::string_view value : authorization) {
    if (value.size() != kScheme.size() + token_.size() ||
        !absl::StartsWithIgnoreCase(value, kScheme)) {
      continue;
    }
    if (CRYPTO_memcmp(value.data() + kScheme.size(), token_.data(), token_.size()) == 0) {
      return Verdict::kAllowed;
    }
  }
  return Verdict::kWrong;
}

std::string ApiTokenGate::RefusalMessage(Verdict verdict) const {
  return absl::StrCat(
      verdict == Verdict::kMissing ? "missing" : "wrong",
      " bearer token: send the metadata \"authorization: Bearer <token>\"; the "
      "token is in ",
      token_file_.empty() ? std::string("$STIGMER_HOME/data/api.token") : token_file_.string(),
      " (readable only by the account that runs stigmer)");
}

std::shared_ptr<grpc::ServerCredentials> ApiTokenGate::Credentials() {
  return std::make_shared<TokenCheckedCredentials>(this);
}

}  // namespace stigmer::server
