#ifndef STIGMER_SERVER_STORE_STORE_H_
#define STIGMER_SERVER_STORE_STORE_H_

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/database.h"
#include "server/store/sqlite_database.h"
#include "stigmer/v1/agent.pb.h"
#include "stigmer/v1/execution.pb.h"
#include "stigmer/v1/workflow.pb.h"

namespace stigmer::store {

struct ApplyResult {
  stigmer::v1::Workflow workflow;  // as stored (or as it would be, for a dry run)
  stigmer::v1::ApplyOutcome outcome = stigmer::v1::APPLY_OUTCOME_UNSPECIFIED;
};

struct WorkflowPage {
  std::vector<stigmer::v1::Workflow> workflows;  // by name, the latest version of each
  std::string next_page_token;                   // empty on the last page
};

struct AgentApplyResult {
  stigmer::v1::Agent agent;  // as stored (or as it would be, for a dry run)
  stigmer::v1::ApplyOutcome outcome = stigmer::v1::APPLY_OUTCOME_UNSPECIFIED;
};

struct AgentPage {
  std::vector<stigmer::v1::Agent> agents;  // by name, the latest version of each
  std::string next_page_token;             // empty on the last page
};

struct ExecutionFilter {
  std::string workflow;  // a workflow's name or id; empty: every workflow
  stigmer::v1::ExecutionPhase phase = stigmer::v1::EXECUTION_PHASE_UNSPECIFIED;  // UNSPECIFIED: any
  std::string session;     // an agent session's id; empty: any (or none)
  int page_size = 0;       // 0: 50; above 500: 500; negative: InvalidArgument
  std::string page_token;  // from the previous page; empty for the first
  // A stigmer-server's follower id: only the executions it follows or nobody does. Empty: any.
  std::string followed_by;
};

// The completed runs of a session that its next run reads (SessionTurns).
struct SessionTurn {
  std::string message;      // the user's message
  std::string output_json;  // the run's output, {"answer", ...}
};

struct SessionHistory {
  std::vector<SessionTurn> newest_first;  // at most the number asked for
  int64_t completed = 0;                  // every completed run of the session
};

// A CloudEvent the event bus accepted (common/cloud_event.h).
struct StoredEvent {
  int64_t sequence = 0;  // its place in acceptance order, from 1
  absl::Time accepted_at;
  std::string envelope;    // the event in CloudEvents' JSON format
  bool duplicate = false;  // InsertEvent: an event of that source and id was already stored
};

struct ExecutionPage {
  std::vector<stigmer::v1::Execution> executions;  // newest first (created_at, then id, desc)
  std::string next_page_token;                     // empty on the last page
};

// stigmer-server's catalogue of workflows and agents (every version kept) and executions, in one
// SQLite file (see SqliteDatabase::Open for its settings, schema.h for migrations), or in a
// PostgreSQL database that several stigmer-servers share (postgres_database.h).
//
// Threads: every method may be called from any thread. The store has one connection, and a
// mutex serializes calls on it; other processes may open the same database (writes wait for
// each other up to 5 s, then Unavailable).
//
// Writes: each write method is one transaction (Database::BeginWrite … COMMIT); on any error it is
// rolled back and nothing of the call is left. Once a call has returned OK its data survives the
// process being killed.
//
// Secrets: a RuntimeValue with secret = true is stored with its value replaced by "***", whatever
// the caller passes; the clear value never reaches the file (nor its journal).
//
// Errors: NotFound, AlreadyExists, InvalidArgument, FailedPrecondition as documented per method;
// Unavailable when the database stays locked by another process or cannot be reached (on
// PostgreSQL the next call reconnects); Internal/DataLoss from the engine.
class Store {
  class PassKey;  // only Open makes stores

 public:
  // Opens the store at `path` (creating it with mode 0600, and its folder with 0700, if
  // missing) and brings its schema up to date. A schema newer than this binary's →
  // FailedPrecondition, leaving the file untouched. SqliteDatabase::kInMemory (":memory:") gives a
  // store that lives only as long as the object (for tests; nothing survives it).
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::filesystem::path& path);

  // Opens the store that `database` names (config server.database): empty → the SQLite file at
  // `sqlite_path` (as Open); a postgres:// or postgresql:// URL → that PostgreSQL database,
  // whose schema is brought up to date the same way (several servers starting at once: one
  // migrates, the others wait). Errors as PostgresDatabase::Open; they never hold the password.
  static absl::StatusOr<std::unique_ptr<Store>> OpenDatabase(
      absl::string_view database, const std::filesystem::path& sqlite_path);

  // For std::make_unique in Open; nobody else can make a PassKey.
  Store(PassKey, std::unique_ptr<Database> db);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // --- Workflows. ---

  // Stores a workflow document. The caller fills `draft`'s name, namespace, document_version,
  // dsl, definition, digest and source_dir (the rest is ignored); the store assigns id, version
  // and times. No workflow of that name → a new one (CREATED, new id, version 1). The latest
  // version has another digest or source_dir → a new version (UPDATED, version + 1). Same
  // digest and source_dir → nothing is stored
  // (UNCHANGED, the latest version returned). With `dry_run`, the result is computed the same
  // way but nothing is stored (a CREATED id is then not reserved).
  // InvalidArgument when name or digest is empty. AlreadyExists when an agent has the name
  // (shared_names.h).
  absl::StatusOr<ApplyResult> ApplyWorkflow(const stigmer::v1::Workflow& draft, absl::Time now,
                                            bool dry_run);

  // A workflow by name or id ("wfl-…"): `version` 0 means the latest.
  // NotFound: `workflow "x" not found`, `workflow "x" has no version 7`.
  // InvalidArgument for a negative version.
  absl::StatusOr<stigmer::v1::Workflow> GetWorkflow(absl::string_view name_or_id, int version);

  // Workflows by name, the latest version of each, `page_size` at a time (see ExecutionFilter for
  // the size rule). Keyset paging: a page follows the last name of the previous one, so a
  // workflow created or deleted between pages neither repeats nor hides the others.
  // InvalidArgument for a bad token or a negative page size.
  absl::StatusOr<WorkflowPage> ListWorkflows(int page_size, absl::string_view page_token);

  // Deletes a workflow and all its versions; returns how many versions were deleted.
  // Executions are kept: their record still names the workflow and version they ran, and they
  // remain listable by that name (their link to the workflow row is cleared).
  // FailedPrecondition, unless `force`, while executions of it are PENDING or RUNNING:
  // `workflow "x" has 2 executions pending or running; cancel them or delete with --force`.
  // NotFound as GetWorkflow.
  absl::StatusOr<int> DeleteWorkflow(absl::string_view name_or_id, bool force);

  // --- Agents (store_agents.cc). Versioned like workflows; a name is an agent's or a
  // workflow's, never both. ---

  // Stores an agent document. The caller fills `draft`'s name, description, model_provider,
  // model_name, tools, mcp_servers, definition and digest; the store assigns id ("agt-…"),
  // version and times. CREATED, UPDATED, UNCHANGED and `dry_run` as for ApplyWorkflow.
  // InvalidArgument when name or digest is empty; AlreadyExists when a workflow has the name.
  absl::StatusOr<AgentApplyResult> ApplyAgent(const stigmer::v1::Agent& draft, absl::Time now,
                                              bool dry_run);

  // An agent by name or id ("agt-…"): `version` 0 means the latest.
  // NotFound: `agent "x" not found; stigmer get agents lists them`, `agent "x" has no version 7`.
  // InvalidArgument for a negative version.
  absl::StatusOr<stigmer::v1::Agent> GetAgent(absl::string_view name_or_id, int version);

  // Agents by name, the latest version of each; paging as ListWorkflows.
  absl::StatusOr<AgentPage> ListAgents(int page_size, absl::string_view page_token);

  // Deletes an agent and all its versions; returns how many versions were deleted. Nothing else
  // is touched: records of what ran keep the agent's name. NotFound as GetAgent.
  absl::StatusOr<int> DeleteAgent(absl::string_view name_or_id);

  // --- Executions. ---

  // Stores a new execution. REQUIRES: id is "wex-<ULID>", created_at is set, `workflow` names an
  // existing workflow that has `workflow_version` (else InvalidArgument / NotFound). An empty
  // `request_id` means none. AlreadyExists when the id or the request id is already stored.
  // An agent run with a `session`: FailedPrecondition, naming the run, while another run of that
  // session is PENDING, RUNNING or WAITING_APPROVAL (one run of a session at a time).
  // `follower`: the stigmer-server that will follow its run (empty: none yet).
  absl::Status InsertExecution(const stigmer::v1::Execution& execution,
                               absl::string_view request_id, absl::string_view follower = "");

  // The execution created with `request_id`. NotFound if none (or `request_id` is empty).
  absl::StatusOr<stigmer::v1::Execution> FindExecutionByRequestId(absl::string_view request_id);

  // NotFound: `execution "wex-…" not found`.
  absl::StatusOr<stigmer::v1::Execution> GetExecution(absl::string_view id);

  // Replaces the stored record of `execution.id()` (its phase is indexed from the record) with
  // one projected from the first `progress` events of its run chain's history, unless the stored
  // one was projected from more: that one is newer and stays, and the answer is false. Several
  // stigmer-servers sharing a store read the same runs; a slower one must not put an older
  // projection back. NotFound if there is none. InvalidArgument if the workflow, its version or
  // created_at differ from the stored ones: those never change.
  absl::StatusOr<bool> UpdateExecution(const stigmer::v1::Execution& execution,
                                       int64_t progress = 0);

  // Removes an execution (for a Create that failed to start). NotFound if there is none.
  absl::Status DeleteExecution(absl::string_view id);

  // Executions, newest first, optionally of one workflow (by name, which also finds executions
  // of a deleted workflow of that name; or by id) and in one phase. Keyset paging as for
  // workflows. InvalidArgument for a bad token or a negative page size.
  absl::StatusOr<ExecutionPage> ListExecutions(const ExecutionFilter& filter);

  // --- Followers (store_followers.cc): which stigmer-server follows which open execution. ---

  // `follower` (a stigmer-server) is alive at `at`; InfinitePast lets the others take its
  // executions over at once (a server that stops).
  absl::Status MarkFollowerAlive(absl::string_view follower, absl::Time at);

  // Makes `follower` follow every open execution whose follower has not been alive since
  // `lapsed_before` (a server that died or stopped), and forgets those followers; how many.
  absl::StatusOr<int> ClaimLapsedExecutions(absl::string_view follower, absl::Time lapsed_before);

  // --- Agent sessions (store_sessions.cc): the executions that share a session id. ---

  // The session `id`: NotFound `session "ses-…" not found; stigmer get sessions lists them`.
  absl::StatusOr<stigmer::v1::Session> GetSession(absl::string_view id);

  // Sessions, the most recently active first (by their latest run's creation), optionally of one
  // agent (by name); `page_size` as for ExecutionFilter.
  absl::StatusOr<std::vector<stigmer::v1::Session>> ListSessions(absl::string_view agent,
                                                                 int page_size);

  // The `max_turns` newest COMPLETED runs of session `id` and how many it has in all (0 and none
  // for an unknown session).
  absl::StatusOr<SessionHistory> SessionTurns(absl::string_view id, int max_turns);

  // --- Events (store_events.cc): the event bus's log. ---

  // Stores an event (`envelope`, already validated, in the JSON format) under its `source` and
  // `id`, accepted at `now`. When that source already has that id nothing is stored and the
  // stored one is returned with `duplicate` set. InvalidArgument when source, id or type is empty.
  absl::StatusOr<StoredEvent> InsertEvent(absl::string_view source, absl::string_view id,
                                          absl::string_view type, absl::string_view envelope,
                                          absl::Time now);

  // At most `limit` events accepted after `after_sequence`, oldest first.
  absl::StatusOr<std::vector<StoredEvent>> ListEventsAfter(int64_t after_sequence, int limit);

  // How far `reader` has acted on the events (0 when it never said), and saving it.
  absl::StatusOr<int64_t> EventCursor(absl::string_view reader);
  absl::Status SaveEventCursor(absl::string_view reader, int64_t sequence);

 private:
  class PassKey {
    friend class Store;
    PassKey() = default;
  };

  absl::Mutex mu_;
  std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stigmer::store

#endif  // STIGMER_SERVER_STORE_STORE_H_
