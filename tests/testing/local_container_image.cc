#include "testing/local_container_image.h"

#include <stdlib.h>

#include <fstream>
#include <optional>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/executable_search.h"
#include "testing/command_runner.h"

namespace stigmer::testing {

absl::StatusOr<std::map<std::string, std::string>> PrepareLocalContainerImage(
    const std::filesystem::path& folder) {
  const char* path_value = ::getenv("PATH");
  const std::string path = path_value != nullptr ? path_value : "";
  std::optional<std::filesystem::path> podman = FindExecutable("podman", path);
  std::optional<std::filesystem::path> busybox = FindExecutable("busybox", path + ":/bin:/usr/bin");
  if (!podman || !busybox) {
    return absl::FailedPreconditionError("podman or busybox is not installed");
  }
  // This machine's podman needs runc, cgroupfs and ulimits it may set (hybrid cgroups, no
  // CAP_SYS_RESOURCE); they do no harm elsewhere.
  std::ofstream(folder / "containers.conf")
      << "[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]\n"
         "[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\n";
  std::ofstream(folder / "storage.conf")
      << "[storage]\ndriver = \"vfs\"\ngraphroot = \"" << (folder / "graph").string()
      << "\"\nrunroot = \"" << (folder / "run").string() << "\"\n";
  std::ofstream(folder / "registries.conf")
      << "unqualified-search-registries = []\n[[registry]]\nprefix = \"docker.io\"\n"
         "location = \"127.0.0.1:1\"\n";
  const std::map<std::string, std::string> env = {
      {"CONTAINERS_CONF", (folder / "containers.conf").string()},
      {"CONTAINERS_STORAGE_CONF", (folder / "storage.conf").string()},
      {"CONTAINERS_REGISTRIES_CONF", (folder / "registries.conf").string()}};
  std::error_code error;
  std::filesystem::create_directories(folder / "rootfs/bin", error);
  std::filesystem::copy_file(*busybox, folder / "rootfs/bin/busybox",
                             std::filesystem::copy_options::overwrite_existing, error);
  for (const char* applet : {"sh", "cat", "echo", "sleep"}) {
    std::filesystem::create_symlink("busybox", folder / "rootfs/bin" / applet, error);
  }
  CommandResult tar = RunCommand({"/bin/tar", "-cf", (folder / "rootfs.tar").string(), "-C",
                                  (folder / "rootfs").string(), "."});
  if (tar.exit_code != 0) return absl::FailedPreconditionError("tar: " + tar.err);
  CommandResult imported =
      RunCommand({podman->string(), "import", (folder / "rootfs.tar").string(), kLocalImage}, env);
  if (imported.exit_code != 0) {
    return absl::FailedPreconditionError("podman cannot import here: " + imported.err);
  }
  CommandResult probe = RunCommand(
      {podman->string(), "run", "--rm", "--network", "none", kLocalImage, "/bin/echo", "ok"}, env);
  if (probe.exit_code != 0) {
    return absl::FailedPreconditionError("podman cannot run containers here: " + probe.err);
  }
  return env;
}

absl::Status ImportLocalImageAs(const std::filesystem::path& folder,
                                const std::map<std::string, std::string>& env,
                                const std::string& name, const std::vector<std::string>& cmd) {
  const char* path_value = ::getenv("PATH");
  std::optional<std::filesystem::path> podman =
      FindExecutable("podman", path_value != nullptr ? path_value : "");
  if (!podman) return absl::FailedPreconditionError("podman is not installed");
  std::vector<std::string> argv = {podman->string(), "import"};
  if (!cmd.empty()) {
    std::string json_cmd = "CMD [";
    for (size_t i = 0; i < cmd.size(); ++i) {
      absl::StrAppend(&json_cmd, i == 0 ? "" : ", ", "\"", cmd[i], "\"");
    }
    argv.insert(argv.end(), {"--change", json_cmd + "]"});
  }
  argv.insert(argv.end(), {(folder / "rootfs.tar").string(), name});
  CommandResult imported = RunCommand(argv, env);
  if (imported.exit_code != 0) {
    return absl::FailedPreconditionError("podman cannot import " + name + ": " + imported.err);
  }
  return absl::OkStatus();
}

}  // namespace stigmer::testing
