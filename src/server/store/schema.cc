#include "server/store/schema.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace stigmer::store {
namespace {

// Times are nanoseconds since the Unix epoch (UTC). Phases are stigmer.v1.ExecutionPhase values.
constexpr std::array<const char*, 8> kMigrations = {
    // 1: workflows with every version; executions, whose record outlives their workflow.
    R"sql(
CREATE TABLE workflows (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL UNIQUE,
  latest_version INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE workflow_versions (
  workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  document_version TEXT NOT NULL,
  dsl TEXT NOT NULL,
  namespace TEXT NOT NULL,
  definition TEXT NOT NULL,
  digest TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workflow_id, version)
) WITHOUT ROWID;
CREATE TABLE executions (
  id TEXT PRIMARY KEY NOT NULL,
  workflow_id TEXT REFERENCES workflows(id) ON DELETE SET NULL,
  workflow_name TEXT NOT NULL,
  workflow_version INTEGER NOT NULL,
  phase INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  request_id TEXT UNIQUE,
  record BLOB NOT NULL
);
CREATE INDEX executions_by_time ON executions (created_at, id);
CREATE INDEX executions_by_workflow_id ON executions (workflow_id, created_at, id);
CREATE INDEX executions_by_workflow_name ON executions (workflow_name, created_at, id);
CREATE INDEX executions_by_phase ON executions (phase, created_at, id);
)sql",
    // 2: agents with every version. tools and mcp_servers hold names, one per line.
    R"sql(
CREATE TABLE agents (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL UNIQUE,
  latest_version INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE agent_versions (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  description TEXT NOT NULL,
  model_provider TEXT NOT NULL,
  model_name TEXT NOT NULL,
  tools TEXT NOT NULL,
  mcp_servers TEXT NOT NULL,
  definition TEXT NOT NULL,
  digest TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (agent_id, version)
) WITHOUT ROWID;
)sql",
    // 3: agent sessions: an agent run's session id (NULL for workflow runs).
    R"sql(
ALTER TABLE executions ADD COLUMN session_id TEXT;
CREATE INDEX executions_by_session ON executions (session_id, created_at, id);
)sql",
    // 4: CloudEvents accepted by the event bus, in order of acceptance (an id is unique per
    // source); event_cursors: how far each reader of the bus has acted on them.
    R"sql(
CREATE TABLE events (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  accepted_at INTEGER NOT NULL,
  envelope TEXT NOT NULL,
  UNIQUE (source, id)
);
CREATE TABLE event_cursors (
  reader TEXT PRIMARY KEY NOT NULL,
  sequence INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 5: the folder a version's relative file references resolve against ('' when none).
    R"sql(
ALTER TABLE workflow_versions ADD COLUMN source_dir TEXT NOT NULL DEFAULT '';
)sql",
    // 6: nothing. Builds of early December 2026 had the source folder here and recorded stores
    // at version 6; the empty step keeps those stores opening, and new ones the same.
    "",
    // 7: how many history events of its run chain an execution's record was projected from:
    // servers sharing the store never replace a record with an older projection.
    R"sql(
ALTER TABLE executions ADD COLUMN progress INTEGER NOT NULL DEFAULT 0;
)sql",
    // 8: which stigmer-server follows each execution ('': none yet) and when each server last
    // said it is alive: servers sharing the store leave a live server's executions to it.
    R"sql(
ALTER TABLE executions ADD COLUMN follower TEXT NOT NULL DEFAULT '';
CREATE TABLE followers (
  id TEXT PRIMARY KEY NOT NULL,
  alive_at INTEGER NOT NULL
);
)sql",
};

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

absl::StatusOr<int> CurrentSchemaVersion(Database& db) {
  absl::Status status = db.Execute(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " version INTEGER PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)");
  if (!status.ok()) return status;
  absl::StatusOr<Query> query = db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!query.ok()) return query.status();
  absl::StatusOr<bool> row = query->Step();
  if (!row.ok()) return row.status();
  return static_cast<int>(query->ColumnInt(0));
}

absl::Status MigrateSchema(Database& db) {
  for (;;) {
    absl::StatusOr<Transaction> transaction = Transaction::Begin(db);
    if (!transaction.ok()) return transaction.status();
    // Read inside the write transaction: another process may be migrating the same file.
    absl::StatusOr<int> current = CurrentSchemaVersion(db);
    if (!current.ok()) return current.status();
    if (*current > LatestSchemaVersion()) {
      return absl::FailedPreconditionError(absl::StrCat(
          db.Describe(), " has schema version ", *current,
          " but this stigmer knows versions up to ", LatestSchemaVersion(),
          ": it was written by a newer stigmer; upgrade stigmer or use another STIGMER_HOME"));
    }
    if (*current == LatestSchemaVersion()) return transaction->Commit();
    absl::Status status = db.Execute(kMigrations[*current]);
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("schema migration ", *current + 1,
                                                      " failed: ", status.message()));
    }
    absl::StatusOr<Query> record =
        db.Prepare("INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)");
    if (!record.ok()) return record.status();
    record->Bind(1, int64_t{*current + 1});
    record->Bind(2, absl::ToUnixNanos(absl::Now()));
    status = record->Run();
    if (!status.ok()) return status;
    status = transaction->Commit();
    if (!status.ok()) return status;
  }
}

}  // namespace stigmer::store
