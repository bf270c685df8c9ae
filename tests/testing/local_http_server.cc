#include "testing/local_http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <exception>
#include <optional>
#include <stdexcept>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"

namespace stigmer::testing {
namespace {

// No request takes longer than this to arrive; a stuck client is dropped.
constexpr absl::Duration kReadTimeout = absl::Seconds(30);

const char* Reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

bool SendAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;  // the client is gone (EPIPE, ECONNRESET)
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

// Reads more of `fd` into `buffer`; false at end of file, on error, on stop or on timeout.
bool ReadMore(int fd, int stop_fd, absl::Time deadline, std::string& buffer) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  while (true) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left <= 0) return false;
    const int ready = ::poll(fds, 2, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0 || fds[1].revents != 0) return false;
    char chunk[65536];
    const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(got));
    return true;
  }
}

// Parses the request line and headers (everything before the blank line).
std::optional<HttpServerRequest> ParseHead(absl::string_view head) {
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  std::vector<absl::string_view> parts = absl::StrSplit(lines[0], ' ');
  if (parts.size() != 3) return std::nullopt;
  HttpServerRequest request;
  request.method = std::string(parts[0]);
  const absl::string_view target = parts[1];
  const size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != absl::string_view::npos) request.query = std::string(target.substr(question + 1));
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) continue;
    std::string name = absl::AsciiStrToLower(lines[i].substr(0, colon));
    std::string value(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    request.headers[name] = std::move(value);
  }
  return request;
}

}  // namespace

LocalHttpServer::LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
  listener_.Reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener_) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the kernel picks a free port
  if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_.get(), 16) != 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof address;
  ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  stop_read_.Reset(fds[0]);
  stop_write_.Reset(fds[1]);
  thread_ = std::thread([this] { Serve(); });
}

LocalHttpServer::~LocalHttpServer() {
  [[maybe_unused]] ssize_t written = ::write(stop_write_.get(), "x", 1);
  thread_.join();
}

std::string LocalHttpServer::url() const { return absl::StrCat("http://127.0.0.1:", port_); }

std::vector<HttpServerRequest> LocalHttpServer::requests() const {
  absl::MutexLock lock(&mutex_);
  return requests_;
}

void LocalHttpServer::Serve() {
  pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
  while (true) {
    const int ready = ::poll(fds, 2, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || fds[1].revents != 0) return;
    UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (connection) HandleConnection(std::move(connection));
  }
}

void LocalHttpServer::HandleConnection(UniqueFd connection) {
  const int fd = connection.get();
  const absl::Time deadline = absl::Now() + kReadTimeout;
  std::string buffer;
  size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadMore(fd, stop_read_.get(), deadline, buffer)) return;
  }
  std::optional<HttpServerRequest> request =
      ParseHead(absl::string_view(buffer).substr(0, head_end));
  if (!request) {
    SendAll(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return;
  }
  size_t content_length = 0;
  if (auto found = request->headers.find("content-length"); found != request->headers.end()) {
    if (!absl::SimpleAtoi(found->second, &content_length)) return;
  }
  if (auto expect = request->headers.find("expect");
      expect != request->headers.end() && absl::EqualsIgnoreCase(expect->second, "100-continue")) {
    if (!SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return;
  }
  const size_t body_start = head_end + 4;
  while (buffer.size() - body_start < content_length) {
    if (!ReadMore(fd, stop_read_.get(), deadline, buffer)) return;
  }
  request->body = buffer.substr(body_start, content_length);
  {
    absl::MutexLock lock(&mutex_);
    requests_.push_back(*request);
  }

  HttpServerResponse response;
  try {
    response = handler_(*request);
  } catch (const std::exception& error) {
    response = HttpServerResponse{500, {}, error.what()};
  }
  std::string head =
      absl::StrCat("HTTP/1.1 ", response.status, " ", Reason(response.status), "\r\n");
  for (const auto& [name, value] : response.headers)
    absl::StrAppend(&head, name, ": ", value, "\r\n");
  absl::StrAppend(&head, "Content-Length: ", response.body.size(), "\r\nConnection: close\r\n\r\n");
  const bool no_body =
      request->method == "HEAD" || response.status == 204 || response.status == 304;
  if (SendAll(fd, head) && !no_body) SendAll(fd, response.body);
  ::shutdown(fd, SHUT_WR);
}

}  // namespace stigmer::testing
