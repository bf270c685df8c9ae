#include "workflow/dsl_names.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace stigmer::workflow {
namespace {

bool IsDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A numeric semver identifier: digits without a leading zero (except "0" itself).
bool IsNumericIdentifier(absl::string_view text) {
  return IsDigits(text) && (text.size() == 1 || text[0] != '0');
}

// Dot-separated non-empty identifiers of [0-9A-Za-z-]; numeric ones without leading zeros
// when `numeric_without_leading_zero` (prerelease), any digits otherwise (build).
bool IsDottedIdentifiers(absl::string_view text, bool numeric_without_leading_zero) {
  if (text.empty()) return false;
  for (absl::string_view part : absl::StrSplit(text, '.')) {
    if (part.empty()) return false;
    for (char c : part) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    if (numeric_without_leading_zero && IsDigits(part) && !IsNumericIdentifier(part)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsDnsLabel(absl::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return name.front() != '-' && name.back() != '-';
}

bool IsSemanticVersion(absl::string_view version) {
  absl::string_view core = version;
  absl::string_view build;
  if (size_t plus = core.find('+'); plus != absl::string_view::npos) {
    build = core.substr(plus + 1);
    core = core.substr(0, plus);
    if (!IsDottedIdentifiers(build, /*numeric_without_leading_zero=*/false)) return false;
  }
  if (size_t dash = core.find('-'); dash != absl::string_view::npos) {
    if (!IsDottedIdentifiers(core.substr(dash + 1), /*numeric_without_leading_zero=*/true)) {
      return false;
    }
    core = core.substr(0, dash);
  }
  std::vector<absl::string_view> parts = absl::StrSplit(core, '.');
  if (parts.size() != 3) return false;
  for (absl::string_view part : parts) {
    if (!IsNumericIdentifier(part)) return false;
  }
  return true;
}

bool IsSupportedDslVersion(absl::string_view dsl) {
  return dsl == "1.0.0" || dsl == "1.0.1" || dsl == "1.0.2" || dsl == "1.0.3";
}

bool IsJqVariableName(absl::string_view name) {
  if (name.empty()) return false;
  if (!(absl::ascii_isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

}  // namespace stigmer::workflow
