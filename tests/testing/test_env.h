#ifndef STIGMER_TESTS_TESTING_TEST_ENV_H_
#define STIGMER_TESTS_TESTING_TEST_ENV_H_

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "absl/time/time.h"
#include "common/environment.h"

namespace stigmer::testing {

// A fresh folder under $TMPDIR, removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A TCP port on 127.0.0.1 that nobody listened on a moment ago. Each call in one process returns
// a different port.
int FreePort();

// Calls `condition` until it returns true or `timeout` passes; returns its last answer.
// Sleeps briefly between calls: this is the only place tests wait.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout);

// An environment holding exactly `values`.
EnvironmentLookup FakeEnvironment(std::map<std::string, std::string> values);

// The built `stigmer` binary, a fixture program from tests/fixtures, and the source tree.
std::string StigmerBinary();
std::string FixturePath(const std::string& name);
std::filesystem::path SourceDir();

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_TEST_ENV_H_
