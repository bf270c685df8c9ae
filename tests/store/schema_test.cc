#include "server/store/schema.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/sqlite_database.h"
#include "server/store/store.h"
#include "store_test_support.h"
#include "testing/test_env.h"

namespace stigmer::store {
namespace {

using ::stigmer::store::testing::OpenOrDie;
using ::stigmer::testing::TempDir;
using ::testing::HasSubstr;

// Runs one SQL text on the file with a connection of its own, as another program would.
void RunSql(const std::filesystem::path& path, const std::string& sql) {
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Execute(sql).ok()) << sql;
}

int64_t CountRows(const std::filesystem::path& path, const std::string& table) {
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
  EXPECT_TRUE(db.ok()) << db.status();
  absl::StatusOr<Query> query = (*db)->Prepare(absl::StrCat("SELECT COUNT(*) FROM ", table));
  EXPECT_TRUE(query.ok()) << query.status();
  EXPECT_TRUE(*query->Step());
  return query->ColumnInt(0);
}

TEST(SchemaTest, MigratesAnEmptyFileToTheLatestVersion) {
  TempDir dir;
  const auto path = dir.path() / "data" / "stigmer.db";  // the folder is created too
  ASSERT_NE(OpenOrDie(path), nullptr);
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(*CurrentSchemaVersion(**db), LatestSchemaVersion());
  EXPECT_EQ(CountRows(path, "schema_version"), LatestSchemaVersion());
  for (const char* table :
       {"workflows", "workflow_versions", "executions", "agents", "agent_versions"}) {
    EXPECT_EQ(CountRows(path, table), 0) << table;
  }
}

TEST(SchemaTest, ReopeningAppliesNothingAgain) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->ApplyWorkflow(testing::Draft("hello", "a"), testing::At(0), false).ok());
  }
  for (int i = 0; i < 3; ++i) ASSERT_NE(OpenOrDie(path), nullptr);
  EXPECT_EQ(CountRows(path, "schema_version"), LatestSchemaVersion());
  EXPECT_EQ(CountRows(path, "workflows"), 1);
}

// A store written before agents existed (schema version 1) gains them and keeps its workflows.
TEST(SchemaTest, AVersionOneStoreGainsAgentsAndKeepsItsWorkflows) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->ApplyWorkflow(testing::Draft("hello", "a"), testing::At(0), false).ok());
  }
  RunSql(path,
         "DROP TABLE followers; ALTER TABLE executions DROP COLUMN follower;"
         " ALTER TABLE executions DROP COLUMN progress;"
         " ALTER TABLE workflow_versions DROP COLUMN source_dir;"
         " DROP TABLE event_cursors; DROP TABLE events;"
         " DROP INDEX executions_by_session; ALTER TABLE executions DROP COLUMN session_id;"
         " DROP TABLE agent_versions; DROP TABLE agents; DELETE FROM schema_version WHERE version"
         " >= 2");
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(CountRows(path, "schema_version"), LatestSchemaVersion());
  EXPECT_TRUE(store->GetWorkflow("hello", 0).ok());
  EXPECT_EQ(CountRows(path, "agents"), 0);
  stigmer::v1::Agent draft;
  draft.set_name("reviewer");
  draft.set_definition("kind: Agent");
  draft.set_digest("d");
  EXPECT_TRUE(store->ApplyAgent(draft, testing::At(1), false).ok());
}

TEST(SchemaTest, MigratingTwiceOnOneConnectionIsHarmless) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> db =
      SqliteDatabase::Open(dir.path() / "stigmer.db");
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(MigrateSchema(**db).ok());
  ASSERT_TRUE(MigrateSchema(**db).ok());
  EXPECT_EQ(*CurrentSchemaVersion(**db), LatestSchemaVersion());
}

TEST(SchemaTest, RefusesASchemaNewerThanTheBinary) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  ASSERT_NE(OpenOrDie(path), nullptr);
  RunSql(path, absl::StrCat("INSERT INTO schema_version (version, applied_at) VALUES (",
                            LatestSchemaVersion() + 1, ", 0)"));
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(store.status().message(),
              HasSubstr(absl::StrCat("schema version ", LatestSchemaVersion() + 1)));
  EXPECT_THAT(store.status().message(), HasSubstr("newer stigmer"));
  EXPECT_EQ(CountRows(path, "schema_version"), LatestSchemaVersion() + 1);  // untouched
}

TEST(SchemaTest, FilesAreOwnerOnly) {
  TempDir dir;
  const auto path = dir.path() / "data" / "stigmer.db";
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store->ApplyWorkflow(testing::Draft("hello", "a"), testing::At(0), false).ok());
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((path.string() + "-wal").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(path.parent_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST(SchemaTest, UsesWriteAheadLoggingAndForeignKeys) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  ASSERT_NE(OpenOrDie(path), nullptr);
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  absl::StatusOr<Query> journal = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(*journal->Step());
  EXPECT_EQ(journal->ColumnText(0), "wal");
  absl::StatusOr<Query> keys = (*db)->Prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(*keys->Step());
  EXPECT_EQ(keys->ColumnInt(0), 1);
}

TEST(SchemaTest, NotADatabaseIsDataLoss) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs("this is not an SQLite database, but a text file long enough to be read\n", file);
    for (int i = 0; i < 200; ++i) std::fputs("garbage garbage garbage garbage\n", file);
    std::fclose(file);
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss) << store.status();
}

TEST(SchemaTest, InMemoryStoreWorksAndLeavesNoFile) {
  TempDir dir;
  const std::filesystem::path original = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());  // where a file named ":memory:" would appear
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(SqliteDatabase::kInMemory);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->ApplyWorkflow(testing::Draft("hello", "a"), testing::At(0), false).ok());
  EXPECT_EQ((*store)->GetWorkflow("hello", 0)->definition(), "a");
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  std::filesystem::current_path(original);
}

}  // namespace
}  // namespace stigmer::store
