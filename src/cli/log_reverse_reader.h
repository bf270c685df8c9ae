#ifndef STIGMER_CLI_LOG_REVERSE_READER_H_
#define STIGMER_CLI_LOG_REVERSE_READER_H_

#include <sys/types.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace stigmer::cli {

// Reads the lines of the first `end` bytes of a file last to first, loading blocks from the end
// with pread, so that the last few lines of a large file cost a few blocks, not the whole file.
// A '\n' ends a line; bytes after the last '\n' form a last line of their own. Does not own
// `fd`, which must stay open while the reader is used. Not thread-safe.
class ReverseLineReader {
 public:
  ReverseLineReader(int fd, off_t end);

  // The line before the previously returned one (without its '\n'); nullopt once the first line
  // was returned. An error if the file cannot be read.
  absl::StatusOr<std::optional<std::string>> Previous();

 private:
  int fd_;
  off_t loaded_from_;   // bytes [loaded_from_, end) have been read into buffer_ or returned
  std::string buffer_;  // read but not yet returned, always starting at loaded_from_
  bool exhausted_;
  bool loaded_any_ = false;
};

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_LOG_REVERSE_READER_H_
