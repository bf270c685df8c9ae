#ifndef STIGMER_SERVER_STORE_WAL_CHECKPOINTER_H_
#define STIGMER_SERVER_STORE_WAL_CHECKPOINTER_H_

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/store/sqlite_database.h"

namespace stigmer::store {

// Copies the WAL's pages back into an SQLite file from a thread and a connection of its own.
// SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold, and so does
// its fsync: the store serves every call on one connection under one lock, so every read queued
// behind that commit waited for the disk too (get executions at 58–71 ms instead of ~8).
//
// Replaces the automatic checkpoint of the connection it serves (its WAL hook): a commit that
// leaves kBackgroundPages or more in the WAL wakes the thread, which runs a PASSIVE checkpoint
// (it never waits for, nor blocks, the served connection's readers and writers). If writes
// outrun it and the WAL reaches kInlinePages, the committing connection checkpoints itself, as
// SQLite would, so that the WAL stays bounded. Idle, the thread sleeps on a condition variable.
class WalCheckpointer {
 public:
  static constexpr int kBackgroundPages = 1000;  // SQLite's own automatic threshold
  static constexpr int kInlinePages = 4000;

  // Opens a second connection to `path` (already in WAL mode) and hooks itself to `served`,
  // which must outlive it and, like every SQLite connection here, is used by one thread at a time.
  static absl::StatusOr<std::unique_ptr<WalCheckpointer>> Start(sqlite3* served,
                                                                const std::filesystem::path& path);

  WalCheckpointer(sqlite3* served, SqliteHandle own);
  // Unhooks `served` and joins the thread (a checkpoint under way finishes first).
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  static int OnCommit(void* self, sqlite3* db, const char* schema, int pages);
  void Run();

  sqlite3* served_;
  SqliteHandle own_;  // used by thread_ only
  absl::Mutex mu_;
  bool wanted_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace stigmer::store

#endif  // STIGMER_SERVER_STORE_WAL_CHECKPOINTER_H_
