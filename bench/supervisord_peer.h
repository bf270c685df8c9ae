#ifndef STIGMER_BENCH_SUPERVISORD_PEER_H_
#define STIGMER_BENCH_SUPERVISORD_PEER_H_

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench_support.h"

namespace stigmer::bench {

// One [program:x] section of the peer's configuration.
struct PeerProgram {
  std::string name;
  std::vector<std::string> argv;     // no shell: supervisord splits `command` on spaces itself
  std::filesystem::path stdout_log;  // stderr is redirected into it; never rotated
  bool autostart = false;
};

// What getProcessInfo says about one program.
struct PeerProcessInfo {
  std::string state;  // "RUNNING", "STARTING", "EXITED", …
  pid_t pid = 0;      // 0 when not running
};

// supervisord (Debian package `supervisor`) as the peer: runs in the foreground (-n) with a
// configuration written into `dir` (socket, log, pid file there; nothing global), answers
// XML-RPC on its Unix socket. Programs start with startsecs=0 (RUNNING at once, as supervisord
// has no readiness notification) and autorestart=true.
//
// The XML-RPC client is a plain HTTP/1.0 POST over the socket from this process, so the
// measurements carry no Python client start-up; each call is one round trip (~0.3-1 ms).
class SupervisordPeer {
 public:
  // Writes the configuration and starts supervisord; nullptr (and a message on stderr) if it is
  // not installed or does not answer within 10 s.
  static std::unique_ptr<SupervisordPeer> Start(const std::filesystem::path& dir,
                                                const std::vector<PeerProgram>& programs);
  ~SupervisordPeer();  // shuts supervisord down (SIGTERM, SIGKILL after 10 s) and waits
  SupervisordPeer(const SupervisordPeer&) = delete;
  SupervisordPeer& operator=(const SupervisordPeer&) = delete;

  pid_t pid() const { return daemon_->pid(); }
  const std::filesystem::path& config_path() const { return config_path_; }
  // When supervisord was spawned (for its cold-start time).
  Clock::time_point spawned_at() const { return spawned_at_; }

  // supervisor.startAllProcesses(wait=true) / startProcess(name, wait=true) /
  // stopAllProcesses(wait=true): false on a transport or XML-RPC fault.
  bool StartAll();
  bool StartProcess(const std::string& name);
  bool StopAll();
  std::optional<PeerProcessInfo> ProcessInfo(const std::string& name);
  // True if every program is RUNNING.
  bool AllRunning();

 private:
  SupervisordPeer() = default;
  // One XML-RPC call; the response body, or nullopt on a transport error.
  std::optional<std::string> Call(const std::string& method, const std::string& params_xml);

  std::filesystem::path socket_path_, config_path_;
  std::vector<std::string> names_;
  std::unique_ptr<ChildProgram> daemon_;
  Clock::time_point spawned_at_;
};

// The path of a program found on PATH, or "" (used to look for supervisord and supervisorctl).
std::string FindOnPath(const std::string& name);

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_SUPERVISORD_PEER_H_
