// `try`/`catch`: which errors are caught, retrying the try block (catch.retry) and catch.do.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "workflow/dsl_duration.h"
#include "workflow/json_pointer.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

// The longest delay a backoff may compute; longer ones are cut to it.
constexpr absl::Duration kMaxRetryDelay = absl::Hours(24 * 365);

std::string StringOr(const Json& object, const char* key, const std::string& fallback) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

TaskOutcome InvalidRetry(const std::string& detail, const std::string& path) {
  return TaskOutcome::Raised(
      durable::StandardError("configuration", "Invalid retry policy", detail, path));
}

// Whether `handler` catches `error` (raised by an attempt of the try block on `input`):
// errors.with, then when and exceptWhen with the error bound as `as` in `caught`.
// InvalidArgument (an expression error) when one of its expressions fails.
absl::StatusOr<bool> Catches(ExpressionEvaluator& evaluator, const Json& handler,
                             const nlohmann::json& input, const ExpressionVariables& variables,
                             const durable::WorkflowError& error, const Scope& caught) {
  if (auto errors = handler.find("errors"); errors != handler.end() && errors->is_object()) {
    if (auto with = errors->find("with"); with != errors->end()) {
      absl::StatusOr<nlohmann::json> filter = evaluator.EvaluateValue(*with, input, variables);
      if (!filter.ok()) return filter.status();
      if (!durable::ErrorMatchesFilter(error, *filter)) return false;
    }
  }
  ExpressionVariables catch_variables = variables;
  catch_variables.extra = caught;
  for (const auto& [key, catch_when] : {std::pair{"when", true}, std::pair{"exceptWhen", false}}) {
    const std::string condition = StringOr(handler, key, "");
    if (condition.empty()) continue;
    absl::StatusOr<bool> holds = evaluator.EvaluateCondition(condition, input, catch_variables);
    if (!holds.ok()) return holds.status();
    if (*holds != catch_when) return false;
  }
  return true;
}

// What to do once an error is caught.
struct RetryPlan {
  bool retry = false;
  absl::Duration delay = absl::ZeroDuration();
  std::optional<TaskOutcome> failure;  // the policy cannot be applied: raise this instead
};

// `policy[key]` as a duration; zero when absent.
absl::StatusOr<absl::Duration> OptionalDuration(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return absl::ZeroDuration();
  absl::StatusOr<absl::Duration> duration = ParseDslDuration(object[key]);
  if (!duration.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(key, ": ", duration.status().message()));
  }
  return duration;
}

// The delay before retry number `retry` (1 for the first), before jitter: `delay` for a
// constant backoff (and without backoff), `delay * retry` for a linear one,
// `delay * 2^(retry - 1)` for an exponential one.
absl::Duration BackoffDelay(const Json& policy, absl::Duration delay, int retry) {
  auto backoff = policy.find("backoff");
  if (backoff == policy.end() || !backoff->is_object()) return delay;
  if (backoff->contains("linear")) return std::min(delay * retry, kMaxRetryDelay);
  if (backoff->contains("exponential")) {
    return std::min(delay * (int64_t{1} << std::min(retry - 1, 40)), kMaxRetryDelay);
  }
  return delay;
}

// Whether the policy retries after `retries` retries of an attempt whose error is bound in
// `retry_variables`, and after what delay. Conditions first (when, exceptWhen), then
// limit.attempt.count (the retries, the first attempt not counted), then the delay (backoff and
// jitter; jitter draws context.Random()), then limit.duration: no retry would start later than
// `first_started_at` + limit.duration.
RetryPlan PlanRetry(ExpressionEvaluator& evaluator, durable::WorkflowContext& context,
                    const Json& policy, const nlohmann::json& input,
                    const ExpressionVariables& retry_variables, int retries,
                    absl::Time first_started_at, const std::string& path) {
  RetryPlan plan;
  for (const auto& [key, retry_when] : {std::pair{"when", true}, std::pair{"exceptWhen", false}}) {
    const std::string condition = StringOr(policy, key, "");
    if (condition.empty()) continue;
    absl::StatusOr<bool> holds = evaluator.EvaluateCondition(condition, input, retry_variables);
    if (!holds.ok()) {
      plan.failure = ExpressionFailure(holds.status(), path);
      return plan;
    }
    if (*holds != retry_when) return plan;
  }
  const Json* limit = policy.contains("limit") ? &policy["limit"] : nullptr;
  if (limit != nullptr && limit->is_object() && limit->contains("attempt")) {
    const Json& attempt = (*limit)["attempt"];
    if (attempt.is_object() && attempt.contains("count") && attempt["count"].is_number_integer() &&
        retries >= attempt["count"].get<int64_t>()) {
      return plan;
    }
  }
  absl::StatusOr<absl::Duration> delay = OptionalDuration(policy, "delay");
  if (!delay.ok()) {
    plan.failure = InvalidRetry(std::string(delay.status().message()), path);
    return plan;
  }
  plan.delay = BackoffDelay(policy, *delay, retries + 1);
  if (auto jitter = policy.find("jitter"); jitter != policy.end()) {
    absl::StatusOr<absl::Duration> from = OptionalDuration(*jitter, "from");
    absl::StatusOr<absl::Duration> to = OptionalDuration(*jitter, "to");
    if (!from.ok() || !to.ok()) {
      plan.failure =
          InvalidRetry(absl::StrCat("jitter.", (!from.ok() ? from : to).status().message()), path);
      return plan;
    }
    const absl::Duration low = std::min(*from, *to);
    const uint64_t span =
        static_cast<uint64_t>(absl::ToInt64Milliseconds(std::max(*from, *to) - low));
    plan.delay += low + absl::Milliseconds(static_cast<int64_t>(context.Random() % (span + 1)));
    plan.delay = ClampDslDuration(plan.delay);
  }
  if (limit != nullptr) {
    absl::StatusOr<absl::Duration> duration = OptionalDuration(*limit, "duration");
    if (!duration.ok()) {
      plan.failure = InvalidRetry(absl::StrCat("limit.", duration.status().message()), path);
      return plan;
    }
    if (limit->contains("duration") && context.Now() + plan.delay - first_started_at > *duration) {
      return plan;
    }
  }
  plan.retry = true;
  return plan;
}

}  // namespace

absl::StatusOr<TaskOutcome> TaskRunner::RunTry(const nlohmann::ordered_json& task,
                                               const std::string& path, const nlohmann::json& input,
                                               const ExpressionVariables& variables,
                                               const Scope& scope) {
  const absl::Time first_started_at = context_.Now();
  auto handler = task.find("catch");
  const bool has_handler = handler != task.end() && handler->is_object();
  const std::string retry_path = JsonPointerAppend(JsonPointerAppend(path, "catch"), "retry");
  const Json* retry = has_handler && handler->contains("retry") ? &(*handler)["retry"] : nullptr;
  const Json* policy = retry;
  if (retry != nullptr && retry->is_string()) {  // a `use.retries` reference
    const Json::json_pointer pointer(JsonPointerAppend("/use/retries", retry->get<std::string>()));
    policy = document_.json.contains(pointer) ? &document_.json[pointer] : nullptr;
  }
  const Json* attempt_limit = policy != nullptr && policy->is_object() && policy->contains("limit")
                                  ? &(*policy)["limit"]
                                  : nullptr;
  absl::StatusOr<absl::Duration> attempt_duration =
      attempt_limit != nullptr && attempt_limit->is_object()
          ? OptionalDuration((*attempt_limit).value("attempt", Json::object()), "duration")
          : absl::ZeroDuration();
  if (!attempt_duration.ok()) {
    return InvalidRetry(absl::StrCat("limit.attempt.", attempt_duration.status().message()),
                        retry_path);
  }
  const std::string attempt_timer_path = JsonPointerAppend(
      JsonPointerAppend(JsonPointerAppend(retry_path, "limit"), "attempt"), "duration");
  auto run_attempt = [&]() {
    return RunTaskList(task["try"], JsonPointerAppend(path, "try"), input, scope);
  };
  for (int retries = 0;; ++retries) {
    absl::StatusOr<TaskOutcome> attempt =
        *attempt_duration > absl::ZeroDuration()
            ? RaceTimer(
                  attempt_timer_path, *attempt_duration,
                  durable::StandardError("timeout", "Task timed out",
                                         absl::StrCat("the attempt did not finish within "
                                                      "limit.attempt.duration of ",
                                                      absl::FormatDuration(*attempt_duration)),
                                         path),
                  run_attempt)
            : run_attempt();
    if (!attempt.ok() || attempt->kind != TaskOutcome::Kind::kRaised || !has_handler) {
      return attempt;
    }
    const std::string as = StringOr(*handler, "as", "error");
    Scope caught = scope;
    caught[as] = attempt->error.ToJson();
    ExpressionVariables catch_variables = variables;
    catch_variables.context = context_data_;
    absl::StatusOr<bool> is_caught =
        Catches(evaluator_, *handler, input, catch_variables, attempt->error, caught);
    if (!is_caught.ok()) return ExpressionFailure(is_caught.status(), path);
    if (!*is_caught) return attempt;

    if (retry != nullptr) {
      if (policy == nullptr || !policy->is_object()) {
        return InvalidRetry("catch.retry names no retry policy", retry_path);
      }
      // A policy of use.retries names the error $error, whatever the catch's `as`.
      catch_variables.extra = caught;
      catch_variables.extra.emplace("error", attempt->error.ToJson());
      RetryPlan plan = PlanRetry(evaluator_, context_, *policy, input, catch_variables, retries,
                                 first_started_at, path);
      if (plan.failure.has_value()) return *std::move(plan.failure);
      if (plan.retry) {
        if (retries >= options_.max_iterations) {
          return TaskOutcome::Raised(
              durable::StandardError("runtime", "Iteration limit reached",
                                     absl::StrCat("task \"", variables.task.value("name", ""),
                                                  "\" retried ", options_.max_iterations, " times"),
                                     path));
        }
        if (plan.delay > absl::ZeroDuration()) {
          absl::StatusOr<bool> fired = context_.Sleep(retry_path, plan.delay);
          if (!fired.ok()) return fired.status();
          if (!*fired) return TaskOutcome::Suspended();
        }
        continue;
      }
    }
    auto tasks = handler->find("do");
    if (tasks == handler->end()) return TaskOutcome::Completed(input);
    return RunTaskList(*tasks, JsonPointerAppend(JsonPointerAppend(path, "catch"), "do"), input,
                       caught);
  }
}

}  // namespace stigmer::workflow
