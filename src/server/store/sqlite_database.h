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

// One prepared statement borrowed from a Database's cache: bind, step, read columns. When the
// Query goes away the statement is reset and its bindings cleared, ready for the next borrower.
// Parameter and column indexes: parameters count from 1, columns from 0 (as in SQLite).
// Not thread-safe; it belongs to the Database's owner (who serializes access).
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  ~Query();

  void Bind(int index, int64_t value);
  void Bind(int index, absl::string_view text);       // copied
  void BindBlob(int index, absl::string_view bytes);  // copied
  void BindNull(int index);

  // Advances to the next row: true when there is one, false when done.
  absl::StatusOr<bool> Step();
  // Runs a statement that returns no rows (or whose rows do not matter).
  absl::Status Run();

  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
};

// One SQLite connection with the settings the store relies on, and a cache of its prepared
// statements. Not thread-safe: the owner serializes every call (Store holds a mutex).
class Database {
 public:
  static constexpr char kInMemory[] = ":memory:";

  // Opens (creating it, mode 0600, if missing) the database at `path`; its folder must exist.
  // kInMemory opens a private database that lives as long as the Database (no WAL: no file).
  // Sets: extended result codes, busy timeout 5 s, journal_mode WAL, synchronous NORMAL (a
  // committed transaction survives the process being killed; an OS crash or power loss may lose
  // the last ones, never corrupting the file), foreign_keys ON.
  static absl::StatusOr<Database> Open(const std::filesystem::path& path);

  Database(Database&&) = default;
  Database& operator=(Database&&) = default;

  // Runs one or more statements that return no rows.
  absl::Status Execute(absl::string_view sql);
  // A prepared statement for `sql`, prepared once and kept for the life of the Database.
  // REQUIRES: the previous Query for the same `sql` is gone.
  absl::StatusOr<Query> Prepare(absl::string_view sql);
  // Rows inserted, updated or deleted by the last statement.
  int64_t Changes() const;

  const std::filesystem::path& path() const { return path_; }

 private:
  Database(SqliteHandle db, std::filesystem::path path)
      : db_(std::move(db)), path_(std::move(path)) {}

  SqliteHandle db_;
  // Declared after db_ so that the statements are finalized before the connection closes.
  std::map<std::string, StatementHandle, std::less<>> statements_;
  std::filesystem::path path_;
};

// One write transaction: BEGIN IMMEDIATE (taking the write lock at once, waiting up to the busy
// timeout for other connections) on Begin; rolled back when destroyed unless committed, so that
// every early return leaves nothing behind.
class Transaction {
 public:
  static absl::StatusOr<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  absl::Status Commit();
  // Ends the transaction storing nothing (a dry run).
  void Rollback();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace stigmer::store

#endif  // STIGMER_SERVER_STORE_SQLITE_DATABASE_H_
