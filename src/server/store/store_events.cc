// Store's event-bus methods: the log of accepted CloudEvents and its readers' cursors.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/store/store.h"

namespace stigmer::store {
namespace {

// Reads a row of `sequence, accepted_at, envelope`.
StoredEvent ReadEvent(const Query& query) {
  StoredEvent event;
  event.sequence = query.ColumnInt(0);
  event.accepted_at = absl::FromUnixNanos(query.ColumnInt(1));
  event.envelope = query.ColumnText(2);
  return event;
}

}  // namespace

absl::StatusOr<StoredEvent> Store::InsertEvent(absl::string_view source, absl::string_view id,
                                               absl::string_view type, absl::string_view envelope,
                                               absl::Time now) {
  if (source.empty() || id.empty() || type.empty()) {
    return absl::InvalidArgumentError("an event needs a source, an id and a type");
  }
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  {
    absl::StatusOr<Query> existing = db_->Prepare(
        "SELECT sequence, accepted_at, envelope FROM events WHERE source = ?1 AND id = ?2");
    if (!existing.ok()) return existing.status();
    existing->Bind(1, source);
    existing->Bind(2, id);
    absl::StatusOr<bool> row = existing->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      StoredEvent stored = ReadEvent(*existing);
      stored.duplicate = true;
      return stored;
    }
  }
  // RETURNING rather than last_insert_rowid(): the one form both engines know.
  absl::StatusOr<Query> insert = db_->Prepare(
      "INSERT INTO events (source, id, type, accepted_at, envelope) VALUES (?1, ?2, ?3, ?4, ?5)"
      " RETURNING sequence");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, source);
  insert->Bind(2, id);
  insert->Bind(3, type);
  insert->Bind(4, absl::ToUnixNanos(now));
  insert->Bind(5, envelope);
  absl::StatusOr<bool> row = insert->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("INSERT INTO events returned no sequence");
  const int64_t sequence = insert->ColumnInt(0);
  if (absl::Status status = insert->Run(); !status.ok()) return status;  // to its end
  StoredEvent stored;
  stored.sequence = sequence;
  stored.accepted_at = absl::FromUnixNanos(absl::ToUnixNanos(now));
  stored.envelope = std::string(envelope);
  if (absl::Status committed = transaction->Commit(); !committed.ok()) return committed;
  return stored;
}

absl::StatusOr<std::vector<StoredEvent>> Store::ListEventsAfter(int64_t after_sequence, int limit) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Query> query = db_->Prepare(
      "SELECT sequence, accepted_at, envelope FROM events WHERE sequence > ?1"
      " ORDER BY sequence LIMIT ?2");
  if (!query.ok()) return query.status();
  query->Bind(1, after_sequence);
  query->Bind(2, int64_t{limit});
  std::vector<StoredEvent> events;
  while (true) {
    absl::StatusOr<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) return events;
    events.push_back(ReadEvent(*query));
  }
}

absl::StatusOr<int64_t> Store::EventCursor(absl::string_view reader) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Query> query =
      db_->Prepare("SELECT sequence FROM event_cursors WHERE reader = ?1");
  if (!query.ok()) return query.status();
  query->Bind(1, reader);
  absl::StatusOr<bool> row = query->Step();
  if (!row.ok()) return row.status();
  return *row ? query->ColumnInt(0) : 0;
}

absl::Status Store::SaveEventCursor(absl::string_view reader, int64_t sequence) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Query> query = db_->Prepare(
      "INSERT INTO event_cursors (reader, sequence) VALUES (?1, ?2)"
      " ON CONFLICT (reader) DO UPDATE SET sequence = excluded.sequence");
  if (!query.ok()) return query.status();
  query->Bind(1, reader);
  query->Bind(2, sequence);
  return query->Run();
}

}  // namespace stigmer::store
