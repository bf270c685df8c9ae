#include "config/api_token.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/errno_status.h"
#include "common/file_io.h"
#include "common/unique_fd.h"

namespace stigmer::config {
namespace {

constexpr size_t kTokenBytes = 32;
constexpr size_t kTokenLength = 2 * kTokenBytes;

absl::StatusOr<std::string> NewToken() {
  char bytes[kTokenBytes];
  size_t filled = 0;
  while (filled < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + filled, sizeof bytes - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus("cannot get random bytes for the API token", errno);
    }
    filled += static_cast<size_t>(n);
  }
  return absl::BytesToHexString(absl::string_view(bytes, sizeof bytes));
}

}  // namespace

absl::StatusOr<std::string> ReadApiToken(const std::filesystem::path& file) {
  const std::string context = absl::StrCat("cannot read the API token at ", file.string());
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoToStatus(context, errno);
  char buffer[256];
  std::string text;
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(context, errno);
    }
    if (n == 0 || text.size() > sizeof buffer) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  const absl::string_view token = absl::StripAsciiWhitespace(text);
  if (token.size() != kTokenLength ||
      token.find_first_not_of("0123456789abcdef") != absl::string_view::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(context,
                     ": it does not hold a token; delete it and restart the server (`stigmer "
                     "server restart`) to make a new one"));
  }
  return std::string(token);
}

absl::StatusOr<std::string> LoadOrCreateApiToken(const std::filesystem::path& file) {
  absl::StatusOr<std::string> existing = ReadApiToken(file);
  if (!absl::IsNotFound(existing.status())) return existing;
  if (absl::Status made = MakeDirectories(file.parent_path()); !made.ok()) return made;
  absl::StatusOr<std::string> token = NewToken();
  if (!token.ok()) return token.status();
  const std::filesystem::path fresh = absl::StrCat(file.string(), ".new.", ::getpid());
  if (absl::Status written = WriteFileAtomically(fresh, absl::StrCat(*token, "\n"), 0600);
      !written.ok()) {
    return written;
  }
  const bool linked = ::link(fresh.c_str(), file.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(fresh.c_str());
  if (linked) return token;
  if (link_errno == EEXIST) return ReadApiToken(file);
  return ErrnoToStatus(absl::StrCat("cannot create the API token at ", file.string()), link_errno);
}

}  // namespace stigmer::config
