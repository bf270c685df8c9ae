#include "supervisor/http_ok_probe.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/errno_status.h"
#include "common/unique_fd.h"

namespace stigmer::supervisor {
namespace {

// Waits until `fd` is ready for `events` or `deadline` passes.
absl::Status WaitUntilReady(int fd, short events, absl::Time deadline) {
  while (true) {
    const int64_t left_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left_ms <= 0) return absl::DeadlineExceededError("no answer in time");
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(left_ms));
    if (ready > 0) return absl::OkStatus();
    if (ready < 0 && errno != EINTR) return ErrnoToStatus("poll", errno);
  }
}

absl::StatusOr<UniqueFd> Connect(const std::string& address, absl::Time deadline) {
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat("not host:port: \"", address, "\""));
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(address.substr(0, colon).c_str(), address.substr(colon + 1).c_str(), &hints,
                    &found) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", address));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  UniqueFd fd(::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoToStatus("socket", errno);
  if (::connect(fd.get(), found->ai_addr, found->ai_addrlen) != 0 && errno != EINPROGRESS) {
    return absl::UnavailableError(absl::StrCat("cannot connect to ", address));
  }
  if (absl::Status ready = WaitUntilReady(fd.get(), POLLOUT, deadline); !ready.ok()) return ready;
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
    return absl::UnavailableError(absl::StrCat("cannot connect to ", address));
  }
  return fd;
}

void Probe(std::stop_token stop, const std::string& address, const std::string& path,
           const std::function<void()>& on_ok, absl::Duration interval) {
  std::mutex mu;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    const auto started = std::chrono::steady_clock::now();
    absl::StatusOr<int> status = HttpGetStatus(address, path, absl::Seconds(1));
    if (status.ok() && *status == 200) {
      if (!stop.stop_requested()) on_ok();
      return;
    }
    // The probe interval, cut short by cancellation.
    std::unique_lock lock(mu);
    wake.wait_until(lock, stop, started + absl::ToChronoMilliseconds(interval),
                    [] { return false; });
  }
}

}  // namespace

absl::StatusOr<int> HttpGetStatus(const std::string& address, const std::string& path,
                                  absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<UniqueFd> fd = Connect(address, deadline);
  if (!fd.ok()) return fd.status();
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: ", address, "\r\nConnection: close\r\n\r\n");
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd->get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      if (absl::Status ready = WaitUntilReady(fd->get(), POLLOUT, deadline); !ready.ok()) {
        return ready;
      }
    } else if (n < 0 && errno != EINTR) {
      return absl::UnavailableError(absl::StrCat("the connection to ", address, " broke"));
    }
  }
  // "HTTP/1.1 200 OK\r\n": the first line is all we need.
  std::string answer;
  while (answer.find("\r\n") == std::string::npos && answer.size() < 1024) {
    if (absl::Status ready = WaitUntilReady(fd->get(), POLLIN, deadline); !ready.ok()) {
      return ready;
    }
    char buffer[512];
    const ssize_t n = ::recv(fd->get(), buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0 && errno != EINTR && errno != EAGAIN) {
      return absl::UnavailableError(absl::StrCat("the connection to ", address, " broke"));
    }
    if (n > 0) answer.append(buffer, static_cast<size_t>(n));
  }
  int code = 0;
  if (answer.size() < 12 || answer.compare(0, 5, "HTTP/") != 0 ||
      !absl::SimpleAtoi(answer.substr(9, 3), &code)) {
    return absl::InvalidArgumentError(absl::StrCat(address, " did not answer in HTTP"));
  }
  return code;
}

HttpOkProbe::HttpOkProbe(std::string address, std::string path, std::function<void()> on_ok,
                         absl::Duration interval)
    : thread_([address = std::move(address), path = std::move(path), on_ok = std::move(on_ok),
               interval](std::stop_token stop) { Probe(stop, address, path, on_ok, interval); }) {}

HttpOkProbe::~HttpOkProbe() {
  thread_.request_stop();
  thread_.join();
}

}  // namespace stigmer::supervisor
