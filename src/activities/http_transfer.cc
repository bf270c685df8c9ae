#include "activities/http_transfer.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace stigmer::activities {
namespace {

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

// How often the progress callback asks `keep_going` (curl calls it many times a second).
constexpr absl::Duration kControlInterval = absl::Milliseconds(200);

// What the callbacks share with the caller while one transfer runs.
struct Transfer {
  const std::function<bool()>* keep_going = nullptr;
  size_t max_bytes = 0;
  absl::Time last_check = absl::InfinitePast();
  bool cancelled = false;
  bool too_large = false;
  HttpTransferResponse response;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer.response.body.size() + bytes > transfer.max_bytes) {
    transfer.too_large = true;
    return 0;  // anything short of `bytes` aborts the transfer
  }
  transfer.response.body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const absl::string_view line = absl::StripAsciiWhitespace(absl::string_view(data, bytes));
  if (absl::StartsWith(line, "HTTP/")) {
    transfer.response.headers.clear();  // the status line of a new response
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return bytes;
  transfer.response.headers.emplace_back(
      absl::AsciiStrToLower(line.substr(0, colon)),
      std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  return bytes;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& transfer = *static_cast<Transfer*>(user);
  const absl::Time now = absl::Now();
  if (now - transfer.last_check < kControlInterval) return 0;
  transfer.last_check = now;
  if ((*transfer.keep_going)()) return 0;
  transfer.cancelled = true;
  return 1;  // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
}

// Sets the method, headers and body of `handle`. `headers` must outlive the transfer.
void SetRequest(CURL* handle, const HttpTransferRequest& request, CurlList& headers) {
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

}  // namespace

absl::StatusOr<HttpTransferResponse> PerformHttpTransfer(const HttpTransferRequest& request,
                                                         const std::function<bool()>& keep_going) {
  if (!keep_going()) return absl::CancelledError("cancelled before the call");
  const CURLcode init = GlobalInit();
  CurlEasy handle(init == CURLE_OK ? curl_easy_init() : nullptr);
  if (!handle) return absl::InternalError("libcurl could not be initialised");
  CURL* curl = handle.get();
  Transfer transfer;
  transfer.keep_going = &keep_going;
  transfer.max_bytes = request.max_response_bytes;
  char error_text[CURL_ERROR_SIZE] = {};
  CurlList headers;
  SetRequest(curl, request, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  curl_easy_setopt(curl, CURLOPT_USERAGENT, request.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(request.timeout)));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);

  const CURLcode code = curl_easy_perform(curl);
  if (transfer.cancelled) return absl::CancelledError("cancelled during the call");
  if (transfer.too_large) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the response body exceeds ", request.max_response_bytes, " bytes"));
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(
        absl::StrCat("no complete response within ", absl::FormatDuration(request.timeout)));
  }
  if (code != CURLE_OK) {
    return absl::UnavailableError(error_text[0] != '\0' ? error_text : curl_easy_strerror(code));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  char* effective_url = nullptr;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective_url);
  transfer.response.url = effective_url != nullptr ? effective_url : request.url;
  return std::move(transfer.response);
}

std::string HeaderValue(const HttpTransferResponse& response, const std::string& name) {
  for (const auto& [header, value] : response.headers) {
    if (header == name) return value;
  }
  return "";
}

}  // namespace stigmer::activities
