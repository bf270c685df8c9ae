#include "agent/model/provider_error.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/json_limits.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {
namespace {

constexpr size_t kMaxQuotedBytes = 300;

std::string Cut(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (const size_t newline = text.find('\n'); newline != absl::string_view::npos) {
    text = text.substr(0, newline);
  }
  if (text.size() <= kMaxQuotedBytes) return std::string(text);
  return absl::StrCat(text.substr(0, kMaxQuotedBytes), "…");
}

std::optional<absl::Duration> ParseRetryAfter(absl::string_view header, absl::Time now) {
  header = absl::StripAsciiWhitespace(header);
  if (header.empty()) return std::nullopt;
  int64_t seconds = 0;
  if (absl::SimpleAtoi(header, &seconds)) {
    if (seconds < 0) return std::nullopt;
    return absl::Seconds(std::min<int64_t>(seconds, 3600));
  }
  absl::Time when;
  std::string error;
  if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(header), &when, &error)) {
    return std::clamp(when - now, absl::ZeroDuration(), absl::Hours(1));
  }
  return std::nullopt;
}

}  // namespace

std::string ProviderMessage(absl::string_view body) {
  absl::StatusOr<nlohmann::json> json = ParseJsonBounded(body, "the error body");
  if (json.ok() && json->is_object()) {
    const auto error = json->find("error");
    if (error != json->end() && error->is_string()) return Cut(error->get<std::string>());
    if (error != json->end() && error->is_object()) {
      const auto message = error->find("message");
      if (message != error->end() && message->is_string()) {
        return Cut(message->get<std::string>());
      }
    }
    const auto message = json->find("message");
    if (message != json->end() && message->is_string()) return Cut(message->get<std::string>());
  }
  return Cut(body);
}

ProviderFailure ClassifyHttpFailure(const ProviderIdentity& provider, long http_status,
                                    absl::string_view body, absl::string_view retry_after_header,
                                    absl::Time now) {
  const std::string said = ProviderMessage(body);
  const std::string who = absl::StrCat(provider.name, " at ", provider.base_url, " answered HTTP ",
                                       http_status, said.empty() ? "" : ": ", said);
  ProviderFailure failure;
  if (http_status == 401 || http_status == 403) {
    const std::string fix = provider.key_source.empty()
                                ? "; this provider is configured without an API key: set one"
                                : absl::StrCat("; check the API key in ", provider.key_source);
    failure.status = http_status == 401 ? absl::UnauthenticatedError(absl::StrCat(who, fix))
                                        : absl::PermissionDeniedError(absl::StrCat(who, fix));
    return failure;
  }
  if (http_status == 408 || http_status == 409 || http_status == 429 || http_status >= 500) {
    failure.status = absl::UnavailableError(absl::StrCat(who, " (retried with backoff)"));
    failure.retryable = true;
    failure.retry_after = ParseRetryAfter(retry_after_header, now);
    return failure;
  }
  failure.status = absl::InvalidArgumentError(who);
  return failure;
}

}  // namespace stigmer::agent
