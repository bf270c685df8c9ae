#ifndef STIGMER_WORKFLOW_SANDBOX_FRAMES_H_
#define STIGMER_WORKFLOW_SANDBOX_FRAMES_H_

// The wire between an ExpressionSandbox and its child, over the child's stdin and stdout, on one
// machine (native byte order):
//   request:  u8 kind; u32 length, the program (or schema); u32 length, the input's JSON text
//   response: u8 kind, u32 length, the text (the result, or a message)

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace stigmer::workflow {

enum class SandboxRequest : uint8_t {
  kJqProgram = 0,   // run the jq program on the input
  kJsonSchema = 1,  // check the input against the JSON Schema
};

enum class SandboxAnswer : uint8_t {
  kResult = 0,        // text: the first result as JSON
  kNoResult = 1,      // the program produced nothing; the value matches the schema
  kJqError = 2,       // text: jq's message; why the value does not match the schema
  kBoundReached = 3,  // text: which bound, e.g. the result's size
};

// The most one field may hold: anything longer is a broken stream.
inline constexpr uint32_t kMaxSandboxField = uint32_t{1} << 30;

// `text` as a u32 length and the bytes.
void AppendSandboxField(std::string& out, absl::string_view text);

// Writes all of `data` to the non-blocking `fd` by `deadline`. DeadlineExceeded when the
// deadline passed; the errno (EPIPE when the reader is gone) as a status otherwise.
absl::Status WriteAllBy(int fd, absl::string_view data, absl::Time deadline);

// Reads exactly `size` bytes from the non-blocking `fd` by `deadline` into `out`.
// DeadlineExceeded when the deadline passed, Unavailable at end of file.
absl::Status ReadExactBy(int fd, size_t size, absl::Time deadline, std::string& out);

// Blocking versions for the child: false at end of file or on an error.
bool ReadExact(int fd, size_t size, std::string& out);
bool WriteAll(int fd, absl::string_view data);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_SANDBOX_FRAMES_H_
