#ifndef STIGMER_DURABLE_QUIET_WORKFLOW_TASK_H_
#define STIGMER_DURABLE_QUIET_WORKFLOW_TASK_H_

#include <vector>

#include "durable/replay_context.h"
#include "durable/replay_history.h"

namespace stigmer::durable {

// Whether a workflow task changed nothing an execution's record shows, so that its worker need
// not tell stigmer-server (which would read the run's history for nothing): the events it saw
// since the run's previous completed task (`events`: the history up to the task) and the
// `commands` it answers with are only the run's start, workflow-task bookkeeping and timers. A
// run that waits on a timer or for a signal is such a task; whatever it leads to (a timer that
// fires, a signal, an activity's result) is an event a later task sees, and reports. The
// record's projection (server/execution_projection.cc) shows none of these events; a test there
// holds the two together.
bool IsQuietWorkflowTask(const std::vector<HistoryEvent>& events,
                         const std::vector<Command>& commands);

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_QUIET_WORKFLOW_TASK_H_
