#ifndef STIGMER_SERVER_STIGMER_SERVER_MAIN_H_
#define STIGMER_SERVER_STIGMER_SERVER_MAIN_H_

namespace stigmer::server {

// The body of `stigmer internal stigmer-server`; returns its exit code.
//
// Reads ServerOptionsFromEnvironment (GRPC_PORT, STIGMER_LISTEN_ADDRESS,
// TEMPORAL_SERVICE_ADDRESS, STIGMER_HOME), blocks SIGTERM and SIGINT (call it before any other
// thread starts), reads the API token (creating it on first start: config/api_token.h), starts a
// StigmerServer and waits for one of those signals; then shuts down gracefully (5 s for
// calls in progress) and returns 0. Returns 1 after printing the reason to stderr when the port
// cannot be bound ("cannot listen on 127.0.0.1:7234: ...") or the token cannot be read or made, 2
// when the environment is invalid.
int RunStigmerServer();

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_STIGMER_SERVER_MAIN_H_
