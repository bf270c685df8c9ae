#include "activities/oauth2_token.h"

#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "activities/http_request.h"
#include "activities/http_transfer.h"
#include "common/json_limits.h"
#include "common/secret_redactor.h"

namespace stigmer::activities {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxCachedTokens = 1024;
constexpr size_t kMaxTokenResponseBytes = 64 * 1024;
constexpr absl::Duration kExpiryMargin = absl::Seconds(30);
constexpr absl::Duration kUndatedTokenLife = absl::Minutes(5);

struct CachedToken {
  std::string token;
  absl::Time expires;
};

class TokenCache {
 public:
  std::optional<std::string> Find(const std::string& key) {
    absl::MutexLock lock(&mutex_);
    auto found = tokens_.find(key);
    if (found == tokens_.end()) return std::nullopt;
    if (found->second.expires <= absl::Now()) {
      tokens_.erase(found);
      return std::nullopt;
    }
    return found->second.token;
  }

  void Put(const std::string& key, CachedToken token) {
    absl::MutexLock lock(&mutex_);
    if (tokens_.size() >= kMaxCachedTokens) {
      const absl::Time now = absl::Now();
      absl::erase_if(tokens_, [now](const auto& entry) { return entry.second.expires <= now; });
      if (tokens_.size() >= kMaxCachedTokens) tokens_.clear();
    }
    tokens_[key] = std::move(token);
  }

 private:
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, CachedToken> tokens_ ABSL_GUARDED_BY(mutex_);
};

TokenCache& Cache() {
  static TokenCache cache;
  return cache;
}

std::string Text(const json& object, const char* key) {
  auto found = object.is_object() ? object.find(key) : object.end();
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

std::string SpaceJoined(const json& object, const char* key) {
  auto found = object.is_object() ? object.find(key) : object.end();
  if (found == object.end() || !found->is_array()) return "";
  std::vector<std::string> items;
  for (const json& item : *found) {
    if (item.is_string()) items.push_back(item.get<std::string>());
  }
  return absl::StrJoin(items, " ");
}

std::string Joined(std::string authority, const std::string& path) {
  if (absl::StartsWith(path, "http://") || absl::StartsWith(path, "https://")) return path;
  while (absl::EndsWith(authority, "/")) authority.pop_back();
  return absl::StrCat(authority, absl::StartsWith(path, "/") ? "" : "/", path);
}

absl::StatusOr<HttpTransferResponse> Exchange(HttpTransferRequest request,
                                              const std::function<bool()>& keep_going) {
  request.max_response_bytes = kMaxTokenResponseBytes;
  request.user_agent = "stigmer-workflow-runner";
  absl::StatusOr<HttpTransferResponse> response = PerformHttpTransfer(request, keep_going);
  if (absl::IsCancelled(response.status())) return response.status();
  const std::string what = absl::StrCat(request.method, " ", request.url);
  if (absl::IsDeadlineExceeded(response.status())) {
    return absl::DeadlineExceededError(absl::StrCat(what, ": ", response.status().message()));
  }
  if (!response.ok()) {
    return absl::UnauthenticatedError(absl::StrCat(what, ": ", response.status().message()));
  }
  if (response->status < 200 || response->status > 299) {
    return absl::UnauthenticatedError(absl::StrCat(what, " returned ", response->status));
  }
  return response;
}

absl::StatusOr<json> JsonAnswer(const HttpTransferResponse& response, const std::string& what) {
  absl::StatusOr<json> parsed = ParseJsonBounded(response.body, "the answer");
  if (!parsed.ok() || !parsed->is_object()) {
    return absl::UnauthenticatedError(absl::StrCat(what,
                                                   " answered something that is not a "
                                                   "JSON object"));
  }
  return parsed;
}

absl::StatusOr<std::string> TokenEndpoint(const std::string& scheme, const json& values,
                                          absl::Duration timeout,
                                          const std::function<bool()>& keep_going) {
  const std::string authority = Text(values, "authority");
  if (authority.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("`", scheme, "` needs an `authority` URL"));
  }
  if (scheme == "oauth2") {
    std::string path = Text(values.value("endpoints", json::object()), "token");
    return Joined(authority, path.empty() ? "/oauth2/token" : path);
  }
  const std::string url = Joined(authority, "/.well-known/openid-configuration");
  HttpTransferRequest request{.method = "GET", .url = url, .timeout = timeout};
  request.headers.emplace_back("Accept", "application/json");
  absl::StatusOr<HttpTransferResponse> response = Exchange(std::move(request), keep_going);
  if (!response.ok()) return response.status();
  absl::StatusOr<json> configuration = JsonAnswer(*response, absl::StrCat("GET ", url));
  if (!configuration.ok()) return configuration.status();
  std::string endpoint = Text(*configuration, "token_endpoint");
  if (endpoint.empty()) {
    return absl::UnauthenticatedError(absl::StrCat("GET ", url, " gave no token_endpoint"));
  }
  return endpoint;
}

}  // namespace

absl::Status ExchangeForBearer(json& policy, const std::string& run, absl::Duration timeout,
                               const std::function<bool()>& keep_going) {
  if (!policy.is_object() || policy.size() != 1) return absl::OkStatus();
  const std::string scheme = policy.begin().key();
  if (scheme != "oauth2" && scheme != "oidc") return absl::OkStatus();
  const json& values = policy.begin().value();
  const std::string cache_key = absl::StrCat(run, "\n", policy.dump());
  if (std::optional<std::string> token = Cache().Find(cache_key)) {
    policy = {{"bearer", {{"token", *token}}}};
    return absl::OkStatus();
  }

  const std::string grant = Text(values, "grant");
  if (grant != "client_credentials" && grant != "password") {
    return absl::InvalidArgumentError(
        absl::StrCat("the `", grant,
                     "` grant is not supported: stigmer requests tokens with client_credentials "
                     "or password"));
  }
  absl::StatusOr<std::string> endpoint = TokenEndpoint(scheme, values, timeout, keep_going);
  if (!endpoint.ok()) return endpoint.status();

  const json client = values.value("client", json::object());
  const std::string method = client.is_object()
                                 ? client.value("authentication", "client_secret_post")
                                 : "client_secret_post";
  json fields = {{"grant_type", grant}};
  HttpTransferRequest request{.method = "POST", .url = *endpoint, .timeout = timeout};
  if (method == "client_secret_basic") {
    request.headers.emplace_back(
        "Authorization", absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat(
                                                    PercentEncode(Text(client, "id")), ":",
                                                    PercentEncode(Text(client, "secret"))))));
  } else if (method == "client_secret_post" || method == "none") {
    if (!Text(client, "id").empty()) fields["client_id"] = Text(client, "id");
    if (method == "client_secret_post" && !Text(client, "secret").empty()) {
      fields["client_secret"] = Text(client, "secret");
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("client.authentication `", method,
                     "` is not supported: use client_secret_post, client_secret_basic or none"));
  }
  if (grant == "password") {
    fields["username"] = Text(values, "username");
    fields["password"] = Text(values, "password");
  }
  if (std::string scopes = SpaceJoined(values, "scopes"); !scopes.empty()) fields["scope"] = scopes;
  if (std::string audiences = SpaceJoined(values, "audiences"); !audiences.empty()) {
    fields["audience"] = audiences;
  }
  const std::string encoding = Text(values.value("request", json::object()), "encoding").empty()
                                   ? "application/x-www-form-urlencoded"
                                   : Text(values.value("request", json::object()), "encoding");
  if (encoding == "application/json") {
    request.body = fields.dump();
  } else {
    std::vector<std::string> pairs;
    for (const auto& [name, value] : fields.items()) {
      pairs.push_back(
          absl::StrCat(PercentEncode(name), "=", PercentEncode(value.get<std::string>())));
    }
    request.body = absl::StrJoin(pairs, "&");
  }
  request.headers.emplace_back("Content-Type", encoding);
  request.headers.emplace_back("Accept", "application/json");
  const std::string what = absl::StrCat("POST ", *endpoint);
  absl::StatusOr<HttpTransferResponse> response = Exchange(std::move(request), keep_going);
  if (!response.ok()) return response.status();
  absl::StatusOr<json> answer = JsonAnswer(*response, what);
  if (!answer.ok()) return answer.status();
  const std::string token = Text(*answer, "access_token");
  if (token.empty() || token.find_first_of("\r\n") != std::string::npos) {
    return absl::UnauthenticatedError(absl::StrCat(what, " answered no usable access_token"));
  }
  absl::Duration life = kUndatedTokenLife;
  if (auto expires = answer->find("expires_in"); expires != answer->end() && expires->is_number()) {
    life = absl::Seconds(expires->get<double>()) - kExpiryMargin;
  }
  if (life > absl::ZeroDuration()) Cache().Put(cache_key, {token, absl::Now() + life});
  policy = {{"bearer", {{"token", token}}}};
  return absl::OkStatus();
}

std::optional<ActivityResult> UseOAuthToken(json& policy, const json& input, absl::Duration timeout,
                                            ActivityControl& control, std::string& token) {
  auto run = input.is_object() ? input.find(kRunKey) : input.end();
  const bool exchanged =
      policy.is_object() && (policy.contains("oauth2") || policy.contains("oidc"));
  absl::Status status = ExchangeForBearer(
      policy, run != input.end() && run->is_string() ? run->get<std::string>() : "", timeout,
      [&control] { return control.KeepGoing(); });
  if (status.ok()) {
    if (exchanged && policy.contains("bearer")) token = Text(policy["bearer"], "token");
    return std::nullopt;
  }
  if (absl::IsCancelled(status)) return ActivityResult::Cancelled();
  if (absl::IsDeadlineExceeded(status)) {
    return ActivityResult::Failure(
        durable::StandardError("timeout", "OAuth2 token request timed out",
                               std::string(status.message()), ActivityTaskPath(input)));
  }
  const bool refused = absl::IsUnauthenticated(status);
  return ActivityResult::Failure(
      durable::StandardError(refused ? "authentication" : "configuration",
                             refused ? "OAuth2 token request failed" : "Invalid authentication",
                             std::string(status.message()), ActivityTaskPath(input)));
}

ActivityResult WithoutToken(ActivityResult result, const std::string& token) {
  if (token.empty()) return result;
  const SecretRedactor redactor({token});
  result.output = redactor.RedactJson(result.output);
  result.error = durable::RedactedError(std::move(result.error), redactor);
  return result;
}

}  // namespace stigmer::activities
