#ifndef STIGMER_WORKFLOW_EVENT_CONSUMPTION_H_
#define STIGMER_WORKFLOW_EVENT_CONSUMPTION_H_

// How far a `listen` has got with its consumption strategy (`listen.to`: one, all, any with
// `until`). Rebuilt on every replay by taking the same events in the same order. Pure.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "workflow/event_filter.h"

namespace stigmer::workflow {

class EventConsumption {
 public:
  // What an event is to the listen.
  enum class Role {
    kNone,    // it waits for no such event (now)
    kOutput,  // consumed, and part of the task's output
    kUntil,   // consumed by the `until` strategy: it ends the listen, not part of the output
  };
  struct Match {
    Role role = Role::kNone;
    size_t filter = 0;  // which filter of its strategy took it
  };

  // From listen.to as validation accepted it (dsl_events.h).
  explicit EventConsumption(const nlohmann::json& to);

  // Every filter the listen may consume events with (its strategy's and its `until`
  // strategy's); an empty list stands for "every event" when the strategy is an empty `any`.
  nlohmann::json Filters() const;
  // True when some event matches (an empty `any`).
  bool TakesEveryEvent() const;

  // What `event` would be now. An expression that fails: its error.
  absl::StatusOr<Match> Classify(const nlohmann::json& event,
                                 const EventExpressionCheck& check) const;
  // Records that an event was consumed as `match` said.
  void Take(const Match& match);

  // True once the strategy is satisfied. A listen with an `until` expression is never done by
  // this: its task evaluates the expression after each event.
  bool Done() const;
  // The `until` expression ("" when none).
  const std::string& until_expression() const { return until_expression_; }

 private:
  struct Strategy {
    enum class Kind { kOne, kAll, kAny } kind = Kind::kAny;
    std::vector<nlohmann::json> filters;  // the `with` of each
    std::vector<bool> satisfied;
    size_t taken = 0;

    static Strategy From(const nlohmann::json& to);
    absl::StatusOr<std::optional<size_t>> Wants(const nlohmann::json& event,
                                                const EventExpressionCheck& check) const;
    bool Satisfied() const;
  };

  Strategy main_;
  std::optional<Strategy> until_;
  std::string until_expression_;
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_EVENT_CONSUMPTION_H_
