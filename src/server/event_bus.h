#ifndef STIGMER_SERVER_EVENT_BUS_H_
#define STIGMER_SERVER_EVENT_BUS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "nlohmann/json.hpp"
#include "server/store/store.h"

namespace stigmer::server {

// stigmer-server's event bus: the one way an event comes in, whether by gRPC
// (EventService.Publish), by HTTP (event_http_request.h) or from a workflow's `emit`. An event is
// validated (common/cloud_event.h) and stored before Publish returns OK, so an accepted event
// survives a restart; an id its source already published is accepted again without being stored
// twice. Knows nothing of gRPC or HTTP. Thread-safe.
class EventBus {
 public:
  struct Accepted {
    std::string id;
    std::string source;
    int64_t sequence = 0;
    bool duplicate = false;
  };

  // REQUIRES: `store` outlives this object.
  explicit EventBus(store::Store* store) : store_(store) {}

  // Accepts `event` (the CloudEvents JSON format). InvalidArgument naming what is wrong with it;
  // the store's error (Unavailable...) when it cannot be stored, and then nothing is stored.
  absl::StatusOr<Accepted> Publish(const nlohmann::json& event);

  // Calls `on_new_event` after every event newly stored (not after a duplicate), on the
  // publisher's thread: it must be quick (wake a reader up). REQUIRES: called before events
  // are published.
  void OnNewEvent(std::function<void()> on_new_event);

 private:
  store::Store* const store_;
  absl::Mutex mutex_;
  std::vector<std::function<void()>> listeners_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EVENT_BUS_H_
