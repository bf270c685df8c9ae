#include "server/store/shared_names.h"

#include "absl/strings/str_cat.h"

namespace stigmer::store {
namespace {

// AlreadyExists when `sql` (with ?1 = name) finds a row: the name is `owner`'s, so `applying`
// cannot take it.
absl::Status CheckFree(Database& db, const char* sql, absl::string_view name,
                       absl::string_view applying, absl::string_view owner) {
  absl::StatusOr<Query> query = db.Prepare(sql);
  if (!query.ok()) return query.status();
  query->Bind(1, name);
  absl::StatusOr<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat(
      applying, " \"", name, "\": the name is already a", owner == "agent" ? "n " : " ", owner,
      "'s, and `stigmer run ", name, "` must find one thing; rename the ", applying,
      ", or first `stigmer delete ", owner, " ", name, "`"));
}

}  // namespace

absl::Status CheckNoWorkflowNamed(Database& db, absl::string_view agent_name) {
  return CheckFree(db, "SELECT 1 FROM workflows WHERE name = ?1", agent_name, "agent", "workflow");
}

absl::Status CheckNoAgentNamed(Database& db, absl::string_view workflow_name) {
  return CheckFree(db, "SELECT 1 FROM agents WHERE name = ?1", workflow_name, "workflow", "agent");
}

}  // namespace stigmer::store
