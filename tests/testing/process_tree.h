#ifndef STIGMER_TESTING_PROCESS_TREE_H_
#define STIGMER_TESTING_PROCESS_TREE_H_

// Who is whose child, read from /proc: for tests that check which process started which.

#include <sys/types.h>

#include <map>
#include <string>

namespace stigmer::testing {

// The parent pid of `pid`; 0 when it is gone.
pid_t ParentOf(pid_t pid);

// Its arguments joined by spaces; empty when it is gone.
std::string CommandLineOf(pid_t pid);

// The live children of `parent`, each with its command line.
std::map<pid_t, std::string> ChildrenOf(pid_t parent);

}  // namespace stigmer::testing

#endif  // STIGMER_TESTING_PROCESS_TREE_H_
