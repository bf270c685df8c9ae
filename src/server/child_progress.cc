#include "server/child_progress.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace stigmer::server {
namespace {

using ::temporal::api::history::v1::HistoryEvent;

// The workflow ids of the children `events` show closed.
std::vector<std::string> ClosedChildren(const std::vector<HistoryEvent>& events) {
  std::vector<std::string> closed;
  for (const HistoryEvent& event : events) {
    if (event.has_child_workflow_execution_completed_event_attributes()) {
      closed.push_back(event.child_workflow_execution_completed_event_attributes()
                           .workflow_execution()
                           .workflow_id());
    } else if (event.has_child_workflow_execution_failed_event_attributes()) {
      closed.push_back(event.child_workflow_execution_failed_event_attributes()
                           .workflow_execution()
                           .workflow_id());
    } else if (event.has_child_workflow_execution_canceled_event_attributes()) {
      closed.push_back(event.child_workflow_execution_canceled_event_attributes()
                           .workflow_execution()
                           .workflow_id());
    } else if (event.has_child_workflow_execution_timed_out_event_attributes()) {
      closed.push_back(event.child_workflow_execution_timed_out_event_attributes()
                           .workflow_execution()
                           .workflow_id());
    } else if (event.has_child_workflow_execution_terminated_event_attributes()) {
      closed.push_back(event.child_workflow_execution_terminated_event_attributes()
                           .workflow_execution()
                           .workflow_id());
    }
  }
  return closed;
}

// A child's projection: an agent run's, so that its steps keep what they said (the children
// are agents: sub-agents and `call: agent`).
ExecutionProjection ChildProjection() {
  stigmer::v1::Execution seed;
  seed.set_agent("child");
  return ExecutionProjection(std::move(seed));
}

}  // namespace

std::vector<StartedChild> StartedChildren(
    const std::string& parent_id,
    const std::vector<::temporal::api::history::v1::HistoryEvent>& events) {
  std::vector<StartedChild> children;
  for (const auto& event : events) {
    if (!event.has_child_workflow_execution_started_event_attributes()) continue;
    const auto& execution =
        event.child_workflow_execution_started_event_attributes().workflow_execution();
    const std::string& id = execution.workflow_id();
    const size_t hash = id.rfind('#');
    if (id.size() <= parent_id.size() || id.compare(0, parent_id.size(), parent_id) != 0 ||
        id[parent_id.size()] != '/' || hash == std::string::npos || hash < parent_id.size()) {
      continue;
    }
    children.push_back({.workflow_id = id,
                        .run_id = execution.run_id(),
                        .path = id.substr(parent_id.size(), hash - parent_id.size())});
  }
  return children;
}

stigmer::v1::Execution WithChildTasks(
    stigmer::v1::Execution parent, const std::map<std::string, stigmer::v1::Execution>& children) {
  // Shorter paths first: a grandchild's step is in the list once its parent's tasks are.
  for (const auto& [path, child] : children) {
    const auto& tasks = parent.tasks();
    int at = tasks.size();
    for (int i = 0; i < tasks.size(); ++i) {
      if (tasks.Get(i).path() == path) {
        at = i;
        break;
      }
    }
    google::protobuf::RepeatedPtrField<stigmer::v1::TaskProgress> placed;
    for (int i = 0; i < at; ++i) *placed.Add() = tasks.Get(i);
    for (const stigmer::v1::TaskProgress& task : child.tasks()) {
      stigmer::v1::TaskProgress* nested = placed.Add();
      *nested = task;
      nested->set_path(absl::StrCat(path, task.path()));
    }
    for (int i = at; i < tasks.size(); ++i) *placed.Add() = tasks.Get(i);
    parent.mutable_tasks()->Swap(&placed);
  }
  return parent;
}

}  // namespace stigmer::server

namespace stigmer::server {

void ChildProgress::OnParentEvents(temporal::TemporalClient& client,
                                   const std::vector<HistoryEvent>& events) {
  Discover(client, parent_id_, "", events);
}

bool ChildProgress::Refresh(temporal::TemporalClient& client, const std::string& workflow_id,
                            const temporal::HistoryMark& mark) {
  for (const auto& [path, child] : children_) {
    if (child.cursor.workflow_id() != workflow_id) continue;
    Read(client, path, mark);
    return true;
  }
  return false;
}

void ChildProgress::Discover(temporal::TemporalClient& client, const std::string& workflow_id,
                             const std::string& prefix, const std::vector<HistoryEvent>& events) {
  for (const StartedChild& started : StartedChildren(workflow_id, events)) {
    const std::string path = absl::StrCat(prefix, started.path);
    if (children_.contains(path)) continue;
    children_[path] = Child{.cursor = temporal::HistoryCursor(started.workflow_id, started.run_id),
                            .projection = ChildProjection()};
    Read(client, path, {});
  }
  for (const std::string& closed : ClosedChildren(events)) {
    for (const auto& [path, child] : children_) {
      if (child.cursor.workflow_id() != closed) continue;
      Read(client, path, {});
      break;
    }
  }
}

void ChildProgress::Read(temporal::TemporalClient& client, const std::string& path,
                         const temporal::HistoryMark& mark) {
  auto child = children_.find(path);
  if (child == children_.end() || child->second.cursor.closed()) return;
  absl::StatusOr<std::vector<HistoryEvent>> events =
      child->second.cursor.Read(client, mark, client.options().call_timeout);
  if (!events.ok()) {
    spdlog::warn("cannot read child workflow {}: {}", child->second.cursor.workflow_id(),
                 events.status().ToString());
    return;
  }
  if (events->empty()) return;
  child->second.projection.Apply(*events);
  const std::string workflow_id = child->second.cursor.workflow_id();
  Discover(client, workflow_id, path, *events);  // may add children: `child` is not used after
}

stigmer::v1::Execution ChildProgress::Compose(stigmer::v1::Execution parent) const {
  std::map<std::string, stigmer::v1::Execution> executions;
  for (const auto& [path, child] : children_) executions[path] = child.projection.execution();
  return WithChildTasks(std::move(parent), executions);
}

}  // namespace stigmer::server
