#ifndef STIGMER_SERVER_STORE_SQLITE_DATABASE_H_
#define STIGMER_SERVER_STORE_SQLITE_DATABASE_H_

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/store/database.h"

namespace stigmer::store {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// The one place where an SQLite result code becomes a Status: "<context>: <sqlite message>".
// BUSY/LOCKED → Unavailable, CONSTRAINT (unique, primary key) → AlreadyExists, other
// CONSTRAINT → FailedPrecondition, FULL → ResourceExhausted, READONLY/PERM/AUTH →
// PermissionDenied, CORRUPT/NOTADB → DataLoss, CANTOPEN → Unavailable, else Internal.
absl::Status SqliteError(sqlite3* db, int result_code, absl::string_view context);

class WalCheckpointer;

// The default engine: one SQLite connection with the settings the store relies on, and a cache
// of its prepared statements (a Query borrows one; when the Query goes away the statement is
// reset and its bindings cleared). Not thread-safe: the owner serializes every call.
class SqliteDatabase final : public Database {
 public:
  static constexpr char kInMemory[] = ":memory:";

  // Opens (creating it, mode 0600, if missing) the database at `path`; its folder must exist.
  // kInMemory opens a private database that lives as long as the Database (no WAL: no file).
  // Sets: extended result codes, busy timeout 5 s, journal_mode WAL, synchronous NORMAL (a
  // committed transaction survives the process being killed; an OS crash or power loss may lose
  // the last ones, never corrupting the file), foreign_keys ON. A file's WAL is checkpointed by
  // a WalCheckpointer, not inside the commits.
  static absl::StatusOr<std::unique_ptr<SqliteDatabase>> Open(const std::filesystem::path& path);

  SqliteDatabase(SqliteHandle db, std::filesystem::path path);
  ~SqliteDatabase() override;

  absl::Status Execute(absl::string_view sql) override;
  // Prepared once per `sql` and kept for the life of the Database.
  absl::StatusOr<Query> Prepare(absl::string_view sql) override;
  int64_t Changes() const override;
  // BEGIN IMMEDIATE: takes the write lock at once, waiting up to the busy timeout.
  absl::Status BeginWrite() override;
  absl::Status Commit() override;
  void Rollback() override;
  std::string Describe() const override;

  const std::filesystem::path& path() const { return path_; }

 private:
  absl::Status RunCached(absl::string_view sql);

  SqliteHandle db_;
  // Declared after db_ so that the statements are finalized before the connection closes.
  std::map<std::string, StatementHandle, std::less<>> statements_;
  std::filesystem::path path_;
  // Declared after db_ so that it unhooks itself and stops before the connection closes.
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

}  // namespace stigmer::store

#endif  // STIGMER_SERVER_STORE_SQLITE_DATABASE_H_
