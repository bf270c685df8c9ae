#include "cli/logs_command.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_join.h"
#include "cli/log_files.h"
#include "cli/log_follower.h"
#include "cli/log_merge.h"
#include "cli/log_tail.h"

namespace stigmer::cli {
namespace {

// One file to print: a component's stdout or stderr log.
struct LogStream {
  std::filesystem::path path;
  std::string prefix;  // put before each line: "[component] " with --all, else nothing
};

// "[component] ", in the color of the component's place in KnownLogComponents() if asked to.
std::string Prefix(const std::string& component, size_t index, bool color) {
  // ANSI foreground colors: cyan, green, magenta, yellow, blue.
  static constexpr const char* kColors[] = {"36", "32", "35", "33", "34"};
  if (!color) return "[" + component + "] ";
  return std::string("\x1b[") + kColors[index % std::size(kColors)] + "m[" + component +
         "]\x1b[0m ";
}

std::vector<LogStream> StreamsToPrint(const config::Paths& paths, const LogsOptions& options) {
  std::vector<LogStream> streams;
  if (!options.all) {
    streams.push_back({options.stderr_stream ? paths.StderrLog(options.component)
                                             : paths.StdoutLog(options.component),
                       ""});
    return streams;
  }
  const std::vector<std::string> components = KnownLogComponents();
  for (size_t index = 0; index < components.size(); ++index) {
    const std::string& component = components[index];
    const std::string prefix = Prefix(component, index, options.color);
    streams.push_back({paths.StdoutLog(component), prefix});
    if (paths.StderrLog(component) != paths.StdoutLog(component)) {
      streams.push_back({paths.StderrLog(component), prefix});
    }
  }
  return streams;
}

// The last lines of one stream. When following, the current file is handed to `follower`, so
// that the lines written after the tail are read from the same file, from where the tail ended.
absl::StatusOr<std::vector<LogEntry>> TailStream(const LogStream& stream,
                                                 const LogsOptions& options, LogFollower* follower,
                                                 bool& found) {
  absl::StatusOr<std::vector<OpenedLogFile>> files = OpenLogFiles(stream.path);
  if (!files.ok()) return files.status();
  found = found || !files->empty();
  std::vector<LogSource> sources;
  for (const OpenedLogFile& file : *files) sources.push_back({file.fd.get(), file.size});
  const bool has_current = !files->empty() && files->front().path == stream.path;
  if (follower != nullptr && has_current) {
    // A last line still being written is printed by the follower once it is complete.
    absl::StatusOr<off_t> end = CompleteLinesEnd(sources.front().fd, sources.front().end);
    if (!end.ok()) return end.status();
    sources.front().end = *end;
  }
  absl::StatusOr<std::vector<LogEntry>> entries =
      TailLog(sources, TailOptions{options.lines, options.since});
  if (!entries.ok()) return entries.status();
  if (follower != nullptr) {
    std::optional<OpenedLogFile> current;
    if (has_current) current = std::move(files->front());
    const off_t offset = has_current ? sources.front().end : 0;
    follower->Add(stream.path, std::move(current), offset);
  }
  return entries;
}

// Prints the last options.lines lines of `entries`.
void PrintEntries(const std::vector<SourcedLogEntry>& entries,
                  const std::vector<LogStream>& streams, const LogsOptions& options,
                  std::ostream& out) {
  size_t total = 0;
  for (const SourcedLogEntry& sourced : entries) total += sourced.entry.lines.size();
  size_t skip = (options.lines >= 0 && total > static_cast<size_t>(options.lines))
                    ? total - static_cast<size_t>(options.lines)
                    : 0;
  for (const SourcedLogEntry& sourced : entries) {
    const std::string& prefix = streams[sourced.source].prefix;
    for (const std::string& line : sourced.entry.lines) {
      if (skip > 0) {
        --skip;
        continue;
      }
      out << prefix << line << '\n';
    }
  }
}

void ReportNoLogs(const config::Paths& paths, const LogsOptions& options,
                  const std::vector<LogStream>& streams, std::ostream& err) {
  if (options.all) {
    err << "no logs yet in " << paths.LogDir().string();
  } else {
    err << "no logs yet for " << options.component << " at " << streams.front().path.string();
  }
  if (options.follow) {
    err << "; waiting for them (start the server with `stigmer server`)\n";
  } else {
    err << "; start the server with `stigmer server`\n";
  }
}

}  // namespace

std::vector<std::string> KnownLogComponents() {
  return {"stigmer-server", "workflow-runner", "agent-runner", "temporal", "llm", "supervisor"};
}

int RunLogs(const config::Paths& paths, const LogsOptions& options, std::ostream& out,
            std::ostream& err, const std::atomic<bool>& stop_requested) {
  const std::vector<std::string> known = KnownLogComponents();
  if (!options.all && std::find(known.begin(), known.end(), options.component) == known.end()) {
    err << "unknown component \"" << options.component
        << "\"; valid components: " << absl::StrJoin(known, ", ") << "\n";
    return 2;
  }
  const std::vector<LogStream> streams = StreamsToPrint(paths, options);

  std::optional<LogFollower> follower;
  if (options.follow) {
    absl::StatusOr<LogFollower> created = LogFollower::Create();
    if (!created.ok()) {
      err << "stigmer server logs: " << created.status().message() << "\n";
      return 1;
    }
    follower.emplace(*std::move(created));
  }

  // Adds the streams to `follower` in order, so that its file indexes are indexes in `streams`.
  std::vector<std::vector<LogEntry>> tails;
  bool found = false;
  for (const LogStream& stream : streams) {
    absl::StatusOr<std::vector<LogEntry>> entries =
        TailStream(stream, options, follower ? &*follower : nullptr, found);
    if (!entries.ok()) {
      err << "stigmer server logs: " << entries.status().message() << "\n";
      return 1;
    }
    tails.push_back(*std::move(entries));
  }
  if (!found) ReportNoLogs(paths, options, streams, err);
  PrintEntries(MergeLogsByTime(std::move(tails)), streams, options, out);
  out.flush();
  if (!follower) return 0;

  const absl::Status status = follower->Run(
      stop_requested,
      [&](size_t index, absl::string_view line) { out << streams[index].prefix << line << '\n'; },
      [&] { return static_cast<bool>(out.flush()); });  // a closed output ends the follow
  if (!status.ok()) {
    err << "stigmer server logs: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace stigmer::cli
