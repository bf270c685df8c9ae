#ifndef STIGMER_COMMON_SCOPED_SIGPIPE_BLOCK_H_
#define STIGMER_COMMON_SCOPED_SIGPIPE_BLOCK_H_

#include <signal.h>

namespace stigmer {

// Writing to a pipe whose reader is gone raises SIGPIPE, which would kill the whole process:
// while one of these lives, SIGPIPE is blocked on the calling thread (the write fails with EPIPE
// instead); a SIGPIPE that arrived meanwhile is taken off before unblocking. Use on the thread
// that writes to a child's stdin.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock();
  ~ScopedSigpipeBlock();
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t previous_;
};

}  // namespace stigmer

#endif  // STIGMER_COMMON_SCOPED_SIGPIPE_BLOCK_H_
