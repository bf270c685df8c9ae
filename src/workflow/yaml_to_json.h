#ifndef STIGMER_WORKFLOW_YAML_TO_JSON_H_
#define STIGMER_WORKFLOW_YAML_TO_JSON_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace stigmer::workflow {

// Parses one YAML document (JSON text is YAML too) into JSON, keeping the order of mapping keys.
// Plain scalars are typed by the YAML 1.2 core schema: null (~, null, empty), booleans
// (true/false), integers (decimal, 0x hex, 0o octal; beyond 64 bits they become floats), floats
// (.inf and .nan stay strings, JSON has no such numbers); quoted and block scalars are strings;
// explicit !!str, !!int, !!float, !!bool and !!null tags are honoured. Mapping keys become their
// text. Aliases are expanded.
// InvalidArgument, with "line L, column C: " in front when the place is known (both 1-based),
// for a YAML syntax error, a string or key that is not valid UTF-8, an empty text, more than one
// document (or stray text after the first), a duplicate or non-scalar mapping key, a scalar its tag
// does not fit, or more than 1,000,000 values once aliases are expanded (which stops "billion
// laughs" documents), or sequences and mappings nested deeper than kMaxJsonDepth (256): "the
// document is nested deeper than 256 levels (the limit)". Nesting deeper than yaml-cpp's own
// limit (2000) is a syntax error.
absl::StatusOr<nlohmann::ordered_json> YamlToJson(absl::string_view text);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_YAML_TO_JSON_H_
