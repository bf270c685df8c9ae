#include "common/database_url.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(DatabaseUrlTest, EmptyMeansSqliteAndPostgresUrlsAreAccepted) {
  EXPECT_TRUE(ValidateDatabaseUrl("").ok());
  for (const char* url : {"postgres://db.internal:5432/stigmer",
                          "postgresql://u:p%40ss@10.0.0.1/stigmer?sslmode=require",
                          "postgres://u@[::1]:6543/s", "postgres:///stigmer?host=/run/postgresql",
                          "postgres://u@h1:5432,h2:5433/s?target_session_attrs=read-write"}) {
    EXPECT_TRUE(ValidateDatabaseUrl(url).ok()) << url << ": " << ValidateDatabaseUrl(url);
    EXPECT_TRUE(IsPostgresUrl(url)) << url;
  }
}

TEST(DatabaseUrlTest, MalformedUrlsSayWhatIsWrongWithoutThePassword) {
  struct Case {
    const char* url;
    const char* says;
  };
  for (const Case& c : {Case{"mysql://u:hunter22@h/s", "is not a postgres:// or postgresql:// URL"},
                        Case{"/var/lib/stigmer.db", "is not a postgres:// or postgresql:// URL"},
                        Case{"postgres://u:hunter22@h:54x2/s", "port that is not a number"},
                        Case{"postgres://u:hunter22@h:70000/s", "port that is not a number"},
                        Case{"postgres://u:hunter22@h/s db", "space"},
                        Case{"postgres://u:hunter22@h/s?sslmode", "not key=value"},
                        Case{"postgres://u:hunter%2@h/s", "% not followed by two hex digits"}}) {
    absl::Status status = ValidateDatabaseUrl(c.url);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.url;
    EXPECT_THAT(status.message(), HasSubstr(c.says)) << c.url;
    EXPECT_THAT(status.message(), HasSubstr("expected postgres://")) << c.url;
    EXPECT_THAT(status.message(), Not(HasSubstr("hunter2"))) << c.url;
  }
}

TEST(DatabaseUrlTest, MaskHidesThePasswordWhereverItIs) {
  EXPECT_EQ(MaskDatabaseUrl("postgres://stigmer:s3cret@db:5432/stigmer?sslmode=require"),
            "postgres://stigmer:***@db:5432/stigmer?sslmode=require");
  EXPECT_EQ(MaskDatabaseUrl("postgresql://u@db/s?password=s3cret&sslmode=disable"),
            "postgresql://u@db/s?password=***&sslmode=disable");
  EXPECT_EQ(MaskDatabaseUrl("postgres://u:@db/s"), "postgres://u:***@db/s");
  EXPECT_EQ(MaskDatabaseUrl("postgres://db/s"), "postgres://db/s");
  EXPECT_EQ(DatabaseUrlPassword("postgres://u:p%40ss@db/s"), "p@ss");
  EXPECT_EQ(DatabaseUrlPassword("postgres://u@db/s?password=x%20y"), "x y");
}

TEST(DatabaseUrlTest, HostPortForMessagesFillsInLibpqDefaults) {
  EXPECT_EQ(DatabaseHostPort("postgres://u:p@db.internal:6543/s"), "db.internal:6543");
  EXPECT_EQ(DatabaseHostPort("postgres://u:p@db.internal/s"), "db.internal:5432");
  EXPECT_EQ(DatabaseHostPort("postgres:///s"), "localhost:5432");
  EXPECT_EQ(DatabaseHostPort("postgres://[::1]:7000/s"), "[::1]:7000");
  EXPECT_EQ(DatabaseHostPort("postgres://a:1,b:2/s"), "a:1");
}

}  // namespace
}  // namespace stigmer
