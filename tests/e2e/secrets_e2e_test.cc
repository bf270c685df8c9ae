// Secrets given with `stigmer run --secret` never appear in clear: not in what the CLI prints,
// not in the stored record, not in a log, not in Temporal's history. Every file under
// STIGMER_HOME is searched for the value after the runs.

#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/file_io.h"
#include "common/ulid.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/command_runner.h"
#include "testing/files_holding.h"
#include "testing/stigmer_home.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A workflow that puts its secret everywhere it can: a task output, a shell command's stdout
// and stderr, an HTTP URL that fails, and a failing command.
constexpr char kLeakyWorkflow[] =
    R"(document: {dsl: '1.0.0', namespace: test, name: leaky, version: '1.0.0'}
use:
  secrets: [TOKEN]
do:
  - keep:
      set:
        token: ${ $secrets.TOKEN }
  - probe:
      try:
        - closed-port:
            call: http
            with:
              method: get
              endpoint: ${ "http://127.0.0.1:1/?key=" + $secrets.TOKEN }
      catch:
        as: problem
        do:
          - note:
              set:
                caught: ${ $problem.detail }
  - echo:
      run:
        shell:
          command: ${ "echo out-" + $secrets.TOKEN + "; echo err-" + $secrets.TOKEN + " >&2" }
  - fail:
      if: ${ $workflow.input.fail }
      run:
        shell:
          command: ${ "echo bad " + $secrets.TOKEN + " >&2; exit 3" }
)";

// A runtime expression whose error message quotes the secret.
constexpr char kBadExpressionWorkflow[] =
    R"(document: {dsl: '1.0.0', namespace: test, name: parse, version: '1.0.0'}
use:
  secrets: [TOKEN]
do:
  - parse:
      set:
        number: ${ $secrets.TOKEN | tonumber }
)";

std::string NewSecret() { return absl::StrCat("s3cr3t-", NewUlid(absl::Now()), "-tok"); }

TEST(Secrets, SecretValueIsFoundNowhereUnderStigmerHomeAfterRunsThatUseIt) {
  StigmerHome home;
  const std::string secret = NewSecret();
  const std::filesystem::path leaky = home.paths().home() / "leaky.yaml";
  const std::filesystem::path parse = home.paths().home() / "parse.yaml";
  ASSERT_TRUE(WriteFileAtomically(leaky, kLeakyWorkflow).ok());
  ASSERT_TRUE(WriteFileAtomically(parse, kBadExpressionWorkflow).ok());
  CommandResult apply = home.Run({"apply", "-f", leaky.string(), "-f", parse.string()});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  // Completes: its output is the echo's stdout, with the secret in it.
  CommandResult completed = home.Run({"run", "leaky", "--input", R"({"fail": false})", "--secret",
                                      "TOKEN=" + secret, "-o", "json"});
  EXPECT_EQ(completed.exit_code, 0) << completed.out << completed.err;
  EXPECT_THAT(completed.out, HasSubstr("out-***"));
  EXPECT_THAT(completed.out + completed.err, Not(HasSubstr(secret)));

  // Fails in a shell command whose stderr holds the secret.
  CommandResult failed =
      home.Run({"run", "leaky", "--input", R"({"fail": true})", "--secret", "TOKEN=" + secret});
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_THAT(failed.err, HasSubstr("bad ***"));
  EXPECT_THAT(failed.out + failed.err, Not(HasSubstr(secret)));

  // Fails in an expression whose error quotes the secret.
  CommandResult expression = home.Run({"run", "parse", "--secret", "TOKEN=" + secret});
  EXPECT_EQ(expression.exit_code, 1) << expression.out << expression.err;
  EXPECT_THAT(expression.out + expression.err, Not(HasSubstr(secret)));

  CommandResult listed = home.Run({"get", "executions", "-o", "json"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, Not(HasSubstr(secret)));
  CommandResult logs = home.Run({"server", "logs", "-c", "workflow-runner"});
  EXPECT_THAT(logs.out, HasSubstr(": failed:"));

  // Stopping flushes every log and database to disk before the search.
  CommandResult stop = home.Run({"server", "stop"});
  ASSERT_EQ(stop.exit_code, 0) << stop.out << stop.err;
  EXPECT_THAT(FilesHolding(home.paths().home(), secret), ::testing::IsEmpty());
}

}  // namespace
}  // namespace stigmer::testing
