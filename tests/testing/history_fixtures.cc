#include "testing/history_fixtures.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

std::filesystem::path FixturePathFor(const std::string& name) {
  return SourceDir() / "tests/fixtures/histories" / (name + ".json");
}

}  // namespace

std::vector<::temporal::api::history::v1::HistoryEvent> LoadHistoryFixture(
    const std::string& name) {
  const std::filesystem::path path = FixturePathFor(name);
  std::ifstream in(path);
  std::stringstream json;
  json << in.rdbuf();
  ::temporal::api::history::v1::History history;
  const auto status = google::protobuf::util::JsonStringToMessage(json.str(), &history);
  EXPECT_TRUE(status.ok()) << path << ": " << status;
  EXPECT_GT(history.events_size(), 0) << path;
  return {history.events().begin(), history.events().end()};
}

void SaveHistoryFixture(const std::string& name,
                        const std::vector<::temporal::api::history::v1::HistoryEvent>& events) {
  const char* record = std::getenv("STIGMER_RECORD_HISTORIES");
  if (record == nullptr || std::string(record) != "1") return;
  ::temporal::api::history::v1::History history;
  for (const auto& event : events) *history.add_events() = event;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(history, &json, options).ok());
  const std::filesystem::path path = FixturePathFor(name);
  std::ofstream out(path);
  out << json;
  ASSERT_TRUE(out.good()) << path;
}

}  // namespace stigmer::testing
