#ifndef STIGMER_WORKFLOW_EVENT_CONSUMPTION_H_
#define STIGMER_WORKFLOW_EVENT_CONSUMPTION_H_

// How far a `listen` has got with its consumption strategy (`listen.to`: one, all, any with
// `until`). Rebuilt on every replay by taking the same events in the same order. Pure.

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "workflow/event_correlation.h"

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
    size_t filter = 0;                               // which filter of its strategy took it
    nlohmann::json keys = nlohmann::json::object();  // its correlation keys' values
  };

  // From listen.to as validation accepted it (dsl_events.h).
  explicit EventConsumption(const nlohmann::json& to);

  // Every filter the listen may consume events with (its strategy's and its `until`
  // strategy's); an empty list stands for "every event" when the strategy is an empty `any`.
  nlohmann::json Filters() const;
  // True when some event matches (an empty `any`).
  bool TakesEveryEvent() const;

  // What `event` would be now: a filter takes it when its `with` matches and it correlates with
  // the events taken before (event_correlation.h; the keys are shared by every filter of the
  // listen, so the events of an `all` carry the same values). An expression that fails: its
  // error.
  absl::StatusOr<Match> Classify(const nlohmann::json& event,
                                 const EventExpressions& expressions) const;
  // Records that an event was consumed as `match` said (and fixes its correlation keys).
  void Take(const Match& match);

  // True once the strategy is satisfied. A listen with an `until` expression is never done by
  // this: its task evaluates the expression after each event.
  bool Done() const;
  // The `until` expression ("" when none).
  const std::string& until_expression() const { return until_expression_; }

 private:
  struct Strategy {
    enum class Kind { kOne, kAll, kAny } kind = Kind::kAny;
    std::vector<nlohmann::json> filters;     // the `with` of each
    std::vector<nlohmann::json> correlates;  // the `correlate` of each (null when none)
    std::vector<bool> satisfied;
    size_t taken = 0;

    static Strategy From(const nlohmann::json& to);
    // The filter that takes `event` and the keys it carries.
    absl::StatusOr<std::optional<std::pair<size_t, nlohmann::json>>> Wants(
        const nlohmann::json& event, const nlohmann::json& keys,
        const EventExpressions& expressions) const;
    bool Satisfied() const;
  };

  Strategy main_;
  std::optional<Strategy> until_;
  std::string until_expression_;
  nlohmann::json keys_ = nlohmann::json::object();  // correlation keys fixed so far
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_EVENT_CONSUMPTION_H_
