#include "agent/model_activity.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/skills.h"
#include "common/json_fields.h"

namespace stigmer::agent {
namespace {

using json = nlohmann::json;
using activities::ActivityResult;

constexpr char kDefaultLocalBaseUrl[] = "http://127.0.0.1:7235/v1";
constexpr char kDefaultLocalModel[] = "SmolLM2-135M-Instruct";
constexpr absl::Duration kMaxBackoff = absl::Seconds(30);

struct ProviderDefaults {
  const char* name;
  const char* base_url;
  const char* key_variable;  // "" when the provider takes no key by default
  WireFormat format;
};
constexpr ProviderDefaults kProviders[] = {
    {"local", "", "", WireFormat::kOpenAiChat},
    {"openai", "https://api.openai.com/v1", "OPENAI_API_KEY", WireFormat::kOpenAiChat},
    {"ollama", "http://localhost:11434/v1", "", WireFormat::kOpenAiChat},
    {"anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY",
     WireFormat::kAnthropicMessages},
    {"openai-compatible", "", "", WireFormat::kOpenAiChat},
};

std::string FromEnvironment(const EnvironmentLookup& environment, const char* name) {
  std::optional<std::string> value = environment(name);
  return value ? *value : std::string();
}

ActivityResult Failure(const json& request, const char* kind, std::string title,
                       std::string detail) {
  return ActivityResult::Failure(durable::StandardError(kind, std::move(title), std::move(detail),
                                                        activities::ActivityTaskPath(request)));
}

// Waits `delay` while the activity may go on: false when it must stop.
bool WaitWhileKeptGoing(absl::Duration delay, activities::ActivityControl& control) {
  const absl::Time until = absl::Now() + delay;
  while (absl::Now() < until) {
    if (!control.KeepGoing()) return false;
    absl::SleepFor(std::min(absl::Milliseconds(200), until - absl::Now()));
  }
  return control.KeepGoing();
}

}  // namespace

absl::StatusOr<ResolvedModel> ResolveModel(const json& agent, const json& secrets,
                                           const EnvironmentLookup& environment) {
  static const json kNone = json::object();
  auto found = agent.find("model");
  const json& model = found != agent.end() && found->is_object() ? *found : kNone;
  std::string provider = StringAt(model, "provider");
  if (provider.empty()) provider = "local";
  const ProviderDefaults* defaults = nullptr;
  for (const ProviderDefaults& known : kProviders) {
    if (provider == known.name) defaults = &known;
  }
  if (defaults == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown model provider \"", provider, "\""));
  }
  ResolvedModel resolved;
  ModelEndpoint& endpoint = resolved.endpoint;
  endpoint.format = defaults->format;
  endpoint.provider.name = provider;
  endpoint.provider.base_url = StringAt(model, "base_url");
  resolved.model = StringAt(model, "name");
  if (provider == "local") {
    if (endpoint.provider.base_url.empty()) {
      endpoint.provider.base_url = FromEnvironment(environment, "STIGMER_LLM_BASE_URL");
    }
    if (endpoint.provider.base_url.empty()) endpoint.provider.base_url = kDefaultLocalBaseUrl;
    if (resolved.model.empty()) resolved.model = FromEnvironment(environment, "STIGMER_LLM_MODEL");
    if (resolved.model.empty()) resolved.model = kDefaultLocalModel;
  }
  if (endpoint.provider.base_url.empty()) endpoint.provider.base_url = defaults->base_url;
  const std::string mode = StringAt(model, "tool_mode");
  endpoint.tool_mode =
      mode == "json_schema" || ((mode.empty() || mode == "auto") && provider == "local")
          ? ToolMode::kJsonSchema
          : ToolMode::kNative;

  std::string variable = defaults->key_variable;
  std::string secret;
  if (auto key = model.find("api_key"); key != model.end() && key->is_object()) {
    variable = StringAt(*key, "env");
    secret = StringAt(*key, "secret");
  }
  if (!secret.empty()) {
    endpoint.provider.key_source = absl::StrCat("the secret ", secret);
    auto value = secrets.find(secret);
    if (value == secrets.end() || !value->is_string() || value->get<std::string>().empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          provider, " needs an API key from the secret ", secret,
          ", which this run was not given; pass it with `stigmer run … --secret ", secret, "=…`"));
    }
    endpoint.api_key = value->get<std::string>();
  } else if (!variable.empty()) {
    endpoint.provider.key_source = absl::StrCat("the environment variable ", variable);
    endpoint.api_key = FromEnvironment(environment, variable.c_str());
    if (endpoint.api_key.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(provider, " needs an API key in the environment variable ", variable,
                       ", which agent-runner does not have; set it where `stigmer server` runs"));
    }
  }
  return resolved;
}

ActivityResult RunModelActivity(const ModelActivityOptions& options,
                                const activities::ActivityInfo& info, const json& request,
                                activities::ActivityControl& control) {
  std::shared_ptr<const AgentProgram::ModelCall> call =
      options.program->TakeScheduledModelCall(info);
  if (call == nullptr) {
    const int turn = request.is_object() ? request.value("turn", 0) : 0;
    absl::StatusOr<std::vector<durable::HistoryEvent>> events = options.read_history(info);
    if (!events.ok()) {
      // The worker's trouble, not the run's: retryable by Temporal.
      ActivityResult result = Failure(request, "communication", "Cannot read the run's history",
                                      std::string(events.status().message()));
      result.retryable = true;
      return result;
    }
    absl::StatusOr<durable::ReplayHistory> history = durable::ReplayHistory::Index(*events);
    absl::StatusOr<AgentProgram::ModelCall> replayed =
        history.ok() ? options.program->ReplayModelCall(*history, info.workflow_id, turn)
                     : absl::StatusOr<AgentProgram::ModelCall>(history.status());
    if (!replayed.ok()) {
      return Failure(request, "runtime", "Cannot rebuild the conversation",
                     std::string(replayed.status().message()));
    }
    call = std::make_shared<const AgentProgram::ModelCall>(*std::move(replayed));
  }
  // The skills' files are there before the model can ask for them.
  if (absl::Status laid_out = MaterializeSkills(call->plan.document, call->plan.workspace);
      !laid_out.ok()) {
    return Failure(request, "runtime", "Cannot lay out the agent's skills",
                   std::string(laid_out.message()));
  }
  absl::StatusOr<ResolvedModel> model =
      ResolveModel(call->plan.document, call->plan.secrets, options.environment);
  if (!model.ok()) {
    return Failure(request, "configuration", "Model not configured",
                   std::string(model.status().message()));
  }
  ChatRequest chat = call->request;
  chat.model = model->model;
  const auto keep_going = [&control] { return control.KeepGoing(); };
  absl::Duration backoff = options.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    std::variant<ChatAnswer, ProviderFailure> answer = CallModel(model->endpoint, chat, keep_going);
    if (auto* done = std::get_if<ChatAnswer>(&answer)) {
      return ActivityResult::Success(AnswerToJson(*done));
    }
    const ProviderFailure& failure = std::get<ProviderFailure>(answer);
    if (absl::IsCancelled(failure.status) || !control.KeepGoing()) {
      return ActivityResult::Cancelled();
    }
    const std::string message(failure.status.message());
    if (absl::IsUnauthenticated(failure.status)) {
      return Failure(request, "authentication", "Model call refused", message);
    }
    if (absl::IsPermissionDenied(failure.status)) {
      return Failure(request, "authorization", "Model call refused", message);
    }
    if (!failure.retryable) return Failure(request, "runtime", "Model call failed", message);
    if (attempt >= options.max_attempts) {
      ActivityResult result = Failure(request, "communication", "Model unavailable",
                                      absl::StrCat(message, " (", attempt, " attempts)"));
      result.error.status = 503;
      return result;
    }
    const absl::Duration delay = std::min(failure.retry_after.value_or(backoff), kMaxBackoff);
    if (!WaitWhileKeptGoing(delay, control)) return ActivityResult::Cancelled();
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

}  // namespace stigmer::agent
