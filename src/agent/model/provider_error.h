#ifndef STIGMER_AGENT_MODEL_PROVIDER_ERROR_H_
#define STIGMER_AGENT_MODEL_PROVIDER_ERROR_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace stigmer::agent {

// Who was called, for messages: "openai at https://api.openai.com/v1", and where its key comes
// from: "the environment variable OPENAI_API_KEY" or "the secret OPENAI".
struct ProviderIdentity {
  std::string name;  // "openai", "anthropic", "local", …
  std::string base_url;
  std::string key_source;  // empty when the provider takes no key
};

// What a failed model call means for the caller.
struct ProviderFailure {
  // Unavailable (retry later), Unauthenticated / PermissionDenied (the key; never retried),
  // InvalidArgument (the request; never retried). The message names the provider, the HTTP
  // status and the provider's own explanation.
  absl::Status status;
  bool retryable = false;
  // From a `retry-after` header (seconds or an HTTP date), when the provider sent one.
  std::optional<absl::Duration> retry_after;
};

// The meaning of an HTTP answer other than 2xx: 408, 409, 429 and 5xx are retryable; 401 and 403
// name the key's source; the rest are the request's fault. `body` is searched for the provider's
// message ({"error": {"message"}} as OpenAI, Anthropic and llama.cpp send, {"error": "…"} as
// Ollama does); otherwise its first line is quoted. `now` resolves an HTTP-date retry-after.
ProviderFailure ClassifyHttpFailure(const ProviderIdentity& provider, long http_status,
                                    absl::string_view body, absl::string_view retry_after_header,
                                    absl::Time now);

// The provider's explanation in an error body, cut to a few hundred bytes; empty if none.
std::string ProviderMessage(absl::string_view body);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MODEL_PROVIDER_ERROR_H_
