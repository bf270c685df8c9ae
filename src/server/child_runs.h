#ifndef STIGMER_SERVER_CHILD_RUNS_H_
#define STIGMER_SERVER_CHILD_RUNS_H_

// The workflows a run started with `run: workflow` (ServerlessWorkflow children), read from its
// history, so that each gets an execution record of its own (ExecutionManager). Agent children
// (`call: agent`, sub-agents) are not among them: they stay nested in their parent's record
// (child_progress.h).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "temporal/api/history/v1/message.pb.h"

namespace stigmer::server {

struct ChildRun {
  std::string workflow_id, run_id;  // Temporal's
  std::string name;                 // the child's document.name
  std::string document_version;     // its document.version
  nlohmann::json input;             // its input
  absl::Time started;
};

// Reads the history of one run, in order, across calls (a start and its Started event may come
// in different batches).
class ChildRunScanner {
 public:
  // The children whose ChildWorkflowExecutionStarted is among `events`.
  std::vector<ChildRun> OnEvents(
      const std::vector<::temporal::api::history::v1::HistoryEvent>& events);

 private:
  std::map<int64_t, ChildRun> initiated_;  // by the initiating event's id, until started
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_CHILD_RUNS_H_
