#include "server/store/sqlite_database.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"
#include "common/unique_fd.h"
#include "server/store/wal_checkpointer.h"

namespace stigmer::store {
namespace {

constexpr int kBusyTimeoutMillis = 5000;

absl::StatusCode CodeFor(int result_code) {
  switch (result_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return absl::StatusCode::kAlreadyExists;
    default:
      break;
  }
  switch (result_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
      return absl::StatusCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_FULL:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return absl::StatusCode::kPermissionDenied;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status SqliteError(sqlite3* db, int result_code, absl::string_view context) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result_code);
  return absl::Status(CodeFor(result_code), absl::StrCat(context, ": ", message));
}

namespace {

// A statement of the cache, borrowed by one Query at a time.
class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  ~SqliteStatement() override {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

  void Bind(int index, int64_t value) override { sqlite3_bind_int64(statement_, index, value); }
  void Bind(int index, absl::string_view text) override {
    sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  void BindBlob(int index, absl::string_view bytes) override {
    sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  }
  void BindNull(int index) override { sqlite3_bind_null(statement_, index); }

  absl::StatusOr<bool> Step() override {
    int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // The message names the statement, so that a failure can be traced to its query.
    return SqliteError(db_, sqlite3_extended_errcode(db_), sqlite3_sql(statement_));
  }

  int64_t ColumnInt(int column) const override { return sqlite3_column_int64(statement_, column); }
  std::string ColumnText(int column) const override {
    // sqlite3_column_blob first, then _bytes: the documented order for reading a value as is.
    const void* data = sqlite3_column_blob(statement_, column);
    int size = sqlite3_column_bytes(statement_, column);
    if (data == nullptr || size <= 0) return std::string();
    return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
  }
  bool ColumnIsNull(int column) const override {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(
    const std::filesystem::path& path) {
  const bool in_memory = path == kInMemory;
  // Create the file ourselves so that it is 0600 from the start; SQLite gives its -wal and -shm
  // files the same mode as the database.
  if (!in_memory) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) return ErrnoToStatus(absl::StrCat("cannot open the store ", path.string()), errno);
    if (::fchmod(fd.get(), 0600) != 0) {
      return ErrnoToStatus(absl::StrCat("cannot chmod the store ", path.string()), errno);
    }
  }
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteHandle db(raw);  // closes it even when opening failed
  const std::string context = absl::StrCat("cannot open the store ", path.string());
  if (rc != SQLITE_OK) return SqliteError(db.get(), rc, context);
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMillis);

  auto database = std::make_unique<SqliteDatabase>(std::move(db), path);
  auto fail = [&context](const absl::Status& status) {
    return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
  };
  {
    // journal_mode answers with the mode in force: anything but "wal" means no WAL here.
    absl::StatusOr<Query> journal = database->Prepare("PRAGMA journal_mode=WAL");
    if (!journal.ok()) return fail(journal.status());
    absl::StatusOr<bool> row = journal->Step();
    if (!row.ok()) return fail(row.status());
    if (!*row || journal->ColumnText(0) != (in_memory ? "memory" : "wal")) {
      return fail(absl::FailedPreconditionError("the WAL journal mode is not available"));
    }
  }
  absl::Status status = database->Execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  if (!status.ok()) return fail(status);
  if (!in_memory) {
    absl::StatusOr<std::unique_ptr<WalCheckpointer>> checkpointer =
        WalCheckpointer::Start(database->db_.get(), path);
    if (!checkpointer.ok()) return checkpointer.status();
    database->checkpointer_ = *std::move(checkpointer);
  }
  return database;
}

SqliteDatabase::SqliteDatabase(SqliteHandle db, std::filesystem::path path)
    : db_(std::move(db)), path_(std::move(path)) {}

SqliteDatabase::~SqliteDatabase() = default;

absl::Status SqliteDatabase::Execute(absl::string_view sql) {
  const std::string text(sql);
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_.get(), sqlite3_extended_errcode(db_.get()), text);
  return absl::OkStatus();
}

absl::StatusOr<Query> SqliteDatabase::Prepare(absl::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StatementHandle statement(raw);
    if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, absl::StrCat("cannot prepare ", sql));
    it = statements_.emplace(std::string(sql), std::move(statement)).first;
  }
  return Query(std::make_unique<SqliteStatement>(db_.get(), it->second.get()));
}

int64_t SqliteDatabase::Changes() const { return sqlite3_changes64(db_.get()); }

absl::Status SqliteDatabase::RunCached(absl::string_view sql) {
  absl::StatusOr<Query> query = Prepare(sql);
  if (!query.ok()) return query.status();
  return query->Run();
}

absl::Status SqliteDatabase::BeginWrite() { return RunCached("BEGIN IMMEDIATE"); }

absl::Status SqliteDatabase::Commit() { return RunCached("COMMIT"); }

void SqliteDatabase::Rollback() { RunCached("ROLLBACK").IgnoreError(); }

std::string SqliteDatabase::Describe() const { return absl::StrCat("the store ", path_.string()); }

}  // namespace stigmer::store
