#include "workflow/event_consumption.h"

#include <algorithm>

namespace stigmer::workflow {

EventConsumption::Strategy EventConsumption::Strategy::From(const nlohmann::json& to) {
  Strategy strategy;
  auto add = [&strategy](const nlohmann::json& filter) {
    const bool object = filter.is_object();
    strategy.filters.push_back(object ? filter.value("with", nlohmann::json::object())
                                      : nlohmann::json::object());
    strategy.correlates.push_back(object ? filter.value("correlate", nlohmann::json())
                                         : nlohmann::json());
  };
  if (to.contains("one")) {
    strategy.kind = Kind::kOne;
    add(to["one"]);
  } else {
    strategy.kind = to.contains("all") ? Kind::kAll : Kind::kAny;
    const nlohmann::json& list = to.contains("all") ? to["all"] : to.value("any", nlohmann::json());
    if (list.is_array()) {
      for (const nlohmann::json& filter : list) add(filter);
    }
  }
  strategy.satisfied.assign(strategy.filters.size(), false);
  return strategy;
}

absl::StatusOr<std::optional<std::pair<size_t, nlohmann::json>>> EventConsumption::Strategy::Wants(
    const nlohmann::json& event, const nlohmann::json& keys,
    const EventExpressions& expressions) const {
  using Taken = std::optional<std::pair<size_t, nlohmann::json>>;
  if (kind == Kind::kAny && filters.empty()) return Taken({0, nlohmann::json::object()});
  if (kind == Kind::kOne && taken > 0) return Taken();
  for (size_t i = 0; i < filters.size(); ++i) {
    if (kind == Kind::kAll && satisfied[i]) continue;
    absl::StatusOr<bool> matches = EventMatchesFilter(filters[i], event, expressions.check);
    if (!matches.ok()) return matches.status();
    if (!*matches) continue;
    absl::StatusOr<std::optional<nlohmann::json>> correlated =
        CorrelationKeys(correlates[i], event, keys, expressions);
    if (!correlated.ok()) return correlated.status();
    if (correlated->has_value()) return Taken({i, **std::move(correlated)});
  }
  return Taken();
}

bool EventConsumption::Strategy::Satisfied() const {
  if (kind == Kind::kAll) {
    return std::all_of(satisfied.begin(), satisfied.end(), [](bool done) { return done; });
  }
  return taken > 0;
}

EventConsumption::EventConsumption(const nlohmann::json& to) : main_(Strategy::From(to)) {
  if (main_.kind != Strategy::Kind::kAny || !to.contains("until")) return;
  if (to["until"].is_string()) {
    until_expression_ = to["until"].get<std::string>();
  } else if (to["until"].is_object()) {
    until_ = Strategy::From(to["until"]);
  }
}

nlohmann::json EventConsumption::Filters() const {
  nlohmann::json filters = nlohmann::json::array();
  for (const nlohmann::json& with : main_.filters) filters.push_back(with);
  if (until_) {
    for (const nlohmann::json& with : until_->filters) filters.push_back(with);
  }
  return filters;
}

bool EventConsumption::TakesEveryEvent() const {
  return (main_.kind == Strategy::Kind::kAny && main_.filters.empty()) ||
         (until_ && until_->kind == Strategy::Kind::kAny && until_->filters.empty());
}

absl::StatusOr<EventConsumption::Match> EventConsumption::Classify(
    const nlohmann::json& event, const EventExpressions& expressions) const {
  if (until_) {
    auto ends = until_->Wants(event, keys_, expressions);
    if (!ends.ok()) return ends.status();
    if (ends->has_value()) return Match{Role::kUntil, (*ends)->first, (*ends)->second};
  }
  auto wanted = main_.Wants(event, keys_, expressions);
  if (!wanted.ok()) return wanted.status();
  if (!wanted->has_value()) return Match{};
  return Match{Role::kOutput, (*wanted)->first, (*wanted)->second};
}

void EventConsumption::Take(const Match& match) {
  if (match.role == Role::kNone || (match.role == Role::kUntil && !until_)) return;
  if (match.keys.is_object()) keys_.update(match.keys);
  Strategy* strategy = match.role == Role::kUntil ? &*until_ : &main_;
  ++strategy->taken;
  if (match.filter < strategy->satisfied.size()) strategy->satisfied[match.filter] = true;
}

bool EventConsumption::Done() const {
  if (until_) return until_->Satisfied();
  if (!until_expression_.empty()) return false;
  return main_.Satisfied();
}

}  // namespace stigmer::workflow
