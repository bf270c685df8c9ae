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
#include "temporal/history_follower.h"
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

// Follows the children of one execution, and theirs, live: a HistoryFollower per child, started
// when the parent's (or a child's) history shows it started. A child the parent's events show
// closed is read whole at once, so that the parent's record is complete when it closes.
// Thread-safe. `changed` runs on a follower's thread after a child's tasks changed, with no
// lock of this object held; the destructor stops the followers, so it must not run while the
// caller holds a lock `changed` takes.
class ChildFollowers {
 public:
  ChildFollowers(std::shared_ptr<temporal::TemporalClient> client, std::string parent_id,
                 std::function<void()> changed);
  ~ChildFollowers();
  ChildFollowers(const ChildFollowers&) = delete;
  ChildFollowers& operator=(const ChildFollowers&) = delete;

  // New events of the parent's history.
  void OnParentEvents(const std::vector<::temporal::api::history::v1::HistoryEvent>& events);

  // WithChildTasks(parent, the children's executions).
  stigmer::v1::Execution Compose(stigmer::v1::Execution parent) const;

 private:
  struct Child {
    std::string workflow_id;
    ExecutionProjection projection;
    std::unique_ptr<temporal::HistoryFollower> follower;
  };
  // Starts following the children `events` of workflow `workflow_id` (its steps below `prefix`)
  // started; reads whole those that `events` show closed.
  void Discover(const std::string& workflow_id, const std::string& prefix,
                const std::vector<::temporal::api::history::v1::HistoryEvent>& events);
  void OnChildEvents(const std::string& path,
                     const std::vector<::temporal::api::history::v1::HistoryEvent>& events);

  const std::shared_ptr<temporal::TemporalClient> client_;
  const std::string parent_id_;
  const std::function<void()> changed_;
  mutable absl::Mutex mutex_;
  std::map<std::string, Child> children_ ABSL_GUARDED_BY(mutex_);  // by path (with prefixes)
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_CHILD_PROGRESS_H_
