// Store's follower methods: several stigmer-servers sharing a store each follow the executions
// they started, and take over those of a server that stopped saying it is alive.
#include "server/store/records.h"
#include "server/store/store.h"

namespace stigmer::store {

absl::Status Store::MarkFollowerAlive(absl::string_view follower, absl::Time at) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  absl::StatusOr<Query> upsert = db_->Prepare(
      "INSERT INTO followers (id, alive_at) VALUES (?1, ?2)"
      " ON CONFLICT (id) DO UPDATE SET alive_at = excluded.alive_at");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, follower);
  upsert->Bind(2, at == absl::InfinitePast() ? int64_t{0} : absl::ToUnixNanos(at));
  if (absl::Status status = upsert->Run(); !status.ok()) return status;
  return transaction->Commit();
}

absl::StatusOr<int> Store::ClaimLapsedExecutions(absl::string_view follower,
                                                 absl::Time lapsed_before) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  // Most sweeps find every server alive, and need not look at the executions.
  absl::StatusOr<Query> lapsed =
      db_->Prepare("SELECT 1 FROM followers WHERE alive_at < ?2 AND id <> ?1 LIMIT 1");
  if (!lapsed.ok()) return lapsed.status();
  lapsed->Bind(1, follower);
  lapsed->Bind(2, absl::ToUnixNanos(lapsed_before));
  absl::StatusOr<bool> any = lapsed->Step();
  if (!any.ok()) return any.status();
  if (!*any) return 0;
  // In the claim's transaction: of two servers claiming at once, the second finds the first
  // alive.
  absl::StatusOr<Query> claim = db_->Prepare(
      "UPDATE executions SET follower = ?1"
      " WHERE phase IN (?3, ?4, ?5) AND follower <> '' AND follower <> ?1"
      " AND follower NOT IN (SELECT id FROM followers WHERE alive_at >= ?2)");
  if (!claim.ok()) return claim.status();
  claim->Bind(1, follower);
  claim->Bind(2, absl::ToUnixNanos(lapsed_before));
  claim->Bind(3, int64_t{stigmer::v1::EXECUTION_PHASE_PENDING});
  claim->Bind(4, int64_t{stigmer::v1::EXECUTION_PHASE_RUNNING});
  claim->Bind(5, int64_t{stigmer::v1::EXECUTION_PHASE_WAITING_APPROVAL});
  if (absl::Status status = claim->Run(); !status.ok()) return status;
  const int claimed = static_cast<int>(db_->Changes());
  // They follow nothing open now; one that comes back says so again (MarkFollowerAlive).
  absl::StatusOr<Query> forget =
      db_->Prepare("DELETE FROM followers WHERE alive_at < ?2 AND id <> ?1");
  if (!forget.ok()) return forget.status();
  forget->Bind(1, follower);
  forget->Bind(2, absl::ToUnixNanos(lapsed_before));
  if (absl::Status status = forget->Run(); !status.ok()) return status;
  if (absl::Status status = transaction->Commit(); !status.ok()) return status;
  return claimed;
}

}  // namespace stigmer::store
