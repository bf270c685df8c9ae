#include "common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"
#include "common/unique_fd.h"

namespace stigmer {

absl::Status WriteFileAtomically(const std::filesystem::path& path, absl::string_view contents,
                                 mode_t mode, bool durable) {
  const std::string temp = absl::StrCat(path.string(), ".tmp.", ::getpid());
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return ErrnoToStatus(absl::StrCat("cannot create ", temp), errno);
  auto fail = [&](absl::string_view what) {
    absl::Status status = ErrnoToStatus(absl::StrCat(what, " ", temp), errno);
    ::unlink(temp.c_str());
    return status;
  };
  while (!contents.empty()) {
    ssize_t n = ::write(fd.get(), contents.data(), contents.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    contents.remove_prefix(static_cast<size_t>(n));
  }
  if (::fchmod(fd.get(), mode) != 0) return fail("cannot chmod");
  if (durable && ::fsync(fd.get()) != 0) return fail("cannot fsync");
  fd.Reset();
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("cannot rename");
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFileToString(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoToStatus(absl::StrCat("cannot open ", path.string()), errno);
  std::string out;
  char buffer[16384];
  while (true) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(absl::StrCat("cannot read ", path.string()), errno);
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

absl::Status MakeDirectories(const std::filesystem::path& dir, mode_t mode) {
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (partial.empty() || partial == partial.root_path()) continue;
    if (::mkdir(partial.c_str(), mode) != 0 && errno != EEXIST) {
      return ErrnoToStatus(absl::StrCat("cannot create folder ", partial.string()), errno);
    }
  }
  return absl::OkStatus();
}

}  // namespace stigmer
