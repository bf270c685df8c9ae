// The specification's event examples that spec_examples_e2e_test.cc does not run (it runs
// listen-to-one, listen-to-all, listen-to-any-filter, emit and set-expression's schedule.on),
// each written again here from what the example shows and run through the daemon with the real
// Temporal dev server, its events sent with `stigmer emit` and over HTTP (curl, binary mode).
// Remote services are a local stand-in; where an example reads its listen's output as one event
// (the output is the list of events taken) the test says what it reads instead.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/executable_search.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "temporal/temporal_client.h"
#include "testing/local_http_server.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using json = nlohmann::json;
using ::testing::ElementsAre;

// The order service of accumulate-room-readings: logreading takes the reading as a query
// parameter here, so the test sees which readings the listen took.
constexpr char kOrderService[] = R"({"openapi": "3.0.3", "servers": [{"url": "/orders"}],
  "paths": {
    "/readings": {"post": {"operationId": "logreading",
      "parameters": [{"name": "reading", "in": "query", "required": true}]}},
    "/report": {"get": {"operationId": "produceReport"}}}})";

HttpServerResponse StandIn(const HttpServerRequest& request) {
  const std::vector<std::pair<std::string, std::string>> kJson = {
      {"Content-Type", "application/json"}};
  if (request.path == "/ordersservices.json") return {200, kJson, kOrderService};
  if (request.path == "/orders/readings") return {200, kJson, R"({"logged": true})"};
  if (request.path == "/orders/report") return {200, kJson, R"({"report": "2 readings"})"};
  if (request.path == "/v2/pet/404") return {404, kJson, R"({"message": "Pet not found"})"};
  if (request.path.rfind("/room/", 0) == 0 || request.path == "/api/v1/notify") {
    return {200, kJson,
            json({{"path", request.path}, {"received", json::parse(request.body, nullptr, false)}})
                .dump()};
  }
  return {404, {}, "no such stand-in"};
}

class SpecEventExamplesE2e : public ::testing::Test {
 protected:
  SpecEventExamplesE2e() : server_(StandIn), base_(server_.url()) {}

  // Applies `body` (from `schedule:`/`do:` on, "$BASE" standing for the stand-in) as `name`.
  void Apply(const std::string& name, const std::string& body) {
    const std::filesystem::path file = home_.paths().home() / (name + ".yaml");
    const std::string text =
        absl::StrCat("document: {dsl: '1.0.3', namespace: examples, name: ", name,
                     ", version: '0.1.0'}\n", absl::StrReplaceAll(body, {{"$BASE", base_}}));
    ASSERT_TRUE(WriteFileAtomically(file, text).ok());
    CommandResult apply = home_.Run({"apply", "-f", file.string()});
    ASSERT_EQ(apply.exit_code, 0) << name << ": " << apply.out << apply.err;
  }

  // `stigmer run NAME --no-follow`: the execution id, once `markers` listen waits were recorded.
  std::string StartListening(const std::string& name, const json& input = json::object()) {
    CommandResult run = home_.Run({"-q", "run", name, "--no-follow", "--input", input.dump()});
    EXPECT_EQ(run.exit_code, 0) << name << ": " << run.out << run.err;
    const std::string id(absl::StripTrailingAsciiWhitespace(run.out));
    EXPECT_TRUE(Listens(id, 1)) << name << " never listened";
    return id;
  }

  // Whether run `id` has recorded at least `count` listen waits ("stigmer.event" markers): an
  // event accepted before a listen began is not for that listen.
  bool Listens(const std::string& id, int count) {
    auto client = temporal::TemporalClient::Connect(
        absl::StrCat("127.0.0.1:", home_.temporal_port()), "default", absl::Seconds(2));
    if (!client.ok()) return false;
    return WaitFor(
        [&] {
          auto history = (*client)->GetFullHistory(id);
          if (!history.ok()) return false;
          int markers = 0;
          for (const temporal::HistoryEvent& event : *history) {
            markers += event.has_marker_recorded_event_attributes() &&
                       event.marker_recorded_event_attributes().marker_name() == "stigmer.event";
          }
          return markers >= count;
        },
        absl::Seconds(60));
  }

  void Emit(const std::string& type, const json& data, const std::string& source = "/examples") {
    CommandResult emit =
        home_.Run({"emit", "--type", type, "--source", source, "--data", data.dump()});
    EXPECT_EQ(emit.exit_code, 0) << emit.out << emit.err;
  }

  // POSTs an event in binary mode with curl: `type`, `data`, and extension attributes.
  void Post(const std::string& id, const std::string& type, const json& data,
            const std::vector<std::string>& extensions = {}) {
    const char* path = std::getenv("PATH");
    std::vector<std::string> argv = {
        FindExecutable("curl", path == nullptr ? "/usr/bin:/bin" : path)
            .value_or("/usr/bin/curl")
            .string(),
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "--data-binary",
        data.dump(),
        "-H",
        absl::StrCat("Authorization: Bearer ", home_.ApiToken()),
        "-H",
        "ce-specversion: 1.0",
        "-H",
        absl::StrCat("ce-id: ", id),
        "-H",
        "ce-source: https://my.home.com/sensor",
        "-H",
        absl::StrCat("ce-type: ", type),
        "-H",
        "Content-Type: application/json"};
    for (const std::string& extension : extensions) {
      argv.push_back("-H");
      argv.push_back(extension);
    }
    argv.push_back(absl::StrCat("http://127.0.0.1:", home_.events_port(), "/events"));
    CommandResult result = RunCommand(argv);
    EXPECT_EQ(result.out, "202") << result.err;
  }

  json Get(const std::string& id) {
    CommandResult get = home_.Run({"get", "executions", id, "-o", "json"});
    return json::parse(get.out, nullptr, false);
  }

  // The record of execution `id` once it is no longer running (null-ish after a minute).
  json Ended(const std::string& id) {
    json record;
    WaitFor(
        [&] {
          record = Get(id);
          const std::string phase = record.is_object() ? record.value("phase", "") : "";
          return phase == "EXECUTION_PHASE_COMPLETED" || phase == "EXECUTION_PHASE_FAILED" ||
                 phase == "EXECUTION_PHASE_CANCELLED";
        },
        absl::Seconds(60));
    return record;
  }

  // The executions of `workflow`, newest first.
  json ExecutionsOf(const std::string& workflow) {
    CommandResult list = home_.Run({"get", "executions", "--workflow", workflow, "-o", "json"});
    json runs = json::parse(list.out, nullptr, false);
    return runs.is_array() ? runs : json::array();
  }

  // The requests the stand-in got at `path`.
  std::vector<HttpServerRequest> RequestsTo(const std::string& path) {
    std::vector<HttpServerRequest> found;
    for (const HttpServerRequest& request : server_.requests()) {
      if (request.path == path) found.push_back(request);
    }
    return found;
  }

  StigmerHome home_;
  LocalHttpServer server_;
  const std::string base_;
};

const char kVitals[] = R"(
          - with:
              type: com.fake-hospital.vitals.measurements.temperature
              data: ${ .temperature > 38 }
          - with:
              type: com.fake-hospital.vitals.measurements.bpm
              data: ${ .bpm < 60 or .bpm > 100 }
)";

TEST_F(SpecEventExamplesE2e, ListenExamplesTakeTheirEventsAsDocumented) {
  // listen-to-all read-envelope: both vitals, each as its whole CloudEvent.
  Apply("listen-to-all-read-envelope",
        absl::StrCat("do:\n  - callDoctor:\n      listen:\n        to:\n          all:", kVitals,
                     "        read: envelope\n"));
  // listen-to-any-until-condition: every event until more than three were taken.
  Apply("listen-to-any-until-condition", R"(do:
  - callDoctor:
      listen:
        to:
          any: []
          until: ( . | length ) > 3
)");
  // listen-to-any-until-consumed: bad vitals until the patient checks out.
  Apply("listen-to-any-until-consumed",
        absl::StrCat("do:\n  - callDoctor:\n      listen:\n        to:\n          any:", kVitals,
                     "          until:\n            one:\n              with:\n"
                     "                type: com.fake-hospital.patient.checked-out\n"));
  const std::string envelope = StartListening("listen-to-all-read-envelope");
  const std::string condition = StartListening("listen-to-any-until-condition");
  const std::string consumed = StartListening("listen-to-any-until-consumed");

  Emit("com.fake-hospital.vitals.measurements.temperature", {{"temperature", 39}});
  Emit("com.fake-hospital.vitals.measurements.bpm", {{"bpm", 80}});  // in range
  Emit("com.fake-hospital.vitals.measurements.bpm", {{"bpm", 130}});
  Emit("com.fake-hospital.patient.checked-out", {{"patient", "Ada"}});

  const json all = Ended(envelope);
  ASSERT_EQ(all.value("phase", ""), "EXECUTION_PHASE_COMPLETED") << all.dump();
  ASSERT_EQ(all["output"].size(), 2u) << all.dump();
  for (const json& event : all["output"]) {
    EXPECT_EQ(event["specversion"], "1.0");
    EXPECT_EQ(event["source"], "/examples");
  }
  EXPECT_EQ(all["output"][0]["data"], json({{"temperature", 39}}));
  EXPECT_EQ(all["output"][1]["data"], json({{"bpm", 130}}));
  // Four events: the fourth makes the length more than three.
  EXPECT_EQ(Ended(condition)["output"],
            json::parse(R"([{"temperature": 39}, {"bpm": 80}, {"bpm": 130}, {"patient": "Ada"}])"));
  // The check-out ends it and is not part of the output.
  EXPECT_EQ(Ended(consumed)["output"], json::parse(R"([{"temperature": 39}, {"bpm": 130}])"));
}

TEST_F(SpecEventExamplesE2e, ListenForeverPostsEachEventUntilTheRunIsCancelled) {
  // listen-to-any-forever-foreach: `until: false` never ends it; each event is posted to the chat
  // room its data names; cancelling the run is how it ends.
  Apply("listen-to-any-while-foreach", R"(do:
  - listenToGossips:
      listen:
        to:
          any: []
          until: '${ false }'
      foreach:
        item: event
        at: i
        do:
          - postToChatApi:
              call: http
              with:
                method: post
                endpoint: $BASE/room/{roomId}
                body:
                  event: ${ $event }
)");
  const std::string id = StartListening("listen-to-any-while-foreach");
  for (int i = 0; i < 3; ++i) {
    Emit("com.example.gossip", {{"roomId", "lobby"}, {"text", absl::StrCat("rumour ", i)}});
  }
  EXPECT_TRUE(WaitFor([&] { return RequestsTo("/room/lobby").size() == 3; }, absl::Seconds(60)));
  std::vector<std::string> texts;
  for (const HttpServerRequest& request : RequestsTo("/room/lobby")) {
    texts.push_back(json::parse(request.body, nullptr, false)["event"].value("text", ""));
  }
  EXPECT_THAT(texts, ElementsAre("rumour 0", "rumour 1", "rumour 2"));
  EXPECT_EQ(Get(id).value("phase", ""), "EXECUTION_PHASE_RUNNING");
  ASSERT_EQ(home_.Run({"cancel", id}).exit_code, 0);
  EXPECT_EQ(Ended(id).value("phase", ""), "EXECUTION_PHASE_CANCELLED");
}

TEST_F(SpecEventExamplesE2e, ForListensOncePerPetWhileAVetIsThere) {
  // for: one checkup event per pet while `.vet` is set. The example appends to `.pets` in the
  // listen's output.as, but that output is the list of events: here output.as reads the vet from
  // the event and keeps the checked pets beside the task's input.
  Apply("for-example", R"(do:
  - checkup:
      for:
        each: pet
        in: .pets
        at: index
      while: .vet != null
      do:
        - waitForCheckup:
            listen:
              to:
                one:
                  with:
                    type: com.fake.petclinic.pets.checkup.completed.v2
            output:
              as: '${ $input + {vet: .[0].vet, checked: (($input.checked // []) + [{id: $pet.id}])} }'
)");
  const std::string id = StartListening(
      "for-example", {{"pets", {{{"id", 1}}, {{"id", 2}}, {{"id", 3}}}}, {"vet", "Dr Quinn"}});
  Emit("com.fake.petclinic.pets.checkup.completed.v2", {{"vet", "Dr Quinn"}});
  ASSERT_TRUE(Listens(id, 2));
  Emit("com.fake.petclinic.pets.checkup.completed.v2", {{"vet", nullptr}});  // the vet leaves
  const json record = Ended(id);
  ASSERT_EQ(record.value("phase", ""), "EXECUTION_PHASE_COMPLETED") << record.dump();
  EXPECT_EQ(record["output"]["checked"], json::parse(R"([{"id": 1}, {"id": 2}])"));
  EXPECT_EQ(record["output"]["vet"], nullptr);
}

TEST_F(SpecEventExamplesE2e, AccumulateRoomReadingsTakesOneRoomsReadings) {
  // accumulate-room-readings: a temperature and a humidity reading correlated by the room
  // (extension attribute `roomid`); each is logged, then a report is made. The example's
  // `output.as: .data.reading` reads one event: here it maps the events taken.
  Apply("accumulate-room-readings", R"(do:
  - consumeReading:
      listen:
        to:
          all:
            - with:
                source: https://my.home.com/sensor
                type: my.home.sensors.temperature
              correlate:
                roomId:
                  from: .roomid
            - with:
                source: https://my.home.com/sensor
                type: my.home.sensors.humidity
              correlate:
                roomId:
                  from: .roomid
      output:
        as: '${ {readings: map(.reading)} }'
  - logReading:
      for:
        each: reading
        in: .readings
      do:
        - callOrderService:
            call: openapi
            with:
              document:
                endpoint: $BASE/ordersservices.json
              operationId: logreading
              parameters:
                reading: ${ $reading }
  - generateReport:
      call: openapi
      with:
        document:
          endpoint: $BASE/ordersservices.json
        operationId: produceReport
timeout:
  after:
    hours: 1
)");
  const std::string id = StartListening("accumulate-room-readings");
  Post("t-kitchen", "my.home.sensors.temperature", {{"reading", 21.5}}, {"ce-roomid: kitchen"});
  Post("h-garage", "my.home.sensors.humidity", {{"reading", 90}}, {"ce-roomid: garage"});
  Post("h-none", "my.home.sensors.humidity", {{"reading", 10}});  // no room: correlates with none
  Emit("my.home.sensors.humidity", {{"reading", 40}}, "https://my.home.com/sensor");  // no room
  Post("h-kitchen", "my.home.sensors.humidity", {{"reading", 45}}, {"ce-roomid: kitchen"});

  const json record = Ended(id);
  ASSERT_EQ(record.value("phase", ""), "EXECUTION_PHASE_COMPLETED") << record.dump();
  EXPECT_EQ(record["output"], json({{"report", "2 readings"}}));
  std::vector<std::string> logged;
  for (const HttpServerRequest& request : RequestsTo("/orders/readings")) {
    logged.push_back(request.query);
  }
  EXPECT_THAT(logged, ElementsAre("reading=21.5", "reading=45"));
}

TEST_F(SpecEventExamplesE2e, EventDrivenScheduleAndTryCatchThenRunOnTheirEvents) {
  // schedule-event-driven: a low-heartbeat event starts a run that notifies the nurse.
  Apply("event-driven-schedule", R"(schedule:
  on:
    one:
      with:
        type: com.example.hospital.events.patients.heartbeat.low
do:
  - callNurse:
      call: http
      with:
        method: post
        endpoint: $BASE/api/v1/notify
        body:
          patientId: ${ $workflow.input[0].data.patient.id }
          patientName: ${ $workflow.input[0].data.patient.name }
          roomNumber: ${ $workflow.input[0].data.patient.room.number }
          vitals:
            heartRate: ${ $workflow.input[0].data.patient.vitals.bpm }
            timestamp: ${ $workflow.input[0].data.timestamp }
          message: "Alert: Patient's heartbeat is critically low. Immediate attention required."
)");
  // try-catch-then: a pet not found is reported with an event and not bought. The example's
  // `set: {error: $error}` and `export.as` are written as runtime expressions here.
  Apply("try-catch-then", R"(do:
  - tryGetPet:
      try:
        - getPet:
            call: http
            with:
              method: get
              endpoint: $BASE/v2/pet/{petId}
      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/communication
            status: 404
        as: error
        do:
          - notifySupport:
              emit:
                event:
                  with:
                    source: https://petstore.swagger.io
                    type: io.swagger.petstore.events.pets.not-found.v1
                    data: ${ $error }
          - setError:
              set:
                error: ${ $error }
              export:
                as: '${ $context + { error: $error } }'
  - buyPet:
      if: $context.error == null
      call: http
      with:
        method: put
        endpoint: $BASE/v2/pet/{petId}
        body: '${ . + { status: "sold" } }'
)");
  // The same schedule with a correlation: only the patients of room 12.
  Apply("room-12-alerts", R"(schedule:
  on:
    one:
      with:
        type: com.example.hospital.events.patients.heartbeat.low
      correlate:
        room:
          from: .data.patient.room.number
          expect: '12'
do:
  - page:
      set:
        patient: ${ $workflow.input[0].data.patient.name }
)");
  Apply("pet-support", R"(do:
  - hear:
      listen:
        to:
          one:
            with:
              type: io.swagger.petstore.events.pets.not-found.v1
)");
  const std::string support = StartListening("pet-support");

  Emit("com.example.hospital.events.patients.heartbeat.low",
       {{"patient",
         {{"id", "p-7"}, {"name", "Ada"}, {"room", {{"number", 12}}}, {"vitals", {{"bpm", 38}}}}},
        {"timestamp", "2026-01-01T10:00:00Z"}});
  CommandResult run =
      home_.Run({"run", "try-catch-then", "-o", "json", "--input", R"({"petId": 404})"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const json pet =
      json::parse(run.out.substr(std::min(run.out.find('{'), run.out.size())), nullptr, false);
  EXPECT_EQ(pet.value("phase", ""), "EXECUTION_PHASE_COMPLETED") << run.out;
  EXPECT_EQ(pet["output"]["error"]["status"], 404) << run.out;
  EXPECT_TRUE(RequestsTo("/v2/pet/404").size() == 1);  // buyPet was skipped: no PUT

  const json report = Ended(support);
  ASSERT_EQ(report.value("phase", ""), "EXECUTION_PHASE_COMPLETED") << report.dump();
  EXPECT_EQ(report["output"][0]["status"], 404);

  json nurse;
  EXPECT_TRUE(WaitFor(
      [&] {
        json runs = ExecutionsOf("event-driven-schedule");
        if (runs.size() != 1) return false;
        nurse = Ended(runs[0]["id"].get<std::string>());
        return nurse.value("phase", "") == "EXECUTION_PHASE_COMPLETED";
      },
      absl::Seconds(60)))
      << nurse.dump();
  EXPECT_EQ(nurse["output"]["path"], "/api/v1/notify");
  EXPECT_EQ(nurse["output"]["received"]["patientName"], "Ada");
  EXPECT_EQ(nurse["output"]["received"]["roomNumber"], 12);
  EXPECT_EQ(nurse["output"]["received"]["vitals"],
            json({{"heartRate", 38}, {"timestamp", "2026-01-01T10:00:00Z"}}));

  for (const auto& [name, room] : {std::pair{"Bob", 3}, std::pair{"Cy", 12}}) {
    Emit("com.example.hospital.events.patients.heartbeat.low",
         {{"patient", {{"name", name}, {"room", {{"number", room}}}}}});
  }
  json paged;
  EXPECT_TRUE(WaitFor(
      [&] {
        paged = ExecutionsOf("room-12-alerts");
        return paged.size() == 2 && ExecutionsOf("event-driven-schedule").size() == 3;
      },
      absl::Seconds(60)))
      << paged.dump();
  std::vector<std::string> patients;
  for (const json& page : paged) {
    patients.push_back(Ended(page["id"].get<std::string>())["output"].value("patient", ""));
  }
  EXPECT_THAT(patients, ::testing::UnorderedElementsAre("Ada", "Cy"));
}

}  // namespace
}  // namespace stigmer::testing
