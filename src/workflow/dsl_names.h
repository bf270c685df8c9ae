#ifndef STIGMER_WORKFLOW_DSL_NAMES_H_
#define STIGMER_WORKFLOW_DSL_NAMES_H_

#include "absl/strings/string_view.h"

namespace stigmer::workflow {

// The DSL versions (document.dsl) stigmer accepts, as the text of error messages names them.
inline constexpr char kSupportedDslVersions[] = "1.0.0 to 1.0.3";

// True for an RFC 1123 label: 1 to 63 characters of [a-z0-9-], starting and ending with a
// letter or digit. Workflow names and namespaces must be DNS labels.
bool IsDnsLabel(absl::string_view name);

// True for a semantic version (semver.org 2.0.0): MAJOR.MINOR.PATCH without leading zeros,
// optionally followed by "-prerelease" and "+build" made of dot-separated [0-9A-Za-z-] parts.
bool IsSemanticVersion(absl::string_view version);

// True for the DSL versions in kSupportedDslVersions.
bool IsSupportedDslVersion(absl::string_view dsl);

// True for a name that jq accepts as a variable ($name): [A-Za-z_][A-Za-z0-9_]*. The names
// of for.each, for.at and catch.as become jq variables.
bool IsJqVariableName(absl::string_view name);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_NAMES_H_
