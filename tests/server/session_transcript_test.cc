#include "server/session_transcript.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::server {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// A session of `turns` completed runs ("question i" / "answer i"), the newest `kept` of them
// as the store gives them.
store::SessionHistory History(int turns, int kept, const std::string& padding = "") {
  store::SessionHistory history;
  history.completed = turns;
  for (int i = turns; i > turns - kept && i > 0; --i) {
    history.newest_first.push_back(
        {absl::StrCat("question ", i, padding),
         json({{"answer", absl::StrCat("answer ", i, padding)}, {"model_calls", 1}}).dump()});
  }
  return history;
}

TEST(SessionTranscriptTest, ANewSessionHasAnEmptyTranscript) {
  EXPECT_EQ(BuildSessionTranscript(History(0, 0)), json::array());
}

TEST(SessionTranscriptTest, TurnsComeOldestFirstAsUserAndAssistantMessages) {
  const json transcript = BuildSessionTranscript(History(2, 2));
  EXPECT_EQ(transcript, json::parse(R"([
    {"role": "user", "text": "question 1"}, {"role": "assistant", "text": "answer 1"},
    {"role": "user", "text": "question 2"}, {"role": "assistant", "text": "answer 2"}])"));
}

TEST(SessionTranscriptTest, TurnsBeyondTheCapAreOmittedWithANote) {
  const json transcript = BuildSessionTranscript(History(1000, 100), {.max_turns = 3});
  ASSERT_EQ(transcript.size(), 7u);
  EXPECT_EQ(transcript[0]["role"], "system");
  EXPECT_EQ(transcript[0]["text"], OmittedTurnsNote(997));
  EXPECT_THAT(OmittedTurnsNote(997), HasSubstr("997 earlier turns of this session are omitted"));
  EXPECT_EQ(transcript[1]["text"], "question 998");
  EXPECT_EQ(transcript[6]["text"], "answer 1000");
}

TEST(SessionTranscriptTest, TheByteBudgetKeepsTheNewestTurnsThatFit) {
  const std::string padding(1000, 'x');
  const json transcript = BuildSessionTranscript(History(1000, 100, padding));
  EXPECT_LE(transcript.dump().size(), kMaxTranscriptBytes);
  EXPECT_GT(transcript.dump().size(), kMaxTranscriptBytes - 3000);  // filled, not starved
  const int kept = static_cast<int>(transcript.size() - 1) / 2;
  EXPECT_EQ(transcript[0]["text"], OmittedTurnsNote(1000 - kept));
  EXPECT_EQ(transcript.back()["text"], absl::StrCat("answer 1000", padding));
}

TEST(SessionTranscriptTest, OneHugeTurnIsCutNotDropped) {
  const std::string padding(200 * 1024, 'y');
  const json transcript = BuildSessionTranscript(History(3, 3, padding));
  EXPECT_LE(transcript.dump().size(), kMaxTranscriptBytes);
  ASSERT_EQ(transcript.size(), 3u);  // the note, then the newest turn, cut
  EXPECT_EQ(transcript[0]["text"], OmittedTurnsNote(2));
  const std::string question = transcript[1]["text"];
  EXPECT_EQ(question.substr(0, 10), "question 3");
  EXPECT_THAT(question, HasSubstr("[… cut]"));
  EXPECT_LE(question.size(), kMaxTranscriptMessageBytes);
}

TEST(SessionTranscriptTest, CutsAtACharacterBoundary) {
  std::string accents;
  for (int i = 0; i < 20000; ++i) accents += "é";
  const json transcript = BuildSessionTranscript(History(1, 1, accents));
  // dump() throws on invalid UTF-8.
  EXPECT_NO_THROW((void)transcript.dump());
}

TEST(SessionTranscriptTest, AnOutputWithoutAnAnswerIsPassedAsItIs) {
  store::SessionHistory history;
  history.completed = 1;
  history.newest_first.push_back({"hi", "not json"});
  EXPECT_EQ(BuildSessionTranscript(history)[1]["text"], "not json");
}

}  // namespace
}  // namespace stigmer::server
