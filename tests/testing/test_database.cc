#include "testing/test_database.h"

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/ulid.h"
#include "gtest/gtest.h"
#include "server/store/postgres_database.h"

namespace stigmer::testing {
namespace {

// Scratch databases kept for the life of the test program, by the SQLite path they stand for.
struct ScratchDatabases {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<ScratchPostgresDatabase>> by_path;
  std::vector<std::unique_ptr<ScratchPostgresDatabase>> anonymous;
};

ScratchDatabases& Scratch() {
  static ScratchDatabases databases;
  return databases;
}

// Drops the scratch databases once the tests have run: at exit would be too late, libpq's
// OpenSSL is already torn down by then.
class DropScratchDatabases : public ::testing::Environment {
 public:
  void TearDown() override {
    ScratchDatabases& scratch = Scratch();
    std::lock_guard<std::mutex> lock(scratch.mu);
    scratch.by_path.clear();
    scratch.anonymous.clear();
  }
};

// gtest takes ownership of the environment.
[[maybe_unused]] ::testing::Environment* const kDropScratchDatabases =
    ::testing::AddGlobalTestEnvironment(std::make_unique<DropScratchDatabases>().release());

}  // namespace

bool TestsUsePostgres() {
  const char* store = std::getenv("STIGMER_TEST_STORE");
  return store != nullptr && std::string(store) == "postgres";
}

std::string TestPostgresServer() {
  const char* url = std::getenv("STIGMER_TEST_POSTGRES");
  return url != nullptr ? url : "";
}

std::string WithDatabase(const std::string& server_url, const std::string& database) {
  const size_t authority = server_url.find("://") + 3;
  size_t path = server_url.find_first_of("/?", authority);
  if (path == std::string::npos) return absl::StrCat(server_url, "/", database);
  size_t query = server_url.find('?', path);
  std::string rest = query == std::string::npos ? "" : server_url.substr(query);
  return absl::StrCat(server_url.substr(0, path), "/", database, rest);
}

absl::StatusOr<ScratchPostgresDatabase> ScratchPostgresDatabase::Create() {
  const std::string server = TestPostgresServer();
  if (server.empty()) {
    return absl::FailedPreconditionError("STIGMER_TEST_POSTGRES is not set");
  }
  absl::StatusOr<std::unique_ptr<store::PostgresDatabase>> admin =
      store::PostgresDatabase::Open(server);
  if (!admin.ok()) return admin.status();
  std::string name = absl::AsciiStrToLower(absl::StrCat("stigmer_test_", NewUlid(absl::Now())));
  if (absl::Status made = (*admin)->Execute(absl::StrCat("CREATE DATABASE ", name)); !made.ok()) {
    return made;
  }
  return ScratchPostgresDatabase(name, WithDatabase(server, name));
}

ScratchPostgresDatabase::ScratchPostgresDatabase(ScratchPostgresDatabase&& other) noexcept
    : name_(std::exchange(other.name_, "")), url_(std::exchange(other.url_, "")) {}

ScratchPostgresDatabase::~ScratchPostgresDatabase() {
  if (name_.empty()) return;
  absl::StatusOr<std::unique_ptr<store::PostgresDatabase>> admin =
      store::PostgresDatabase::Open(TestPostgresServer());
  if (!admin.ok()) return;  // the throwaway server goes with its databases
  (*admin)->Execute(absl::StrCat("DROP DATABASE IF EXISTS ", name_, " WITH (FORCE)")).IgnoreError();
}

std::string TestStoreDatabase(const std::filesystem::path& sqlite_path) {
  if (!TestsUsePostgres()) return "";
  ScratchDatabases& scratch = Scratch();
  std::lock_guard<std::mutex> lock(scratch.mu);
  const bool in_memory = sqlite_path == ":memory:";
  if (!in_memory) {
    auto it = scratch.by_path.find(sqlite_path.string());
    if (it != scratch.by_path.end()) return it->second->url();
  }
  absl::StatusOr<ScratchPostgresDatabase> database = ScratchPostgresDatabase::Create();
  if (!database.ok()) {
    ADD_FAILURE() << "no PostgreSQL database for the test: " << database.status();
    return "";
  }
  auto owned = std::make_unique<ScratchPostgresDatabase>(*std::move(database));
  const std::string url = owned->url();
  if (in_memory) {
    scratch.anonymous.push_back(std::move(owned));
  } else {
    scratch.by_path.emplace(sqlite_path.string(), std::move(owned));
  }
  return url;
}

}  // namespace stigmer::testing
