// The store on PostgreSQL where it differs from SQLite: reaching the server, logging in, losing
// the connection, and several stores (stigmer-servers) on one database.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/database_url.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/postgres_database.h"
#include "server/store/schema.h"
#include "store_test_support.h"
#include "testing/test_database.h"
#include "testing/test_env.h"

namespace stigmer::store {
namespace {

using ::stigmer::store::testing::At;
using ::stigmer::store::testing::Draft;
using ::stigmer::store::testing::NewExecution;
using ::stigmer::testing::ScratchPostgresDatabase;
using ::stigmer::testing::TestPostgresServer;
using ::stigmer::testing::WaitFor;
using ::testing::HasSubstr;
using ::testing::Not;

#define SKIP_WITHOUT_POSTGRES()                                                          \
  if (TestPostgresServer().empty())                                                      \
  GTEST_SKIP() << "STIGMER_TEST_POSTGRES is not set: no PostgreSQL to run this on (run " \
                  "the tests through scripts/test-postgres.sh, or install postgresql)"

// One number from a query on its own connection, as an operator's psql would run it.
int64_t QueryNumber(const std::string& url, const std::string& sql) {
  absl::StatusOr<std::unique_ptr<PostgresDatabase>> db = PostgresDatabase::Open(url);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return -1;
  absl::StatusOr<Query> query = (*db)->Prepare(sql);
  EXPECT_TRUE(query.ok()) << query.status();
  absl::StatusOr<bool> row = query->Step();
  EXPECT_TRUE(row.ok() && *row) << row.status();
  return row.ok() && *row ? query->ColumnInt(0) : -1;
}

TEST(PostgresStoreTest, ADatabaseNobodyListensOnIsUnavailableNamingHostPortAndWhatToDo) {
  const int port = stigmer::testing::FreePort();
  const std::string url =
      absl::StrCat("postgres://stigmer:hunter2-secret@127.0.0.1:", port, "/stigmer");
  absl::StatusOr<std::unique_ptr<Store>> store = Store::OpenDatabase(url, "");
  ASSERT_EQ(store.status().code(), absl::StatusCode::kUnavailable) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr(absl::StrCat("127.0.0.1:", port)));
  EXPECT_THAT(store.status().message(), HasSubstr("start PostgreSQL there"));
  EXPECT_THAT(store.status().message(), HasSubstr("stigmer:***@"));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("hunter2")));
}

TEST(PostgresStoreTest, AMalformedDatabaseUrlIsInvalidArgumentWithoutThePassword) {
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::OpenDatabase("postgres://stigmer:hunter2-secret@db:5x/stigmer", "");
  ASSERT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr("server.database"));
  EXPECT_THAT(store.status().message(), HasSubstr("port"));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("hunter2")));
}

TEST(PostgresStoreTest, AWrongPasswordIsRefusedSayingWhatToCheckWithoutAnyPassword) {
  SKIP_WITHOUT_POSTGRES();
  const std::string server = TestPostgresServer();
  const std::string right = DatabaseUrlPassword(server);
  ASSERT_FALSE(right.empty()) << "STIGMER_TEST_POSTGRES should log in with a password";
  const std::string wrong = absl::StrReplaceAll(server, {{right, "wrong-password-42"}});
  absl::StatusOr<std::unique_ptr<Store>> store = Store::OpenDatabase(wrong, "");
  ASSERT_EQ(store.status().code(), absl::StatusCode::kPermissionDenied) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr("check the user and password"));
  EXPECT_THAT(store.status().message(), HasSubstr(DatabaseHostPort(server)));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("wrong-password-42")));
  EXPECT_THAT(store.status().message(), Not(HasSubstr(right)));
}

// Ends every session on `database`, as a restart or a failover of the server would, and waits
// until they are gone.
void EndSessionsOn(const ScratchPostgresDatabase& database) {
  const std::string sessions =
      absl::StrCat("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '", database.name(), "'");
  EXPECT_GE(
      QueryNumber(TestPostgresServer(), absl::StrCat("SELECT COUNT(pg_terminate_backend(pid)) FROM "
                                                     "pg_stat_activity WHERE datname = '",
                                                     database.name(), "'")),
      1);
  EXPECT_TRUE(
      WaitFor([&] { return QueryNumber(TestPostgresServer(), sessions) == 0; }, absl::Seconds(10)));
}

// Regression: the first call after a PostgreSQL restart failed (Unavailable) even though the
// server was back; reads and writes that meet a lost connection now reconnect and go on.
TEST(PostgresStoreTest, ReadsAndWritesAfterALostConnectionReconnectAndSucceed) {
  SKIP_WITHOUT_POSTGRES();
  absl::StatusOr<ScratchPostgresDatabase> database = ScratchPostgresDatabase::Create();
  ASSERT_TRUE(database.ok()) << database.status();
  absl::StatusOr<std::unique_ptr<Store>> store = Store::OpenDatabase(database->url(), "");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->ApplyWorkflow(Draft("hello", "a"), At(0), false).ok());

  EndSessionsOn(*database);
  absl::StatusOr<stigmer::v1::Workflow> read = (*store)->GetWorkflow("hello", 0);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->definition(), "a");

  EndSessionsOn(*database);
  absl::StatusOr<ApplyResult> written = (*store)->ApplyWorkflow(Draft("hello", "b"), At(1), false);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ((*store)->GetWorkflow("hello", 0)->definition(), "b");
}

TEST(PostgresStoreTest, ALostConnectionInsideATransactionIsUnavailableAndNothingOfItIsStored) {
  SKIP_WITHOUT_POSTGRES();
  absl::StatusOr<ScratchPostgresDatabase> database = ScratchPostgresDatabase::Create();
  ASSERT_TRUE(database.ok()) << database.status();
  absl::StatusOr<std::unique_ptr<PostgresDatabase>> db = PostgresDatabase::Open(database->url());
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Execute("CREATE TABLE notes (text TEXT)").ok());

  ASSERT_TRUE((*db)->BeginWrite().ok());
  ASSERT_TRUE((*db)->Execute("INSERT INTO notes VALUES ('first half')").ok());
  EndSessionsOn(*database);
  absl::Status lost = (*db)->Execute("INSERT INTO notes VALUES ('second half')");
  ASSERT_EQ(lost.code(), absl::StatusCode::kUnavailable) << lost;
  EXPECT_THAT(lost.message(), HasSubstr("lost the connection"));
  EXPECT_THAT(lost.message(), HasSubstr(DatabaseHostPort(TestPostgresServer())));
  // Until the transaction ends nothing reconnects, so that no half of it is committed.
  absl::Status inside = (*db)->Execute("INSERT INTO notes VALUES ('third half')");
  EXPECT_EQ(inside.code(), absl::StatusCode::kUnavailable) << inside;
  EXPECT_THAT(inside.message(),
              HasSubstr("was lost during a transaction; nothing of it was stored"));
  EXPECT_FALSE((*db)->Commit().ok());

  EXPECT_EQ(QueryNumber(database->url(), "SELECT COUNT(*) FROM notes"), 0);
  absl::StatusOr<Query> count = (*db)->Prepare("SELECT COUNT(*) FROM notes");
  ASSERT_TRUE(count.ok());
  absl::StatusOr<bool> row = count->Step();
  ASSERT_TRUE(row.ok() && *row) << row.status();
  EXPECT_EQ(count->ColumnInt(0), 0);
}

// Several stigmer-servers starting on one new database: one migrates, the others wait for it
// and find the schema current; every migration is applied once.
TEST(PostgresStoreTest, StoresOpeningAtOnceWaitForTheOneMigrating) {
  SKIP_WITHOUT_POSTGRES();
  absl::StatusOr<ScratchPostgresDatabase> database = ScratchPostgresDatabase::Create();
  ASSERT_TRUE(database.ok()) << database.status();
  // A writer that holds the store's write lock, as a server in the middle of migrating would.
  absl::StatusOr<std::unique_ptr<PostgresDatabase>> holder =
      PostgresDatabase::Open(database->url());
  ASSERT_TRUE(holder.ok()) << holder.status();
  ASSERT_TRUE((*holder)->BeginWrite().ok());

  std::vector<absl::StatusOr<std::unique_ptr<Store>>> opened(2);
  std::vector<std::thread> servers;
  for (auto& result : opened) {
    servers.emplace_back(
        [&result, url = database->url()] { result = Store::OpenDatabase(url, ""); });
  }
  const bool both_wait = WaitFor(
      [&] {
        return QueryNumber(
                   database->url(),
                   "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                   " AND database = (SELECT oid FROM pg_database"
                   " WHERE datname = current_database())") == 2;
      },
      absl::Seconds(4));  // within the 5 s lock_timeout
  ASSERT_TRUE((*holder)->Commit().ok());
  for (std::thread& server : servers) server.join();
  ASSERT_TRUE(both_wait) << "the stores did not wait for the lock";
  for (auto& result : opened) ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(QueryNumber(database->url(), "SELECT COUNT(*) FROM schema_version"),
            LatestSchemaVersion());
  EXPECT_EQ(QueryNumber(database->url(), "SELECT COUNT(DISTINCT version) FROM schema_version"),
            LatestSchemaVersion());
  ASSERT_TRUE((*opened[0])->ApplyWorkflow(Draft("hello", "a"), At(0), false).ok());
  EXPECT_EQ((*opened[1])->GetWorkflow("hello", 0)->definition(), "a");
}

// One open run per session holds across servers: of many creates racing on two stores, exactly
// one is stored and the others are refused naming it.
TEST(PostgresStoreTest, RacingCreatesOfOneSessionOnTwoServersStoreOneRun) {
  SKIP_WITHOUT_POSTGRES();
  absl::StatusOr<ScratchPostgresDatabase> database = ScratchPostgresDatabase::Create();
  ASSERT_TRUE(database.ok()) << database.status();
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::OpenDatabase(database->url(), "");
    ASSERT_TRUE(store.ok()) << store.status();
    stores.push_back(*std::move(store));
  }
  stigmer::v1::Agent agent;
  agent.set_name("reviewer");
  agent.set_definition("r");
  agent.set_digest("r");
  ASSERT_TRUE(stores[0]->ApplyAgent(agent, At(0), false).ok());
  const std::string session = NewSessionId(At(1));

  constexpr int kPerStore = 4;
  std::vector<absl::Status> results(2 * kPerStore);
  std::vector<std::thread> creates;
  for (int i = 0; i < 2 * kPerStore; ++i) {
    creates.emplace_back([&, i] {
      stigmer::v1::Execution run = NewExecution("reviewer", 1, At(2 + i));
      run.set_agent("reviewer");
      run.set_session(session);
      results[i] = stores[i % 2]->InsertExecution(run, "");
    });
  }
  for (std::thread& create : creates) create.join();
  int stored = 0;
  for (const absl::Status& result : results) {
    if (result.ok()) {
      ++stored;
      continue;
    }
    EXPECT_EQ(result.code(), absl::StatusCode::kFailedPrecondition) << result;
    EXPECT_THAT(result.message(), HasSubstr("is busy"));
  }
  EXPECT_EQ(stored, 1);
  EXPECT_EQ(stores[1]->GetSession(session)->turns(), 1);
}

}  // namespace
}  // namespace stigmer::store
