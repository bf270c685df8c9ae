#ifndef STIGMER_SUPERVISOR_READINESS_PROBE_H_
#define STIGMER_SUPERVISOR_READINESS_PROBE_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/time/time.h"

namespace stigmer::supervisor {

// A readiness check running on a thread of its own (see ReadinessCheck). Destroying it cancels it;
// its callback is never called after the destructor returned.
class ReadinessProbe {
 public:
  virtual ~ReadinessProbe() = default;
};

// Asks grpc.health.v1.Health/Check(service) on `target` every `interval` (each call with a
// deadline of `interval`) until the answer is SERVING, then calls `on_serving` once and stops.
//
// Threads: probes on a thread of its own; `on_serving` runs on that thread (the supervisor posts
// it to its loop). Destroying the probe cancels it and joins the thread (at most about one
// call deadline); `on_serving` is never called after the destructor returned.
class GrpcHealthProbe final : public ReadinessProbe {
 public:
  GrpcHealthProbe(std::string target, std::string service, std::function<void()> on_serving,
                  absl::Duration interval = absl::Milliseconds(20));
  ~GrpcHealthProbe() override;
  GrpcHealthProbe(const GrpcHealthProbe&) = delete;
  GrpcHealthProbe& operator=(const GrpcHealthProbe&) = delete;

 private:
  std::jthread thread_;
};

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_READINESS_PROBE_H_
