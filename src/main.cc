#include "absl/synchronization/mutex.h"
#include "cli/app.h"

int main(int argc, char** argv) {
  // Debian's Abseil checks every Mutex acquisition for lock-order cycles (a debugging aid that
  // takes one process-wide lock each time); the tests keep the check, the product does not.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return stigmer::cli::Main(argc, argv);
}
