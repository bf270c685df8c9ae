#include "cli/log_follower.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"

namespace stigmer::cli {
namespace {

constexpr uint32_t kFolderEvents = IN_MODIFY | IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE |
                                   IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr size_t kReadSize = 64 * 1024;
// Bounds how often one round follows a path that keeps being replaced; the next round goes on.
constexpr int kMaxReplacementsPerRound = 8;

}  // namespace

absl::StatusOr<LogFollower> LogFollower::Create() {
  UniqueFd inotify(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!inotify) return ErrnoToStatus("inotify_init1", errno);
  return LogFollower(std::move(inotify));
}

size_t LogFollower::Add(std::filesystem::path path, std::optional<OpenedLogFile> opened,
                        off_t offset) {
  File file;
  file.path = std::move(path);
  if (opened.has_value()) {
    file.fd = std::move(opened->fd);
    file.device = opened->device;
    file.inode = opened->inode;
    file.offset = offset;
  }
  std::filesystem::path folder = file.path.parent_path();
  if (std::none_of(watches_.begin(), watches_.end(),
                   [&](const Watch& watch) { return watch.folder == folder; })) {
    watches_.push_back(Watch{std::move(folder), -1});
  }
  files_.push_back(std::move(file));
  return files_.size() - 1;
}

absl::Status LogFollower::Run(const std::atomic<bool>& stop_requested, const LineSink& sink,
                              const std::function<bool()>& after_poll,
                              absl::Duration poll_interval) {
  while (!stop_requested.load()) {
    if (absl::Status status = Poll(poll_interval, sink); !status.ok()) return status;
    if (after_poll && !after_poll()) break;
  }
  return absl::OkStatus();
}

absl::Status LogFollower::Poll(absl::Duration timeout, const LineSink& sink) {
  AddWatches();
  if (!read_once_) {
    read_once_ = true;
    if (absl::Status status = ReadAll(sink); !status.ok()) return status;
  }
  if (absl::Status status = WaitForEvents(timeout); !status.ok()) return status;
  return ReadAll(sink);
}

void LogFollower::AddWatches() {
  for (Watch& watch : watches_) {
    if (watch.descriptor >= 0) continue;
    // A folder that does not exist yet is tried again on the next round.
    watch.descriptor = ::inotify_add_watch(inotify_.get(), watch.folder.c_str(), kFolderEvents);
  }
}

absl::Status LogFollower::WaitForEvents(absl::Duration timeout) {
  pollfd descriptor{inotify_.get(), POLLIN, 0};
  const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));
  const int ready = ::poll(&descriptor, 1, timeout_ms);
  if (ready < 0) {
    if (errno == EINTR) return absl::OkStatus();  // e.g. SIGINT: the caller checks its flag
    return ErrnoToStatus("poll inotify", errno);
  }
  if (ready == 0) return absl::OkStatus();
  // Which file changed does not matter: every file is read after each wake-up. Only a folder
  // that went away (IN_IGNORED) needs handling: its watch is added again once it is back.
  alignas(inotify_event) char buffer[4096];
  while (true) {
    const ssize_t got = ::read(inotify_.get(), buffer, sizeof(buffer));
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return absl::OkStatus();
      return ErrnoToStatus("read inotify", errno);
    }
    if (got == 0) return absl::OkStatus();
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      if ((event->mask & IN_IGNORED) != 0) {
        for (Watch& watch : watches_) {
          if (watch.descriptor == event->wd) watch.descriptor = -1;
        }
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
}

absl::Status LogFollower::ReadAll(const LineSink& sink) {
  for (size_t index = 0; index < files_.size(); ++index) {
    if (absl::Status status = ReadFile(index, sink); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status LogFollower::ReadFile(size_t index, const LineSink& sink) {
  File& file = files_[index];
  for (int round = 0; round < kMaxReplacementsPerRound; ++round) {
    if (!file.fd) {
      absl::StatusOr<OpenedLogFile> opened = OpenLogFile(file.path);
      if (absl::IsNotFound(opened.status())) return absl::OkStatus();
      if (!opened.ok()) return opened.status();
      file.fd = std::move(opened->fd);
      file.device = opened->device;
      file.inode = opened->inode;
      file.offset = 0;
      file.partial.clear();
    }
    if (absl::Status status = ReadAppended(index, sink); !status.ok()) return status;

    struct stat st {};
    const bool same_file =
        ::stat(file.path.c_str(), &st) == 0 && st.st_dev == file.device && st.st_ino == file.inode;
    if (same_file) {
      if (st.st_size >= file.offset) return absl::OkStatus();
      file.offset = 0;  // truncated in place: start over
      file.partial.clear();
      continue;
    }
    // Renamed away or replaced: the writer may have appended to the old file until it switched,
    // so read it to its end once more before moving on to the new one.
    if (absl::Status status = ReadAppended(index, sink); !status.ok()) return status;
    if (!file.partial.empty()) sink(index, file.partial);
    file.partial.clear();
    file.fd.Reset();
  }
  return absl::OkStatus();
}

absl::Status LogFollower::ReadAppended(size_t index, const LineSink& sink) {
  File& file = files_[index];
  std::string chunk(kReadSize, '\0');
  while (true) {
    const ssize_t got = ::pread(file.fd.get(), chunk.data(), chunk.size(), file.offset);
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(absl::StrCat("read ", file.path.string()), errno);
    }
    if (got == 0) return absl::OkStatus();
    file.offset += got;
    file.partial.append(chunk.data(), static_cast<size_t>(got));
    size_t start = 0;
    for (size_t newline = file.partial.find('\n'); newline != std::string::npos;
         newline = file.partial.find('\n', start)) {
      sink(index, absl::string_view(file.partial).substr(start, newline - start));
      start = newline + 1;
    }
    file.partial.erase(0, start);
  }
}

}  // namespace stigmer::cli
