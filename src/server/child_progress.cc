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

ChildFollowers::ChildFollowers(std::shared_ptr<temporal::TemporalClient> client,
                               std::string parent_id, std::function<void()> changed)
    : client_(std::move(client)), parent_id_(std::move(parent_id)), changed_(std::move(changed)) {}

ChildFollowers::~ChildFollowers() {
  std::map<std::string, Child> children;
  {
    absl::MutexLock lock(&mutex_);
    children.swap(children_);
  }
  for (auto& [path, child] : children) {
    if (child.follower) child.follower->Stop();
  }
}

void ChildFollowers::OnParentEvents(const std::vector<HistoryEvent>& events) {
  Discover(parent_id_, "", events);
}

void ChildFollowers::Discover(const std::string& workflow_id, const std::string& prefix,
                              const std::vector<HistoryEvent>& events) {
  for (const StartedChild& started : StartedChildren(workflow_id, events)) {
    const std::string path = absl::StrCat(prefix, started.path);
    absl::MutexLock lock(&mutex_);
    if (children_.contains(path)) continue;
    Child& child = children_[path];
    child.workflow_id = started.workflow_id;
    child.projection = ChildProjection();
    temporal::HistoryFollowerOptions options;
    options.workflow_id = started.workflow_id;
    options.run_id = started.run_id;
    child.follower = std::make_unique<temporal::HistoryFollower>(
        client_, std::move(options),
        [this, path](const std::string&, const std::vector<HistoryEvent>& child_events) {
          OnChildEvents(path, child_events);
        },
        [](const absl::Status&) {});
    child.follower->Start();
  }
  for (const std::string& closed : ClosedChildren(events)) {
    absl::StatusOr<std::vector<HistoryEvent>> whole = client_->GetFullHistory(closed);
    if (!whole.ok()) {
      spdlog::warn("cannot read child workflow {}: {}", closed, whole.status().ToString());
      continue;
    }
    std::string path;
    {
      absl::MutexLock lock(&mutex_);
      for (auto& [child_path, child] : children_) {
        if (child.workflow_id != closed) continue;
        child.projection = ChildProjection();
        child.projection.Apply(*whole);
        path = child_path;
      }
    }
    if (!path.empty()) Discover(closed, path, *whole);
  }
}

void ChildFollowers::OnChildEvents(const std::string& path,
                                   const std::vector<HistoryEvent>& events) {
  std::string workflow_id;
  {
    absl::MutexLock lock(&mutex_);
    auto child = children_.find(path);
    if (child == children_.end()) return;
    child->second.projection.Apply(events);
    workflow_id = child->second.workflow_id;
  }
  Discover(workflow_id, path, events);
  changed_();
}

stigmer::v1::Execution ChildFollowers::Compose(stigmer::v1::Execution parent) const {
  std::map<std::string, stigmer::v1::Execution> executions;
  {
    absl::MutexLock lock(&mutex_);
    for (const auto& [path, child] : children_) executions[path] = child.projection.execution();
  }
  return WithChildTasks(std::move(parent), executions);
}

}  // namespace stigmer::server
