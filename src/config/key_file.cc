#include "config/key_file.h"

#include <sys/random.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/errno_status.h"
#include "common/file_io.h"

namespace stigmer::config {
namespace {

constexpr size_t kKeyBytes = 32;

absl::StatusOr<std::string> NewKey(absl::string_view what) {
  char bytes[kKeyBytes];
  size_t filled = 0;
  while (filled < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + filled, sizeof bytes - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(absl::StrCat("cannot get random bytes for the ", what), errno);
    }
    filled += static_cast<size_t>(n);
  }
  return absl::BytesToHexString(absl::string_view(bytes, sizeof bytes));
}

}  // namespace

absl::StatusOr<std::string> ReadKeyFile(const std::filesystem::path& file, absl::string_view what) {
  const std::string context = absl::StrCat("cannot read the ", what, " at ", file.string());
  absl::StatusOr<std::string> text = ReadFileToString(file);
  if (!text.ok()) {
    // "cannot open <file>: Permission denied": keep the reason.
    absl::string_view reason = text.status().message();
    if (size_t colon = reason.rfind(": "); colon != absl::string_view::npos) {
      reason.remove_prefix(colon + 2);
    }
    return absl::Status(text.status().code(), absl::StrCat(context, ": ", reason));
  }
  const absl::string_view key = absl::StripAsciiWhitespace(*text);
  if (key.size() != 2 * kKeyBytes ||
      key.find_first_not_of("0123456789abcdef") != absl::string_view::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(context, ": it does not hold a valid ", what,
                     "; delete it and restart the server (`stigmer server restart`) to make a new "
                     "one"));
  }
  return std::string(key);
}

absl::StatusOr<std::string> LoadOrCreateKeyFile(const std::filesystem::path& file,
                                                absl::string_view what) {
  absl::StatusOr<std::string> existing = ReadKeyFile(file, what);
  if (!absl::IsNotFound(existing.status())) return existing;
  if (absl::Status made = MakeDirectories(file.parent_path()); !made.ok()) return made;
  absl::StatusOr<std::string> key = NewKey(what);
  if (!key.ok()) return key.status();
  const std::filesystem::path fresh = absl::StrCat(file.string(), ".new.", ::getpid());
  if (absl::Status written = WriteFileAtomically(fresh, absl::StrCat(*key, "\n"), 0600);
      !written.ok()) {
    return written;
  }
  const bool linked = ::link(fresh.c_str(), file.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(fresh.c_str());
  if (linked) return key;
  if (link_errno == EEXIST) return ReadKeyFile(file, what);
  return ErrnoToStatus(absl::StrCat("cannot create the ", what, " at ", file.string()), link_errno);
}

}  // namespace stigmer::config
