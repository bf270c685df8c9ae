// Store's execution methods (store.cc has Open and the workflows).
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/ulid.h"
#include "server/store/page_token.h"
#include "server/store/records.h"
#include "server/store/store.h"

namespace stigmer::store {
namespace {

using ::stigmer::v1::Execution;

absl::Status ExecutionNotFound(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("execution \"", id, "\" not found"));
}

// The execution that `sql` (selecting `record` where a column = ?1) finds for `value`, or
// `not_found`.
absl::StatusOr<Execution> FindBy(Database& db, const char* sql, absl::string_view value,
                                 absl::Status not_found) {
  absl::StatusOr<Query> query = db.Prepare(sql);
  if (!query.ok()) return query.status();
  query->Bind(1, value);
  absl::StatusOr<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return not_found;
  return ParseExecutionRecord(query->ColumnText(0));
}

// Whether `sql` (with ?1 = `value`) returns a row.
absl::StatusOr<bool> Exists(Database& db, const char* sql, absl::string_view value) {
  absl::StatusOr<Query> query = db.Prepare(sql);
  if (!query.ok()) return query.status();
  query->Bind(1, value);
  return query->Step();
}

// The id of a run of `session` that has not ended; empty when none.
absl::StatusOr<std::string> OpenSessionRun(Database& db, absl::string_view session) {
  absl::StatusOr<Query> query = db.Prepare(
      "SELECT id FROM executions WHERE session_id = ?1 AND phase IN (?2, ?3, ?4) LIMIT 1");
  if (!query.ok()) return query.status();
  query->Bind(1, session);
  query->Bind(2, int64_t{stigmer::v1::EXECUTION_PHASE_PENDING});
  query->Bind(3, int64_t{stigmer::v1::EXECUTION_PHASE_RUNNING});
  query->Bind(4, int64_t{stigmer::v1::EXECUTION_PHASE_WAITING_APPROVAL});
  absl::StatusOr<bool> row = query->Step();
  if (!row.ok()) return row.status();
  return *row ? query->ColumnText(0) : std::string();
}

// Runs `query` (selecting `record`, newest first, at most `limit` + 1 rows): `limit` executions
// and, when one more follows, the token of the next page.
absl::StatusOr<ExecutionPage> ReadPage(Query& query, int limit) {
  ExecutionPage page;
  while (true) {
    absl::StatusOr<bool> row = query.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(page.executions.size()) == limit) {
      const Execution& last = page.executions.back();
      page.next_page_token =
          EncodeExecutionPageToken({TimestampToNanos(last.created_at()), last.id()});
      break;
    }
    absl::StatusOr<Execution> execution = ParseExecutionRecord(query.ColumnText(0));
    if (!execution.ok()) return execution.status();
    page.executions.push_back(*std::move(execution));
  }
  return page;
}

}  // namespace

absl::Status Store::InsertExecution(const Execution& execution, absl::string_view request_id,
                                    absl::string_view follower) {
  if (!IsExecutionId(execution.id())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", execution.id(), "\" is not an execution id (wex-<ULID>)"));
  }
  if (!execution.has_created_at()) {
    return absl::InvalidArgumentError(
        absl::StrCat("execution ", execution.id(), " has no created_at"));
  }
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();

  // Checked first, for messages that say which of the two is taken.
  absl::StatusOr<bool> taken =
      Exists(*db_, "SELECT 1 FROM executions WHERE id = ?1", execution.id());
  if (!taken.ok()) return taken.status();
  if (*taken) {
    return absl::AlreadyExistsError(
        absl::StrCat("execution \"", execution.id(), "\" already exists"));
  }
  if (!request_id.empty()) {
    taken = Exists(*db_, "SELECT 1 FROM executions WHERE request_id = ?1", request_id);
    if (!taken.ok()) return taken.status();
    if (*taken) {
      return absl::AlreadyExistsError(
          absl::StrCat("request id \"", request_id, "\" was already used"));
    }
  }

  // What it runs: a workflow version (referenced, so that listing by workflow id works), or an
  // agent version (by name only).
  const bool agent = !execution.agent().empty();
  const char* kind = agent ? "agent" : "workflow";
  std::string workflow_id;
  {
    absl::StatusOr<Query> query =
        db_->Prepare(agent ? "SELECT a.id, v.version FROM agents a LEFT JOIN agent_versions v"
                             " ON v.agent_id = a.id AND v.version = ?2 WHERE a.name = ?1"
                           : "SELECT w.id, v.version FROM workflows w LEFT JOIN workflow_versions v"
                             " ON v.workflow_id = w.id AND v.version = ?2 WHERE w.name = ?1");
    if (!query.ok()) return query.status();
    query->Bind(1, execution.workflow());
    query->Bind(2, int64_t{execution.workflow_version()});
    absl::StatusOr<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return absl::NotFoundError(absl::StrCat(kind, " \"", execution.workflow(), "\" not found"));
    }
    if (query->ColumnIsNull(1)) {
      return absl::NotFoundError(absl::StrCat(kind, " \"", execution.workflow(),
                                              "\" has no version ", execution.workflow_version()));
    }
    if (!agent) workflow_id = query->ColumnText(0);
  }

  // One run of a session at a time, checked in this transaction so two creates cannot both pass.
  if (!execution.session().empty()) {
    absl::StatusOr<std::string> open = OpenSessionRun(*db_, execution.session());
    if (!open.ok()) return open.status();
    if (!open->empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "session ", execution.session(), " is busy: its run ", *open,
          " has not ended; wait for it (stigmer get executions ", *open, ") or cancel it"));
    }
  }

  absl::StatusOr<Query> insert = db_->Prepare(
      "INSERT INTO executions (id, workflow_id, workflow_name, workflow_version, phase,"
      " created_at, request_id, record, session_id, follower)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, execution.id());
  if (agent) {
    insert->BindNull(2);
  } else {
    insert->Bind(2, workflow_id);
  }
  insert->Bind(3, execution.workflow());
  insert->Bind(4, int64_t{execution.workflow_version()});
  insert->Bind(5, int64_t{execution.phase()});
  insert->Bind(6, TimestampToNanos(execution.created_at()));
  if (request_id.empty()) {
    insert->BindNull(7);
  } else {
    insert->Bind(7, request_id);
  }
  insert->BindBlob(8, SerializeExecutionRecord(execution));
  if (execution.session().empty()) {
    insert->BindNull(9);
  } else {
    insert->Bind(9, execution.session());
  }
  insert->Bind(10, follower);
  absl::Status status = insert->Run();
  if (!status.ok()) return status;
  return transaction->Commit();
}

absl::StatusOr<Execution> Store::FindExecutionByRequestId(absl::string_view request_id) {
  absl::Status not_found =
      absl::NotFoundError(absl::StrCat("no execution with request id \"", request_id, "\""));
  if (request_id.empty()) return not_found;
  absl::MutexLock lock(&mu_);
  return FindBy(*db_, "SELECT record FROM executions WHERE request_id = ?1", request_id,
                std::move(not_found));
}

absl::StatusOr<Execution> Store::GetExecution(absl::string_view id) {
  absl::MutexLock lock(&mu_);
  return FindBy(*db_, "SELECT record FROM executions WHERE id = ?1", id, ExecutionNotFound(id));
}

absl::StatusOr<bool> Store::UpdateExecution(const Execution& execution, int64_t progress) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  {
    absl::StatusOr<Query> query = db_->Prepare(
        "SELECT workflow_name, workflow_version, created_at, progress FROM executions "
        "WHERE id = ?1");
    if (!query.ok()) return query.status();
    query->Bind(1, execution.id());
    absl::StatusOr<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) return ExecutionNotFound(execution.id());
    if (query->ColumnText(0) != execution.workflow() ||
        query->ColumnInt(1) != execution.workflow_version() ||
        query->ColumnInt(2) != TimestampToNanos(execution.created_at())) {
      return absl::InvalidArgumentError(
          absl::StrCat("execution \"", execution.id(),
                       "\": its workflow, workflow version and creation time cannot change"));
    }
    if (query->ColumnInt(3) > progress) return false;
  }
  absl::StatusOr<Query> update =
      db_->Prepare("UPDATE executions SET phase = ?2, record = ?3, progress = ?4 WHERE id = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, execution.id());
  update->Bind(2, int64_t{execution.phase()});
  update->BindBlob(3, SerializeExecutionRecord(execution));
  update->Bind(4, progress);
  if (absl::Status status = update->Run(); !status.ok()) return status;
  if (absl::Status committed = transaction->Commit(); !committed.ok()) return committed;
  return true;
}

absl::Status Store::DeleteExecution(absl::string_view id) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  absl::StatusOr<Query> query = db_->Prepare("DELETE FROM executions WHERE id = ?1");
  if (!query.ok()) return query.status();
  query->Bind(1, id);
  absl::Status status = query->Run();
  if (!status.ok()) return status;
  if (db_->Changes() == 0) return ExecutionNotFound(id);
  return transaction->Commit();
}

absl::StatusOr<ExecutionPage> Store::ListExecutions(const ExecutionFilter& filter) {
  absl::StatusOr<int> limit = EffectivePageSize(filter.page_size);
  if (!limit.ok()) return limit.status();
  ExecutionCursor after;
  if (!filter.page_token.empty()) {
    absl::StatusOr<ExecutionCursor> decoded = DecodeExecutionPageToken(filter.page_token);
    if (!decoded.ok()) return decoded.status();
    after = *std::move(decoded);
  }
  // One statement per combination of filters (each prepared once), so that SQLite can use the
  // index that fits: parameters ?1 workflow, ?2 phase, ?3/?4 cursor, ?5 limit, ?6 session,
  // ?7 follower.
  std::vector<std::string> conditions;
  if (!filter.workflow.empty()) {
    conditions.push_back(IsWorkflowId(filter.workflow) ? "workflow_id = ?1" : "workflow_name = ?1");
  }
  if (filter.phase != stigmer::v1::EXECUTION_PHASE_UNSPECIFIED) conditions.push_back("phase = ?2");
  if (!filter.session.empty()) conditions.push_back("session_id = ?6");
  if (!filter.followed_by.empty()) conditions.push_back("follower IN ('', ?7)");
  if (!filter.page_token.empty()) conditions.push_back("(created_at, id) < (?3, ?4)");
  std::string sql = "SELECT record FROM executions";
  if (!conditions.empty()) absl::StrAppend(&sql, " WHERE ", absl::StrJoin(conditions, " AND "));
  absl::StrAppend(&sql, " ORDER BY created_at DESC, id DESC LIMIT ?5");

  absl::MutexLock lock(&mu_);
  absl::StatusOr<Query> query = db_->Prepare(sql);
  if (!query.ok()) return query.status();
  if (!filter.workflow.empty()) query->Bind(1, filter.workflow);
  if (filter.phase != stigmer::v1::EXECUTION_PHASE_UNSPECIFIED) {
    query->Bind(2, int64_t{filter.phase});
  }
  if (!filter.page_token.empty()) {
    query->Bind(3, after.created_at_nanos);
    query->Bind(4, after.id);
  }
  if (!filter.session.empty()) query->Bind(6, filter.session);
  if (!filter.followed_by.empty()) query->Bind(7, filter.followed_by);
  query->Bind(5, int64_t{*limit} + 1);  // one more, to know whether another page follows
  return ReadPage(*query, *limit);
}

}  // namespace stigmer::store
