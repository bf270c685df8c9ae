#include "activities/proto_schema.h"

#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "activities/local_resource.h"
#include "google/protobuf/util/json_util.h"

namespace stigmer::activities {
namespace {

namespace pb = ::google::protobuf;

// Where Debian's libprotobuf-dev keeps google/protobuf/*.proto.
constexpr char kSystemProtoFolder[] = "/usr/include";

// Keeps the first few parse errors as "<disk path>:<line>:<column>: <message>".
class CollectingErrors final : public pb::compiler::MultiFileErrorCollector {
 public:
  explicit CollectingErrors(pb::compiler::DiskSourceTree& tree) : tree_(tree) {}

  void AddError(const std::string& filename, int line, int column,
                const std::string& message) override {
    if (errors_.size() >= 5) return;
    std::string disk = filename;
    tree_.VirtualFileToDiskFile(filename, &disk);
    errors_.push_back(line < 0 ? absl::StrCat(disk, ": ", message)
                               : absl::StrCat(disk, ":", line + 1, ":", column + 1, ": ", message));
  }

  std::string Text() const { return absl::StrJoin(errors_, "; "); }

 private:
  pb::compiler::DiskSourceTree& tree_;
  std::vector<std::string> errors_;
};

std::string StatusText(const pb::util::Status& status) {
  return std::string(status.message().data(), status.message().size());
}

}  // namespace

struct ProtoMethod::State {
  pb::compiler::DiskSourceTree tree;
  CollectingErrors errors{tree};
  pb::compiler::Importer importer{&tree, &errors};
  pb::DynamicMessageFactory factory{importer.pool()};
  const pb::MethodDescriptor* method = nullptr;
};

ProtoMethod::ProtoMethod(std::unique_ptr<State> state) : state_(std::move(state)) {}
ProtoMethod::ProtoMethod(ProtoMethod&&) noexcept = default;
ProtoMethod& ProtoMethod::operator=(ProtoMethod&&) noexcept = default;
ProtoMethod::~ProtoMethod() = default;

absl::StatusOr<std::string> ProtoFilePath(const std::string& endpoint,
                                          const std::string& source_dir) {
  if (ClassifyLocalReference(endpoint) == LocalReference::kNotLocal) {
    return absl::InvalidArgumentError(
        absl::StrCat("the proto `", endpoint,
                     "` is not a local file: workflow-runner reads .proto files from this "
                     "machine only (file:///path/to/service.proto)"));
  }
  return LocalResourcePath(endpoint, source_dir);
}

absl::StatusOr<ProtoMethod> ProtoMethod::Load(const std::string& proto_path,
                                              const std::string& service,
                                              const std::string& method) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(proto_path, error)) {
    return absl::NotFoundError(absl::StrCat("the proto file ", proto_path, " does not exist"));
  }
  auto state = std::make_unique<State>();
  const size_t slash = proto_path.rfind('/');
  const std::string folder = slash == 0 ? "/" : proto_path.substr(0, slash);
  const std::string name = proto_path.substr(slash + 1);
  state->tree.MapPath("", folder);
  state->tree.MapPath("", kSystemProtoFolder);
  const pb::FileDescriptor* file = state->importer.Import(name);
  if (file == nullptr) {
    std::string errors = state->errors.Text();
    if (errors.empty()) errors = absl::StrCat(proto_path, ": cannot be read");
    return absl::InvalidArgumentError(absl::StrCat("the proto does not parse: ", errors));
  }
  const pb::ServiceDescriptor* found = state->importer.pool()->FindServiceByName(service);
  std::vector<std::string> services;
  for (int i = 0; i < file->service_count(); ++i) {
    const pb::ServiceDescriptor* candidate = file->service(i);
    services.push_back(candidate->full_name());
    if (found == nullptr && candidate->name() == service) found = candidate;
  }
  if (found == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(proto_path, " has no service \"", service, "\" (it has ",
                     services.empty() ? "none" : absl::StrJoin(services, ", "), ")"));
  }
  state->method = found->FindMethodByName(method);
  if (state->method == nullptr) {
    std::vector<std::string> methods;
    for (int i = 0; i < found->method_count(); ++i) methods.push_back(found->method(i)->name());
    return absl::NotFoundError(absl::StrCat("the service ", found->full_name(), " has no method \"",
                                            method, "\" (it has ", absl::StrJoin(methods, ", "),
                                            ")"));
  }
  if (state->method->client_streaming() || state->method->server_streaming()) {
    return absl::UnimplementedError(
        absl::StrCat(found->full_name(), ".", method,
                     " is a streaming method; stigmer calls unary gRPC methods only"));
  }
  return ProtoMethod(std::move(state));
}

std::string ProtoMethod::Path() const {
  return absl::StrCat("/", state_->method->service()->full_name(), "/", state_->method->name());
}

absl::StatusOr<std::string> ProtoMethod::EncodeRequest(const nlohmann::json& arguments) const {
  std::unique_ptr<pb::Message> message(
      state_->factory.GetPrototype(state_->method->input_type())->New());
  const std::string text = arguments.is_null() ? "{}" : arguments.dump();
  pb::util::Status status = pb::util::JsonStringToMessage(text, message.get());
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("the arguments do not fit ",
                                                   state_->method->input_type()->full_name(), ": ",
                                                   StatusText(status)));
  }
  return message->SerializeAsString();
}

absl::StatusOr<nlohmann::json> ProtoMethod::DecodeResponse(const std::string& bytes) const {
  std::unique_ptr<pb::Message> message(
      state_->factory.GetPrototype(state_->method->output_type())->New());
  if (!message->ParseFromString(bytes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the response is not a ", state_->method->output_type()->full_name(), " message"));
  }
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string text;
  pb::util::Status status = pb::util::MessageToJsonString(*message, &text, options);
  if (!status.ok()) return absl::InternalError(StatusText(status));
  return nlohmann::json::parse(text);
}

}  // namespace stigmer::activities
