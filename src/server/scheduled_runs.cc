#include "server/scheduled_runs.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "server/schedule_after_driver.h"
#include "spdlog/spdlog.h"
#include "temporal/payloads.h"

namespace stigmer::server {
namespace {

constexpr int kPageSize = 100;

// The workflow version a scheduled run starts, from its memo; 0 (the latest) when unreadable.
int VersionOf(const ::temporal::api::workflow::v1::WorkflowExecutionInfo& info) {
  auto field = info.memo().fields().find(kScheduledVersionMemo);
  if (field == info.memo().fields().end()) return 0;
  absl::StatusOr<nlohmann::json> version = temporal::DecodeJsonPayload(field->second);
  return version.ok() && version->is_number_integer() ? version->get<int>() : 0;
}

}  // namespace

ScheduledRunFinder::ScheduledRunFinder(WorkflowSchedules* schedules, ExecutionManager* executions,
                                       absl::Duration interval)
    : schedules_(schedules), executions_(executions), interval_(interval) {}

ScheduledRunFinder::~ScheduledRunFinder() { Stop(); }

void ScheduledRunFinder::Start() {
  thread_ = std::thread([this] {
    while (true) {
      const bool any = !schedules_->Names().empty();
      if (any) {
        if (absl::Status found = FindOnce(); !found.ok()) {
          spdlog::warn("cannot look for scheduled runs yet: {}", found.ToString());
        }
      }
      absl::MutexLock lock(&mutex_);
      auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return stopped_ || woken_; };
      // Without schedules nothing wakes this thread but a new one (or Stop).
      mutex_.AwaitWithTimeout(absl::Condition(&woken), any ? interval_ : absl::InfiniteDuration());
      woken_ = false;
      if (stopped_) return;
    }
  });
}

void ScheduledRunFinder::Wake() {
  absl::MutexLock lock(&mutex_);
  woken_ = true;
}

void ScheduledRunFinder::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopped_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status ScheduledRunFinder::FindOnce() {
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = executions_->Client();
  if (!client.ok()) return client.status();
  absl::Status first;
  for (const std::string& name : schedules_->Names()) {
    absl::Status found = FindRunsOf(**client, name);
    if (!found.ok() && first.ok()) first = found;
  }
  return first;
}

absl::Status ScheduledRunFinder::RecordScheduleAfterRuns(temporal::TemporalClient& client,
                                                         const std::string& name) {
  absl::StatusOr<std::optional<ScheduleAfterState>> driver = DescribeScheduleAfter(client, name);
  if (!driver.ok()) return driver.status();
  if (!driver->has_value()) return absl::OkStatus();
  for (const ChildRun& child : (*driver)->runs) {
    absl::StatusOr<stigmer::v1::Execution> recorded =
        executions_->RecordScheduledRun({.workflow = name,
                                         .version = (*driver)->version,
                                         .workflow_id = child.workflow_id,
                                         .run_id = child.run_id,
                                         .started = child.started});
    if (recorded.ok()) {
      spdlog::info("schedule.after of {} started {} ({})", name, recorded->id(), child.workflow_id);
    } else if (!absl::IsAlreadyExists(recorded.status())) {
      return recorded.status();
    }
  }
  return absl::OkStatus();
}

absl::Status ScheduledRunFinder::FindRunsOf(temporal::TemporalClient& client,
                                            const std::string& name) {
  // Also deletes the schedule of a workflow deleted while Temporal was away.
  if (absl::Status synced = schedules_->Sync(name); !synced.ok()) return synced;
  if (!schedules_->Tracks(name)) return absl::OkStatus();
  if (absl::Status recorded = RecordScheduleAfterRuns(client, name); !recorded.ok()) {
    return recorded;
  }
  absl::Status failed = absl::OkStatus();
  absl::Status listed = client.ListWorkflows(
      absl::StrCat("TemporalScheduledById = '", ScheduleId(name), "'"), kPageSize,
      client.options().call_timeout, [&](const temporal::TemporalClient::WorkflowInfos& infos) {
        bool any_new = false;
        for (const auto& info : infos) {
          ScheduledRun run;
          run.workflow = name;
          run.version = VersionOf(info);
          run.workflow_id = info.execution().workflow_id();
          run.run_id = info.execution().run_id();
          run.started = FromProtoTimeMillis(info.start_time());
          absl::StatusOr<stigmer::v1::Execution> recorded = executions_->RecordScheduledRun(run);
          if (recorded.ok()) {
            any_new = true;
            spdlog::info("schedule {} started {} ({})", ScheduleId(name), recorded->id(),
                         run.workflow_id);
          } else if (!absl::IsAlreadyExists(recorded.status())) {
            failed = recorded.status();
            return false;
          }
        }
        return any_new;  // newest first: past a page recorded already, all are
      });
  if (!failed.ok()) return failed;
  if (!listed.ok()) return listed;
  return absl::OkStatus();
}

}  // namespace stigmer::server
