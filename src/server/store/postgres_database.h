#ifndef STIGMER_SERVER_STORE_POSTGRES_DATABASE_H_
#define STIGMER_SERVER_STORE_POSTGRES_DATABASE_H_

#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/store/database.h"

namespace stigmer::store {

struct PgConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConnHandle = std::unique_ptr<PGconn, PgConnCloser>;
using PgResultHandle = std::unique_ptr<PGresult, PgResultClearer>;

// The store on PostgreSQL (config server.database = postgres://…), so that several
// stigmer-servers share one catalogue. One connection; SQL arrives in SQLite's dialect and is
// translated by sql_dialect.h. Not thread-safe: the owner serializes every call.
//
// Concurrency with other stigmer-servers: BeginWrite takes a transaction-scoped advisory lock
// (pg_advisory_xact_lock on kWriteLockKey) after BEGIN, so write transactions on one database
// run one at a time, as SQLite's BEGIN IMMEDIATE makes them. That keeps every check-then-insert
// (one open run per session, a name free of agents and workflows, the next version number)
// and the order of event sequences exactly as on SQLite, with no serialization retries; reads
// outside a transaction see what was committed (READ COMMITTED). Migrations run in such
// transactions too: of several servers starting on one database, one migrates, the others wait
// and then find the schema current. The lock waits 5 s (lock_timeout), then Unavailable.
//
// A lost connection (a restart, a failover) is made anew (PQreset) by the next call outside a
// transaction; a read or a BEGIN that meets it runs again, once, on the new connection. Inside a
// transaction nothing reconnects until the transaction has ended, so that no half of one is ever
// committed: that call fails with Unavailable naming host:port, as does a reconnection that fails.
class PostgresDatabase final : public Database {
 public:
  // The advisory lock key of write transactions: "stigmer" in ASCII.
  static constexpr int64_t kWriteLockKey = 0x737469676d6572;

  // Connects to `url` (postgres:// or postgresql://; connect_timeout 5 s unless the URL says
  // otherwise). Unavailable when the server cannot be reached, PermissionDenied when it refuses
  // the login, InvalidArgument for a URL libpq cannot parse; each names host:port and what to
  // do, and never holds the password.
  static absl::StatusOr<std::unique_ptr<PostgresDatabase>> Open(absl::string_view url);

  PostgresDatabase(PgConnHandle conn, std::string url);

  absl::Status Execute(absl::string_view sql) override;
  absl::StatusOr<Query> Prepare(absl::string_view sql) override;
  int64_t Changes() const override { return changes_; }
  absl::Status BeginWrite() override;
  absl::Status Commit() override;
  void Rollback() override;
  std::string Describe() const override;

  // One parameter of a statement, as libpq takes it.
  struct Parameter {
    bool null = true;
    unsigned int type = 0;  // an Oid
    bool binary = false;
    std::string value;
  };
  // Runs `sql` (already in PostgreSQL's dialect) with `parameters` ($1…), results in binary.
  absl::StatusOr<PgResultHandle> Run(const std::string& sql,
                                     const std::vector<Parameter>& parameters);

 private:
  // Reconnects a lost connection, unless a transaction is open.
  absl::Status EnsureConnected();
  // Why the connection could not be made: Unavailable or PermissionDenied, naming host:port.
  absl::Status ConnectError() const;
  // The Status of a failed call: `context` and PostgreSQL's message, without the password.
  // A lost connection is reconnected by the next call outside a transaction.
  absl::Status Error(const PGresult* result, absl::string_view context);
  absl::Status RunSimple(const char* sql);
  // Run without reconnecting.
  absl::StatusOr<PgResultHandle> Send(const std::string& sql,
                                      const std::vector<Parameter>& parameters);

  PgConnHandle conn_;
  std::string url_;
  std::string password_;     // scrubbed from messages
  bool configured_ = false;  // session settings made on the current connection, still usable
  bool ever_configured_ = false;
  bool in_transaction_ = false;
  int64_t changes_ = 0;
  std::map<std::string, std::string, std::less<>> translated_;  // SQLite text → PostgreSQL
};

}  // namespace stigmer::store

#endif  // STIGMER_SERVER_STORE_POSTGRES_DATABASE_H_
