#include "common/secret_redactor.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/json_limits.h"

namespace stigmer {
namespace {

// The value as it reads between the quotes of a JSON string.
std::string JsonEscaped(const std::string& value) {
  const std::string quoted =
      nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

// RFC 3986: everything but the unreserved characters as %XX.
std::string PercentEncoded(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const unsigned char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 0xF]);
    }
  }
  return encoded;
}

// Members of an authentication scheme's settings that say how to authenticate, not with what:
// blanking them would blank words like "password" (a grant) or a token endpoint's URL in every
// message of the run.
constexpr absl::string_view kSettingMembers[] = {
    "grant",   "authority",      "endpoints", "scopes",    "audiences", "issuers",
    "request", "authentication", "encoding",  "algorithm", "qop"};

bool IsSettingMember(absl::string_view name) {
  return absl::c_linear_search(kSettingMembers, name);
}

// Every string inside `value`, at any depth (bounded by the parse: kMaxJsonDepth), but those
// under a setting member.
void AddStringMembers(const nlohmann::json& value, std::vector<std::string>& values) {
  if (value.is_string()) {
    values.push_back(value.get<std::string>());
  } else if (value.is_object()) {
    for (const auto& [name, item] : value.items()) {
      if (!IsSettingMember(name)) AddStringMembers(item, values);
    }
  } else if (value.is_array()) {
    for (const nlohmann::json& item : value) AddStringMembers(item, values);
  }
}

}  // namespace

SecretRedactor::SecretRedactor(const std::vector<std::string>& values) {
  for (const std::string& value : values) {
    if (value.empty()) continue;
    if (std::find(values_.begin(), values_.end(), value) != values_.end()) continue;
    values_.push_back(value);
    for (std::string form : {value, JsonEscaped(value), PercentEncoded(value)}) {
      if (std::find(forms_.begin(), forms_.end(), form) == forms_.end()) {
        forms_.push_back(std::move(form));
      }
    }
  }
  std::stable_sort(forms_.begin(), forms_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

SecretRedactor SecretRedactor::FromSecretsObject(const nlohmann::json& secrets) {
  std::vector<std::string> values;
  if (secrets.is_object()) {
    for (const auto& [name, value] : secrets.items()) {
      values.push_back(value.is_string() ? value.get<std::string>() : value.dump());
      if (value.is_object()) {
        AddStringMembers(value, values);
      } else if (value.is_string() &&
                 absl::StartsWith(
                     absl::StripLeadingAsciiWhitespace(value.get_ref<const std::string&>()), "{")) {
        absl::StatusOr<nlohmann::json> parsed =
            ParseJsonBounded(value.get_ref<const std::string&>(), "the secret");
        if (parsed.ok()) AddStringMembers(*parsed, values);
      }
    }
  }
  return SecretRedactor(values);
}

std::string SecretRedactor::Redact(absl::string_view text) const {
  std::string redacted(text);
  for (const std::string& form : forms_) {
    if (redacted.find(form) == std::string::npos) continue;
    redacted = absl::StrReplaceAll(redacted, {{form, kRedacted}});
  }
  return redacted;
}

nlohmann::json SecretRedactor::RedactJson(const nlohmann::json& value) const {
  if (forms_.empty()) return value;
  if (value.is_string()) return Redact(value.get_ref<const std::string&>());
  if (value.is_array()) {
    nlohmann::json redacted = nlohmann::json::array();
    for (const nlohmann::json& item : value) redacted.push_back(RedactJson(item));
    return redacted;
  }
  if (value.is_object()) {
    nlohmann::json redacted = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) redacted[Redact(key)] = RedactJson(item);
    return redacted;
  }
  if (value.is_number() && Reveals(value.dump())) return std::string(kRedacted);
  return value;
}

bool SecretRedactor::Reveals(absl::string_view text) const {
  return std::any_of(forms_.begin(), forms_.end(), [text](const std::string& form) {
    return text.find(form) != absl::string_view::npos;
  });
}

}  // namespace stigmer
