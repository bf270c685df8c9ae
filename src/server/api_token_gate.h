#ifndef STIGMER_SERVER_API_TOKEN_GATE_H_
#define STIGMER_SERVER_API_TOKEN_GATE_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "grpcpp/security/server_credentials.h"

namespace stigmer::server {

// The one place where stigmer-server's port checks who calls: every call but grpc.health.v1 and
// server reflection must carry the metadata "authorization: Bearer <token>" (token compared in
// constant time). Other calls are refused UNAUTHENTICATED before any service sees them, with a
// message that says where the token is; each refusal is logged (warning) with the method and
// the caller's user agent, never with the token presented. Health stays open for probes;
// reflection only describes the services, whose definitions are public (proto/).
//
// gRPC C++ 1.51 lets only an auth metadata processor refuse a call before its handler runs, and
// that processor is not told the peer's address: the log names the caller by its user agent.
class ApiTokenGate {
 public:
  enum class Verdict { kAllowed, kMissing, kWrong };

  // `token_file` is only named in refusals. REQUIRES: `token` is not empty.
  ApiTokenGate(std::string token, std::filesystem::path token_file);
  ApiTokenGate(const ApiTokenGate&) = delete;
  ApiTokenGate& operator=(const ApiTokenGate&) = delete;

  // The verdict on a call to `method` ("/package.Service/Method") that carries these
  // `authorization` metadata values.
  Verdict Judge(absl::string_view method,
                const std::vector<absl::string_view>& authorization) const;

  // What a refused caller reads.
  std::string RefusalMessage(Verdict verdict) const;

  // Plaintext listening credentials (as grpc::InsecureServerCredentials) that judge every call.
  // REQUIRES: this gate outlives the server that listens with them.
  std::shared_ptr<grpc::ServerCredentials> Credentials();

 private:
  std::string token_;
  std::filesystem::path token_file_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_API_TOKEN_GATE_H_
