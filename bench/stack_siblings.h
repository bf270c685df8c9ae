#ifndef STIGMER_BENCH_STACK_SIBLINGS_H_
#define STIGMER_BENCH_STACK_SIBLINGS_H_

// A measured worker's memory as it is in a stack. The stack's processes are one binary: PSS
// divides the pages of the binary and its libraries among the processes that map them, so a
// worker measured alone is charged for all of them. Here the two other components are started
// beside it from the same binary, home and Temporal (the daemon, which maps the binary too, is
// left out: the figure is the worker's share among three, not four).

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "config/paths.h"

namespace stigmer::bench {

enum class MeasuredComponent { kWorkflowRunner, kAgentRunner };

struct StackSiblings {
  std::string stigmer;           // the binary
  config::Paths home;            // the measured worker's STIGMER_HOME
  std::string temporal_address;  // the measured worker's Temporal
  std::filesystem::path logs;    // a folder for the siblings' logs
};

// Starts stigmer-server and the other worker beside `worker` (`measured`), waits until they are
// ready, and returns the PSS of `worker` and its descendants in KiB; stops them again. -1, after
// printing why, when one cannot start.
int64_t PssBesideTheStack(pid_t worker, MeasuredComponent measured, const StackSiblings& stack);

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_STACK_SIBLINGS_H_
