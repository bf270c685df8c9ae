#include "daemon/state_file.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"

namespace stigmer::daemon {

absl::Status WriteStateFile(const std::filesystem::path& path,
                            const stigmer::daemon::v1::SavedState& state) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  if (auto status = google::protobuf::util::MessageToJsonString(state, &json, options);
      !status.ok()) {
    return absl::InternalError(absl::StrCat("cannot encode state: ", status.ToString()));
  }
  return WriteFileAtomically(path, json, 0600, /*durable=*/false);
}

absl::StatusOr<stigmer::daemon::v1::SavedState> ReadStateFile(const std::filesystem::path& path) {
  absl::StatusOr<std::string> json = ReadFileToString(path);
  if (!json.ok()) return json.status();
  stigmer::daemon::v1::SavedState state;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (auto status = google::protobuf::util::JsonStringToMessage(*json, &state, options);
      !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.string(), " is not a stigmer state file: ", status.ToString()));
  }
  return state;
}

}  // namespace stigmer::daemon
