#ifndef STIGMER_BENCH_WORKFLOW_STARTER_H_
#define STIGMER_BENCH_WORKFLOW_STARTER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "temporal/payload_codec.h"
#include "temporal/temporal_client.h"

namespace stigmer::bench {

// The clients of workflow_bench and agent_bench: one TemporalClient (its own channel) per client
// thread, for stigmer's worker (signed starts, encrypted payloads) and for the peer (neither).
class WorkflowStarter {
 public:
  // stigmer's runs are signed with `signing_key` and their payloads encrypted with `codec`, as
  // stigmer-server does; the peer's go through clients without a codec.
  static absl::StatusOr<WorkflowStarter> Connect(
      const std::string& address, int clients, std::shared_ptr<const temporal::PayloadCodec> codec,
      std::string signing_key);

  const std::string& signing_key() const { return signing_key_; }

  // The number of events in the history of `workflow_id` (latest run) and of the workflow tasks
  // among them (completed ones); {0, 0} when it cannot be read.
  std::pair<int, int> HistoryShape(const std::string& workflow_id);
  // The whole history of `workflow_id` (latest run), payloads decrypted.
  absl::StatusOr<std::vector<temporal::HistoryEvent>> History(const std::string& workflow_id);

  // Starts one workflow with client `client` (of the peer's clients when `peer`), waits for it
  // to close (long polls on its history, 120 s at most) and checks its result; "" when it
  // completed with `expected`, else what happened ("interrupted" after Interrupted()).
  std::string Run(int client, bool peer, const temporal::StartWorkflowOptions& start,
                  const nlohmann::json& expected);

 private:
  WorkflowStarter() = default;

  std::vector<std::unique_ptr<temporal::TemporalClient>> clients_, peer_clients_;
  std::string signing_key_;
};

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_WORKFLOW_STARTER_H_
