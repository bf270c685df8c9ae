// Store's agent-session methods: a session is the set of executions that share a session_id.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/store/page_token.h"
#include "server/store/records.h"
#include "server/store/store.h"

namespace stigmer::store {
namespace {

using ::stigmer::v1::Execution;
using ::stigmer::v1::Session;

// Fills what the session's latest run says: its message, id, phase and last activity.
absl::Status DescribeLatestRun(Database& db, Session& session) {
  absl::StatusOr<Query> query = db.Prepare(
      "SELECT record FROM executions WHERE session_id = ?1 ORDER BY created_at DESC, id DESC"
      " LIMIT 1");
  if (!query.ok()) return query.status();
  query->Bind(1, session.id());
  absl::StatusOr<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::OkStatus();
  absl::StatusOr<Execution> latest = ParseExecutionRecord(query->ColumnText(0));
  if (!latest.ok()) return latest.status();
  session.set_last_message(latest->message());
  session.set_last_execution(latest->id());
  session.set_last_phase(latest->phase());
  *session.mutable_last_activity_at() =
      latest->has_ended_at() ? latest->ended_at() : latest->created_at();
  return absl::OkStatus();
}

// Reads sessions from `query`, whose columns are session_id, the agent (MIN(workflow_name):
// a session's runs are all of one agent, and PostgreSQL wants an aggregate), COUNT(*),
// MIN(created_at).
absl::StatusOr<std::vector<Session>> ReadSessions(Database& db, Query& query) {
  std::vector<Session> sessions;
  while (true) {
    absl::StatusOr<bool> row = query.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Session& session = sessions.emplace_back();
    session.set_id(query.ColumnText(0));
    session.set_agent(query.ColumnText(1));
    session.set_turns(static_cast<int32_t>(query.ColumnInt(2)));
    *session.mutable_created_at() = NanosToTimestamp(query.ColumnInt(3));
  }
  for (Session& session : sessions) {
    if (absl::Status status = DescribeLatestRun(db, session); !status.ok()) return status;
  }
  return sessions;
}

}  // namespace

absl::StatusOr<Session> Store::GetSession(absl::string_view id) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Query> query = db_->Prepare(
      "SELECT session_id, MIN(workflow_name), COUNT(*), MIN(created_at) FROM executions"
      " WHERE session_id = ?1 GROUP BY session_id");
  if (!query.ok()) return query.status();
  query->Bind(1, id);
  absl::StatusOr<std::vector<Session>> sessions = ReadSessions(*db_, *query);
  if (!sessions.ok()) return sessions.status();
  if (sessions->empty()) {
    return absl::NotFoundError(
        absl::StrCat("session \"", id, "\" not found; stigmer get sessions lists them"));
  }
  return std::move(sessions->front());
}

absl::StatusOr<std::vector<Session>> Store::ListSessions(absl::string_view agent, int page_size) {
  absl::StatusOr<int> limit = EffectivePageSize(page_size);
  if (!limit.ok()) return limit.status();
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Query> query = db_->Prepare(
      agent.empty()
          ? "SELECT session_id, MIN(workflow_name), COUNT(*), MIN(created_at) FROM executions"
            " WHERE session_id IS NOT NULL GROUP BY session_id"
            " ORDER BY MAX(created_at) DESC, session_id DESC LIMIT ?2"
          : "SELECT session_id, MIN(workflow_name), COUNT(*), MIN(created_at) FROM executions"
            " WHERE session_id IS NOT NULL AND workflow_name = ?1 GROUP BY session_id"
            " ORDER BY MAX(created_at) DESC, session_id DESC LIMIT ?2");
  if (!query.ok()) return query.status();
  if (!agent.empty()) query->Bind(1, agent);
  query->Bind(2, int64_t{*limit});
  return ReadSessions(*db_, *query);
}

absl::StatusOr<SessionHistory> Store::SessionTurns(absl::string_view id, int max_turns) {
  absl::MutexLock lock(&mu_);
  SessionHistory history;
  {
    absl::StatusOr<Query> count =
        db_->Prepare("SELECT COUNT(*) FROM executions WHERE session_id = ?1 AND phase = ?2");
    if (!count.ok()) return count.status();
    count->Bind(1, id);
    count->Bind(2, int64_t{stigmer::v1::EXECUTION_PHASE_COMPLETED});
    absl::StatusOr<bool> row = count->Step();
    if (!row.ok()) return row.status();
    history.completed = count->ColumnInt(0);
  }
  absl::StatusOr<Query> query = db_->Prepare(
      "SELECT record FROM executions WHERE session_id = ?1 AND phase = ?2"
      " ORDER BY created_at DESC, id DESC LIMIT ?3");
  if (!query.ok()) return query.status();
  query->Bind(1, id);
  query->Bind(2, int64_t{stigmer::v1::EXECUTION_PHASE_COMPLETED});
  query->Bind(3, int64_t{max_turns < 0 ? 0 : max_turns});
  while (true) {
    absl::StatusOr<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) return history;
    absl::StatusOr<Execution> run = ParseExecutionRecord(query->ColumnText(0));
    if (!run.ok()) return run.status();
    history.newest_first.push_back({run->message(), run->output()});
  }
}

}  // namespace stigmer::store
