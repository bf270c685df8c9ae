#ifndef STIGMER_SERVER_CHILD_PROGRESS_H_
#define STIGMER_SERVER_CHILD_PROGRESS_H_

// A run's child workflows (an agent's sub-agents) shown nested under the step that started
// them: the server follows each child's history as it follows the parent's, and the parent's
// record lists the child's tasks with the step's path before theirs
// ("/turns/1/tools/c1" + "/turns/1/model"), placed before the step's own entry (its result).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/execution_projection.h"
#include "stigmer/v1/execution.pb.h"
#include "temporal/api/history/v1/message.pb.h"
#include "temporal/history_cursor.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {

struct StartedChild {
  std::string workflow_id;
  std::string run_id;
  std::string path;  // the parent's step that started it
};

// The children ChildWorkflowExecutionStarted events among `events` name whose ids are
// `parent_id` followed by a step id ("<path>#<n>", durable/child_workflow.h).
std::vector<StartedChild> StartedChildren(
    const std::string& parent_id,
    const std::vector<::temporal::api::history::v1::HistoryEvent>& events);

// `parent` with the tasks of `children` (by the path of the step that started each; a path may
// itself be below another child's) inserted, their paths prefixed with it, before the entry of
// that path, or at the end while there is none.
stigmer::v1::Execution WithChildTasks(
    stigmer::v1::Execution parent, const std::map<std::string, stigmer::v1::Execution>& children);

// The children of one execution, and theirs, read as the parent's record is refreshed: a
// HistoryCursor per child, opened when the parent's (or a child's) history shows it started and
// read then as it is; read on when its worker reports progress (Refresh) or the parent's events
// show it closed, so that the parent's record is complete when it closes. No thread of its own.
// Not thread-safe: the owner refreshes one execution at a time.
class ChildProgress {
 public:
  explicit ChildProgress(std::string parent_id) : parent_id_(std::move(parent_id)) {}

  // New events of the parent's history.
  void OnParentEvents(temporal::TemporalClient& client,
                      const std::vector<::temporal::api::history::v1::HistoryEvent>& events);
  // Reads the child `workflow_id` up to `mark`; false when it is none of these children.
  bool Refresh(temporal::TemporalClient& client, const std::string& workflow_id,
               const temporal::HistoryMark& mark);

  // WithChildTasks(parent, the children's executions).
  stigmer::v1::Execution Compose(stigmer::v1::Execution parent) const;

 private:
  struct Child {
    temporal::HistoryCursor cursor;
    ExecutionProjection projection;
  };
  // Opens the children `events` of workflow `workflow_id` (its steps below `prefix`) started;
  // reads on those that `events` show closed.
  void Discover(temporal::TemporalClient& client, const std::string& workflow_id,
                const std::string& prefix,
                const std::vector<::temporal::api::history::v1::HistoryEvent>& events);
  void Read(temporal::TemporalClient& client, const std::string& path,
            const temporal::HistoryMark& mark);

  const std::string parent_id_;
  std::map<std::string, Child> children_;  // by path (with prefixes)
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_CHILD_PROGRESS_H_
