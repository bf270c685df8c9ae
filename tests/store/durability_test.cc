// What the store promises about the file: secrets never in it, failed writes leave nothing,
// committed writes survive a killed process, concurrent writers do not lose each other's work.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gtest/gtest.h"
#include "server/store/sqlite_database.h"
#include "server/store/store.h"
#include "store_test_support.h"
#include "testing/test_env.h"

namespace stigmer::store {
namespace {

using ::stigmer::store::testing::At;
using ::stigmer::store::testing::Draft;
using ::stigmer::store::testing::NewExecution;
using ::stigmer::store::testing::OpenOrDie;
using ::stigmer::testing::TempDir;
using ::stigmer::v1::Execution;

// Every byte of the database and its side files.
std::string AllBytesOnDisk(const std::filesystem::path& db) {
  std::string bytes;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    absl::StatusOr<std::string> contents = ReadFileToString(db.string() + suffix);
    if (contents.ok()) bytes += *contents;
  }
  return bytes;
}

// Installs a trigger that makes every insert into (or update of) `table` fail, as a full disk
// or an I/O error would in the middle of a transaction.
void BreakWritesTo(const std::filesystem::path& path, const std::string& table,
                   const std::string& event) {
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(
      (*db)
          ->Execute(absl::StrCat("CREATE TRIGGER break_", table, " BEFORE ", event, " ON ", table,
                                 " BEGIN SELECT RAISE(ABORT, 'injected fault'); END"))
          .ok());
}

int64_t Count(const std::filesystem::path& path, const std::string& table) {
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
  EXPECT_TRUE(db.ok()) << db.status();
  absl::StatusOr<Query> query = (*db)->Prepare(absl::StrCat("SELECT COUNT(*) FROM ", table));
  EXPECT_TRUE(query.ok() && *query->Step());
  return query->ColumnInt(0);
}

TEST(DurabilityTest, SecretValuesNeverReachTheFile) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  const std::string secret = "s3cr3t-token-0123456789-do-not-store";
  const std::string plain = "plain-value-0123456789-stored";
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store->ApplyWorkflow(Draft("hello", "v1"), At(0), false).ok());

  Execution execution = NewExecution("hello", 1, At(1));
  auto* api_key = execution.add_runtime();
  api_key->set_name("API_KEY");
  api_key->set_value(secret);
  api_key->set_secret(true);
  auto* region = execution.add_runtime();
  region->set_name("REGION");
  region->set_value(plain);
  ASSERT_TRUE(store->InsertExecution(execution, "request-1").ok());
  // An update that carries the secret again is redacted too.
  execution.set_phase(v1::EXECUTION_PHASE_RUNNING);
  ASSERT_TRUE(store->UpdateExecution(execution).ok());

  absl::StatusOr<Execution> stored = store->GetExecution(execution.id());
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->runtime_size(), 2);
  EXPECT_EQ(stored->runtime(0).value(), "***");
  EXPECT_TRUE(stored->runtime(0).secret());
  EXPECT_EQ(stored->runtime(1).value(), plain);

  const std::string on_disk = AllBytesOnDisk(path);
  EXPECT_TRUE(absl::StrContains(on_disk, plain)) << "the check would prove nothing";
  EXPECT_FALSE(absl::StrContains(on_disk, secret));
  store.reset();  // close: checkpoints the WAL into the file
  const std::string after_close = AllBytesOnDisk(path);
  EXPECT_TRUE(absl::StrContains(after_close, plain));
  EXPECT_FALSE(absl::StrContains(after_close, secret));
}

TEST(DurabilityTest, AFailedApplyLeavesNothing) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store->ApplyWorkflow(Draft("existing", "v1"), At(0), false).ok());
  BreakWritesTo(path, "workflow_versions", "INSERT");

  // Created: the workflows row was written before the version failed; it must be gone.
  absl::StatusOr<ApplyResult> created = store->ApplyWorkflow(Draft("hello", "v1"), At(1), false);
  ASSERT_FALSE(created.ok());
  EXPECT_TRUE(absl::StrContains(created.status().message(), "injected fault")) << created.status();
  EXPECT_EQ(store->GetWorkflow("hello", 0).status().code(), absl::StatusCode::kNotFound);
  // Updated: the latest version stays where it was.
  EXPECT_FALSE(store->ApplyWorkflow(Draft("existing", "v2"), At(2), false).ok());
  EXPECT_EQ(store->GetWorkflow("existing", 0)->version(), 1);
  EXPECT_EQ(Count(path, "workflows"), 1);
  EXPECT_EQ(Count(path, "workflow_versions"), 1);
}

TEST(DurabilityTest, AFailedDeleteLeavesEveryVersion) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store->ApplyWorkflow(Draft("hello", "v1"), At(0), false).ok());
  ASSERT_TRUE(store->ApplyWorkflow(Draft("hello", "v2"), At(0), false).ok());
  // The versions go first, then the workflow row: fail the second step.
  BreakWritesTo(path, "workflows", "DELETE");
  EXPECT_FALSE(store->DeleteWorkflow("hello", true).ok());
  EXPECT_EQ(Count(path, "workflow_versions"), 2);
  EXPECT_EQ(store->GetWorkflow("hello", 1)->definition(), "v1");
}

TEST(DurabilityTest, AFailedExecutionWriteLeavesTheOldRecord) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store->ApplyWorkflow(Draft("hello", "v1"), At(0), false).ok());
  Execution execution = NewExecution("hello", 1, At(1));
  ASSERT_TRUE(store->InsertExecution(execution, "").ok());
  BreakWritesTo(path, "executions", "UPDATE");
  Execution changed = execution;
  changed.set_phase(v1::EXECUTION_PHASE_COMPLETED);
  EXPECT_FALSE(store->UpdateExecution(changed).ok());
  EXPECT_EQ(store->GetExecution(execution.id())->phase(), v1::EXECUTION_PHASE_PENDING);
  // The store is still usable after a failed write.
  EXPECT_TRUE(store->ApplyWorkflow(Draft("hello", "v2"), At(2), false).ok());
}

TEST(DurabilityTest, CommittedWritesSurviveAKilledProcess) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  Execution execution = NewExecution("hello", 1, At(1));
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The writer: commits, then dies without closing anything (no destructors, no checkpoint).
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
    if (!store.ok()) ::_exit(2);
    if (!(*store)->ApplyWorkflow(Draft("hello", "v1"), At(0), false).ok()) ::_exit(3);
    if (!(*store)->InsertExecution(execution, "request-1").ok()) ::_exit(4);
    execution.set_phase(v1::EXECUTION_PHASE_RUNNING);
    if (!(*store)->UpdateExecution(execution).ok()) ::_exit(5);
    ::kill(::getpid(), SIGKILL);
    ::_exit(6);
  }
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wait_status)) << "child exited with " << WEXITSTATUS(wait_status);
  ASSERT_EQ(WTERMSIG(wait_status), SIGKILL);

  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetWorkflow("hello", 0)->definition(), "v1");
  absl::StatusOr<Execution> stored = store->FindExecutionByRequestId("request-1");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->id(), execution.id());
  EXPECT_EQ(stored->phase(), v1::EXECUTION_PHASE_RUNNING);
}

TEST(DurabilityTest, ConcurrentWritersLoseNothing) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  auto shared = OpenOrDie(path);
  auto second_connection = OpenOrDie(path);  // as another process would
  ASSERT_TRUE(shared->ApplyWorkflow(Draft("hello", "v1"), At(0), false).ok());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store* store = t % 2 ? shared.get() : second_connection.get();
    threads.emplace_back([store, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Execution execution = NewExecution("hello", 1, At(t * 1000 + i));
        EXPECT_TRUE(store->InsertExecution(execution, absl::StrCat("r-", t, "-", i)).ok());
        if (i % 10 == 0) {
          EXPECT_TRUE(
              store->ApplyWorkflow(Draft(absl::StrCat("wf-", t, "-", i), "v1"), At(i), false).ok());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ExecutionFilter filter;
  filter.page_size = 500;
  EXPECT_EQ(shared->ListExecutions(filter)->executions.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(second_connection->ListWorkflows(500, "")->workflows.size(),
            size_t{1 + kThreads * kPerThread / 10});
}

}  // namespace
}  // namespace stigmer::store
