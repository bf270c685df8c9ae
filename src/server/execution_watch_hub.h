#ifndef STIGMER_SERVER_EXECUTION_WATCH_HUB_H_
#define STIGMER_SERVER_EXECUTION_WATCH_HUB_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "stigmer/v1/execution.pb.h"

namespace stigmer::server {

// Fans the changes of executions out to the ExecutionService.Watch streams watching them.
// Thread-safe.
class ExecutionWatchHub {
 public:
  // One watcher of one execution. It sees states, never a queue of every intermediate one: a
  // slow watcher gets the latest state, which always holds everything before it.
  class Watch {
   public:
    Watch(ExecutionWatchHub* hub, std::string id) : hub_(hub), id_(std::move(id)) {}
    ~Watch();
    // The next state newer than the last one returned, waiting at most `timeout`; nullopt on
    // timeout or after Close().
    std::optional<stigmer::v1::Execution> Next(absl::Duration timeout);
    // True once the hub was closed: Next will return nothing more.
    bool closed() const;

   private:
    friend class ExecutionWatchHub;
    ExecutionWatchHub* hub_;
    std::string id_;
    uint64_t seen_ = 0;  // guarded by hub_->mutex_
  };

  // Starts watching execution `id`. `load` reads its stored state; it is called under the hub's
  // lock, so no state published after that read can be missed (writers store, then Publish).
  // The watch's first Next returns the loaded state or a newer one.
  absl::StatusOr<std::unique_ptr<Watch>> Subscribe(
      const std::string& id, const std::function<absl::StatusOr<stigmer::v1::Execution>()>& load);

  // A new state of an execution, already stored. Only watched executions are kept.
  void Publish(const stigmer::v1::Execution& execution);

  // Ends every watch (server shutdown).
  void Close();

 private:
  struct Entry {
    stigmer::v1::Execution latest;
    uint64_t generation = 0;
    int watchers = 0;
  };

  mutable absl::Mutex mutex_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mutex_);
  bool closed_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_WATCH_HUB_H_
