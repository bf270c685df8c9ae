#include "supervisor/wait_status.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "absl/strings/str_cat.h"

namespace stigmer::supervisor {

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return absl::StrCat("exited with code ", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const int signal_number = WTERMSIG(wait_status);
    const char* abbrev = sigabbrev_np(signal_number);
    std::string text = absl::StrCat("killed by signal ", signal_number);
    if (abbrev != nullptr) absl::StrAppend(&text, " (SIG", abbrev, ")");
    if (WCOREDUMP(wait_status)) absl::StrAppend(&text, ", core dumped");
    return text;
  }
  return absl::StrCat("unknown wait status ", wait_status);
}

void BlockSupervisorSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal_number : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, signal_number);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

}  // namespace stigmer::supervisor
