#include "activities/http_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace stigmer::activities {
namespace {

using json = nlohmann::json;

constexpr const char* kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};

durable::WorkflowError Configuration(std::string detail) {
  return durable::StandardError("configuration", "Invalid HTTP call", std::move(detail), "");
}

// A scalar as text: strings as they are, numbers and booleans as JSON.
std::string ScalarText(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

bool HasLineBreak(const std::string& text) {
  return text.find_first_of("\r\n") != std::string::npos;
}

// RFC 6570 simple string expansion of every `{name}` from the members of `variables`.
std::variant<std::string, durable::WorkflowError> ExpandTemplate(const std::string& uri,
                                                                 const json& variables) {
  std::string expanded;
  size_t position = 0;
  while (position < uri.size()) {
    const size_t open = uri.find('{', position);
    const size_t close = open == std::string::npos ? open : uri.find('}', open);
    if (close == std::string::npos) break;
    expanded.append(uri, position, open - position);
    const std::string name = uri.substr(open + 1, close - open - 1);
    const json* value = nullptr;
    if (variables.is_object()) {
      auto found = variables.find(name);
      if (found != variables.end()) value = &*found;
    }
    if (value != nullptr && (value->is_object() || value->is_array())) {
      return durable::StandardError(
          "expression", "Invalid URI template variable",
          absl::StrCat("the endpoint's variable {", name, "} is ", value->type_name(),
                       "; only strings, numbers, booleans and null expand"),
          "");
    }
    if (value != nullptr && !value->is_null()) expanded += PercentEncode(ScalarText(*value));
    position = close + 1;
  }
  expanded.append(uri, position, std::string::npos);
  return expanded;
}

// name=value pairs, percent-encoded, joined with '&'.
std::string EncodePairs(const json& pairs) {
  std::vector<std::string> encoded;
  for (const auto& [name, value] : pairs.items()) {
    const json values = value.is_array() ? value : json::array({value});
    for (const json& element : values) {
      if (element.is_null()) continue;
      encoded.push_back(absl::StrCat(PercentEncode(name), "=", PercentEncode(ScalarText(element))));
    }
  }
  return absl::StrJoin(encoded, "&");
}

std::optional<durable::WorkflowError> ReadEndpoint(const json& with, const json& task_input,
                                                   HttpRequest& request) {
  auto endpoint = with.find("endpoint");
  if (endpoint == with.end()) return Configuration("`with.endpoint` is required");
  const json* uri = &*endpoint;
  if (endpoint->is_object()) {
    if (auto authentication = endpoint->find("authentication"); authentication != endpoint->end()) {
      auto header = AuthorizationHeader(*authentication);
      if (auto* error = std::get_if<durable::WorkflowError>(&header)) return std::move(*error);
      request.authorization = std::get<std::string>(std::move(header));
    }
    auto found = endpoint->find("uri");
    if (found == endpoint->end()) return Configuration("`with.endpoint.uri` is required");
    uri = &*found;
  }
  if (!uri->is_string()) {
    return Configuration("`with.endpoint` must be a URI string or an object with `uri`");
  }
  auto expanded = ExpandTemplate(uri->get<std::string>(), task_input);
  if (auto* error = std::get_if<durable::WorkflowError>(&expanded)) return std::move(*error);
  request.url = std::get<std::string>(std::move(expanded));
  const std::string lower = absl::AsciiStrToLower(request.url);
  if (!absl::StartsWith(lower, "http://") && !absl::StartsWith(lower, "https://")) {
    return Configuration(absl::StrCat("endpoint `", request.url, "` is not an http(s) URI"));
  }
  if (HasLineBreak(request.url) || request.url.find(' ') != std::string::npos) {
    return Configuration(absl::StrCat("endpoint `", request.url,
                                      "` contains a space or a line "
                                      "break; percent-encode it"));
  }
  return std::nullopt;
}

std::optional<durable::WorkflowError> ReadQuery(const json& with, HttpRequest& request) {
  auto query = with.find("query");
  if (query == with.end() || query->is_null()) return std::nullopt;
  if (!query->is_object()) return Configuration("`with.query` must be an object");
  const std::string encoded = EncodePairs(*query);
  if (encoded.empty()) return std::nullopt;
  const char last = request.url.back();
  const char* separator = request.url.find('?') == std::string::npos ? "?"
                          : (last == '?' || last == '&')             ? ""
                                                                     : "&";
  absl::StrAppend(&request.url, separator, encoded);
  return std::nullopt;
}

std::optional<durable::WorkflowError> ReadHeaders(const json& with, HttpRequest& request) {
  auto headers = with.find("headers");
  if (headers == with.end() || headers->is_null()) return std::nullopt;
  if (!headers->is_object()) return Configuration("`with.headers` must be an object");
  for (const auto& [name, value] : headers->items()) {
    if (value.is_null()) continue;
    if (value.is_object() || value.is_array()) {
      return Configuration(absl::StrCat("header `", name, "` must be a string"));
    }
    std::string text = ScalarText(value);
    if (name.empty() || name.find_first_of(":\r\n ") != std::string::npos || HasLineBreak(text)) {
      return Configuration(absl::StrCat("header `", name, "` is not a valid HTTP header"));
    }
    request.headers.emplace_back(name, std::move(text));
  }
  return std::nullopt;
}

std::optional<std::string> HeaderValue(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

void ReadBody(const json& with, HttpRequest& request) {
  auto body = with.find("body");
  if (body == with.end() || body->is_null()) return;
  const std::optional<std::string> content_type = HeaderValue(request, "content-type");
  if (body->is_string()) {
    request.body = body->get<std::string>();
    if (!content_type) request.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    return;
  }
  if (content_type && body->is_object() &&
      absl::StartsWithIgnoreCase(*content_type, "application/x-www-form-urlencoded")) {
    request.body = EncodePairs(*body);
    return;
  }
  request.body = body->dump();
  if (!content_type) request.headers.emplace_back("Content-Type", "application/json");
}

std::optional<durable::WorkflowError> ReadOptions(const json& with, HttpRequest& request) {
  if (auto output = with.find("output"); output != with.end() && !output->is_null()) {
    const std::string text = output->is_string() ? output->get<std::string>() : "";
    if (text == "content") {
      request.output = HttpRequest::Output::kContent;
    } else if (text == "response") {
      request.output = HttpRequest::Output::kResponse;
    } else if (text == "raw") {
      request.output = HttpRequest::Output::kRaw;
    } else {
      return Configuration(
          absl::StrCat("`with.output` must be content, response or raw, not ", output->dump()));
    }
  }
  if (auto redirect = with.find("redirect"); redirect != with.end() && !redirect->is_null()) {
    if (!redirect->is_boolean()) return Configuration("`with.redirect` must be a boolean");
    request.redirect = redirect->get<bool>();
  }
  return std::nullopt;
}

}  // namespace

std::string PercentEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded.push_back(c);
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[byte >> 4]);
      encoded.push_back(kHex[byte & 0xF]);
    }
  }
  return encoded;
}

std::variant<HttpRequest, durable::WorkflowError> BuildHttpRequest(const json& with,
                                                                   const json& task_input) {
  if (!with.is_object()) return Configuration("`with` must be an object");
  HttpRequest request;
  auto method = with.find("method");
  if (method == with.end() || !method->is_string()) {
    return Configuration("`with.method` is required and must be a string");
  }
  request.method = absl::AsciiStrToUpper(method->get<std::string>());
  bool known = false;
  for (const char* candidate : kMethods) known = known || request.method == candidate;
  if (!known) {
    return Configuration(absl::StrCat("method `", method->get<std::string>(), "` is not one of ",
                                      absl::StrJoin(kMethods, ", ")));
  }
  if (auto error = ReadEndpoint(with, task_input, request)) return *std::move(error);
  if (auto error = ReadQuery(with, request)) return *std::move(error);
  if (auto error = ReadHeaders(with, request)) return *std::move(error);
  if (!request.authorization.empty() && HeaderValue(request, "authorization")) {
    return Configuration(
        "both `endpoint.authentication` and an Authorization header are set; keep one");
  }
  ReadBody(with, request);
  if (auto error = ReadOptions(with, request)) return *std::move(error);
  return request;
}

std::variant<std::string, durable::WorkflowError> AuthorizationHeader(const json& policy) {
  if (!policy.is_object() || policy.size() != 1) {
    return Configuration("`endpoint.authentication` must hold one scheme: basic or bearer");
  }
  const std::string& scheme = policy.begin().key();
  const json& values = policy.begin().value();
  auto text = [&values](const char* key) -> std::optional<std::string> {
    auto found = values.is_object() ? values.find(key) : values.end();
    if (found == values.end() || !found->is_string()) return std::nullopt;
    return found->get<std::string>();
  };
  if (scheme == "basic") {
    std::optional<std::string> username = text("username"), password = text("password");
    if (!username || !password) {
      return Configuration("basic authentication needs `username` and `password` as strings");
    }
    if (username->find(':') != std::string::npos) {
      return Configuration("the basic authentication username must not contain ':'");
    }
    return absl::StrCat("Basic ", absl::Base64Escape(*username + ":" + *password));
  }
  if (scheme == "bearer") {
    std::optional<std::string> token = text("token");
    if (!token || token->empty()) {
      return Configuration("bearer authentication needs `token` as a non-empty string");
    }
    if (HasLineBreak(*token)) return Configuration("the bearer token contains a line break");
    return absl::StrCat("Bearer ", *token);
  }
  return Configuration(UnsupportedAuthenticationMessage(scheme));
}

std::string UnsupportedAuthenticationMessage(const std::string& scheme) {
  return absl::StrCat(
      "`", scheme,
      "` authentication is not supported: use basic, bearer, oauth2 or oidc, or set "
      "the header yourself");
}

}  // namespace stigmer::activities
