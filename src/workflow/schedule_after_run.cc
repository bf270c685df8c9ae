#include "workflow/schedule_after_run.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/secret_redactor.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"

namespace stigmer::workflow {
namespace {

class ScheduleAfterRun final : public durable::ProgramRun {
 public:
  ScheduleAfterRun(nlohmann::json document, nlohmann::json runtime, nlohmann::json config)
      : document_(std::move(document)),
        runtime_(std::move(runtime)),
        config_(std::move(config)),
        redactor_(SecretRedactor::FromSecretsObject(
            runtime_.value("secrets", nlohmann::json::object()))) {}

  absl::StatusOr<durable::ProgramResult> Run(durable::WorkflowContext& context) override {
    const int64_t round = config_["round"].get<int64_t>();
    std::string queue = temporal::kWorkflowTaskQueue;
    if (auto given = config_.find("task_queue"); given != config_.end() && given->is_string()) {
      queue = given->get<std::string>();
    }
    const durable::ChildWorkflow child{.workflow_type = temporal::kServerlessWorkflowType,
                                       .task_queue = queue,
                                       .input = {document_, nlohmann::json::object(), runtime_}};
    // A failed run schedules the next one as a completed one does.
    absl::StatusOr<durable::ActivityOutcome> outcome =
        context.CallChildWorkflow(absl::StrCat("/runs/", round), child);
    if (!outcome.ok()) return outcome.status();
    durable::ProgramResult result;  // suspended
    if (outcome->state == durable::ActivityOutcome::State::kPending) return result;
    absl::StatusOr<bool> waited =
        context.Sleep("/after", absl::Milliseconds(config_["after_ms"].get<int64_t>()));
    if (!waited.ok()) return waited.status();
    if (!*waited) return result;
    nlohmann::json next = runtime_;
    next[kScheduleAfterKey] = config_;
    next[kScheduleAfterKey]["round"] = round + 1;
    result.state = durable::ProgramResult::State::kContinueAsNew;
    result.next_input = {document_, nlohmann::json::object(), std::move(next)};
    return result;
  }

  const SecretRedactor& redactor() const override { return redactor_; }

 private:
  const nlohmann::json document_;
  const nlohmann::json runtime_;  // without kScheduleAfterKey: what each run gets
  const nlohmann::json config_;
  const SecretRedactor redactor_;
};

bool IsPositiveInteger(const nlohmann::json& config, const char* key) {
  auto member = config.find(key);
  return member != config.end() && member->is_number_integer() && member->get<int64_t>() > 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<durable::ProgramRun>> LoadScheduleAfterRun(
    const durable::ReplayHistory& history) {
  const temporal::Payloads& payloads = history.started().input();
  if (payloads.payloads_size() < 3) return nullptr;
  absl::StatusOr<nlohmann::json> runtime = temporal::DecodeJsonPayloadAt(payloads, 2);
  if (!runtime.ok() || !runtime->is_object() || !runtime->contains(kScheduleAfterKey)) {
    return nullptr;
  }
  nlohmann::json config = (*runtime)[kScheduleAfterKey];
  if (!config.is_object() || !IsPositiveInteger(config, "after_ms") ||
      !IsPositiveInteger(config, "round")) {
    return absl::InvalidArgumentError(
        absl::StrCat("runtime.", kScheduleAfterKey,
                     " must be {\"after_ms\": <positive integer>, \"round\": <positive integer>}"));
  }
  absl::StatusOr<nlohmann::json> document = temporal::DecodeJsonPayloadAt(payloads, 0);
  if (!document.ok()) return document.status();
  if (!document->is_object()) {
    return absl::InvalidArgumentError(
        "the first input payload must be the workflow document as a JSON object");
  }
  runtime->erase(kScheduleAfterKey);
  return std::make_unique<ScheduleAfterRun>(*std::move(document), *std::move(runtime),
                                            std::move(config));
}

}  // namespace stigmer::workflow
