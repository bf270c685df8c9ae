// Events through the daemon: a workflow waiting on `listen` completes when `stigmer emit` and an
// HTTP CloudEvent (curl) arrive, with every component restarted in between; hostile events are
// refused beside it; `schedule.on` starts a run once per event.
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/executable_search.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "temporal/temporal_client.h"
#include "testing/closed_history.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

// curl, an independent HTTP client, as PATH finds it.
std::string CurlPath() {
  const char* path = std::getenv("PATH");
  return FindExecutable("curl", path == nullptr ? "/usr/bin:/bin" : path)
      .value_or("/usr/bin/curl")
      .string();
}

using ::testing::HasSubstr;

constexpr char kOrder[] =
    R"(document: {dsl: '1.0.0', namespace: test, name: order, version: '1.0.0'}
do:
  - hear:
      listen:
        to:
          all:
            - with: {type: order.placed, source: /cli}
            - with: {type: order.paid, data: '${ .amount > 10 }'}
  - total:
      set:
        placed: ${ .[0].order }
        paid: ${ .[1].amount }
  - announce:
      emit:
        event:
          with: {source: /orders, type: order.ready, data: '${ . }'}
)";

constexpr char kAlert[] =
    R"(document: {dsl: '1.0.0', namespace: test, name: alert, version: '1.0.0'}
schedule:
  on:
    one:
      with: {type: heartbeat.low}
do:
  - page:
      set:
        patient: ${ $workflow.input[0].data.patient }
)";

std::string StartedId(const std::string& out) {
  const size_t at = out.find("wex-");
  return at == std::string::npos ? "" : out.substr(at, out.find_first_of(" \n", at) - at);
}

class EventsE2eTest : public ::testing::Test {
 protected:
  // Waits until run `id` has recorded that it listens (its history holds a "stigmer.event"
  // marker): events accepted before are not for it.
  bool Listening(const std::string& id) {
    auto client = temporal::TemporalClient::Connect(
        absl::StrCat("127.0.0.1:", home_.temporal_port()), "default", absl::Seconds(2));
    return client.ok() && WaitForMarker(**client, id, "stigmer.event", absl::Seconds(60));
  }

  // POSTs `body` to the event endpoint with `headers`; "<status> <body>".
  std::string Post(const std::vector<std::string>& headers, const std::string& body) {
    const std::filesystem::path file = home_.paths().home() / "event-body";
    EXPECT_TRUE(WriteFileAtomically(file, body).ok());
    std::vector<std::string> argv = {CurlPath(),
                                     "-sS",
                                     "-o",
                                     "-",
                                     "-w",
                                     " %{http_code}",
                                     "--data-binary",
                                     absl::StrCat("@", file.string()),
                                     "-H",
                                     absl::StrCat("Authorization: Bearer ", home_.ApiToken())};
    for (const std::string& header : headers) {
      argv.push_back("-H");
      argv.push_back(header);
    }
    argv.push_back(absl::StrCat("http://127.0.0.1:", home_.events_port(), "/events"));
    CommandResult result = RunCommand(argv);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  }

  // The executions of `workflow`, newest first.
  nlohmann::json ExecutionsOf(const std::string& workflow) {
    CommandResult get = home_.Run({"get", "executions", "--workflow", workflow, "-o", "json"});
    if (get.exit_code != 0) return nlohmann::json::array();
    nlohmann::json list = nlohmann::json::parse(get.out, nullptr, false);
    return list.is_array() ? list : nlohmann::json::array();
  }

  nlohmann::json Execution(const std::string& id) {
    CommandResult get = home_.Run({"get", "executions", id, "-o", "json"});
    if (get.exit_code != 0) return nullptr;
    return nlohmann::json::parse(get.out, nullptr, false);
  }

  StigmerHome home_;
};

TEST_F(EventsE2eTest, AListenCompletesOnEmitAndAnHttpEventAcrossARestart) {
  const std::filesystem::path file = home_.paths().home() / "order.yaml";
  ASSERT_TRUE(WriteFileAtomically(file, kOrder).ok());
  CommandResult apply = home_.Run({"apply", "-f", file.string()});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  CommandResult run = home_.Run({"run", "order", "--no-follow"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string id = StartedId(run.out);
  ASSERT_TRUE(Listening(id)) << id << " never listened";

  // Hostile input beside it: refused, naming the problem; nothing reaches the run.
  CommandResult bad = home_.Run({"emit", "--type", "order.placed", "--source", "/cli", "--data",
                                 std::string(50000, '[') + std::string(50000, ']')});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--data is nested deeper than 256 levels"));
  CommandResult not_json =
      home_.Run({"emit", "--type", "order.placed", "--source", "/cli", "--data", "{order: 7"});
  EXPECT_EQ(not_json.exit_code, 2);
  EXPECT_THAT(not_json.err, HasSubstr("--data is not valid JSON"));
  EXPECT_THAT(Post({"Content-Type: application/cloudevents+json"}, "{\"specversion\": \"1.0\""),
              HasSubstr("the event is not valid JSON"));
  EXPECT_THAT(Post({"Content-Type: application/cloudevents+json"}, std::string(300000, ' ')),
              HasSubstr(" 413"));
  // A paid event too small for the filter: the run takes it not.
  EXPECT_THAT(Post({"ce-specversion: 1.0", "ce-id: small", "ce-source: /shop",
                    "ce-type: order.paid", "Content-Type: application/json"},
                   R"({"amount": 3})"),
              HasSubstr(" 202"));

  CommandResult emit = home_.Run({"emit", "--type", "order.placed", "--source", "/cli", "--id",
                                  "order-7", "--data", R"({"order": 7})"});
  ASSERT_EQ(emit.exit_code, 0) << emit.err;
  EXPECT_THAT(emit.out, HasSubstr("event order-7 accepted"));
  CommandResult again = home_.Run({"emit", "--type", "order.placed", "--source", "/cli", "--id",
                                   "order-7", "--data", R"({"order": 7})"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out,
              HasSubstr("event order-7 from /cli was already accepted; it is not delivered again"));

  // schedule.on: the matching event starts one run of `alert`, with the event as input; the same
  // event again starts none.
  const std::filesystem::path alert = home_.paths().home() / "alert.yaml";
  ASSERT_TRUE(WriteFileAtomically(alert, kAlert).ok());
  ASSERT_EQ(home_.Run({"apply", "-f", alert.string()}).exit_code, 0);
  for (int i = 0; i < 2; ++i) {
    CommandResult low = home_.Run({"emit", "--type", "heartbeat.low", "--source", "/ward", "--id",
                                   "beat-1", "--data", R"({"patient": "Ada"})"});
    ASSERT_EQ(low.exit_code, 0) << low.err;
  }
  nlohmann::json alerts;
  EXPECT_TRUE(WaitFor(
      [&] {
        alerts = ExecutionsOf("alert");
        return alerts.size() == 1 && alerts[0].value("phase", "") == "EXECUTION_PHASE_COMPLETED";
      },
      absl::Seconds(60)))
      << alerts.dump();

  CommandResult restart = home_.Run({"server", "restart"});
  ASSERT_EQ(restart.exit_code, 0) << restart.out << restart.err;

  EXPECT_THAT(Post({"ce-specversion: 1.0", "ce-id: pay-7", "ce-source: /shop",
                    "ce-type: order.paid", "Content-Type: application/json"},
                   R"({"amount": 42})"),
              HasSubstr(" 202"));
  nlohmann::json execution;
  EXPECT_TRUE(WaitFor(
      [&] {
        execution = Execution(id);
        return execution.is_object() && execution.value("phase", "") != "EXECUTION_PHASE_RUNNING" &&
               execution.value("phase", "") != "EXECUTION_PHASE_PENDING";
      },
      absl::Seconds(120)))
      << execution.dump();
  EXPECT_EQ(execution.value("phase", ""), "EXECUTION_PHASE_COMPLETED") << execution.dump();
  EXPECT_EQ(execution["output"], nlohmann::json::parse(R"({"placed": 7, "paid": 42})"));
  // `emit` published with an id of the execution and the task: publishing it again is a duplicate.
  CommandResult ready = home_.Run({"emit", "--type", "order.ready", "--source", "/orders", "--id",
                                   absl::StrCat(id, "/do/2/announce#1")});
  EXPECT_THAT(ready.out, HasSubstr("was already accepted")) << ready.out << ready.err;

  alerts = ExecutionsOf("alert");
  ASSERT_EQ(alerts.size(), 1u) << alerts.dump();  // the restart started it no second time
  EXPECT_EQ(alerts[0]["output"], nlohmann::json::parse(R"({"patient": "Ada"})"));
}

// schedule.on's filters were evaluated in stigmer-server's own process: a filter that never ends
// held the thread that starts every event-driven run, one that allocates without end took the
// server. Now they stop at the expression sandbox's bounds, are skipped from then on, and a good
// schedule.on applied beside them starts on the same event.
TEST_F(EventsE2eTest, HostileScheduleFilterDoesNotStallTheServer) {
  auto workflow = [](const std::string& name, const std::string& data) {
    return absl::StrCat("document: {dsl: '1.0.0', namespace: test, name: ", name,
                        ", version: '1.0.0'}\nschedule:\n  on:\n    one:\n      with:\n"
                        "        type: tick\n        data: '",
                        data,
                        "'\ndo:\n  - keep:\n      set: {tick: '${ $workflow.input[0].id }'}\n");
  };
  // By name, the hostile ones come first for every event.
  for (const auto& [name, data] : std::vector<std::pair<std::string, std::string>>{
           {"a-loop", "${ def f: f; f }"},
           {"a-range", "${ [range(1e9)] | length > 0 }"},
           {"beat", "${ .n > 0 }"}}) {
    const std::filesystem::path file = home_.paths().home() / (name + ".yaml");
    ASSERT_TRUE(WriteFileAtomically(file, workflow(name, data)).ok());
    CommandResult apply = home_.Run({"apply", "-f", file.string()});
    ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  }
  for (const char* id : {"tick-1", "tick-2"}) {
    CommandResult tick = home_.Run(
        {"emit", "--type", "tick", "--source", "/clock", "--id", id, "--data", R"({"n": 1})"});
    ASSERT_EQ(tick.exit_code, 0) << tick.err;
  }
  nlohmann::json beats;
  EXPECT_TRUE(WaitFor(
      [&] {
        beats = ExecutionsOf("beat");
        return beats.size() == 2 && beats[0].value("phase", "") == "EXECUTION_PHASE_COMPLETED" &&
               beats[1].value("phase", "") == "EXECUTION_PHASE_COMPLETED";
      },
      absl::Seconds(60)))
      << beats.dump();
  EXPECT_EQ(ExecutionsOf("a-loop").size(), 0u);
  EXPECT_EQ(ExecutionsOf("a-range").size(), 0u);
  CommandResult status = home_.Run({"get", "workflows"});
  EXPECT_EQ(status.exit_code, 0) << status.err;

  CommandResult logs =
      home_.Run({"server", "logs", "-c", "stigmer-server", "--stderr", "-n", "200"});
  EXPECT_THAT(logs.out, HasSubstr("schedule.on of a-loop is skipped until the workflow is applied "
                                  "again: expression `${ def f: f; f }`: stopped after 2s, the "
                                  "limit for one expression (STIGMER_EXPRESSION_TIMEOUT_MS)"));
  EXPECT_THAT(logs.out, HasSubstr("schedule.on of a-range is skipped until the workflow is "
                                  "applied again"));
}

// A listen took a burst of n events with ~n²/2 signals: after each event it took, its next wait
// began with a new marker, and the server sent again every event the listen had not taken.
TEST_F(EventsE2eTest, ABurstOfEventsReachesAListenOnceEach) {
  constexpr int kBurst = 20;
  const std::filesystem::path file = home_.paths().home() / "burst.yaml";
  ASSERT_TRUE(
      WriteFileAtomically(
          file,
          absl::StrCat(R"(document: {dsl: '1.0.0', namespace: test, name: burst, version: '1.0.0'}
do:
  - hear:
      listen:
        to:
          any:
            - with: {type: tick}
          until: '${ length >= )",
                       kBurst, R"( }'
)"))
          .ok());
  ASSERT_EQ(home_.Run({"apply", "-f", file.string()}).exit_code, 0);
  CommandResult run = home_.Run({"run", "burst", "--no-follow"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string id = StartedId(run.out);
  ASSERT_TRUE(Listening(id)) << id << " never listened";
  for (int i = 0; i < kBurst; ++i) {
    CommandResult tick =
        home_.Run({"emit", "--type", "tick", "--source", "/clock", "--data", absl::StrCat(i)});
    ASSERT_EQ(tick.exit_code, 0) << tick.err;
  }
  nlohmann::json execution;
  EXPECT_TRUE(WaitFor(
      [&] {
        execution = Execution(id);
        return execution.is_object() && execution.value("phase", "") == "EXECUTION_PHASE_COMPLETED";
      },
      absl::Seconds(120)))
      << execution.dump();
  ASSERT_EQ(execution["output"].size(), static_cast<size_t>(kBurst)) << execution.dump();
  EXPECT_EQ(execution["output"][0], 0);
  EXPECT_EQ(execution["output"][kBurst - 1], kBurst - 1);

  auto client = temporal::TemporalClient::Connect(absl::StrCat("127.0.0.1:", home_.temporal_port()),
                                                  "default", absl::Seconds(2));
  ASSERT_TRUE(client.ok());
  auto history = (*client)->GetFullHistory(id);
  ASSERT_TRUE(history.ok()) << history.status();
  int signals = 0;
  for (const temporal::HistoryEvent& event : *history) {
    signals +=
        event.has_workflow_execution_signaled_event_attributes() &&
        event.workflow_execution_signaled_event_attributes().signal_name() == "stigmer.event";
  }
  EXPECT_EQ(signals, kBurst);
}

}  // namespace
}  // namespace stigmer::testing
