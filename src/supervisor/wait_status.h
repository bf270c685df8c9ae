#ifndef STIGMER_SUPERVISOR_WAIT_STATUS_H_
#define STIGMER_SUPERVISOR_WAIT_STATUS_H_

#include <string>

namespace stigmer::supervisor {

// A waitpid() status in words: "exited with code 3", "killed by signal 9 (SIGKILL)",
// "killed by signal 11 (SIGSEGV), core dumped".
std::string DescribeWaitStatus(int wait_status);

// Blocks SIGCHLD, SIGTERM, SIGINT and SIGHUP for the whole process (so that they arrive only
// through the supervisor's signalfd) and ignores SIGPIPE.
// REQUIRES: called in main() before any thread is created (the mask is inherited by threads).
void BlockSupervisorSignals();

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_WAIT_STATUS_H_
