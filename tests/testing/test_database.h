#ifndef STIGMER_TESTS_TESTING_TEST_DATABASE_H_
#define STIGMER_TESTS_TESTING_TEST_DATABASE_H_

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"

namespace stigmer::testing {

// Which store engine the tests run on. The store and server tests are registered twice with
// CTest: as they are (SQLite), and with the suffix ".postgres" and STIGMER_TEST_STORE=postgres,
// where they run on the PostgreSQL server that STIGMER_TEST_POSTGRES names (a URL whose role may
// create databases; scripts/test-postgres.sh starts one and sets it).

// Whether this run is a PostgreSQL variant (STIGMER_TEST_STORE=postgres).
bool TestsUsePostgres();

// The server STIGMER_TEST_POSTGRES names, or "" when it is not set.
std::string TestPostgresServer();

// A database of its own for one test on the STIGMER_TEST_POSTGRES server: CREATE DATABASE
// stigmer_test_<random> on creation, DROP DATABASE … WITH (FORCE) when destroyed.
class ScratchPostgresDatabase {
 public:
  // FailedPrecondition when STIGMER_TEST_POSTGRES is not set; the server's error otherwise.
  static absl::StatusOr<ScratchPostgresDatabase> Create();
  ScratchPostgresDatabase(ScratchPostgresDatabase&& other) noexcept;
  ScratchPostgresDatabase& operator=(ScratchPostgresDatabase&&) = delete;
  ~ScratchPostgresDatabase();

  const std::string& url() const { return url_; }    // postgres://…/stigmer_test_…
  const std::string& name() const { return name_; }  // stigmer_test_…

 private:
  ScratchPostgresDatabase(std::string name, std::string url)
      : name_(std::move(name)), url_(std::move(url)) {}
  std::string name_;
  std::string url_;
};

// `server_url` with its database replaced by `database` (the query kept).
std::string WithDatabase(const std::string& server_url, const std::string& database);

// The server.database value for a test's store: "" (SQLite at `sqlite_path`) in the SQLite run;
// in the PostgreSQL variant, a scratch database's URL, the same one for the same `sqlite_path`
// within the test program (so reopening a path reopens its data), dropped when the program
// exits. ":memory:" always gets a new one. Fails the test (ADD_FAILURE) and returns "" when the
// variant runs without STIGMER_TEST_POSTGRES; callers skip first with SKIP_UNLESS_STORE_READY.
std::string TestStoreDatabase(const std::filesystem::path& sqlite_path);

}  // namespace stigmer::testing

// In a test or SetUp: skips the PostgreSQL variant, saying why, when STIGMER_TEST_POSTGRES is
// not set (scripts/test-postgres.sh sets it; `make test` uses it when PostgreSQL is installed).
#define SKIP_UNLESS_STORE_READY()                                                                 \
  if (::stigmer::testing::TestsUsePostgres() && ::stigmer::testing::TestPostgresServer().empty()) \
  GTEST_SKIP() << "STIGMER_TEST_POSTGRES is not set: no PostgreSQL to run this on (run "          \
                  "the tests through scripts/test-postgres.sh, or install postgresql)"

#endif  // STIGMER_TESTS_TESTING_TEST_DATABASE_H_
