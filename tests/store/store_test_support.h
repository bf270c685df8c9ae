#ifndef STIGMER_TESTS_STORE_STORE_TEST_SUPPORT_H_
#define STIGMER_TESTS_STORE_STORE_TEST_SUPPORT_H_

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/ulid.h"
#include "gtest/gtest.h"
#include "server/store/records.h"
#include "server/store/store.h"
#include "stigmer/v1/execution.pb.h"
#include "stigmer/v1/workflow.pb.h"
#include "testing/test_database.h"

namespace stigmer::store::testing {

// A fixed clock for tests: second `n` after an arbitrary origin.
inline absl::Time At(int64_t n) { return absl::FromUnixSeconds(1'800'000'000 + n); }

// A workflow document as the API would hand it to the store. The digest only has to change with
// the definition, so the definition itself stands in for it.
inline stigmer::v1::Workflow Draft(const std::string& name, const std::string& definition) {
  stigmer::v1::Workflow draft;
  draft.set_name(name);
  draft.set_namespace_("default");
  draft.set_document_version("1.0.0");
  draft.set_dsl("1.0.0");
  draft.set_definition(definition);
  draft.set_digest(absl::StrCat("digest:", definition));
  return draft;
}

// A PENDING execution of `workflow` version `version`, created at `created_at`.
inline stigmer::v1::Execution NewExecution(const std::string& workflow, int version,
                                           absl::Time created_at) {
  stigmer::v1::Execution execution;
  execution.set_id(NewExecutionId(created_at));
  execution.set_workflow(workflow);
  execution.set_workflow_version(version);
  execution.set_phase(stigmer::v1::EXECUTION_PHASE_PENDING);
  execution.set_input(R"({"name":"world"})");
  *execution.mutable_created_at() = NanosToTimestamp(absl::ToUnixNanos(created_at));
  return execution;
}

// The store at `path`, or in the PostgreSQL variant of the tests the scratch database that
// stands for it (testing/test_database.h).
inline std::unique_ptr<Store> OpenOrDie(const std::filesystem::path& path) {
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::OpenDatabase(stigmer::testing::TestStoreDatabase(path), path);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

}  // namespace stigmer::store::testing

#endif  // STIGMER_TESTS_STORE_STORE_TEST_SUPPORT_H_
