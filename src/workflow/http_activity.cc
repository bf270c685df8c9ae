#include "workflow/http_activity.h"

#include <curl/curl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/json_limits.h"
#include "workflow/activity_text.h"
#include "workflow/http_request.h"

namespace stigmer::workflow {
namespace {

using json = nlohmann::json;

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// curl_global_init is not thread-safe: a function-local static runs it once.
CURLcode GlobalInit() {
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  return result;
}

// How often the progress callback asks the control (curl calls it many times a second).
constexpr absl::Duration kControlInterval = absl::Milliseconds(200);

// What the callbacks share with the caller while one transfer runs.
struct Transfer {
  ActivityControl* control = nullptr;
  size_t max_bytes = 0;
  absl::Time last_check = absl::InfinitePast();
  bool cancelled = false;
  bool too_large = false;
  std::string body;
  json headers = json::object();  // of the last response (a redirect starts a new one)
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer.body.size() + bytes > transfer.max_bytes) {
    transfer.too_large = true;
    return 0;  // anything short of `bytes` aborts the transfer
  }
  transfer.body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const absl::string_view line = absl::StripAsciiWhitespace(absl::string_view(data, bytes));
  if (absl::StartsWith(line, "HTTP/")) {
    transfer.headers = json::object();  // the status line of a new response
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return bytes;
  const std::string name = ToValidUtf8(absl::AsciiStrToLower(line.substr(0, colon)));
  const std::string value = ToValidUtf8(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  json& slot = transfer.headers[name];
  slot = slot.is_string() ? absl::StrCat(slot.get<std::string>(), ", ", value) : value;
  return bytes;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& transfer = *static_cast<Transfer*>(user);
  const absl::Time now = absl::Now();
  if (now - transfer.last_check < kControlInterval) return 0;
  transfer.last_check = now;
  if (transfer.control->KeepGoing()) return 0;
  transfer.cancelled = true;
  return 1;  // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
}

WorkflowError Failure(const std::string& kind, std::string title, std::string detail,
                      const json& input) {
  return StandardError(kind, std::move(title), std::move(detail), ActivityTaskPath(input));
}

// The response body as the `content` output describes it (see http_activity.h).
json DecodeContent(const std::string& body) {
  if (body.empty()) return nullptr;
  // Also JSON sent with a text content type. JSON nested deeper than kMaxJsonDepth stays text.
  if (absl::StatusOr<json> parsed = ParseJsonBounded(body, "the body"); parsed.ok()) {
    return *std::move(parsed);
  }
  if (IsValidUtf8(body)) return body;
  return absl::Base64Escape(body);
}

// Sets the method, headers and body of `handle`. `headers` must outlive the transfer.
void SetRequest(CURL* handle, const HttpRequest& request, CurlList& headers) {
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && !request.body) {
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "POST" || request.body) {
    // POSTFIELDS makes a POST: curl then turns it into a GET on a 301/302/303 like browsers.
    static const std::string kNoBody;
    const std::string& body = request.body ? *request.body : kNoBody;  // curl keeps the pointer
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.data());
    if (request.method != "POST") {
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  } else {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  std::vector<std::string> lines;
  bool has_content_type = false, has_expect = false;
  for (const auto& [name, value] : request.headers) {
    has_content_type = has_content_type || absl::EqualsIgnoreCase(name, "content-type");
    has_expect = has_expect || absl::EqualsIgnoreCase(name, "expect");
    // "Name;" is curl's way of sending a header with an empty value.
    lines.push_back(value.empty() ? absl::StrCat(name, ";") : absl::StrCat(name, ": ", value));
  }
  if (!request.authorization.empty()) {
    lines.push_back(absl::StrCat("Authorization: ", request.authorization));
  }
  // "Name:" removes a header curl would add: its form content type for POSTFIELDS, and
  // "Expect: 100-continue", which stalls on servers that ignore it.
  if (!has_content_type) lines.push_back("Content-Type:");
  if (!has_expect) lines.push_back("Expect:");
  for (const std::string& line : lines) {
    curl_slist* head = curl_slist_append(headers.get(), line.c_str());
    if (head == nullptr) continue;  // out of memory: the header is not sent
    (void)headers.release();        // `head` is the same list, now one longer
    headers.reset(head);
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
}

json TaskOutput(const HttpRequest& request, CURL* handle, long status, const Transfer& transfer) {
  switch (request.output) {
    case HttpRequest::Output::kRaw:
      return absl::Base64Escape(transfer.body);
    case HttpRequest::Output::kContent:
      return DecodeContent(transfer.body);
    case HttpRequest::Output::kResponse:
      break;
  }
  char* effective_url = nullptr;
  curl_easy_getinfo(handle, CURLINFO_EFFECTIVE_URL, &effective_url);
  json sent = json::object();
  for (const auto& [name, value] : request.headers) sent[name] = ToValidUtf8(value);
  return {{"request",
           {{"method", request.method},
            {"uri", ToValidUtf8(effective_url != nullptr ? effective_url : request.url)},
            {"headers", std::move(sent)}}},
          {"statusCode", status},
          {"headers", transfer.headers},
          {"content", DecodeContent(transfer.body)}};
}

}  // namespace

ActivityResult RunHttpActivity(const json& input, const ActivityLimits& limits,
                               ActivityControl& control) {
  static const json kEmpty = json::object();
  auto with = input.find("with");
  auto task_input = input.find("input");
  auto built = BuildHttpRequest(with != input.end() ? *with : kEmpty,
                                task_input != input.end() ? *task_input : kEmpty);
  if (auto* error = std::get_if<WorkflowError>(&built)) {
    error->instance = ActivityTaskPath(input);
    return ActivityResult::Failure(std::move(*error));
  }
  const HttpRequest& request = std::get<HttpRequest>(built);
  const std::string what = absl::StrCat(request.method, " ", request.url);

  if (!control.KeepGoing()) return ActivityResult::Cancelled();
  CURLcode init = GlobalInit();
  CurlEasy handle(init == CURLE_OK ? curl_easy_init() : nullptr);
  if (!handle) {
    return ActivityResult::Failure(
        Failure("runtime", "HTTP client unavailable", "libcurl could not be initialised", input));
  }
  CURL* curl = handle.get();
  Transfer transfer;
  transfer.control = &control;
  transfer.max_bytes = limits.max_output_bytes;
  char error_text[CURL_ERROR_SIZE] = {};
  CurlList headers;
  SetRequest(curl, request, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "stigmer-workflow-runner");
  const absl::Duration timeout = ActivityTimeout(input, limits.http_timeout);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);

  const CURLcode code = curl_easy_perform(curl);
  if (transfer.cancelled) return ActivityResult::Cancelled();
  if (transfer.too_large) {
    return ActivityResult::Failure(
        Failure("runtime", "Response too large",
                absl::StrCat("the response body of ", what, " exceeds ", limits.max_output_bytes,
                             " bytes (the limit is set by STIGMER_MAX_OUTPUT_BYTES)"),
                input));
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return ActivityResult::Failure(
        Failure("timeout", "HTTP call timed out",
                absl::StrCat(what, ": no complete response within ", absl::FormatDuration(timeout),
                             timeout == limits.http_timeout ? " (the limit is set by "
                                                              "STIGMER_HTTP_TIMEOUT_S)"
                                                            : " (the task's timeout)"),
                input));
  }
  if (code != CURLE_OK) {
    const std::string reason = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
    return ActivityResult::Failure(Failure("communication", "HTTP call failed",
                                           ToValidUtf8(absl::StrCat(what, ": ", reason)), input));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  const long highest = request.redirect ? 399 : 299;
  if (status < 200 || status > highest) {
    std::string title = ToValidUtf8(absl::StrCat(what, " returned ", status));
    std::string detail =
        transfer.body.empty() ? title : absl::StrCat(title, ": ", Excerpt(transfer.body));
    WorkflowError error = Failure("communication", std::move(title), std::move(detail), input);
    error.status = static_cast<int>(status);
    return ActivityResult::Failure(std::move(error));
  }
  return ActivityResult::Success(TaskOutput(request, curl, status, transfer));
}

}  // namespace stigmer::workflow
