#include "daemon/control_client.h"

#include <grpcpp/create_channel.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"

namespace stigmer::daemon {

absl::Status CheckHomeAccess(const config::Paths& paths) {
  if (::access(paths.SupervisorSocket().c_str(), R_OK | W_OK) == 0 ||
      (errno != EACCES && errno != EPERM)) {
    return absl::OkStatus();
  }
  struct stat home {};
  const std::string owner =
      ::stat(paths.home().c_str(), &home) == 0 ? absl::StrCat(" (uid ", home.st_uid, ")") : "";
  return absl::PermissionDeniedError(absl::StrCat(
      "permission denied: STIGMER_HOME ", paths.home().string(), " belongs to another user", owner,
      "; use your own STIGMER_HOME, or run stigmer as that user"));
}

absl::StatusOr<ControlClient> ControlClient::Connect(const config::Paths& paths,
                                                     absl::Duration timeout) {
  if (absl::Status access = CheckHomeAccess(paths); !access.ok()) return access;
  std::error_code ignored;
  if (!std::filesystem::exists(paths.SupervisorSocket(), ignored)) {
    return absl::UnavailableError("the stigmer daemon is not running");
  }
  auto channel = grpc::CreateChannel(absl::StrCat("unix:", paths.SupervisorSocket().string()),
                                     grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + timeout))) {
    return absl::UnavailableError("the stigmer daemon is not running");
  }
  return ControlClient(stigmer::daemon::v1::ControlService::NewStub(channel));
}

absl::StatusOr<stigmer::daemon::v1::GetStatusResponse> ControlClient::GetStatus() {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  stigmer::daemon::v1::GetStatusResponse response;
  if (auto status = stub_->GetStatus(&context, {}, &response); !status.ok()) {
    return FromGrpcStatus(status);
  }
  return response;
}

absl::Status ControlClient::Restart(const std::string& component) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  stigmer::daemon::v1::RestartRequest request;
  request.set_component(component);
  stigmer::daemon::v1::RestartResponse response;
  return FromGrpcStatus(stub_->Restart(&context, request, &response));
}

absl::Status ControlClient::Stop() {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  stigmer::daemon::v1::StopResponse response;
  return FromGrpcStatus(stub_->Stop(&context, {}, &response));
}

absl::Status ControlClient::Watch(
    const std::function<bool(const stigmer::daemon::v1::Event&)>& on_event, absl::Time deadline) {
  grpc::ClientContext context;
  if (deadline != absl::InfiniteFuture()) context.set_deadline(absl::ToChronoTime(deadline));
  auto reader = stub_->WatchEvents(&context, {});
  stigmer::daemon::v1::Event event;
  while (reader->Read(&event)) {
    if (!on_event(event)) {
      context.TryCancel();
      reader->Finish();
      return absl::OkStatus();
    }
  }
  grpc::Status status = reader->Finish();
  // The daemon exiting ends the stream; that is the normal end of a watch.
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) return absl::OkStatus();
  return FromGrpcStatus(status);
}

}  // namespace stigmer::daemon
