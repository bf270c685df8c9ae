#include "workflow/event_consumption.h"

#include <algorithm>

namespace stigmer::workflow {

EventConsumption::Strategy EventConsumption::Strategy::From(const nlohmann::json& to) {
  Strategy strategy;
  auto with_of = [](const nlohmann::json& filter) {
    return filter.is_object() ? filter.value("with", nlohmann::json::object())
                              : nlohmann::json::object();
  };
  if (to.contains("one")) {
    strategy.kind = Kind::kOne;
    strategy.filters.push_back(with_of(to["one"]));
  } else {
    strategy.kind = to.contains("all") ? Kind::kAll : Kind::kAny;
    const nlohmann::json& list = to.contains("all") ? to["all"] : to.value("any", nlohmann::json());
    if (list.is_array()) {
      for (const nlohmann::json& filter : list) strategy.filters.push_back(with_of(filter));
    }
  }
  strategy.satisfied.assign(strategy.filters.size(), false);
  return strategy;
}

absl::StatusOr<std::optional<size_t>> EventConsumption::Strategy::Wants(
    const nlohmann::json& event, const EventExpressionCheck& check) const {
  if (kind == Kind::kAny && filters.empty()) return std::optional<size_t>(0);
  if (kind == Kind::kOne && taken > 0) return std::optional<size_t>();
  for (size_t i = 0; i < filters.size(); ++i) {
    if (kind == Kind::kAll && satisfied[i]) continue;
    absl::StatusOr<bool> matches = EventMatchesFilter(filters[i], event, check);
    if (!matches.ok()) return matches.status();
    if (*matches) return std::optional<size_t>(i);
  }
  return std::optional<size_t>();
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
    const nlohmann::json& event, const EventExpressionCheck& check) const {
  if (until_) {
    absl::StatusOr<std::optional<size_t>> ends = until_->Wants(event, check);
    if (!ends.ok()) return ends.status();
    if (ends->has_value()) return Match{Role::kUntil, **ends};
  }
  absl::StatusOr<std::optional<size_t>> wanted = main_.Wants(event, check);
  if (!wanted.ok()) return wanted.status();
  if (!wanted->has_value()) return Match{};
  return Match{Role::kOutput, **wanted};
}

void EventConsumption::Take(const Match& match) {
  if (match.role == Role::kNone || (match.role == Role::kUntil && !until_)) return;
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
