#include "server/store/store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/database_url.h"
#include "common/file_io.h"
#include "common/ulid.h"
#include "server/store/page_token.h"
#include "server/store/postgres_database.h"
#include "server/store/records.h"
#include "server/store/schema.h"
#include "server/store/shared_names.h"

namespace stigmer::store {
namespace {

using ::stigmer::v1::Workflow;

// Columns read by ReadWorkflow, from `workflows w` joined with `workflow_versions v`.
constexpr absl::string_view kWorkflowColumns =
    "w.id, w.name, w.created_at, v.version, v.namespace, v.document_version, v.dsl, "
    "v.definition, v.digest, v.created_at, v.source_dir";

Workflow ReadWorkflow(const Query& query) {
  Workflow workflow;
  workflow.set_id(query.ColumnText(0));
  workflow.set_name(query.ColumnText(1));
  *workflow.mutable_created_at() = NanosToTimestamp(query.ColumnInt(2));
  workflow.set_version(static_cast<int32_t>(query.ColumnInt(3)));
  workflow.set_namespace_(query.ColumnText(4));
  workflow.set_document_version(query.ColumnText(5));
  workflow.set_dsl(query.ColumnText(6));
  workflow.set_definition(query.ColumnText(7));
  workflow.set_digest(query.ColumnText(8));
  *workflow.mutable_updated_at() = NanosToTimestamp(query.ColumnInt(9));
  workflow.set_source_dir(query.ColumnText(10));
  return workflow;
}

absl::Status WorkflowNotFound(absl::string_view name_or_id) {
  return absl::NotFoundError(absl::StrCat("workflow \"", name_or_id, "\" not found"));
}

// The workflows row named by a name or an id ("wfl-…").
struct WorkflowRow {
  std::string id;
  std::string name;
  int64_t latest_version = 0;
  int64_t created_at = 0;
};

absl::StatusOr<WorkflowRow> FindWorkflowRow(Database& db, absl::string_view name_or_id) {
  absl::StatusOr<Query> query = db.Prepare(
      IsWorkflowId(name_or_id)
          ? "SELECT id, name, latest_version, created_at FROM workflows WHERE id = ?1"
          : "SELECT id, name, latest_version, created_at FROM workflows WHERE name = ?1");
  if (!query.ok()) return query.status();
  query->Bind(1, name_or_id);
  absl::StatusOr<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return WorkflowNotFound(name_or_id);
  return WorkflowRow{query->ColumnText(0), query->ColumnText(1), query->ColumnInt(2),
                     query->ColumnInt(3)};
}

absl::StatusOr<Workflow> ReadVersion(Database& db, absl::string_view workflow_id, int64_t version) {
  absl::StatusOr<Query> query =
      db.Prepare(absl::StrCat("SELECT ", kWorkflowColumns,
                              " FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id"
                              " WHERE w.id = ?1 AND v.version = ?2"));
  if (!query.ok()) return query.status();
  query->Bind(1, workflow_id);
  query->Bind(2, version);
  absl::StatusOr<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("no such workflow version");  // callers checked first
  return ReadWorkflow(*query);
}

absl::Status InsertVersion(Database& db, const Workflow& workflow, int64_t created_at) {
  absl::StatusOr<Query> query = db.Prepare(
      "INSERT INTO workflow_versions (workflow_id, version, document_version, dsl, namespace,"
      " definition, digest, created_at, source_dir) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!query.ok()) return query.status();
  query->Bind(1, workflow.id());
  query->Bind(2, int64_t{workflow.version()});
  query->Bind(3, workflow.document_version());
  query->Bind(4, workflow.dsl());
  query->Bind(5, workflow.namespace_());
  query->Bind(6, workflow.definition());
  query->Bind(7, workflow.digest());
  query->Bind(8, created_at);
  query->Bind(9, workflow.source_dir());
  return query->Run();
}

// Stores `draft` inside the caller's transaction; see Store::ApplyWorkflow.
absl::StatusOr<ApplyResult> Apply(Database& db, const Workflow& draft, int64_t now) {
  ApplyResult result;
  Workflow& workflow = result.workflow;
  workflow.set_name(draft.name());
  workflow.set_namespace_(draft.namespace_());
  workflow.set_document_version(draft.document_version());
  workflow.set_dsl(draft.dsl());
  workflow.set_definition(draft.definition());
  workflow.set_digest(draft.digest());
  workflow.set_source_dir(draft.source_dir());
  *workflow.mutable_updated_at() = NanosToTimestamp(now);

  if (absl::Status free = CheckNoAgentNamed(db, draft.name()); !free.ok()) return free;
  absl::StatusOr<WorkflowRow> existing = FindWorkflowRow(db, draft.name());
  if (absl::IsNotFound(existing.status())) {
    workflow.set_id(NewWorkflowId());
    workflow.set_version(1);
    *workflow.mutable_created_at() = NanosToTimestamp(now);
    absl::StatusOr<Query> insert = db.Prepare(
        "INSERT INTO workflows (id, name, latest_version, created_at) VALUES (?1, ?2, 1, ?3)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, workflow.id());
    insert->Bind(2, workflow.name());
    insert->Bind(3, now);
    absl::Status status = insert->Run();
    if (!status.ok()) return status;
    status = InsertVersion(db, workflow, now);
    if (!status.ok()) return status;
    result.outcome = stigmer::v1::APPLY_OUTCOME_CREATED;
    return result;
  }
  if (!existing.ok()) return existing.status();

  absl::StatusOr<Workflow> latest = ReadVersion(db, existing->id, existing->latest_version);
  if (!latest.ok()) return latest.status();
  if (latest->digest() == draft.digest() && latest->source_dir() == draft.source_dir()) {
    return ApplyResult{*std::move(latest), stigmer::v1::APPLY_OUTCOME_UNCHANGED};
  }
  workflow.set_id(existing->id);
  workflow.set_version(static_cast<int32_t>(existing->latest_version + 1));
  *workflow.mutable_created_at() = NanosToTimestamp(existing->created_at);
  absl::Status status = InsertVersion(db, workflow, now);
  if (!status.ok()) return status;
  absl::StatusOr<Query> update =
      db.Prepare("UPDATE workflows SET latest_version = ?2 WHERE id = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, workflow.id());
  update->Bind(2, int64_t{workflow.version()});
  status = update->Run();
  if (!status.ok()) return status;
  result.outcome = stigmer::v1::APPLY_OUTCOME_UPDATED;
  return result;
}

}  // namespace

Store::Store(PassKey, std::unique_ptr<Database> db) : db_(std::move(db)) {}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& path) {
  if (path != SqliteDatabase::kInMemory && path.has_parent_path()) {
    absl::Status status = MakeDirectories(path.parent_path());
    if (!status.ok()) return status;
  }
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
  if (!db.ok()) return db.status();
  absl::Status status = MigrateSchema(**db);
  if (!status.ok()) return status;
  return std::make_unique<Store>(PassKey(), *std::move(db));
}

absl::StatusOr<std::unique_ptr<Store>> Store::OpenDatabase(
    absl::string_view database, const std::filesystem::path& sqlite_path) {
  if (database.empty()) return Open(sqlite_path);
  if (!IsPostgresUrl(database)) {
    return absl::InvalidArgumentError(
        absl::StrCat("server.database: ", ValidateDatabaseUrl(database).message()));
  }
  absl::StatusOr<std::unique_ptr<PostgresDatabase>> db = PostgresDatabase::Open(database);
  if (!db.ok()) return db.status();
  absl::Status status = MigrateSchema(**db);
  if (!status.ok()) return status;
  return std::make_unique<Store>(PassKey(), *std::move(db));
}

absl::StatusOr<ApplyResult> Store::ApplyWorkflow(const Workflow& draft, absl::Time now,
                                                 bool dry_run) {
  if (draft.name().empty()) return absl::InvalidArgumentError("the workflow has no name");
  if (draft.digest().empty()) return absl::InvalidArgumentError("the workflow has no digest");
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  absl::StatusOr<ApplyResult> result = Apply(*db_, draft, absl::ToUnixNanos(now));
  if (!result.ok()) return result.status();
  if (dry_run || result->outcome == stigmer::v1::APPLY_OUTCOME_UNCHANGED) {
    transaction->Rollback();
    return result;
  }
  absl::Status status = transaction->Commit();
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Workflow> Store::GetWorkflow(absl::string_view name_or_id, int version) {
  if (version < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("workflow version must not be negative (got ", version, ")"));
  }
  absl::MutexLock lock(&mu_);
  absl::StatusOr<WorkflowRow> row = FindWorkflowRow(*db_, name_or_id);
  if (!row.ok()) return row.status();
  if (version > row->latest_version) {
    return absl::NotFoundError(
        absl::StrCat("workflow \"", name_or_id, "\" has no version ", version));
  }
  return ReadVersion(*db_, row->id, version == 0 ? row->latest_version : version);
}

absl::StatusOr<WorkflowPage> Store::ListWorkflows(int page_size, absl::string_view page_token) {
  absl::StatusOr<int> limit = EffectivePageSize(page_size);
  if (!limit.ok()) return limit.status();
  std::string after;
  if (!page_token.empty()) {
    absl::StatusOr<std::string> decoded = DecodeWorkflowPageToken(page_token);
    if (!decoded.ok()) return decoded.status();
    after = *std::move(decoded);
  }
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Query> query =
      db_->Prepare(absl::StrCat("SELECT ", kWorkflowColumns,
                                " FROM workflows w JOIN workflow_versions v"
                                " ON v.workflow_id = w.id AND v.version = w.latest_version"
                                " WHERE w.name > ?1 ORDER BY w.name LIMIT ?2"));
  if (!query.ok()) return query.status();
  query->Bind(1, after);
  query->Bind(2, int64_t{*limit} + 1);  // one more, to know whether another page follows
  WorkflowPage page;
  while (true) {
    absl::StatusOr<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(page.workflows.size()) == *limit) {
      page.next_page_token = EncodeWorkflowPageToken(page.workflows.back().name());
      break;
    }
    page.workflows.push_back(ReadWorkflow(*query));
  }
  return page;
}

absl::StatusOr<int> Store::DeleteWorkflow(absl::string_view name_or_id, bool force) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  absl::StatusOr<WorkflowRow> row = FindWorkflowRow(*db_, name_or_id);
  if (!row.ok()) return row.status();
  if (!force) {
    absl::StatusOr<Query> count = db_->Prepare(
        "SELECT COUNT(*) FROM executions WHERE workflow_id = ?1 AND phase IN (?2, ?3)");
    if (!count.ok()) return count.status();
    count->Bind(1, row->id);
    count->Bind(2, int64_t{stigmer::v1::EXECUTION_PHASE_PENDING});
    count->Bind(3, int64_t{stigmer::v1::EXECUTION_PHASE_RUNNING});
    absl::StatusOr<bool> counted = count->Step();
    if (!counted.ok()) return counted.status();
    if (int64_t unfinished = count->ColumnInt(0); unfinished > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("workflow \"", name_or_id, "\" has ", unfinished,
                       unfinished == 1 ? " execution" : " executions",
                       " pending or running; cancel them or delete with --force"));
    }
  }
  absl::StatusOr<Query> versions =
      db_->Prepare("DELETE FROM workflow_versions WHERE workflow_id = ?1");
  if (!versions.ok()) return versions.status();
  versions->Bind(1, row->id);
  absl::Status status = versions->Run();
  if (!status.ok()) return status;
  const int deleted = static_cast<int>(db_->Changes());
  absl::StatusOr<Query> workflow = db_->Prepare("DELETE FROM workflows WHERE id = ?1");
  if (!workflow.ok()) return workflow.status();
  workflow->Bind(1, row->id);
  status = workflow->Run();
  if (!status.ok()) return status;
  status = transaction->Commit();
  if (!status.ok()) return status;
  return deleted;
}

}  // namespace stigmer::store
