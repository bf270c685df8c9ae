#ifndef STIGMER_SERVER_SESSION_TRANSCRIPT_H_
#define STIGMER_SERVER_SESSION_TRANSCRIPT_H_

// What a run of an agent session reads of the session's earlier turns: start payload 1's
// "transcript" (agent/agent_program.h). A turn is one completed run: its user message and its
// final answer (tool calls and their results stay in that run's history). Failed and cancelled
// runs are not turns of the transcript.
//
// Bounded, so that turn 1,000 starts with a payload as small as turn 50: the newest turns that
// fit kMaxTranscriptBytes and kMaxTranscriptTurns are kept, oldest first; when some are left out
// the transcript starts with a system message "N earlier turns of this session are omitted".
// A message longer than kMaxTranscriptMessageBytes is cut (at a UTF-8 boundary) with "[… cut]",
// so that the newest turn always fits.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "server/store/store.h"

namespace stigmer::server {

inline constexpr size_t kMaxTranscriptBytes = 64 * 1024;
inline constexpr size_t kMaxTranscriptMessageBytes = kMaxTranscriptBytes / 4;
inline constexpr int kMaxTranscriptTurns = 100;

struct TranscriptBounds {
  size_t max_bytes = kMaxTranscriptBytes;  // of the messages as JSON text, the note included
  size_t max_message_bytes = kMaxTranscriptMessageBytes;
  int max_turns = kMaxTranscriptTurns;
};

// The transcript of a session whose completed runs are `history` (the newest first, as
// Store::SessionTurns gives them; `history.completed` counts them all): messages as
// agent::MessageToJson writes them ({"role", "text"}), oldest first.
nlohmann::json BuildSessionTranscript(const store::SessionHistory& history,
                                      const TranscriptBounds& bounds = {});

// The note that opens a transcript from which `omitted` earlier turns were left out.
std::string OmittedTurnsNote(int64_t omitted);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_SESSION_TRANSCRIPT_H_
