#include "server/event_triggers.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"
#include "workflow/event_consumption.h"
#include "workflow/expression_evaluator.h"
#include "workflow/expression_sandbox.h"
#include "workflow/workflow_document.h"

namespace stigmer::server {
namespace {

constexpr char kCursor[] = "schedule.on";
constexpr int kPageSize = 100;

struct Trigger {
  std::string workflow;  // its name
  std::string workflow_id;
  nlohmann::json on;    // schedule.on
  std::string version;  // the workflow id and definition: a new apply is a new version
};

absl::StatusOr<std::vector<Trigger>> ListTriggers(store::Store& store) {
  std::vector<Trigger> triggers;
  std::string token;
  do {
    absl::StatusOr<store::WorkflowPage> page = store.ListWorkflows(500, token);
    if (!page.ok()) return page.status();
    for (const stigmer::v1::Workflow& workflow : page->workflows) {
      absl::StatusOr<workflow::WorkflowDocument> document =
          workflow::ParseWorkflowDocument(workflow.definition());
      if (!document.ok()) continue;
      const nlohmann::json root = nlohmann::json::parse(document->json.dump());
      if (!root.contains("schedule") || !root["schedule"].contains("on")) continue;
      triggers.push_back({workflow.name(), workflow.id(), root["schedule"]["on"],
                          absl::StrCat(workflow.id(), "\n", workflow.definition())});
    }
    token = page->next_page_token;
  } while (!token.empty());
  return triggers;
}

std::unique_ptr<workflow::JqRunner> Runner(const std::string& sandbox_binary,
                                           workflow::ExpressionLimits limits) {
  if (sandbox_binary.empty()) return std::make_unique<workflow::InProcessJqRunner>();
  return std::make_unique<workflow::ExpressionSandbox>(sandbox_binary, limits);
}

}  // namespace

EventTriggers::EventTriggers(store::Store* store, ExecutionManager* executions,
                             const std::string& sandbox_binary, workflow::ExpressionLimits limits,
                             absl::Duration retry_interval)
    : store_(store),
      executions_(executions),
      retry_interval_(retry_interval),
      evaluator_(Runner(sandbox_binary, limits)) {}

EventTriggers::~EventTriggers() { Shutdown(); }

void EventTriggers::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void EventTriggers::Shutdown() {
  {
    absl::MutexLock lock(&mutex_);
    shut_down_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void EventTriggers::Wake() {
  absl::MutexLock lock(&mutex_);
  wake_ = true;
}

bool EventTriggers::RunOnce() {
  absl::StatusOr<int64_t> cursor = store_->EventCursor(kCursor);
  if (!cursor.ok()) return false;
  absl::StatusOr<std::vector<store::StoredEvent>> events =
      store_->ListEventsAfter(*cursor, kPageSize);
  if (!events.ok() || events->empty()) return events.ok();
  absl::StatusOr<std::vector<Trigger>> triggers = ListTriggers(*store_);
  if (!triggers.ok()) return false;
  const workflow::ExpressionVariables variables;
  workflow::EventExpressions expressions;
  expressions.check = [&](const std::string& expression, const nlohmann::json& value) {
    return evaluator_.EvaluateCondition(expression, value, variables);
  };
  expressions.from = [&](const std::string& expression, const nlohmann::json& event) {
    return evaluator_.Evaluate(expression, event, variables);
  };
  expressions.expect = [&](const std::string& expression) {
    return evaluator_.Evaluate(expression, nullptr, variables);
  };
  for (const store::StoredEvent& stored : *events) {
    const nlohmann::json event = nlohmann::json::parse(stored.envelope, nullptr, false);
    for (const Trigger& trigger : *triggers) {
      if (stopped_.contains(trigger.version)) continue;
      absl::StatusOr<workflow::EventConsumption::Match> match =
          workflow::EventConsumption(trigger.on).Classify(event, expressions);
      if (absl::IsResourceExhausted(match.status())) {
        spdlog::error(
            "schedule.on of {} is skipped until the workflow is applied again: {} (event #{})",
            trigger.workflow, std::string(match.status().message()), stored.sequence);
        stopped_.insert(trigger.version);
        continue;
      }
      if (absl::IsUnavailable(match.status())) {  // the sandbox failed, not the filter
        spdlog::warn("event #{} waits: {}", stored.sequence, std::string(match.status().message()));
        return false;
      }
      if (!match.ok()) {
        spdlog::warn("event #{} does not start {}: its schedule.on failed: {}", stored.sequence,
                     trigger.workflow, std::string(match.status().message()));
        continue;
      }
      if (match->role != workflow::EventConsumption::Role::kOutput) continue;
      stigmer::v1::CreateExecutionRequest request;
      request.set_workflow(trigger.workflow);
      request.set_request_id(absl::StrCat("event-", stored.sequence, "-", trigger.workflow_id));
      absl::StatusOr<stigmer::v1::Execution> started =
          executions_->CreateWithInput(request, nlohmann::json::array({event}));
      if (absl::IsUnavailable(started.status())) {
        spdlog::warn("event #{} waits to start {}: {}", stored.sequence, trigger.workflow,
                     started.status().ToString());
        return false;
      }
      if (!started.ok()) {
        spdlog::error("event #{} could not start {}: {}", stored.sequence, trigger.workflow,
                      started.status().ToString());
        continue;
      }
      spdlog::info("event #{} started {} as {}", stored.sequence, trigger.workflow, started->id());
    }
    if (!store_->SaveEventCursor(kCursor, stored.sequence).ok()) return false;
  }
  return events->size() < static_cast<size_t>(kPageSize) ? true : RunOnce();
}

void EventTriggers::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return wake_ || shut_down_; };
      mutex_.AwaitWithTimeout(absl::Condition(&woken), retry_interval_);
      if (shut_down_) return;
      wake_ = false;
    }
    RunOnce();
  }
}

}  // namespace stigmer::server
