#include "workflow/event_filter.h"

#include "gtest/gtest.h"
#include "workflow/event_consumption.h"
#include "workflow/expression_evaluator.h"

namespace stigmer::workflow {
namespace {

const nlohmann::json kEvent = {{"specversion", "1.0"},
                               {"id", "1"},
                               {"source", "/hospital/ward-3"},
                               {"type", "vitals.temperature"},
                               {"data", {{"temperature", 39.5}}}};

class EventFilterTest : public ::testing::Test {
 protected:
  absl::StatusOr<bool> Matches(const nlohmann::json& with, const nlohmann::json& event = kEvent) {
    return EventMatchesFilter(with, event, condition_);
  }

  ExpressionEvaluator evaluator_;
  EventExpressionCheck condition_ = [this](const std::string& expression,
                                           const nlohmann::json& value) {
    return evaluator_.EvaluateCondition(expression, value, ExpressionVariables());
  };
  nlohmann::json listen_data_ = {{"room", "kitchen"}};  // what `expect` expressions read
  EventExpressions check_ = {
      .check = condition_,
      .from = [this](const std::string& expression,
                     const nlohmann::json& event) -> absl::StatusOr<nlohmann::json> {
        return evaluator_.Evaluate(expression, event, ExpressionVariables());
      },
      .expect = [this](const std::string& expression) -> absl::StatusOr<nlohmann::json> {
        return evaluator_.Evaluate(expression, listen_data_, ExpressionVariables());
      }};
};

TEST_F(EventFilterTest, LiteralsRegularExpressionsAndExpressions) {
  EXPECT_TRUE(*Matches({{"type", "vitals.temperature"}}));
  EXPECT_FALSE(*Matches({{"type", "vitals.bpm"}}));
  EXPECT_TRUE(*Matches({{"source", "/hospital/.*"}}));
  EXPECT_FALSE(*Matches({{"source", "/clinic/.*"}}));
  EXPECT_TRUE(*Matches({{"type", "vitals.temperature"}, {"data", "${ .temperature > 38 }"}}));
  EXPECT_FALSE(*Matches({{"data", "${ .temperature > 40 }"}}));
  EXPECT_TRUE(*Matches({{"data", {{"temperature", 39.5}}}}));
  EXPECT_FALSE(*Matches({{"subject", "anything"}}));  // an attribute the event lacks
  EXPECT_TRUE(*Matches(nlohmann::json::object()));
}

TEST_F(EventFilterTest, AFailingExpressionIsAnError) {
  EXPECT_FALSE(Matches({{"data", "${ .temperature + \"x\" }"}}).ok());
}

TEST_F(EventFilterTest, TheServersCoarseMatchNeverDropsWhatTheFullFilterTakes) {
  for (const nlohmann::json& with : {nlohmann::json{{"type", "vitals.temperature"}},
                                     {{"source", "/hospital/.*"}},
                                     {{"data", "${ .temperature > 38 }"}}}) {
    EXPECT_TRUE(EventMayMatchFilter(with, kEvent)) << with;
  }
  EXPECT_FALSE(EventMayMatchFilter({{"type", "heartbeat"}}, kEvent));
  EXPECT_TRUE(EventMayMatchFilter({{"type", "vitals.bpm"}}, kEvent));  // may be a pattern
  EXPECT_FALSE(EventMayMatchFilter({{"subject", "x"}}, kEvent));
}

TEST_F(EventFilterTest, AHostileRegularExpressionDoesNotHang) {
  nlohmann::json event = kEvent;
  event["subject"] = std::string(100000, 'a') + "b";
  EXPECT_FALSE(*Matches({{"subject", "(a+)+$"}}, event));
}

nlohmann::json Event(const std::string& type) { return {{"type", type}, {"id", type}}; }

TEST_F(EventFilterTest, AllTakesOneEventPerFilter) {
  EventConsumption all(
      nlohmann::json::parse(R"({"all": [{"with": {"type": "a"}}, {"with": {"type": "b"}}]})"));
  auto a = all.Classify(Event("a"), check_);
  ASSERT_EQ(a->role, EventConsumption::Role::kOutput);
  all.Take(*a);
  EXPECT_FALSE(all.Done());
  EXPECT_EQ(all.Classify(Event("a"), check_)->role, EventConsumption::Role::kNone);
  all.Take(*all.Classify(Event("b"), check_));
  EXPECT_TRUE(all.Done());
}

TEST_F(EventFilterTest, AnyUntilAStrategyEndsOnTheUntilEvent) {
  EventConsumption any(
      nlohmann::json::parse(R"({"any": [], "until": {"one": {"with": {"type": "stop"}}}})"));
  EXPECT_TRUE(any.TakesEveryEvent());
  auto first = any.Classify(Event("x"), check_);
  EXPECT_EQ(first->role, EventConsumption::Role::kOutput);
  any.Take(*first);
  EXPECT_FALSE(any.Done());
  auto stop = any.Classify(Event("stop"), check_);
  EXPECT_EQ(stop->role, EventConsumption::Role::kUntil);
  any.Take(*stop);
  EXPECT_TRUE(any.Done());
}

TEST_F(EventFilterTest, OneAndPlainAnyEndAfterOneEvent) {
  EventConsumption one(nlohmann::json::parse(R"({"one": {"with": {"type": "a"}}})"));
  EXPECT_EQ(one.Filters(), nlohmann::json::parse(R"([{"type": "a"}])"));
  one.Take(*one.Classify(Event("a"), check_));
  EXPECT_TRUE(one.Done());
  EventConsumption until(nlohmann::json::parse(R"({"any": [], "until": "${ length > 1 }"})"));
  until.Take(*until.Classify(Event("a"), check_));
  EXPECT_FALSE(until.Done());  // the task evaluates the expression
  EXPECT_EQ(until.until_expression(), "${ length > 1 }");
}

nlohmann::json Reading(const std::string& type, const nlohmann::json& room) {
  return {{"type", type}, {"id", type}, {"roomid", room}};
}

TEST_F(EventFilterTest, AllTakesOnlyEventsThatCarryTheFirstEventsCorrelationKey) {
  EventConsumption all(nlohmann::json::parse(R"({"all": [
      {"with": {"type": "temperature"}, "correlate": {"room": {"from": ".roomid"}}},
      {"with": {"type": "humidity"}, "correlate": {"room": {"from": "${ .roomid }"}}}]})"));
  auto first = all.Classify(Reading("temperature", "kitchen"), check_);
  ASSERT_EQ(first->role, EventConsumption::Role::kOutput);
  EXPECT_EQ(first->keys, nlohmann::json({{"room", "kitchen"}}));
  all.Take(*first);
  EXPECT_EQ(all.Classify(Reading("humidity", "garage"), check_)->role,
            EventConsumption::Role::kNone);
  EXPECT_EQ(all.Classify(Event("humidity"), check_)->role,  // no room at all
            EventConsumption::Role::kNone);
  auto second = all.Classify(Reading("humidity", "kitchen"), check_);
  ASSERT_EQ(second->role, EventConsumption::Role::kOutput);
  all.Take(*second);
  EXPECT_TRUE(all.Done());
}

TEST_F(EventFilterTest, ExpectTakesOnlyTheExpectedValueAConstantOrAnExpression) {
  EventConsumption constant(nlohmann::json::parse(
      R"({"any": [{"with": {"type": "t"}, "correlate": {"room": {"from": ".roomid",
          "expect": "12"}}}], "until": "${ false }"})"));
  EXPECT_EQ(constant.Classify(Reading("t", 12), check_)->role, EventConsumption::Role::kOutput);
  EXPECT_EQ(constant.Classify(Reading("t", "12"), check_)->role, EventConsumption::Role::kOutput);
  EXPECT_EQ(constant.Classify(Reading("t", 13), check_)->role, EventConsumption::Role::kNone);
  EventConsumption expression(nlohmann::json::parse(
      R"({"one": {"with": {"type": "t"}, "correlate": {"room": {"from": ".roomid",
          "expect": "${ .room }"}}}})"));
  EXPECT_EQ(expression.Classify(Reading("t", "garage"), check_)->role,
            EventConsumption::Role::kNone);
  EXPECT_EQ(expression.Classify(Reading("t", "kitchen"), check_)->role,
            EventConsumption::Role::kOutput);
}

TEST_F(EventFilterTest, AnyKeepsTheKeyOfItsFirstEventAndAFailingFromIsAnError) {
  EventConsumption any(nlohmann::json::parse(
      R"({"any": [{"with": {"type": "t"}, "correlate": {"room": {"from": ".roomid"}}}],
          "until": "${ false }"})"));
  any.Take(*any.Classify(Reading("t", "kitchen"), check_));
  EXPECT_EQ(any.Classify(Reading("t", "garage"), check_)->role, EventConsumption::Role::kNone);
  EXPECT_EQ(any.Classify(Reading("t", "kitchen"), check_)->role, EventConsumption::Role::kOutput);
  EventConsumption failing(nlohmann::json::parse(
      R"({"one": {"with": {"type": "t"}, "correlate": {"room": {"from": ".roomid + 1"}}}})"));
  EXPECT_FALSE(failing.Classify(Reading("t", "kitchen"), check_).ok());
}

}  // namespace
}  // namespace stigmer::workflow
