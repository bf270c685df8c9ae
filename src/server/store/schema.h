#ifndef STIGMER_SERVER_STORE_SCHEMA_H_
#define STIGMER_SERVER_STORE_SCHEMA_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/database.h"

namespace stigmer::store {

// The store's schema is an ordered list of migrations; migration N (counting from 1) takes the
// schema from version N-1 to N. Table `schema_version` holds one row per applied migration.
// Migrations are append-only: once released, a migration's SQL never changes.

// The schema version this binary writes: the number of migrations it knows.
int LatestSchemaVersion();

// Brings the database to LatestSchemaVersion(), each missing migration in its own transaction
// (all or nothing). Applying it again does nothing. A database whose schema is newer than this
// binary's → FailedPrecondition naming both versions; it is left untouched.
absl::Status MigrateSchema(Database& db);

// The schema version of the database: 0 for a new one.
absl::StatusOr<int> CurrentSchemaVersion(Database& db);

}  // namespace stigmer::store

#endif  // STIGMER_SERVER_STORE_SCHEMA_H_
