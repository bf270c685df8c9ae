#ifndef STIGMER_ACTIVITIES_ACTIVITY_CONTROL_H_
#define STIGMER_ACTIVITIES_ACTIVITY_CONTROL_H_

// What the side-effect activities (`call: http`, `run: shell`) share: their limits, the way they
// learn that they must stop, and their result.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "durable/workflow_error.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// The key of an activity request that lists the run's secret values (absent when it has none):
// the activity redacts them from what it logs and from the errors it reports.
inline constexpr char kRedactKey[] = "redact";

struct ActivityLimits {
  // The most bytes an activity keeps of one output stream: an HTTP response body, a command's
  // stdout or its stderr. Beyond, the activity stops and fails with a runtime error.
  size_t max_output_bytes = 1 << 20;
  // The longest one HTTP call may take, connection and transfer included.
  absl::Duration http_timeout = absl::Minutes(5);
  // The longest one shell command may run; then its process group is killed.
  absl::Duration shell_timeout = absl::Hours(1);
};

// Where an `emit` task publishes (emit_activity.h): stigmer-server's event bus, called with the
// API token read from `token_file` at each call (the server may make it after the worker
// started).
struct EventBusEndpoint {
  std::string address;  // host:port (STIGMER_BACKEND_ENDPOINT); empty: emit fails, saying so
  std::filesystem::path token_file;
};

// How a running activity keeps in touch with whoever runs it (the worker: Temporal heartbeats
// and cancellation). Implementations are called from the activity's own thread only.
class ActivityControl {
 public:
  virtual ~ActivityControl() = default;

  // Called by a running activity at least about once a second. Heartbeats (the implementation
  // rate-limits what it sends) and returns false once the activity must stop: it was cancelled,
  // its workflow is gone, or the worker is stopping. After false the activity stops its work
  // (aborts the transfer, kills the process group) and returns ActivityResult::Cancelled().
  virtual bool KeepGoing() = 0;
};

// What an activity came to: an output, a DSL error, or nothing because it was told to stop.
struct ActivityResult {
  enum class State {
    kCompleted,  // `output` is the task's raw output
    kFailed,     // `error` is the DSL error to raise at the task (instance: the task's path)
    kCancelled,  // KeepGoing() returned false; the work was stopped, nothing to report
  };
  State state = State::kCompleted;
  nlohmann::json output;
  durable::WorkflowError error;
  // kFailed: Temporal may run the activity again (the worker's trouble, not the request's);
  // otherwise the failure is final and the program decides what to do with it.
  bool retryable = false;

  bool ok() const { return state == State::kCompleted; }

  static ActivityResult Success(nlohmann::json output) {
    return {State::kCompleted, std::move(output), {}};
  }
  static ActivityResult Failure(durable::WorkflowError error) {
    return {State::kFailed, nullptr, std::move(error)};
  }
  static ActivityResult Cancelled() { return {State::kCancelled, nullptr, {}}; }
};

// The path of the task an activity input belongs to (its "task" member; "" when missing): the
// instance of the errors the activity raises.
inline std::string ActivityTaskPath(const nlohmann::json& input) {
  auto task = input.is_object() ? input.find("task") : input.end();
  return task != input.end() && task->is_string() ? task->get<std::string>() : std::string();
}

// How long the activity of `input` may run: the task's `timeout` ("timeout_ms", set by the
// interpreter when the task has one), else `fallback`, the limit of its kind.
inline absl::Duration ActivityTimeout(const nlohmann::json& input, absl::Duration fallback) {
  const int64_t timeout_ms = input.is_object() ? input.value("timeout_ms", int64_t{0}) : 0;
  return timeout_ms > 0 ? absl::Milliseconds(timeout_ms) : fallback;
}

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_ACTIVITY_CONTROL_H_
