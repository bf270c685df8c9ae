#include "supervisord_peer.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/unique_fd.h"

namespace stigmer::bench {
namespace {

// A shlex-safe rendering of one argument (supervisord splits `command` with shlex).
std::string Quote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return quoted + "'";
}

std::string ConfigText(const std::filesystem::path& dir, const std::filesystem::path& socket,
                       const std::vector<PeerProgram>& programs) {
  std::ostringstream text;
  text << "[unix_http_server]\nfile=" << socket.string() << "\nchmod=0700\n\n"
       << "[supervisord]\nlogfile=" << (dir / "supervisord.log").string()
       << "\npidfile=" << (dir / "supervisord.pid").string() << "\nchildlogdir=" << dir.string()
       << "\nnodaemon=true\nloglevel=warn\n\n"
       << "[rpcinterface:supervisor]\n"
       << "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
       << "[supervisorctl]\nserverurl=unix://" << socket.string() << "\n\n";
  for (const PeerProgram& program : programs) {
    std::vector<std::string> quoted;
    for (const std::string& arg : program.argv) quoted.push_back(Quote(arg));
    text << "[program:" << program.name << "]\ncommand=" << absl::StrJoin(quoted, " ")
         << "\nautostart=" << (program.autostart ? "true" : "false")
         << "\nautorestart=true\nstartsecs=0\nstartretries=1000000\nstopwaitsecs=5\n"
         << "redirect_stderr=true\nstdout_logfile=" << program.stdout_log.string()
         << "\nstdout_logfile_maxbytes=0\nstdout_logfile_backups=0\n\n";
  }
  return text.str();
}

// The text of <value><type>TEXT</type></value> after "<name>member</name>" in an XML-RPC
// struct, or "".
std::string MemberValue(const std::string& xml, const std::string& member) {
  size_t at = xml.find(absl::StrCat("<name>", member, "</name>"));
  if (at == std::string::npos) return "";
  at = xml.find("<value>", at);
  if (at == std::string::npos) return "";
  at = xml.find('>', xml.find('<', at + 7));  // the type tag after <value>
  if (at == std::string::npos) return "";
  const size_t end = xml.find('<', at + 1);
  return end == std::string::npos ? "" : xml.substr(at + 1, end - at - 1);
}

}  // namespace

std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "", ':')) {
    const std::filesystem::path candidate = std::filesystem::path(std::string(dir)) / name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

std::unique_ptr<SupervisordPeer> SupervisordPeer::Start(const std::filesystem::path& dir,
                                                        const std::vector<PeerProgram>& programs) {
  const std::string binary = FindOnPath("supervisord");
  if (binary.empty()) {
    std::fprintf(stderr, "supervisord not found (Debian package `supervisor`): no peer figures\n");
    return nullptr;
  }
  std::unique_ptr<SupervisordPeer> peer(new SupervisordPeer());
  peer->socket_path_ = dir / "supervisor.sock";
  peer->config_path_ = dir / "supervisord.conf";
  for (const PeerProgram& program : programs) peer->names_.push_back(program.name);
  std::ofstream(peer->config_path_) << ConfigText(dir, peer->socket_path_, programs);
  peer->spawned_at_ = Clock::now();
  peer->daemon_ = std::make_unique<ChildProgram>(
      std::vector<std::string>{binary, "-n", "-c", peer->config_path_.string()},
      EnvironmentWith({}), dir / "supervisord.out");
  if (!peer->daemon_->started()) return nullptr;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    const std::optional<std::string> state = peer->Call("supervisor.getState", "");
    if (state && state->find("RUNNING") != std::string::npos) return peer;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // start-up, not measured here
  }
  std::fprintf(stderr, "supervisord did not answer within 10 s (see %s)\n",
               (dir / "supervisord.out").c_str());
  return nullptr;
}

SupervisordPeer::~SupervisordPeer() {
  if (daemon_) daemon_->Stop(SIGTERM, std::chrono::seconds(10));
}

std::optional<std::string> SupervisordPeer::Call(const std::string& method,
                                                 const std::string& params_xml) {
  const std::string body =
      absl::StrCat("<?xml version=\"1.0\"?><methodCall><methodName>", method,
                   "</methodName><params>", params_xml, "</params></methodCall>");
  const std::string request =
      absl::StrCat("POST /RPC2 HTTP/1.0\r\nHost: localhost\r\nContent-Type: text/xml\r\n",
                   "Content-Length: ", body.size(), "\r\n\r\n", body);
  UniqueFd socket_fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path_.c_str(), sizeof(address.sun_path) - 1);
  if (!socket_fd ||
      ::connect(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return std::nullopt;
  }
  for (size_t done = 0; done < request.size();) {
    const ssize_t n = ::write(socket_fd.get(), request.data() + done, request.size() - done);
    if (n <= 0) return std::nullopt;
    done += static_cast<size_t>(n);
  }
  std::string response;
  char buffer[16 * 1024];
  for (ssize_t n; (n = ::read(socket_fd.get(), buffer, sizeof(buffer))) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    response.append(buffer, static_cast<size_t>(n));
  }
  const size_t body_start = response.find("\r\n\r\n");
  if (body_start == std::string::npos) return std::nullopt;
  return response.substr(body_start + 4);
}

namespace {
std::string StringParam(const std::string& value) {
  return absl::StrCat("<param><value><string>", value, "</string></value></param>");
}
constexpr char kWaitParam[] = "<param><value><boolean>1</boolean></value></param>";

bool Succeeded(const std::optional<std::string>& response) {
  return response && response->find("<fault>") == std::string::npos;
}
}  // namespace

bool SupervisordPeer::StartAll() {
  return Succeeded(Call("supervisor.startAllProcesses", kWaitParam));
}

bool SupervisordPeer::StartProcess(const std::string& name) {
  return Succeeded(Call("supervisor.startProcess", StringParam(name) + kWaitParam));
}

bool SupervisordPeer::StopAll() {
  return Succeeded(Call("supervisor.stopAllProcesses", kWaitParam));
}

std::optional<PeerProcessInfo> SupervisordPeer::ProcessInfo(const std::string& name) {
  const std::optional<std::string> response = Call("supervisor.getProcessInfo", StringParam(name));
  if (!Succeeded(response)) return std::nullopt;
  PeerProcessInfo info;
  info.state = MemberValue(*response, "statename");
  info.pid = std::atoi(MemberValue(*response, "pid").c_str());
  return info;
}

bool SupervisordPeer::AllRunning() {
  const std::optional<std::string> response = Call("supervisor.getAllProcessInfo", "");
  if (!Succeeded(response)) return false;
  size_t running = 0;
  for (size_t at = 0; (at = response->find("<name>statename</name>", at)) != std::string::npos;
       ++at) {
    if (MemberValue(response->substr(at), "statename") != "RUNNING") return false;
    ++running;
  }
  return running == names_.size();
}

}  // namespace stigmer::bench
