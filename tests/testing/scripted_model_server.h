#ifndef STIGMER_TESTS_TESTING_SCRIPTED_MODEL_SERVER_H_
#define STIGMER_TESTS_TESTING_SCRIPTED_MODEL_SERVER_H_

// An OpenAI-compatible model server for tests that must choose the model's answers: it plays
// queued answers in order on POST /v1/chat/completions (and Anthropic's POST /v1/messages),
// can answer with an HTTP error, a retry-after header or a body that is not JSON, and records
// every request. Used where the real local model cannot give an answer on demand; the agent
// paths it drives are also run against the real model elsewhere.

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "nlohmann/json.hpp"
#include "testing/local_http_server.h"

namespace stigmer::testing {

struct ScriptedAnswer {
  int status = 200;
  std::string body;  // sent as is
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent only once Release() is called (or the server is destroyed): a model call in flight for
  // as long as a test needs. The server answers nothing else meanwhile.
  bool held = false;
};

class ScriptedModelServer {
 public:
  ScriptedModelServer();
  ~ScriptedModelServer();  // releases a held answer

  // "http://127.0.0.1:<port>/v1", the base URL to configure.
  std::string base_url() const;

  // Queues a chat completion whose message is `text`.
  void QueueText(const std::string& text);
  // Queues a chat completion asking for one tool call (held: see ScriptedAnswer).
  void QueueToolCall(const std::string& id, const std::string& name,
                     const nlohmann::json& arguments, bool held = false);
  // Queues a chat completion asking for several tool calls at once: [{id, name, arguments}].
  void QueueToolCalls(const std::vector<nlohmann::json>& calls);
  // Queues anything: an error status, a retry-after, a malformed body.
  void Queue(ScriptedAnswer answer);

  // Sends the held answers.
  void Release();

  // The JSON bodies received so far, in order.
  std::vector<nlohmann::json> requests() const;
  // The requests themselves (method, path, headers), in order.
  std::vector<HttpServerRequest> http_requests() const { return server_.requests(); }
  size_t request_count() const;

  // With the queue empty the server answers 500 {"error": {"message": "no answer queued"}}.

 private:
  HttpServerResponse Answer(const HttpServerRequest& request);

  mutable absl::Mutex mutex_;
  std::deque<ScriptedAnswer> queue_ ABSL_GUARDED_BY(mutex_);
  std::vector<nlohmann::json> requests_ ABSL_GUARDED_BY(mutex_);
  bool released_ ABSL_GUARDED_BY(mutex_) = false;
  LocalHttpServer server_;  // last: serves once the queue exists
};

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_SCRIPTED_MODEL_SERVER_H_
