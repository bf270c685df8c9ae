#include "workflow/dsl_timeout.h"

#include "gtest/gtest.h"

namespace stigmer::workflow {
namespace {

TEST(TimeoutAfterTest, InlineReferencedOrNone) {
  const nlohmann::ordered_json document = {
      {"use", {{"timeouts", {{"short", {{"after", {{"seconds", 5}}}}}}}}}};
  EXPECT_EQ(TimeoutAfter(document, {{"timeout", {{"after", "PT2M"}}}}), absl::Minutes(2));
  EXPECT_EQ(TimeoutAfter(document, {{"timeout", "short"}}), absl::Seconds(5));
  EXPECT_EQ(TimeoutAfter(document, {{"timeout", "unknown"}}), std::nullopt);
  EXPECT_EQ(TimeoutAfter(document, {{"set", {{"a", 1}}}}), std::nullopt);
  EXPECT_EQ(TimeoutAfter(document, {{"timeout", {{"after", {{"seconds", 0}}}}}}), std::nullopt);
}

}  // namespace
}  // namespace stigmer::workflow
