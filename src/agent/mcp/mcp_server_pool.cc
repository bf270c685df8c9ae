#include "agent/mcp/mcp_server_pool.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace stigmer::agent {
namespace {

constexpr char kDefaultSearchPath[] = "/usr/local/bin:/usr/bin:/bin";
constexpr absl::Duration kKeepGoingInterval = absl::Seconds(1);

// The PATH the server is given is where its command is looked for.
std::string SearchPath(const McpServerConfig& config) {
  for (const std::string& entry : config.env) {
    if (absl::StartsWith(entry, "PATH=")) return entry.substr(5);
  }
  return kDefaultSearchPath;
}

absl::Duration Left(absl::Time deadline) {
  return std::max(deadline - absl::Now(), absl::ZeroDuration());
}

}  // namespace

McpServerPool::McpServerPool(McpServerPoolOptions options)
    : options_(options), reaper_([this] { StopIdleServers(); }) {}

McpServerPool::~McpServerPool() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  reaper_.join();
}

absl::StatusOr<std::vector<McpTool>> McpServerPool::ListTools(
    const std::string& run, const std::string& server, const ConfigSource& config,
    absl::Duration timeout, const std::function<bool()>& keep_going) {
  const absl::Time deadline = absl::Now() + timeout;
  std::vector<McpTool> tools;
  absl::Status status = WithServer(
      {run, server}, config, keep_going, deadline, [&](McpClient& client) -> absl::Status {
        absl::StatusOr<std::vector<McpTool>> listed = client.ListTools(Left(deadline), keep_going);
        if (!listed.ok()) return listed.status();
        tools = *std::move(listed);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return tools;
}

absl::StatusOr<McpCallResult> McpServerPool::CallTool(
    const std::string& run, const std::string& server, const ConfigSource& config,
    const std::string& tool, const nlohmann::json& arguments, absl::Duration timeout,
    const std::function<bool()>& keep_going) {
  const absl::Time deadline = absl::Now() + timeout;
  McpCallResult result;
  absl::Status status = WithServer(
      {run, server}, config, keep_going, deadline, [&](McpClient& client) -> absl::Status {
        absl::StatusOr<McpCallResult> called =
            client.CallTool(tool, arguments, Left(deadline), keep_going);
        if (!called.ok()) return called.status();
        result = *std::move(called);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

size_t McpServerPool::running() const {
  absl::MutexLock lock(&mutex_);
  size_t count = 0;
  for (const auto& [key, entry] : entries_) count += entry.client != nullptr || entry.busy;
  return count;
}

absl::Status McpServerPool::WithServer(const Key& key, const ConfigSource& config,
                                       const std::function<bool()>& keep_going, absl::Time deadline,
                                       const Use& use) {
  absl::StatusOr<Entry*> entry = Borrow(key, keep_going, deadline);
  if (!entry.ok()) return entry.status();
  std::unique_ptr<McpClient> client;
  {
    absl::MutexLock lock(&mutex_);
    client = std::move((*entry)->client);
  }
  absl::Status status;
  // A server found dead is started again, and the call made once more.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (client == nullptr || !client->alive()) {
      client.reset();
      absl::StatusOr<McpServerConfig> settings = config();
      if (!settings.ok()) {
        status = settings.status();
        break;
      }
      absl::StatusOr<std::unique_ptr<McpClient>> started =
          McpClient::Start(*settings, SearchPath(*settings), options_.start_timeout, keep_going);
      if (!started.ok()) {
        status = started.status();
        break;
      }
      client = *std::move(started);
    }
    status = use(*client);
    if (status.ok() || client->alive()) break;
  }
  GiveBack(**entry, std::move(client));
  return status;
}

absl::StatusOr<McpServerPool::Entry*> McpServerPool::Borrow(const Key& key,
                                                            const std::function<bool()>& keep_going,
                                                            absl::Time deadline) {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      // Looked up again after each wait: the reaper may have removed an idle entry meanwhile.
      const auto free = [&] {
        auto found = entries_.find(key);
        return found == entries_.end() || !found->second.busy;
      };
      mutex_.AwaitWithTimeout(absl::Condition(&free), std::min(kKeepGoingInterval, Left(deadline)));
      Entry& entry = entries_[key];
      if (!entry.busy) {
        entry.busy = true;
        return &entry;
      }
    }
    if (!keep_going()) {
      return absl::CancelledError(
          absl::StrCat("the call to the MCP server ", key.second, " was cancelled"));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("the MCP server ", key.second,
                       " was busy with another call of this run all the time this call had"));
    }
  }
}

void McpServerPool::GiveBack(Entry& entry, std::unique_ptr<McpClient> client) {
  std::unique_ptr<McpClient> dead;  // stopped after the lock is released
  absl::MutexLock lock(&mutex_);
  if (client != nullptr && !client->alive()) dead = std::move(client);
  entry.client = std::move(client);
  entry.busy = false;
  entry.idle_since = absl::Now();
  ++changes_;
}

absl::Time McpServerPool::TakeIdle(absl::Time now, std::vector<std::unique_ptr<McpClient>>& idle) {
  absl::Time next = absl::InfiniteFuture();
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& entry = it->second;
    const absl::Time until = entry.idle_since + options_.idle_timeout;
    if (!entry.busy && (entry.client == nullptr || until <= now)) {
      if (entry.client != nullptr) idle.push_back(std::move(entry.client));
      it = entries_.erase(it);
      continue;
    }
    if (!entry.busy) next = std::min(next, until);
    ++it;
  }
  return next;
}

void McpServerPool::StopIdleServers() {
  while (true) {
    std::vector<std::unique_ptr<McpClient>> idle;
    {
      absl::MutexLock lock(&mutex_);
      while (idle.empty()) {
        if (stopping_) return;
        const absl::Time next = TakeIdle(absl::Now(), idle);
        if (!idle.empty()) break;
        const uint64_t seen = changes_;
        const auto woken = [&] { return stopping_ || changes_ != seen; };
        mutex_.AwaitWithDeadline(absl::Condition(&woken), next);
      }
    }
    idle.clear();  // kills each server's process group, outside the lock
  }
}

}  // namespace stigmer::agent
