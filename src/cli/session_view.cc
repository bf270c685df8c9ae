#include "cli/session_view.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "cli/agent_progress.h"
#include "common/proto_time.h"

namespace stigmer::cli {

std::vector<std::vector<std::string>> SessionRows(const std::vector<stigmer::v1::Session>& sessions,
                                                  absl::TimeZone zone) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "AGENT", "TURNS", "LAST ACTIVITY", "LAST MESSAGE"}};
  for (const auto& session : sessions) {
    const auto& at = session.last_activity_at();
    rows.push_back({session.id(), session.agent(), absl::StrCat(session.turns()),
                    at.seconds() == 0
                        ? std::string("-")
                        : absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProtoTime(at), zone),
                    CutText(absl::StrReplaceAll(session.last_message(), {{"\r", " "}, {"\n", " "}}),
                            kSessionMessageColumn)});
  }
  return rows;
}

}  // namespace stigmer::cli
