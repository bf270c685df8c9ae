#include "agent/tools/workspace.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errno_status.h"
#include "re2/re2.h"

namespace stigmer::agent {
namespace {

constexpr size_t kMaxLineBytes = 300;
constexpr int kMaxListDepth = 64;

using DirStream = std::unique_ptr<DIR, int (*)(DIR*)>;

std::string Shown(absl::string_view path) { return path.empty() ? "." : std::string(path); }

absl::Status Outside(absl::string_view path) {
  return absl::PermissionDeniedError(
      absl::StrCat(Shown(path),
                   " is outside the workspace: give a path relative to it, with no '..' "
                   "leading out and no symlink pointing out"));
}

// `path` made relative and lexical ("a/./b/../c" → "a/c"); Outside() for an absolute path or
// one that climbs out, InvalidArgument for a NUL byte.
absl::StatusOr<std::string> Normalized(absl::string_view path) {
  if (path.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("a path must not hold a NUL byte");
  }
  const std::filesystem::path given(std::string(path.empty() ? "." : path));
  if (given.is_absolute()) return Outside(path);
  std::string normal = given.lexically_normal().generic_string();
  if (normal == ".." || normal.rfind("../", 0) == 0) return Outside(path);
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal.empty() ? "." : normal;
}

absl::Status FromErrno(absl::string_view path, int error) {
  switch (error) {
    case EXDEV:
    case ELOOP:
      return Outside(path);
    case ENOENT:
      return absl::NotFoundError(absl::StrCat(Shown(path), " does not exist in the workspace"));
    case ENOTDIR:
      return absl::FailedPreconditionError(
          absl::StrCat("a part of ", Shown(path), " is a file, not a folder"));
    case EISDIR:
      return absl::FailedPreconditionError(
          absl::StrCat(Shown(path), " is a folder: list it instead"));
    case ENOSYS:
      return absl::UnimplementedError(
          "this kernel has no openat2 (Linux 5.6 or later): the files tool cannot confine "
          "paths, so it is unavailable");
    default:
      return ErrnoToStatus(Shown(path), error);
  }
}

int OpenAt2(int dir, const std::string& path, int flags, mode_t mode) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  int fd;
  do {
    fd = static_cast<int>(::syscall(SYS_openat2, dir, path.c_str(), &how, sizeof how));
  } while (fd < 0 && errno == EAGAIN);
  return fd;
}

absl::StatusOr<std::string> ReadFd(int fd, size_t max_bytes, bool* truncated) {
  std::string content;
  char buffer[65536];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus("read", errno);
    }
    if (got == 0) break;
    content.append(buffer, static_cast<size_t>(got));
    if (content.size() > max_bytes) {
      content.resize(max_bytes);
      *truncated = true;
      break;
    }
  }
  return content;
}

absl::Status WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t wrote = ::write(fd, data.data(), data.size());
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus("write", errno);
    }
    data.remove_prefix(static_cast<size_t>(wrote));
  }
  return absl::OkStatus();
}

void ListInto(int dir, const std::string& prefix, bool recursive, int depth, size_t max_entries,
              std::vector<WorkspaceEntry>& entries, bool* truncated) {
  const int copy = ::fcntl(dir, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return;
  DirStream stream(::fdopendir(copy), &::closedir);
  if (stream == nullptr) {
    ::close(copy);
    return;
  }
  while (const dirent* entry = ::readdir(stream.get())) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (entries.size() >= max_entries) {
      *truncated = true;
      return;
    }
    struct stat info {};
    if (::fstatat(dir, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
    WorkspaceEntry& listed = entries.emplace_back();
    listed.path = prefix.empty() ? name : absl::StrCat(prefix, "/", name);
    listed.directory = S_ISDIR(info.st_mode);
    listed.symlink = S_ISLNK(info.st_mode);
    if (S_ISREG(info.st_mode)) listed.size = info.st_size;
    if (recursive && listed.directory && depth < kMaxListDepth) {
      UniqueFd child(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      const std::string child_prefix = listed.path;
      if (child)
        ListInto(child.get(), child_prefix, true, depth + 1, max_entries, entries, truncated);
    }
  }
}

bool LooksBinary(absl::string_view content) {
  return content.substr(0, 8192).find('\0') != absl::string_view::npos;
}

}  // namespace

absl::StatusOr<Workspace> Workspace::Open(const std::filesystem::path& root,
                                          WorkspaceLimits limits) {
  std::error_code error;
  std::filesystem::create_directories(root, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create the workspace ", root.string(), ": ", error.message()));
  }
  std::filesystem::permissions(root, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, error);
  UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return ErrnoToStatus(absl::StrCat("open the workspace ", root.string()), errno);
  return Workspace(root, std::move(fd), limits);
}

absl::StatusOr<UniqueFd> Workspace::OpenBeneath(absl::string_view path, int flags,
                                                mode_t mode) const {
  absl::StatusOr<std::string> normal = Normalized(path);
  if (!normal.ok()) return normal.status();
  const int fd = OpenAt2(fd_.get(), *normal, flags, mode);
  if (fd < 0) return FromErrno(path, errno);
  return UniqueFd(fd);
}

absl::StatusOr<std::vector<WorkspaceEntry>> Workspace::List(absl::string_view path, bool recursive,
                                                            bool* truncated) const {
  *truncated = false;
  absl::StatusOr<UniqueFd> dir = OpenBeneath(path, O_RDONLY | O_DIRECTORY);
  if (!dir.ok()) return dir.status();
  absl::StatusOr<std::string> normal = Normalized(path);
  std::vector<WorkspaceEntry> entries;
  ListInto(dir->get(), *normal == "." ? "" : *normal, recursive, 0, limits_.max_entries, entries,
           truncated);
  std::sort(entries.begin(), entries.end(),
            [](const WorkspaceEntry& a, const WorkspaceEntry& b) { return a.path < b.path; });
  return entries;
}

absl::StatusOr<ReadResult> Workspace::ReadUpTo(absl::string_view path, size_t max_bytes) const {
  // O_NONBLOCK: a FIFO planted in the workspace must not hang the tool.
  absl::StatusOr<UniqueFd> file = OpenBeneath(path, O_RDONLY | O_NONBLOCK);
  if (!file.ok()) return file.status();
  struct stat info {};
  if (::fstat(file->get(), &info) != 0) return ErrnoToStatus(Shown(path), errno);
  if (S_ISDIR(info.st_mode)) return FromErrno(path, EISDIR);
  if (!S_ISREG(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(Shown(path), " is not a regular file (a device, socket or FIFO)"));
  }
  ReadResult result;
  result.size = info.st_size;
  absl::StatusOr<std::string> content = ReadFd(file->get(), max_bytes, &result.truncated);
  if (!content.ok()) return content.status();
  result.content = *std::move(content);
  return result;
}

absl::StatusOr<ReadResult> Workspace::Read(absl::string_view path) const {
  return ReadUpTo(path, limits_.max_read_bytes);
}

absl::StatusOr<std::string> Workspace::ReadWhole(absl::string_view path) const {
  absl::StatusOr<ReadResult> read = ReadUpTo(path, limits_.max_file_bytes);
  if (!read.ok()) return read.status();
  if (read->truncated) {
    return absl::FailedPreconditionError(
        absl::StrCat(Shown(path), " is larger than ", limits_.max_file_bytes, " bytes"));
  }
  return std::move(read->content);
}

absl::Status Workspace::Write(absl::string_view path, absl::string_view content) const {
  if (content.size() > limits_.max_file_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the content for ", Shown(path), " is larger than ", limits_.max_file_bytes, " bytes"));
  }
  absl::StatusOr<std::string> normal = Normalized(path);
  if (!normal.ok()) return normal.status();
  if (*normal == ".") return FromErrno(path, EISDIR);
  std::vector<std::string> parts = absl::StrSplit(*normal, '/');
  const std::string name = parts.back();
  parts.pop_back();

  absl::StatusOr<UniqueFd> folder = MakeFolders(parts, path);
  if (!folder.ok()) return folder.status();
  UniqueFd parent = *std::move(folder);
  static std::atomic<uint64_t> counter{0};
  const std::string temporary = absl::StrCat(".", name, ".stigmer-", ::getpid(), "-", counter++);
  UniqueFd file(::openat(parent.get(), temporary.c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!file) return FromErrno(path, errno);
  absl::Status written = WriteAll(file.get(), content);
  if (written.ok() &&
      ::renameat(parent.get(), temporary.c_str(), parent.get(), name.c_str()) != 0) {
    written = FromErrno(path, errno);
  }
  if (!written.ok()) ::unlinkat(parent.get(), temporary.c_str(), 0);
  return written;
}

absl::StatusOr<UniqueFd> Workspace::MakeFolders(const std::vector<std::string>& parts,
                                                absl::string_view path) const {
  // Each missing folder is made where the folder before it was found, beneath the workspace.
  UniqueFd parent(::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0));
  if (!parent) return ErrnoToStatus("dup", errno);
  for (const std::string& part : parts) {
    if (::mkdirat(parent.get(), part.c_str(), 0700) != 0 && errno != EEXIST) {
      return FromErrno(path, errno);
    }
    const int next = OpenAt2(parent.get(), part, O_RDONLY | O_DIRECTORY, 0);
    if (next < 0) return FromErrno(path, errno);
    parent.Reset(next);
  }
  return parent;
}

absl::StatusOr<std::filesystem::path> Workspace::Folder(absl::string_view path) const {
  absl::StatusOr<std::string> normal = Normalized(path);
  if (!normal.ok()) return normal.status();
  std::vector<std::string> parts;
  if (*normal != ".") parts = absl::StrSplit(*normal, '/');
  absl::StatusOr<UniqueFd> folder = MakeFolders(parts, path);
  if (!folder.ok()) return folder.status();
  std::error_code error;
  std::filesystem::path real =
      std::filesystem::read_symlink(absl::StrCat("/proc/self/fd/", folder->get()), error);
  if (error) return absl::InternalError(absl::StrCat(Shown(path), ": ", error.message()));
  return real;
}

absl::StatusOr<int> Workspace::Edit(absl::string_view path, absl::string_view old_text,
                                    absl::string_view new_text, bool all) const {
  if (old_text.empty()) return absl::InvalidArgumentError("the text to replace is empty");
  absl::StatusOr<std::string> content = ReadWhole(path);
  if (!content.ok()) return content.status();
  const std::string old_string(old_text);
  std::vector<size_t> at;
  for (size_t found = content->find(old_string); found != std::string::npos;
       found = content->find(old_string, found + old_string.size())) {
    at.push_back(found);
  }
  if (at.empty()) {
    return absl::NotFoundError(absl::StrCat("the text to replace is not in ", Shown(path),
                                            ": read the file and copy the text exactly"));
  }
  if (at.size() > 1 && !all) {
    return absl::InvalidArgumentError(
        absl::StrCat("the text to replace appears ", at.size(), " times in ", Shown(path),
                     ": include more of the surrounding text, or replace all"));
  }
  std::string edited;
  size_t from = 0;
  for (size_t position : at) {
    edited.append(*content, from, position - from);
    edited.append(new_text.data(), new_text.size());
    from = position + old_string.size();
  }
  edited.append(*content, from);
  if (absl::Status written = Write(path, edited); !written.ok()) return written;
  return static_cast<int>(at.size());
}

absl::StatusOr<std::vector<GrepMatch>> Workspace::Grep(absl::string_view pattern,
                                                       absl::string_view path,
                                                       bool* truncated) const {
  *truncated = false;
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 regex(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!regex.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the pattern is not a valid regular expression (RE2): ", regex.error()));
  }
  std::vector<std::string> files;
  absl::StatusOr<ReadResult> single = Read(path);
  if (single.ok()) {
    files.push_back(std::string(path));
  } else if (absl::IsFailedPrecondition(single.status()) &&
             absl::StrContains(single.status().message(), "is a folder")) {
    bool listed_all = false;
    absl::StatusOr<std::vector<WorkspaceEntry>> entries = List(path, true, &listed_all);
    if (!entries.ok()) return entries.status();
    for (const WorkspaceEntry& entry : *entries) {
      if (!entry.directory && !entry.symlink) files.push_back(entry.path);
    }
  } else {
    return single.status();
  }
  std::vector<GrepMatch> matches;
  for (const std::string& file : files) {
    absl::StatusOr<std::string> content = ReadWhole(file);
    if (!content.ok() || LooksBinary(*content)) continue;
    int line_number = 0;
    for (absl::string_view line : absl::StrSplit(*content, '\n')) {
      ++line_number;
      if (!RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), regex)) continue;
      if (matches.size() >= limits_.max_matches) {
        *truncated = true;
        return matches;
      }
      matches.push_back({file, line_number, std::string(line.substr(0, kMaxLineBytes))});
    }
  }
  return matches;
}

}  // namespace stigmer::agent
