// `listen` (dsl_events.h): the run waits for events with WorkflowContext::AwaitSignal, once per
// event. Each wait's marker ("stigmer.event") tells stigmer-server what the run waits for (the
// filters, since when, the sequences taken so far; the waits after the first continue it); the
// server sends every stored event that may match as a signal of that name ({"sequence", "path",
// "event"}), at least once per listen; here each is matched with the full filter and taken once
// per source and id, in the order history holds them, so a replay takes the same events.

#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/cloud_event.h"
#include "durable/replay_history.h"
#include "workflow/event_consumption.h"
#include "workflow/json_pointer.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {
namespace {

std::string EventKey(const nlohmann::json& event) {
  if (!event.is_object()) return "";
  return absl::StrCat(event.value("source", ""), "\n", event.value("id", ""));
}

// The event as listen.read says: its data, its whole envelope, or its data as text.
nlohmann::json ReadEvent(const nlohmann::json& event, const std::string& read) {
  if (read == "envelope") return event;
  nlohmann::json data = event.value("data", nlohmann::json());
  if (read == "raw" && !data.is_string()) return data.is_null() ? "" : data.dump();
  return data;
}

}  // namespace

absl::StatusOr<TaskOutcome> TaskRunner::RunListen(const nlohmann::ordered_json& task,
                                                  const std::string& path,
                                                  const nlohmann::json& input,
                                                  const ExpressionVariables& variables,
                                                  const Scope& scope) {
  const nlohmann::ordered_json& listen = task["listen"];
  const nlohmann::json to = nlohmann::json::parse(listen["to"].dump());
  const std::string read = listen.value("read", "data");
  EventConsumption consumption(to);
  nlohmann::json details = {{"listen",
                             {{"filters", consumption.Filters()},
                              {"every_event", consumption.TakesEveryEvent()},
                              {"since_ms", absl::ToUnixMillis(context_.Now())}}}};
  auto foreach = task.find("foreach");
  const bool iterates = foreach != task.end() && foreach->is_object();
  const std::string item_name = iterates ? foreach->value("item", "item") : "item";
  const std::string at_name = iterates ? foreach->value("at", "index") : "index";
  EventExpressions expressions;
  expressions.check = [&](const std::string& expression, const nlohmann::json& value) {
    return evaluator_.EvaluateCondition(expression, value, variables);
  };
  expressions.from = [&](const std::string& expression, const nlohmann::json& event) {
    return evaluator_.Evaluate(expression, event, variables);
  };
  expressions.expect = [&](const std::string& expression) {
    return evaluator_.Evaluate(expression, input, variables);
  };

  std::set<std::string> taken;
  nlohmann::json taken_sequences = nlohmann::json::array();
  nlohmann::json output = nlohmann::json::array();
  for (size_t index = 0; !consumption.Done();) {
    if (index >= static_cast<size_t>(options_.max_iterations)) {
      return TaskOutcome::Raised(
          durable::StandardError("runtime", "Iteration limit reached",
                                 absl::StrCat("task \"", variables.task.value("name", ""),
                                              "\" consumed ", options_.max_iterations, " events"),
                                 path));
    }
    const auto matches = [&](const nlohmann::json& payload) {
      if (!payload.is_object() || !payload.contains("event")) return false;
      const nlohmann::json& event = payload["event"];
      if (taken.contains(EventKey(event))) return false;  // delivered again: taken already
      absl::StatusOr<EventConsumption::Match> match = consumption.Classify(event, expressions);
      return match.ok() && match->role != EventConsumption::Role::kNone;
    };
    // What this listen took so far: the server sends again what it delivered and the listen did
    // not take, since a signal that arrived before this wait's marker is not for it.
    details["listen"]["taken"] = taken_sequences;
    // The next event of the same listen: what came since its first wait may be it, so the server
    // sends each event once per listen, not again after every wait.
    details[durable::kContinuesWaitKey] = !taken.empty();
    absl::StatusOr<std::optional<nlohmann::json>> signal =
        context_.AwaitSignal(path, kEventSignalName, details, matches);
    if (!signal.ok()) return signal.status();
    if (!signal->has_value()) return TaskOutcome::Suspended();
    const nlohmann::json event = (**signal)["event"];
    taken.insert(EventKey(event));
    taken_sequences.push_back((**signal).value("sequence", int64_t{0}));
    absl::StatusOr<EventConsumption::Match> match = consumption.Classify(event, expressions);
    if (!match.ok()) return ExpressionFailure(match.status(), path);
    consumption.Take(*match);
    if (match->role != EventConsumption::Role::kOutput) continue;

    nlohmann::json item = ReadEvent(event, read);
    if (iterates) {
      Scope iteration = scope;
      iteration[item_name] = item;
      iteration[at_name] = index;
      nlohmann::json result = item;
      if (auto tasks = foreach->find("do"); tasks != foreach->end()) {
        absl::StatusOr<TaskOutcome> outcome = RunTaskList(
            *tasks, JsonPointerAppend(JsonPointerAppend(path, "foreach"), "do"), item, iteration);
        if (!outcome.ok() || outcome->kind != TaskOutcome::Kind::kCompleted) return outcome;
        result = std::move(outcome->output);
      }
      if (auto as = foreach->find("output"); as != foreach->end() && as->contains("as")) {
        ExpressionVariables item_variables = variables;
        item_variables.extra = iteration;
        item_variables.context = context_data_;
        absl::StatusOr<nlohmann::json> transformed =
            evaluator_.EvaluateValue((*as)["as"], result, item_variables);
        if (!transformed.ok()) return ExpressionFailure(transformed.status(), path);
        result = *std::move(transformed);
      }
      item = std::move(result);
    }
    output.push_back(std::move(item));
    ++index;
    if (!consumption.until_expression().empty()) {
      absl::StatusOr<bool> until =
          evaluator_.EvaluateCondition(consumption.until_expression(), output, variables);
      if (!until.ok()) return ExpressionFailure(until.status(), path);
      if (*until) break;
    }
  }
  return TaskOutcome::Completed(std::move(output));
}

}  // namespace stigmer::workflow
