#include "activities/container_engine.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "activities/activity_text.h"
#include "activities/process_run.h"
#include "common/executable_search.h"

namespace stigmer::activities {
namespace {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

absl::StatusOr<ContainerEngine> FindContainerEngine(const EnvironmentLookup& lookup) {
  const std::string search_path = lookup("PATH").value_or("");
  std::vector<std::string> tried;
  for (const char* name : {"docker", "podman"}) {
    std::optional<std::filesystem::path> path = FindExecutable(name, search_path);
    if (!path) {
      tried.push_back(absl::StrCat(name, " is not installed"));
      continue;
    }
    const ActivityResult info =
        RunHelperProcess({path->string(), "info"}, ReturnMode::kAll, absl::Seconds(20));
    if (info.ok() && info.output.value("code", -1) == 0) {
      return ContainerEngine{name, path->string()};
    }
    std::string why = info.ok() ? Excerpt(FirstLine(info.output.value("stderr", "")), 200)
                                : absl::StrCat(info.error.title, ": ", info.error.detail);
    tried.push_back(absl::StrCat(name, " is installed (", path->string(), ") but `", name,
                                 " info` failed", why.empty() ? "" : ": ", why));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("no working container engine: ", absl::StrJoin(tried, "; "),
                   ". Install Docker or Podman and make sure `docker info` or `podman info` "
                   "answers"));
}

}  // namespace stigmer::activities
