#include "server/session_transcript.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/utf8_prefix.h"

namespace stigmer::server {
namespace {

using nlohmann::json;

constexpr char kCutMarker[] = " [… cut]";

// `text` cut to at most `max_bytes` (marker included), at a UTF-8 character boundary.
std::string Bounded(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  const size_t marker = sizeof(kCutMarker) - 1;
  return absl::StrCat(Utf8Prefix(text, max_bytes > marker ? max_bytes - marker : 0), kCutMarker);
}

// The final answer of a completed run's output ({"answer", ...}); the output itself otherwise.
std::string AnswerOf(const std::string& output_json) {
  json output = json::parse(output_json, nullptr, /*allow_exceptions=*/false);
  if (output.is_object()) {
    if (auto answer = output.find("answer"); answer != output.end() && answer->is_string()) {
      return answer->get<std::string>();
    }
  }
  return output_json;
}

}  // namespace

std::string OmittedTurnsNote(int64_t omitted) {
  return absl::StrCat(omitted, omitted == 1 ? " earlier turn" : " earlier turns",
                      " of this session ", omitted == 1 ? "is" : "are",
                      " omitted; the conversation below is its latest part.");
}

json BuildSessionTranscript(const store::SessionHistory& history, const TranscriptBounds& bounds) {
  // Room for the note, whatever the count it ends up with.
  const size_t note_bytes =
      json({{"role", "system"}, {"text", OmittedTurnsNote(INT64_MAX)}}).dump().size();
  std::vector<std::pair<json, json>> kept;  // newest first
  size_t used = 2 + 1;                      // the array's brackets, the comma after the note
  for (const store::SessionTurn& turn : history.newest_first) {
    if (static_cast<int>(kept.size()) >= bounds.max_turns) break;
    json user = {{"role", "user"}, {"text", Bounded(turn.message, bounds.max_message_bytes)}};
    json answer = {{"role", "assistant"},
                   {"text", Bounded(AnswerOf(turn.output_json), bounds.max_message_bytes)}};
    const size_t size = user.dump().size() + answer.dump().size() + 2;  // and their commas
    if (used + size + note_bytes > bounds.max_bytes && !kept.empty()) break;
    used += size;
    kept.emplace_back(std::move(user), std::move(answer));
  }
  json transcript = json::array();
  const int64_t omitted = history.completed - static_cast<int64_t>(kept.size());
  if (omitted > 0) transcript.push_back({{"role", "system"}, {"text", OmittedTurnsNote(omitted)}});
  for (auto turn = kept.rbegin(); turn != kept.rend(); ++turn) {
    transcript.push_back(std::move(turn->first));
    transcript.push_back(std::move(turn->second));
  }
  return transcript;
}

}  // namespace stigmer::server
