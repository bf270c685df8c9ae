#ifndef STIGMER_AGENT_MCP_MCP_SERVER_POOL_H_
#define STIGMER_AGENT_MCP_MCP_SERVER_POOL_H_

// The MCP servers a worker keeps running for its agent runs: one process per (run, server),
// started on first use and reused by that run's later calls, so that a server's state (and its
// start-up time) is paid once per run. A server is stopped once it has been idle for
// `idle_timeout`, and every server when the pool is destroyed (the worker stops).
//
// A server found dead (it exited, was killed, or broke the protocol) is started again and the
// call made once more; a second failure is the caller's. Calls for one (run, server) take turns:
// a server's stdio carries one conversation at a time, and two processes of one stateful server
// would disagree.
//
// Thread-safe: activities on several threads share one pool. Servers are started by the
// activity thread that first needs them (ShellProcess ties a child's life to that thread, and
// the worker's activity threads live as long as the worker).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "agent/mcp/mcp_client.h"

namespace stigmer::agent {

struct McpServerPoolOptions {
  absl::Duration idle_timeout = absl::Minutes(5);
  // Start and handshake of one server.
  absl::Duration start_timeout = absl::Seconds(60);
};

class McpServerPool {
 public:
  // The configuration of a server that must be started; asked only when one is (so that a call
  // to a running server reads nothing).
  using ConfigSource = std::function<absl::StatusOr<McpServerConfig>()>;

  explicit McpServerPool(McpServerPoolOptions options);
  // Stops every server.
  ~McpServerPool();
  McpServerPool(const McpServerPool&) = delete;
  McpServerPool& operator=(const McpServerPool&) = delete;

  // The tools of `server` for `run`. Errors: the config source's, McpClient::Start's (naming the
  // server), McpClient::ListTools's; Cancelled when `keep_going` says stop while waiting for
  // another call to the same server.
  absl::StatusOr<std::vector<McpTool>> ListTools(const std::string& run, const std::string& server,
                                                 const ConfigSource& config, absl::Duration timeout,
                                                 const std::function<bool()>& keep_going);

  // Calls `tool` of `server` for `run` (see McpClient::CallTool for `timeout` and `keep_going`).
  absl::StatusOr<McpCallResult> CallTool(const std::string& run, const std::string& server,
                                         const ConfigSource& config, const std::string& tool,
                                         const nlohmann::json& arguments, absl::Duration timeout,
                                         const std::function<bool()>& keep_going);

  // Servers running now (tests).
  size_t running() const;

 private:
  using Key = std::pair<std::string, std::string>;  // run, server
  struct Entry {
    std::unique_ptr<McpClient> client;  // null: none started, or it was stopped
    bool busy = false;                  // lent to a call
    absl::Time idle_since;
  };
  using Use = std::function<absl::Status(McpClient&)>;

  // Lends the (run, server) client to `use`, starting it when needed, and once more after a
  // failure that left it dead.
  absl::Status WithServer(const Key& key, const ConfigSource& config,
                          const std::function<bool()>& keep_going, absl::Time deadline,
                          const Use& use);
  absl::StatusOr<Entry*> Borrow(const Key& key, const std::function<bool()>& keep_going,
                                absl::Time deadline);
  void GiveBack(Entry& entry, std::unique_ptr<McpClient> client);
  // Moves out the clients idle past the timeout (and drops unused entries); returns when the
  // next one will be.
  absl::Time TakeIdle(absl::Time now, std::vector<std::unique_ptr<McpClient>>& idle)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // The reaper thread's loop.
  void StopIdleServers();

  const McpServerPoolOptions options_;
  mutable absl::Mutex mutex_;
  std::map<Key, Entry> entries_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  uint64_t changes_ ABSL_GUARDED_BY(mutex_) = 0;  // wakes the reaper
  std::thread reaper_;                            // last: runs once the rest exists
};

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MCP_MCP_SERVER_POOL_H_
