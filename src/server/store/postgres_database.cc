#include "server/store/postgres_database.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/database_url.h"
#include "server/store/sql_dialect.h"

namespace stigmer::store {
namespace {

// Type OIDs are fixed by PostgreSQL (catalog/pg_type.dat); libpq-dev does not ship the header.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;

// A multi-line libpq message on one line.
std::string OneLine(absl::string_view message) {
  std::vector<absl::string_view> words =
      absl::StrSplit(message, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
  return absl::StrJoin(words, " ");
}

absl::StatusCode CodeForSqlState(absl::string_view state) {
  if (state == "23505") return absl::StatusCode::kAlreadyExists;
  if (absl::StartsWith(state, "23")) return absl::StatusCode::kFailedPrecondition;
  if (state == "40001" || state == "40P01" || state == "55P03" || absl::StartsWith(state, "08") ||
      absl::StartsWith(state, "57P")) {
    return absl::StatusCode::kUnavailable;
  }
  if (absl::StartsWith(state, "53")) return absl::StatusCode::kResourceExhausted;
  if (state == "42501" || absl::StartsWith(state, "28")) {
    return absl::StatusCode::kPermissionDenied;
  }
  if (state == "XX001" || state == "XX002") return absl::StatusCode::kDataLoss;
  return absl::StatusCode::kInternal;
}

int64_t ReadBigEndian(const char* data, int size) {
  uint64_t value = 0;
  for (int i = 0; i < size; ++i) value = (value << 8) | static_cast<unsigned char>(data[i]);
  // Sign-extend the narrower integers.
  if (size < 8 && size > 0 && (value >> (size * 8 - 1)) != 0) value |= ~uint64_t{0} << (size * 8);
  return static_cast<int64_t>(value);
}

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PostgresDatabase* db, const std::string* sql) : db_(db), sql_(sql) {}

  void Bind(int index, int64_t value) override { Set(index, kInt8Oid, false, absl::StrCat(value)); }
  void Bind(int index, absl::string_view text) override {
    Set(index, kTextOid, false, std::string(text));
  }
  void BindBlob(int index, absl::string_view bytes) override {
    Set(index, kByteaOid, true, std::string(bytes));
  }
  void BindNull(int index) override {
    PostgresDatabase::Parameter& parameter = At(index);
    parameter = PostgresDatabase::Parameter{};
    parameter.type = 0;  // PostgreSQL infers it from where it stands
  }

  absl::StatusOr<bool> Step() override {
    if (!result_) {
      absl::StatusOr<PgResultHandle> result = db_->Run(*sql_, parameters_);
      if (!result.ok()) return result.status();
      result_ = *std::move(result);
    }
    return ++row_ < PQntuples(result_.get());
  }

  int64_t ColumnInt(int column) const override {
    if (ColumnIsNull(column)) return 0;
    const char* data = PQgetvalue(result_.get(), row_, column);
    const int size = PQgetlength(result_.get(), row_, column);
    switch (PQftype(result_.get(), column)) {
      case kInt8Oid:
      case kInt4Oid:
      case kInt2Oid:
      case kBoolOid:
        return ReadBigEndian(data, size);
      default:
        return 0;
    }
  }
  std::string ColumnText(int column) const override {
    return std::string(PQgetvalue(result_.get(), row_, column),
                       static_cast<size_t>(PQgetlength(result_.get(), row_, column)));
  }
  bool ColumnIsNull(int column) const override {
    return PQgetisnull(result_.get(), row_, column) != 0;
  }

 private:
  PostgresDatabase::Parameter& At(int index) {
    // A parameter never bound is a NULL text (an unreferenced $N must still have a type).
    while (static_cast<int>(parameters_.size()) < index) {
      parameters_.push_back({.null = true, .type = kTextOid});
    }
    return parameters_[index - 1];
  }
  void Set(int index, Oid type, bool binary, std::string value) {
    At(index) = {.null = false, .type = type, .binary = binary, .value = std::move(value)};
  }

  PostgresDatabase* db_;
  const std::string* sql_;  // owned by the database's cache of translations
  std::vector<PostgresDatabase::Parameter> parameters_;
  PgResultHandle result_;
  int row_ = -1;
};

}  // namespace

PostgresDatabase::PostgresDatabase(PgConnHandle conn, std::string url)
    : conn_(std::move(conn)), url_(std::move(url)), password_(DatabaseUrlPassword(url_)) {}

absl::StatusOr<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(absl::string_view url) {
  if (absl::Status valid = ValidateDatabaseUrl(url); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("server.database: ", valid.message()));
  }
  const std::string text(url);
  char* parse_error = nullptr;
  if (PQconninfoOption* options = PQconninfoParse(text.c_str(), &parse_error)) {
    PQconninfoFree(options);
  } else {
    std::string why = parse_error != nullptr ? OneLine(parse_error) : "out of memory";
    PQfreemem(parse_error);
    if (const std::string password = DatabaseUrlPassword(url); password.size() >= 4) {
      why = absl::StrReplaceAll(why, {{password, "***"}});
    }
    return absl::InvalidArgumentError(absl::StrCat("server.database \"", MaskDatabaseUrl(url),
                                                   "\" is not a URL libpq takes: ", why));
  }
  // Ours first: what the URL itself says is read later and wins.
  const char* keywords[] = {"connect_timeout", "application_name", "client_encoding", "dbname",
                            nullptr};
  const char* values[] = {"5", "stigmer-server", "UTF8", text.c_str(), nullptr};
  PgConnHandle conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr) return absl::ResourceExhaustedError("libpq: out of memory");
  auto db = std::make_unique<PostgresDatabase>(std::move(conn), text);
  if (PQstatus(db->conn_.get()) != CONNECTION_OK) return db->ConnectError();
  if (absl::Status ready = db->EnsureConnected(); !ready.ok()) return ready;
  return db;
}

std::string PostgresDatabase::Describe() const {
  return absl::StrCat("the store's PostgreSQL ", MaskDatabaseUrl(url_));
}

absl::Status PostgresDatabase::EnsureConnected() {
  if (PQstatus(conn_.get()) == CONNECTION_OK && configured_) return absl::OkStatus();
  if (in_transaction_) {
    return absl::UnavailableError(
        absl::StrCat("the connection to ", Describe(),
                     " was lost during a transaction; nothing of it was stored; try again"));
  }
  // A connection that was in use and failed is made anew; a new one only needs its settings.
  if (PQstatus(conn_.get()) != CONNECTION_OK || ever_configured_) PQreset(conn_.get());
  if (PQstatus(conn_.get()) != CONNECTION_OK) return ConnectError();
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
  if (absl::Status status = RunSimple("SET lock_timeout = '5s'"); !status.ok()) return status;
  configured_ = true;
  ever_configured_ = true;
  return absl::OkStatus();
}

absl::Status PostgresDatabase::ConnectError() const {
  std::string why = OneLine(PQerrorMessage(conn_.get()));
  if (password_.size() >= 4) why = absl::StrReplaceAll(why, {{password_, "***"}});
  const std::string where = DatabaseHostPort(url_);
  if (absl::StrContains(why, "authentication failed") ||
      absl::StrContains(why, "no password supplied")) {
    return absl::PermissionDeniedError(absl::StrCat(
        "PostgreSQL at ", where, " refused the store's login (", MaskDatabaseUrl(url_), "): ", why,
        "; check the user and password in "
        "server.database"));
  }
  return absl::UnavailableError(absl::StrCat(
      "cannot reach the store's PostgreSQL at ", where, " (", MaskDatabaseUrl(url_), "): ", why,
      "; start PostgreSQL there, or set server.database to one that runs"));
}

absl::Status PostgresDatabase::Error(const PGresult* result, absl::string_view context) {
  std::string message =
      OneLine(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_.get()));
  if (password_.size() >= 4) message = absl::StrReplaceAll(message, {{password_, "***"}});
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // The server going away answers 57P01 (terminating connection) before libpq sees it closed.
  const bool lost =
      PQstatus(conn_.get()) != CONNECTION_OK ||
      (state != nullptr && (absl::StartsWith(state, "08") || absl::StartsWith(state, "57P0")));
  if (lost) {
    configured_ = false;  // the next call outside a transaction reconnects
    return absl::UnavailableError(absl::StrCat(
        context, ": lost the connection to the store's PostgreSQL at ", DatabaseHostPort(url_),
        ": ", message, "; check that it runs (the next call reconnects)"));
  }
  if (state == nullptr) return absl::InternalError(absl::StrCat(context, ": ", message));
  if (std::strcmp(state, "55P03") == 0) {
    return absl::UnavailableError(absl::StrCat(
        context, ": another stigmer-server held the store's write lock for more than 5 s (",
        message, "); try again"));
  }
  return absl::Status(CodeForSqlState(state), absl::StrCat(context, ": ", message));
}

absl::Status PostgresDatabase::RunSimple(const char* sql) {
  PgResultHandle result(PQexec(conn_.get(), sql));
  const ExecStatusType status = PQresultStatus(result.get());
  // An empty text (a migration that does nothing) is EMPTY_QUERY, as fine as on SQLite.
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    return Error(result.get(), sql);
  }
  return absl::OkStatus();
}

absl::StatusOr<PgResultHandle> PostgresDatabase::Run(const std::string& sql,
                                                     const std::vector<Parameter>& parameters) {
  if (absl::Status connected = EnsureConnected(); !connected.ok()) return connected;
  absl::StatusOr<PgResultHandle> result = Send(sql, parameters);
  // The connection was lost since the last call (a restart, a failover): a read outside a
  // transaction runs again, once, on a new connection. Nothing else is repeated: a write's
  // outcome is unknown once its connection is gone.
  if (!result.ok() && !configured_ && !in_transaction_ && absl::StartsWith(sql, "SELECT")) {
    if (absl::Status connected = EnsureConnected(); !connected.ok()) return connected;
    return Send(sql, parameters);
  }
  return result;
}

absl::StatusOr<PgResultHandle> PostgresDatabase::Send(const std::string& sql,
                                                      const std::vector<Parameter>& parameters) {
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const Parameter& parameter : parameters) {
    types.push_back(parameter.type);
    values.push_back(parameter.null ? nullptr : parameter.value.data());
    lengths.push_back(static_cast<int>(parameter.value.size()));
    formats.push_back(parameter.binary ? 1 : 0);
  }
  PgResultHandle result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(parameters.size()),
                                     types.data(), values.data(), lengths.data(), formats.data(),
                                     /*resultFormat=*/1));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Error(result.get(), sql);
  int64_t changes = 0;
  changes_ = absl::SimpleAtoi(PQcmdTuples(result.get()), &changes) ? changes : 0;
  return result;
}

absl::Status PostgresDatabase::Execute(absl::string_view sql) {
  if (absl::Status connected = EnsureConnected(); !connected.ok()) return connected;
  const std::string text = PostgresSchema(sql);
  return RunSimple(text.c_str());
}

absl::StatusOr<Query> PostgresDatabase::Prepare(absl::string_view sql) {
  auto it = translated_.find(sql);
  if (it == translated_.end()) {
    it = translated_.emplace(std::string(sql), PostgresParameters(sql)).first;
  }
  return Query(std::make_unique<PostgresStatement>(this, &it->second));
}

absl::Status PostgresDatabase::BeginWrite() {
  if (absl::Status connected = EnsureConnected(); !connected.ok()) return connected;
  if (absl::Status begun = RunSimple("BEGIN"); !begun.ok()) {
    // Nothing of the transaction was sent yet: on a connection lost since the last call it
    // begins again, once, on a new one.
    if (configured_) return begun;
    if (absl::Status connected = EnsureConnected(); !connected.ok()) return connected;
    if (begun = RunSimple("BEGIN"); !begun.ok()) return begun;
  }
  in_transaction_ = true;
  const std::string lock = absl::StrCat("SELECT pg_advisory_xact_lock(", kWriteLockKey, ")");
  if (absl::Status locked = RunSimple(lock.c_str()); !locked.ok()) {
    Rollback();
    return locked;
  }
  return absl::OkStatus();
}

absl::Status PostgresDatabase::Commit() {
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    in_transaction_ = false;
    return Error(nullptr, "COMMIT");
  }
  PgResultHandle result(PQexec(conn_.get(), "COMMIT"));
  in_transaction_ = false;  // over, one way or the other
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) return Error(result.get(), "COMMIT");
  // COMMIT of a transaction that had failed answers ROLLBACK.
  if (std::strcmp(PQcmdStatus(result.get()), "COMMIT") != 0) {
    return absl::AbortedError("COMMIT: the transaction had failed and was rolled back");
  }
  return absl::OkStatus();
}

void PostgresDatabase::Rollback() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  if (PQstatus(conn_.get()) == CONNECTION_OK) PgResultHandle(PQexec(conn_.get(), "ROLLBACK"));
}

}  // namespace stigmer::store
