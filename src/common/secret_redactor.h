#ifndef STIGMER_COMMON_SECRET_REDACTOR_H_
#define STIGMER_COMMON_SECRET_REDACTOR_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace stigmer {

// What a secret value is replaced with wherever it would be shown or kept.
inline constexpr absl::string_view kRedacted = "***";

// Replaces the values of one execution's secrets with kRedacted in text and JSON, so that a
// log line, a stored error or an API answer never holds them in clear.
//
// Each value is looked for as it is, as it reads inside a JSON string (quotes and backslashes
// escaped) and percent-encoded in a URL; the longest match wins. Every non-empty value is
// redacted, however short: a one-letter secret blanks that letter everywhere, so secrets should
// be values no one would print by accident. Cheap to copy; immutable, so any thread may use it.
class SecretRedactor {
 public:
  SecretRedactor() = default;
  explicit SecretRedactor(const std::vector<std::string>& values);

  // The values of a `$secrets`-style object (name → value); non-string values count as their
  // JSON text. A value that is a JSON object (or text holding one, such as the secret of an
  // authentication scheme) also counts every string inside it, at any depth, as a value of its
  // own, but those under members that name how to authenticate (`grant`, `authority`,
  // `endpoints`, `scopes`, `audiences`, `issuers`, `request`, `authentication`…). Anything but an
  // object gives an empty redactor.
  static SecretRedactor FromSecretsObject(const nlohmann::json& secrets);

  // The values as given (no derived forms), e.g. to hand them to another process.
  const std::vector<std::string>& values() const { return values_; }
  bool empty() const { return values_.empty(); }

  std::string Redact(absl::string_view text) const;

  // `value` with every string and object key redacted; numbers and the structure are kept.
  nlohmann::json RedactJson(const nlohmann::json& value) const;

  // True when `text` holds a value in any of its forms.
  bool Reveals(absl::string_view text) const;

 private:
  std::vector<std::string> values_;
  std::vector<std::string> forms_;  // every form of every value, longest first
};

}  // namespace stigmer

#endif  // STIGMER_COMMON_SECRET_REDACTOR_H_
