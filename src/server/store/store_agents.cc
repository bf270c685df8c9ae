// Store's agent methods (store.cc has Open and the workflows).
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/ulid.h"
#include "server/store/page_token.h"
#include "server/store/records.h"
#include "server/store/shared_names.h"
#include "server/store/store.h"

namespace stigmer::store {
namespace {

using ::stigmer::v1::Agent;

// Columns read by ReadAgent, from `agents a` joined with `agent_versions v`.
constexpr absl::string_view kAgentColumns =
    "a.id, a.name, a.created_at, v.version, v.description, v.model_provider, v.model_name, "
    "v.tools, v.mcp_servers, v.definition, v.digest, v.created_at";

// tools and mcp_servers are names (never holding a newline), one per line.
std::string JoinNames(const google::protobuf::RepeatedPtrField<std::string>& names) {
  return absl::StrJoin(names, "\n");
}

void SplitNames(const std::string& text, google::protobuf::RepeatedPtrField<std::string>* out) {
  for (absl::string_view name : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    out->Add(std::string(name));
  }
}

Agent ReadAgent(const Query& query) {
  Agent agent;
  agent.set_id(query.ColumnText(0));
  agent.set_name(query.ColumnText(1));
  *agent.mutable_created_at() = NanosToTimestamp(query.ColumnInt(2));
  agent.set_version(static_cast<int32_t>(query.ColumnInt(3)));
  agent.set_description(query.ColumnText(4));
  agent.set_model_provider(query.ColumnText(5));
  agent.set_model_name(query.ColumnText(6));
  SplitNames(query.ColumnText(7), agent.mutable_tools());
  SplitNames(query.ColumnText(8), agent.mutable_mcp_servers());
  agent.set_definition(query.ColumnText(9));
  agent.set_digest(query.ColumnText(10));
  *agent.mutable_updated_at() = NanosToTimestamp(query.ColumnInt(11));
  return agent;
}

absl::Status AgentNotFound(absl::string_view name_or_id) {
  return absl::NotFoundError(
      absl::StrCat("agent \"", name_or_id, "\" not found; `stigmer get agents` lists the agents"));
}

// The agents row named by a name or an id ("agt-…").
struct AgentRow {
  std::string id;
  int64_t latest_version = 0;
  int64_t created_at = 0;
};

absl::StatusOr<AgentRow> FindAgentRow(Database& db, absl::string_view name_or_id) {
  absl::StatusOr<Query> query = db.Prepare(
      IsAgentId(name_or_id) ? "SELECT id, latest_version, created_at FROM agents WHERE id = ?1"
                            : "SELECT id, latest_version, created_at FROM agents WHERE name = ?1");
  if (!query.ok()) return query.status();
  query->Bind(1, name_or_id);
  absl::StatusOr<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return AgentNotFound(name_or_id);
  return AgentRow{query->ColumnText(0), query->ColumnInt(1), query->ColumnInt(2)};
}

absl::StatusOr<Agent> ReadAgentVersion(Database& db, absl::string_view agent_id, int64_t version) {
  absl::StatusOr<Query> query =
      db.Prepare(absl::StrCat("SELECT ", kAgentColumns,
                              " FROM agents a JOIN agent_versions v ON v.agent_id = a.id"
                              " WHERE a.id = ?1 AND v.version = ?2"));
  if (!query.ok()) return query.status();
  query->Bind(1, agent_id);
  query->Bind(2, version);
  absl::StatusOr<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("no such agent version");  // callers checked first
  return ReadAgent(*query);
}

absl::Status InsertAgentVersion(Database& db, const Agent& agent, int64_t created_at) {
  absl::StatusOr<Query> query = db.Prepare(
      "INSERT INTO agent_versions (agent_id, version, description, model_provider, model_name,"
      " tools, mcp_servers, definition, digest, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!query.ok()) return query.status();
  query->Bind(1, agent.id());
  query->Bind(2, int64_t{agent.version()});
  query->Bind(3, agent.description());
  query->Bind(4, agent.model_provider());
  query->Bind(5, agent.model_name());
  query->Bind(6, JoinNames(agent.tools()));
  query->Bind(7, JoinNames(agent.mcp_servers()));
  query->Bind(8, agent.definition());
  query->Bind(9, agent.digest());
  query->Bind(10, created_at);
  return query->Run();
}

// Stores `draft` inside the caller's transaction; see Store::ApplyAgent.
absl::StatusOr<AgentApplyResult> ApplyAgentIn(Database& db, const Agent& draft, int64_t now) {
  if (absl::Status free = CheckNoWorkflowNamed(db, draft.name()); !free.ok()) return free;
  AgentApplyResult result;
  Agent& agent = result.agent;
  agent = draft;
  agent.clear_id();
  agent.clear_version();
  agent.clear_created_at();
  *agent.mutable_updated_at() = NanosToTimestamp(now);

  absl::StatusOr<AgentRow> existing = FindAgentRow(db, draft.name());
  if (absl::IsNotFound(existing.status())) {
    agent.set_id(NewAgentId());
    agent.set_version(1);
    *agent.mutable_created_at() = NanosToTimestamp(now);
    absl::StatusOr<Query> insert = db.Prepare(
        "INSERT INTO agents (id, name, latest_version, created_at) VALUES (?1, ?2, 1, ?3)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, agent.id());
    insert->Bind(2, agent.name());
    insert->Bind(3, now);
    if (absl::Status status = insert->Run(); !status.ok()) return status;
    if (absl::Status status = InsertAgentVersion(db, agent, now); !status.ok()) return status;
    result.outcome = stigmer::v1::APPLY_OUTCOME_CREATED;
    return result;
  }
  if (!existing.ok()) return existing.status();

  absl::StatusOr<Agent> latest = ReadAgentVersion(db, existing->id, existing->latest_version);
  if (!latest.ok()) return latest.status();
  if (latest->digest() == draft.digest()) {
    return AgentApplyResult{*std::move(latest), stigmer::v1::APPLY_OUTCOME_UNCHANGED};
  }
  agent.set_id(existing->id);
  agent.set_version(static_cast<int32_t>(existing->latest_version + 1));
  *agent.mutable_created_at() = NanosToTimestamp(existing->created_at);
  if (absl::Status status = InsertAgentVersion(db, agent, now); !status.ok()) return status;
  absl::StatusOr<Query> update = db.Prepare("UPDATE agents SET latest_version = ?2 WHERE id = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, agent.id());
  update->Bind(2, int64_t{agent.version()});
  if (absl::Status status = update->Run(); !status.ok()) return status;
  result.outcome = stigmer::v1::APPLY_OUTCOME_UPDATED;
  return result;
}

}  // namespace

absl::StatusOr<AgentApplyResult> Store::ApplyAgent(const Agent& draft, absl::Time now,
                                                   bool dry_run) {
  if (draft.name().empty()) return absl::InvalidArgumentError("the agent has no name");
  if (draft.digest().empty()) return absl::InvalidArgumentError("the agent has no digest");
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  absl::StatusOr<AgentApplyResult> result = ApplyAgentIn(*db_, draft, absl::ToUnixNanos(now));
  if (!result.ok()) return result.status();
  if (dry_run || result->outcome == stigmer::v1::APPLY_OUTCOME_UNCHANGED) {
    transaction->Rollback();
    return result;
  }
  if (absl::Status status = transaction->Commit(); !status.ok()) return status;
  return result;
}

absl::StatusOr<Agent> Store::GetAgent(absl::string_view name_or_id, int version) {
  if (version < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("agent version must not be negative (got ", version, ")"));
  }
  absl::MutexLock lock(&mu_);
  absl::StatusOr<AgentRow> row = FindAgentRow(*db_, name_or_id);
  if (!row.ok()) return row.status();
  if (version > row->latest_version) {
    return absl::NotFoundError(absl::StrCat("agent \"", name_or_id, "\" has no version ", version));
  }
  return ReadAgentVersion(*db_, row->id, version == 0 ? row->latest_version : version);
}

absl::StatusOr<AgentPage> Store::ListAgents(int page_size, absl::string_view page_token) {
  absl::StatusOr<int> limit = EffectivePageSize(page_size);
  if (!limit.ok()) return limit.status();
  std::string after;
  if (!page_token.empty()) {
    absl::StatusOr<std::string> decoded = DecodeAgentPageToken(page_token);
    if (!decoded.ok()) return decoded.status();
    after = *std::move(decoded);
  }
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Query> query =
      db_->Prepare(absl::StrCat("SELECT ", kAgentColumns,
                                " FROM agents a JOIN agent_versions v"
                                " ON v.agent_id = a.id AND v.version = a.latest_version"
                                " WHERE a.name > ?1 ORDER BY a.name LIMIT ?2"));
  if (!query.ok()) return query.status();
  query->Bind(1, after);
  query->Bind(2, int64_t{*limit} + 1);  // one more, to know whether another page follows
  AgentPage page;
  while (true) {
    absl::StatusOr<bool> row = query->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(page.agents.size()) == *limit) {
      page.next_page_token = EncodeAgentPageToken(page.agents.back().name());
      break;
    }
    page.agents.push_back(ReadAgent(*query));
  }
  return page;
}

absl::StatusOr<int> Store::DeleteAgent(absl::string_view name_or_id) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> transaction = Transaction::Begin(*db_);
  if (!transaction.ok()) return transaction.status();
  absl::StatusOr<AgentRow> row = FindAgentRow(*db_, name_or_id);
  if (!row.ok()) return row.status();
  absl::StatusOr<Query> versions = db_->Prepare("DELETE FROM agent_versions WHERE agent_id = ?1");
  if (!versions.ok()) return versions.status();
  versions->Bind(1, row->id);
  if (absl::Status status = versions->Run(); !status.ok()) return status;
  const int deleted = static_cast<int>(db_->Changes());
  absl::StatusOr<Query> agent = db_->Prepare("DELETE FROM agents WHERE id = ?1");
  if (!agent.ok()) return agent.status();
  agent->Bind(1, row->id);
  if (absl::Status status = agent->Run(); !status.ok()) return status;
  if (absl::Status status = transaction->Commit(); !status.ok()) return status;
  return deleted;
}

}  // namespace stigmer::store
