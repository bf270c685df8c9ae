#ifndef STIGMER_SUPERVISOR_HTTP_OK_PROBE_H_
#define STIGMER_SUPERVISOR_HTTP_OK_PROBE_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "supervisor/readiness_probe.h"

namespace stigmer::supervisor {

// Sends `GET path HTTP/1.1` to `address` ("host:port") every `interval` (each exchange bounded
// by one second) until the status line says 200, then calls `on_ok` once and stops. Any other
// answer (llama.cpp says 503 while it loads its model), a refused connection or a timeout means
// "not yet".
//
// Threads: probes on a thread of its own; `on_ok` runs on that thread. Destroying the probe
// cancels it and joins the thread (at most about one second); `on_ok` is never called after
// the destructor returned.
class HttpOkProbe final : public ReadinessProbe {
 public:
  HttpOkProbe(std::string address, std::string path, std::function<void()> on_ok,
              absl::Duration interval = absl::Milliseconds(50));
  ~HttpOkProbe() override;
  HttpOkProbe(const HttpOkProbe&) = delete;
  HttpOkProbe& operator=(const HttpOkProbe&) = delete;

 private:
  std::jthread thread_;
};

// One exchange: the status code `GET path` on `address` answers, read from the status line.
// Errors: Unavailable (cannot connect, closed early), DeadlineExceeded (nothing within
// `timeout`), InvalidArgument (an address that is not host:port, or an answer that is not HTTP).
absl::StatusOr<int> HttpGetStatus(const std::string& address, const std::string& path,
                                  absl::Duration timeout);

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_HTTP_OK_PROBE_H_
