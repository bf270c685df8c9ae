#include "server/store/wal_checkpointer.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace stigmer::store {
namespace {

// A connection learns that the database is in WAL mode, and opens the WAL, on its first read;
// until then a checkpoint through it does nothing.
int ReadTheHeader(sqlite3* db) {
  return sqlite3_exec(db, "PRAGMA schema_version", nullptr, nullptr, nullptr);
}

}  // namespace

absl::StatusOr<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(
    sqlite3* served, const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteHandle own(raw);
  if (rc == SQLITE_OK) rc = ReadTheHeader(own.get());
  if (rc != SQLITE_OK) {
    return SqliteError(own.get(), rc,
                       absl::StrCat("cannot open the store ", path.string(), " to checkpoint it"));
  }
  return std::make_unique<WalCheckpointer>(served, std::move(own));
}

WalCheckpointer::WalCheckpointer(sqlite3* served, SqliteHandle own)
    : served_(served), own_(std::move(own)), thread_([this] { Run(); }) {
  sqlite3_wal_hook(served_, &WalCheckpointer::OnCommit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(served_, nullptr, nullptr);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

int WalCheckpointer::OnCommit(void* self, sqlite3* db, const char* schema, int pages) {
  if (pages >= kInlinePages) {
    // Busy (the thread is checkpointing) is fine: the WAL restarts once one of them is through.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= kBackgroundPages) {
    auto* checkpointer = static_cast<WalCheckpointer*>(self);
    absl::MutexLock lock(&checkpointer->mu_);
    checkpointer->wanted_ = true;
  }
  return SQLITE_OK;
}

void WalCheckpointer::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto woken = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return wanted_ || stopping_; };
      mu_.Await(absl::Condition(&woken));
      if (stopping_) return;
      wanted_ = false;
    }
    // A failure (the disk, a lock held elsewhere) leaves the pages in the WAL: the next commit
    // past the threshold asks again, and the inline checkpoint bounds the WAL meanwhile.
    if (ReadTheHeader(own_.get()) == SQLITE_OK) {
      sqlite3_wal_checkpoint_v2(own_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
  }
}

}  // namespace stigmer::store
