#include "supervisor/port_preflight.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/errno_status.h"
#include "common/file_io.h"
#include "common/unique_fd.h"

namespace stigmer::supervisor {
namespace {

// Inodes of the sockets bound to local `port` in /proc/net/tcp or tcp6.
std::set<std::string> SocketInodesForPort(int port) {
  std::set<std::string> inodes;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    absl::StatusOr<std::string> text = ReadFileToString(table);
    if (!text.ok()) continue;
    bool header = true;
    for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
      if (std::exchange(header, false)) continue;
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
      std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (fields.size() < 10) continue;
      const size_t colon = fields[1].rfind(':');
      int local_port = 0;
      if (colon == absl::string_view::npos ||
          !absl::SimpleHexAtoi(fields[1].substr(colon + 1), &local_port) || local_port != port) {
        continue;
      }
      if (fields[9] != "0") inodes.insert(std::string(fields[9]));
    }
  }
  return inodes;
}

std::string CommandLineOf(const std::string& pid) {
  absl::StatusOr<std::string> raw = ReadFileToString(absl::StrCat("/proc/", pid, "/cmdline"));
  if (!raw.ok()) return "";
  std::string text = *raw;
  while (!text.empty() && text.back() == '\0') text.pop_back();
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

// "pid 4711 (python3 -m http.server)" for the first process holding one of `inodes`.
std::optional<std::string> DescribeHolder(const std::set<std::string>& inodes) {
  if (inodes.empty()) return std::nullopt;
  std::error_code error;
  for (const auto& process : std::filesystem::directory_iterator("/proc", error)) {
    const std::string pid = process.path().filename().string();
    int ignored = 0;
    if (!absl::SimpleAtoi(pid, &ignored)) continue;
    std::error_code fd_error;
    for (const auto& fd : std::filesystem::directory_iterator(process.path() / "fd", fd_error)) {
      std::error_code link_error;
      const std::string target = std::filesystem::read_symlink(fd.path(), link_error).string();
      absl::string_view inode = target;
      if (link_error || !absl::ConsumePrefix(&inode, "socket:[") ||
          !absl::ConsumeSuffix(&inode, "]") || !inodes.contains(std::string(inode))) {
        continue;
      }
      const std::string command = CommandLineOf(pid);
      if (command.empty()) return absl::StrCat("pid ", pid);
      return absl::StrCat("pid ", pid, " (", command, ")");
    }
  }
  return std::nullopt;
}

}  // namespace

absl::Status CheckPortFree(int port) {
  UniqueFd socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket_fd) return ErrnoToStatus("socket", errno);
  const int one = 1;
  ::setsockopt(socket_fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(socket_fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
    return absl::OkStatus();
  }
  const int bind_errno = errno;
  if (bind_errno != EADDRINUSE) {
    return ErrnoToStatus(absl::StrCat("bind 127.0.0.1:", port), bind_errno);
  }
  socket_fd.Reset();  // so that our own probe socket is not mistaken for the holder
  std::optional<std::string> holder = DescribeHolder(SocketInodesForPort(port));
  return absl::FailedPreconditionError(absl::StrCat(
      "port ", port, " is in use by ", holder.has_value() ? *holder : "another program"));
}

}  // namespace stigmer::supervisor
