#include "common/scoped_sigpipe_block.h"

#include <pthread.h>
#include <time.h>

namespace stigmer {
namespace {

sigset_t PipeOnly() {
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  return pipe_only;
}

}  // namespace

ScopedSigpipeBlock::ScopedSigpipeBlock() {
  const sigset_t pipe_only = PipeOnly();
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, &previous_);
}

ScopedSigpipeBlock::~ScopedSigpipeBlock() {
  if (sigismember(&previous_, SIGPIPE)) return;  // it was blocked before: leave it so
  sigset_t pending;
  sigemptyset(&pending);
  if (::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE)) {
    const sigset_t pipe_only = PipeOnly();
    const timespec zero{0, 0};
    ::sigtimedwait(&pipe_only, nullptr, &zero);
  }
  ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace stigmer
