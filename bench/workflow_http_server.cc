#include "workflow_http_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"

namespace stigmer::bench {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr int kReadTimeoutSeconds = 10;

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// The path of the request line "METHOD TARGET VERSION": the target up to its first character
// that is not a letter, digit, '/', '-', '_' or '.' (so it can go into JSON as is).
std::string PathOf(const std::string& head) {
  const size_t first = head.find(' ');
  if (first == std::string::npos) return "";
  const size_t end = head.find_first_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.", first + 1);
  return head.substr(first + 1, end == std::string::npos ? std::string::npos : end - first - 1);
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoopbackJsonServer>> LoopbackJsonServer::Start(int threads) {
  std::unique_ptr<LoopbackJsonServer> server(new LoopbackJsonServer());
  server->listener_.Reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!server->listener_) return ErrnoToStatus("socket", errno);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(server->listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
          0 ||
      ::listen(server->listener_.get(), 256) != 0 ||
      ::getsockname(server->listener_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return ErrnoToStatus("listening on 127.0.0.1", errno);
  }
  server->port_ = ntohs(address.sin_port);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoToStatus("pipe2", errno);
  server->stop_read_.Reset(fds[0]);
  server->stop_write_.Reset(fds[1]);
  for (int i = 0; i < threads; ++i)
    server->threads_.emplace_back([s = server.get()] { s->Serve(); });
  return server;
}

LoopbackJsonServer::~LoopbackJsonServer() {
  stop_write_.Reset();  // POLLHUP on stop_read_ for every thread
  for (std::thread& thread : threads_) thread.join();
}

std::string LoopbackJsonServer::url() const { return absl::StrCat("http://127.0.0.1:", port_); }

void LoopbackJsonServer::Serve() {
  pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    // Another thread may have taken the connection first: EAGAIN, back to poll.
    UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (connection) Answer(connection.get());
  }
}

void LoopbackJsonServer::Answer(int connection) {
  const timeval timeout{kReadTimeoutSeconds, 0};
  ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string head;
  char chunk[4096];
  while (head.find("\r\n\r\n") == std::string::npos) {
    const ssize_t got = ::recv(connection, chunk, sizeof(chunk), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || head.size() > kMaxHeadBytes) return;  // gone, timed out or too long
    head.append(chunk, static_cast<size_t>(got));
  }
  const std::string body = absl::StrCat("{\"path\":\"", PathOf(head), "\"}");
  const std::string response = absl::StrCat(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ", body.size(),
      "\r\nConnection: close\r\n\r\n", body);
  if (SendAll(connection, response)) requests_.fetch_add(1);
  ::shutdown(connection, SHUT_WR);
}

}  // namespace stigmer::bench
