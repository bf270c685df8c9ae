#ifndef STIGMER_SERVER_STORE_DATABASE_H_
#define STIGMER_SERVER_STORE_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stigmer::store {

// The seam between the store and its SQL engine: SQLite (sqlite_database.h, the default) or
// PostgreSQL (postgres_database.h). The store's SQL is written once, in SQLite's dialect with
// numbered parameters (?1, ?2, …); an engine that speaks another dialect translates it in one
// place (sql_dialect.h).

// One statement of one engine, bound and stepped by a Query. Parameters count from 1, columns
// from 0.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void Bind(int index, int64_t value) = 0;
  virtual void Bind(int index, absl::string_view text) = 0;
  virtual void BindBlob(int index, absl::string_view bytes) = 0;
  virtual void BindNull(int index) = 0;
  virtual absl::StatusOr<bool> Step() = 0;
  virtual int64_t ColumnInt(int column) const = 0;
  virtual std::string ColumnText(int column) const = 0;  // text or blob, as stored
  virtual bool ColumnIsNull(int column) const = 0;
};

// One statement from Database::Prepare: bind, step, read columns. Not thread-safe; it belongs to
// the Database's owner (who serializes access) and must be gone before the Database is.
class Query {
 public:
  explicit Query(std::unique_ptr<Statement> statement) : statement_(std::move(statement)) {}

  void Bind(int index, int64_t value) { statement_->Bind(index, value); }
  void Bind(int index, absl::string_view text) { statement_->Bind(index, text); }  // copied
  void BindBlob(int index, absl::string_view bytes) { statement_->BindBlob(index, bytes); }
  void BindNull(int index) { statement_->BindNull(index); }

  // Advances to the next row: true when there is one, false when done.
  absl::StatusOr<bool> Step() { return statement_->Step(); }
  // Runs a statement that returns no rows (or whose rows do not matter).
  absl::Status Run();

  int64_t ColumnInt(int column) const { return statement_->ColumnInt(column); }
  std::string ColumnText(int column) const { return statement_->ColumnText(column); }
  bool ColumnIsNull(int column) const { return statement_->ColumnIsNull(column); }

 private:
  std::unique_ptr<Statement> statement_;
};

// One connection to the store's database. Not thread-safe: the owner serializes every call
// (Store holds a mutex).
//
// Errors of every engine map to the same codes: a unique key taken → AlreadyExists, another
// constraint → FailedPrecondition, the database busy, locked or unreachable → Unavailable, out
// of space → ResourceExhausted, refused → PermissionDenied, corrupt → DataLoss, else Internal.
class Database {
 public:
  virtual ~Database() = default;

  // Runs one or more statements that return no rows (SQLite's dialect; schema text included).
  virtual absl::Status Execute(absl::string_view sql) = 0;
  // A statement for `sql`. REQUIRES: the previous Query for the same `sql` is gone.
  virtual absl::StatusOr<Query> Prepare(absl::string_view sql) = 0;
  // Rows inserted, updated or deleted by the last statement.
  virtual int64_t Changes() const = 0;

  // Starts a write transaction that excludes every other writer of the same database, in this
  // process or another, until it ends (SQLite: BEGIN IMMEDIATE; PostgreSQL: see there). Waits
  // for another writer up to 5 s, then Unavailable.
  virtual absl::Status BeginWrite() = 0;
  virtual absl::Status Commit() = 0;
  virtual void Rollback() = 0;

  // How messages name this database: "the store /path/stigmer.db", or its URL with any password
  // masked. Never holds a secret.
  virtual std::string Describe() const = 0;
};

// One write transaction (Database::BeginWrite), rolled back when destroyed unless committed, so
// that every early return leaves nothing behind.
class Transaction {
 public:
  static absl::StatusOr<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction() { Rollback(); }

  absl::Status Commit();
  // Ends the transaction storing nothing (a dry run).
  void Rollback();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace stigmer::store

#endif  // STIGMER_SERVER_STORE_DATABASE_H_
