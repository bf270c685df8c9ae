#include "testing/scripted_model_server.h"

#include "absl/strings/str_cat.h"

namespace stigmer::testing {
namespace {

std::string Completion(const nlohmann::json& message, const std::string& finish_reason) {
  return nlohmann::json{
      {"id", "chatcmpl-scripted"},
      {"object", "chat.completion"},
      {"model", "scripted"},
      {"choices", {{{"index", 0}, {"message", message}, {"finish_reason", finish_reason}}}},
      {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 5}}}}
      .dump();
}

}  // namespace

ScriptedModelServer::ScriptedModelServer()
    : server_([this](const HttpServerRequest& request) { return Answer(request); }) {}

ScriptedModelServer::~ScriptedModelServer() { Release(); }

void ScriptedModelServer::Release() {
  absl::MutexLock lock(&mutex_);
  released_ = true;
}

std::string ScriptedModelServer::base_url() const { return absl::StrCat(server_.url(), "/v1"); }

void ScriptedModelServer::QueueText(const std::string& text) {
  Queue({.body = Completion({{"role", "assistant"}, {"content", text}}, "stop")});
}

void ScriptedModelServer::QueueToolCall(const std::string& id, const std::string& name,
                                        const nlohmann::json& arguments, bool held) {
  const nlohmann::json call = {{"id", id},
                               {"type", "function"},
                               {"function", {{"name", name}, {"arguments", arguments.dump()}}}};
  Queue({.body = Completion({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call}}},
                            "tool_calls"),
         .held = held});
}

void ScriptedModelServer::QueueToolCalls(const std::vector<nlohmann::json>& calls) {
  nlohmann::json tool_calls = nlohmann::json::array();
  for (const nlohmann::json& call : calls) {
    tool_calls.push_back(
        {{"id", call["id"]},
         {"type", "function"},
         {"function", {{"name", call["name"]}, {"arguments", call["arguments"].dump()}}}});
  }
  Queue(
      {.body = Completion({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", tool_calls}},
                          "tool_calls")});
}

void ScriptedModelServer::Queue(ScriptedAnswer answer) {
  absl::MutexLock lock(&mutex_);
  queue_.push_back(std::move(answer));
}

std::vector<nlohmann::json> ScriptedModelServer::requests() const {
  absl::MutexLock lock(&mutex_);
  return requests_;
}

size_t ScriptedModelServer::request_count() const {
  absl::MutexLock lock(&mutex_);
  return requests_.size();
}

HttpServerResponse ScriptedModelServer::Answer(const HttpServerRequest& request) {
  absl::MutexLock lock(&mutex_);
  requests_.push_back(nlohmann::json::parse(request.body, nullptr, false));
  if (queue_.empty()) {
    return {.status = 500, .body = R"({"error":{"message":"no answer queued"}})"};
  }
  ScriptedAnswer answer = std::move(queue_.front());
  queue_.pop_front();
  if (answer.held) mutex_.Await(absl::Condition(&released_));
  HttpServerResponse response{.status = answer.status,
                              .headers = std::move(answer.headers),
                              .body = std::move(answer.body)};
  response.headers.emplace_back("Content-Type", "application/json");
  return response;
}

}  // namespace stigmer::testing
