#include "workflow/sandbox_frames.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>

#include "absl/time/clock.h"
#include "common/errno_status.h"

namespace stigmer::workflow {
namespace {

// Waits until `fd` is ready for `events` or `deadline` passes (false then).
bool WaitReady(int fd, short events, absl::Time deadline) {
  while (true) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    pollfd entry{fd, events, 0};
    const int64_t ms = std::min<int64_t>(
        absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))), 60000);
    const int ready = ::poll(&entry, 1, static_cast<int>(ms));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return true;  // let the read or write report it
  }
}

}  // namespace

void AppendSandboxField(std::string& out, absl::string_view text) {
  const uint32_t length = static_cast<uint32_t>(text.size());
  out.append(reinterpret_cast<const char*>(&length), sizeof(length));
  out.append(text.data(), text.size());
}

absl::Status WriteAllBy(int fd, absl::string_view data, absl::Time deadline) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written > 0) {
      data.remove_prefix(static_cast<size_t>(written));
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && errno != EAGAIN) return ErrnoToStatus("writing to the sandbox", errno);
    if (!WaitReady(fd, POLLOUT, deadline)) return absl::DeadlineExceededError("deadline");
  }
  return absl::OkStatus();
}

absl::Status ReadExactBy(int fd, size_t size, absl::Time deadline, std::string& out) {
  out.resize(size);
  size_t done = 0;
  while (done < size) {
    const ssize_t got = ::read(fd, out.data() + done, size - done);
    if (got > 0) {
      done += static_cast<size_t>(got);
      continue;
    }
    if (got == 0) return absl::UnavailableError("the sandbox closed its output");
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return ErrnoToStatus("reading from the sandbox", errno);
    if (!WaitReady(fd, POLLIN, deadline)) return absl::DeadlineExceededError("deadline");
  }
  return absl::OkStatus();
}

bool ReadExact(int fd, size_t size, std::string& out) {
  out.resize(size);
  size_t done = 0;
  while (done < size) {
    const ssize_t got = ::read(fd, out.data() + done, size - done);
    if (got > 0) {
      done += static_cast<size_t>(got);
    } else if (got == 0 || errno != EINTR) {
      return false;
    }
  }
  return true;
}

bool WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written > 0) {
      data.remove_prefix(static_cast<size_t>(written));
    } else if (written < 0 && errno != EINTR) {
      return false;
    }
  }
  return true;
}

}  // namespace stigmer::workflow
