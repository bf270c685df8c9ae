#ifndef STIGMER_CLI_SESSION_VIEW_H_
#define STIGMER_CLI_SESSION_VIEW_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "stigmer/v1/execution.pb.h"

namespace stigmer::cli {

// The rows of `stigmer get sessions`: a header, then per session its id, agent, turns, last
// activity (in `zone`), and its latest message on one line cut to kSessionMessageColumn bytes.
inline constexpr size_t kSessionMessageColumn = 48;
std::vector<std::vector<std::string>> SessionRows(const std::vector<stigmer::v1::Session>& sessions,
                                                  absl::TimeZone zone);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_SESSION_VIEW_H_
