#ifndef STIGMER_TESTS_TESTING_REPLAY_CHECK_H_
#define STIGMER_TESTS_TESTING_REPLAY_CHECK_H_

// Offline replay of a recorded history (history_fixtures.h) by a durable program: every
// workflow task the run completed is decided again and its commands compared with the events
// they became in history.

#include <string>
#include <vector>

#include "durable/program.h"
#include "durable/workflow_task_processor.h"

namespace stigmer::testing {

// What a command became in history, as "<kind> <id>" ("activity /do/0/x#1", "marker /turns/1/
// model", "complete {...}", "fail {...}"), so that the two can be compared.
std::string DescribeCommand(const durable::Command& command);
// The same for the event a command recorded; empty for every other event.
std::string DescribeEvent(const durable::HistoryEvent& event);

// Decides every completed workflow task of `events` again with `program` and expects exactly
// the commands history recorded after it (gtest failures naming the task otherwise). Returns
// the number of tasks decided.
int ExpectEveryTaskDecidedAgain(const std::vector<durable::HistoryEvent>& events,
                                const std::string& workflow_id,
                                const durable::WorkflowTaskOptions& options,
                                durable::Program& program);

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_REPLAY_CHECK_H_
