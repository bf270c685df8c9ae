#include "server/store/database.h"

namespace stigmer::store {

absl::Status Query::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

absl::StatusOr<Transaction> Transaction::Begin(Database& db) {
  if (absl::Status status = db.BeginWrite(); !status.ok()) return status;
  return Transaction(&db);
}

absl::Status Transaction::Commit() {
  if (db_ == nullptr) return absl::FailedPreconditionError("the transaction has already ended");
  absl::Status status = db_->Commit();
  if (!status.ok()) return status;  // still open: the destructor rolls it back
  db_ = nullptr;
  return absl::OkStatus();
}

void Transaction::Rollback() {
  if (db_ == nullptr) return;
  std::exchange(db_, nullptr)->Rollback();
}

}  // namespace stigmer::store
