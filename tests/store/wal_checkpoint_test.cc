// The store's WAL is checkpointed beside the connection that serves it, not inside its commits,
// and stays bounded however fast the writes come.
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <memory>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/store/sqlite_database.h"
#include "server/store/wal_checkpointer.h"
#include "testing/test_env.h"

namespace stigmer::store {
namespace {

using ::stigmer::testing::TempDir;
using ::stigmer::testing::WaitFor;

constexpr int64_t kPageBytes = 4096;  // SQLite's default page size

int64_t FileBytes(const std::filesystem::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? static_cast<int64_t>(info.st_size) : 0;
}

std::unique_ptr<SqliteDatabase> OpenWithTable(const std::filesystem::path& path) {
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return nullptr;
  EXPECT_TRUE((*db)->Execute("CREATE TABLE rows (payload BLOB)").ok());
  return *std::move(db);
}

// One commit of about one page.
void InsertAPage(SqliteDatabase& db) {
  ASSERT_TRUE(db.Execute("INSERT INTO rows (payload) VALUES (randomblob(3900))").ok());
}

TEST(WalCheckpointTest, PagesPastTheThresholdReachTheFileWithoutAnotherWrite) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  auto db = OpenWithTable(path);
  ASSERT_NE(db, nullptr);
  const int pages = WalCheckpointer::kBackgroundPages + 200;
  for (int i = 0; i < pages; ++i) InsertAPage(*db);
  // Until a checkpoint, the pages live in the WAL only and the file stays a few pages long.
  EXPECT_TRUE(WaitFor([&] { return FileBytes(path) >= pages * kPageBytes; }, absl::Seconds(20)))
      << "the file has " << FileBytes(path) << " bytes, the WAL "
      << FileBytes(path.string() + "-wal");
}

TEST(WalCheckpointTest, TheWalStaysBoundedWhileWritesNeverPause) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  auto db = OpenWithTable(path);
  ASSERT_NE(db, nullptr);
  const int pages = WalCheckpointer::kInlinePages * 3;
  for (int i = 0; i < pages; ++i) InsertAPage(*db);
  // Without checkpoints the WAL would hold every page written (a file never shrinks, so its size
  // is the most it ever held).
  EXPECT_LT(FileBytes(path.string() + "-wal"), 2 * WalCheckpointer::kInlinePages * kPageBytes);
  EXPECT_GE(FileBytes(path), pages * kPageBytes / 2);
}

TEST(WalCheckpointTest, ClosingLeavesEverythingInTheFile) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  auto db = OpenWithTable(path);
  ASSERT_NE(db, nullptr);
  for (int i = 0; i < 100; ++i) InsertAPage(*db);
  db.reset();
  EXPECT_FALSE(std::filesystem::exists(path.string() + "-wal"));
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> reopened = SqliteDatabase::Open(path);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  absl::StatusOr<Query> count = (*reopened)->Prepare("SELECT COUNT(*) FROM rows");
  ASSERT_TRUE(count.ok() && *count->Step());
  EXPECT_EQ(count->ColumnInt(0), 100);
}

}  // namespace
}  // namespace stigmer::store
