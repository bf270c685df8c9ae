#ifndef STIGMER_TESTS_TESTING_HISTORY_FIXTURES_H_
#define STIGMER_TESTS_TESTING_HISTORY_FIXTURES_H_

// Temporal histories recorded by the integration tests from the real dev server, kept as
// tests/fixtures/histories/NAME.json (the History message as protobuf JSON) and read back by
// the offline tests.

#include <string>
#include <vector>

#include "temporal/api/history/v1/message.pb.h"

namespace stigmer::testing {

// The events of fixture NAME; a test failure (and no events) when it cannot be read.
std::vector<::temporal::api::history::v1::HistoryEvent> LoadHistoryFixture(const std::string& name);

// Saves `events` as fixture NAME, only when STIGMER_RECORD_HISTORIES=1 (a test failure when it
// cannot be written).
void SaveHistoryFixture(const std::string& name,
                        const std::vector<::temporal::api::history::v1::HistoryEvent>& events);

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_HISTORY_FIXTURES_H_
