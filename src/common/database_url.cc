#include "common/database_url.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace stigmer {
namespace {

constexpr absl::string_view kMask = "***";

// A PostgreSQL URL cut into its parts (nothing decoded).
struct UrlParts {
  absl::string_view scheme;  // "postgres://" or "postgresql://"
  absl::string_view user;    // before ':' or '@'
  bool has_password = false;
  absl::string_view password;  // between ':' and '@'
  absl::string_view hosts;     // "h1:p1,h2" (may be empty)
  absl::string_view path;      // "/db" or empty
  absl::string_view query;     // after '?', or empty
};

UrlParts Split(absl::string_view url) {
  UrlParts parts;
  parts.scheme = url.substr(0, url.find("://") + 3);  // REQUIRES: url holds "://"
  absl::string_view rest = url.substr(parts.scheme.size());
  if (size_t q = rest.find('?'); q != absl::string_view::npos) {
    parts.query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (size_t slash = rest.find('/'); slash != absl::string_view::npos) {
    parts.path = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  if (size_t at = rest.rfind('@'); at != absl::string_view::npos) {
    absl::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (size_t colon = userinfo.find(':'); colon != absl::string_view::npos) {
      parts.user = userinfo.substr(0, colon);
      parts.has_password = true;
      parts.password = userinfo.substr(colon + 1);
    } else {
      parts.user = userinfo;
    }
  }
  parts.hosts = rest;
  return parts;
}

// Whether text[i] starts a %XX escape.
bool IsEscape(absl::string_view text, size_t i) {
  return text[i] == '%' && i + 2 < text.size() &&
         absl::ascii_isxdigit(static_cast<unsigned char>(text[i + 1])) &&
         absl::ascii_isxdigit(static_cast<unsigned char>(text[i + 2]));
}

bool IsPortNumber(absl::string_view text) {
  int port = 0;
  return absl::SimpleAtoi(text, &port) && port >= 1 && port <= 65535 &&
         std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

std::string PercentDecode(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    int value = 0;
    if (IsEscape(text, i) && absl::SimpleHexAtoi(text.substr(i + 1, 2), &value)) {
      out.push_back(static_cast<char>(value));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

absl::Status Invalid(absl::string_view value, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("\"", MaskDatabaseUrl(value), "\" ", what,
                                                 "; expected postgres://user:password@host:port/"
                                                 "database, or nothing for the embedded SQLite"));
}

}  // namespace

bool IsPostgresUrl(absl::string_view value) {
  return absl::StartsWith(value, "postgres://") || absl::StartsWith(value, "postgresql://");
}

absl::Status ValidateDatabaseUrl(absl::string_view value) {
  if (value.empty()) return absl::OkStatus();
  if (!IsPostgresUrl(value)) return Invalid(value, "is not a postgres:// or postgresql:// URL");
  for (char c : value) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return Invalid(value, "holds a space or a control character (percent-encode it)");
    }
  }
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && !IsEscape(value, i)) {
      return Invalid(value, "has a % not followed by two hex digits");
    }
  }
  const UrlParts parts = Split(value);
  for (absl::string_view host : absl::StrSplit(parts.hosts, ',')) {
    if (absl::StartsWith(host, "[")) {  // [IPv6]:port
      size_t close = host.find(']');
      if (close == absl::string_view::npos) return Invalid(value, "has an unclosed [ in its host");
      host = host.substr(close + 1);
      if (host.empty()) continue;
      if (host[0] != ':') return Invalid(value, "has something after ] that is not :port");
      if (!IsPortNumber(host.substr(1))) {
        return Invalid(value, "has a port that is not a number from 1 to 65535");
      }
      continue;
    }
    if (size_t colon = host.find(':'); colon != absl::string_view::npos) {
      if (!IsPortNumber(host.substr(colon + 1))) {
        return Invalid(value, "has a port that is not a number from 1 to 65535");
      }
    }
  }
  if (!parts.query.empty()) {
    for (absl::string_view pair : absl::StrSplit(parts.query, '&')) {
      if (pair.empty()) continue;
      size_t equals = pair.find('=');
      if (equals == 0 || equals == absl::string_view::npos) {
        return Invalid(value, "has a parameter that is not key=value");
      }
    }
  }
  return absl::OkStatus();
}

std::string MaskDatabaseUrl(absl::string_view value) {
  if (!absl::StrContains(value, "://")) return std::string(value);
  const UrlParts parts = Split(value);
  std::string out(parts.scheme);
  if (!parts.user.empty() || parts.has_password) {
    absl::StrAppend(&out, parts.user, parts.has_password ? absl::StrCat(":", kMask) : "", "@");
  }
  absl::StrAppend(&out, parts.hosts, parts.path);
  if (!parts.query.empty()) {
    std::vector<std::string> pairs;
    for (absl::string_view pair : absl::StrSplit(parts.query, '&')) {
      if (absl::StartsWith(pair, "password=")) {
        pairs.push_back(absl::StrCat("password=", kMask));
      } else {
        pairs.emplace_back(pair);
      }
    }
    absl::StrAppend(&out, "?", absl::StrJoin(pairs, "&"));
  }
  return out;
}

std::string DatabaseUrlPassword(absl::string_view value) {
  if (!IsPostgresUrl(value)) return "";
  const UrlParts parts = Split(value);
  for (absl::string_view pair : absl::StrSplit(parts.query, '&')) {
    if (absl::StartsWith(pair, "password=")) return PercentDecode(pair.substr(9));
  }
  return PercentDecode(parts.password);
}

std::string DatabaseHostPort(absl::string_view value) {
  if (!IsPostgresUrl(value)) return "localhost:5432";
  const UrlParts parts = Split(value);
  absl::string_view first = parts.hosts.substr(0, parts.hosts.find(','));
  std::string host = "localhost";
  std::string port = "5432";
  if (absl::StartsWith(first, "[")) {
    size_t close = first.find(']');
    host = std::string(first.substr(0, close + 1));
    if (close != absl::string_view::npos && close + 2 <= first.size()) {
      port = std::string(first.substr(close + 2));
    }
  } else if (!first.empty()) {
    size_t colon = first.find(':');
    host = std::string(first.substr(0, colon));
    if (colon != absl::string_view::npos) port = std::string(first.substr(colon + 1));
    if (host.empty()) host = "localhost";
  }
  for (absl::string_view pair : absl::StrSplit(parts.query, '&')) {
    if (absl::StartsWith(pair, "host=")) host = PercentDecode(pair.substr(5));
    if (absl::StartsWith(pair, "port=")) port = std::string(pair.substr(5));
  }
  return absl::StrCat(host, ":", port);
}

}  // namespace stigmer
