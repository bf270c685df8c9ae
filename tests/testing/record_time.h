#ifndef STIGMER_TESTS_TESTING_RECORD_TIME_H_
#define STIGMER_TESTS_TESTING_RECORD_TIME_H_

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace stigmer::testing {

// A time a record printed as JSON holds (an RFC 3339 string); InfinitePast when it holds none.
absl::Time RecordTime(const nlohmann::json& value);

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_RECORD_TIME_H_
