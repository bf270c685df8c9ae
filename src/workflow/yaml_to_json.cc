#include "workflow/yaml_to_json.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/json_limits.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxValues = 1'000'000;
constexpr char kTagPrefix[] = "tag:yaml.org,2002:";

std::string Place(const YAML::Mark& mark) {
  if (mark.is_null()) return "";
  return absl::StrCat("line ", mark.line + 1, ", column ", mark.column + 1, ": ");
}

absl::Status ErrorAt(const YAML::Mark& mark, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(Place(mark), message));
}

bool IsNull(const std::string& text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

// YAML 1.2 core schema integers: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+.
bool ParseInteger(const std::string& text, Json* out) {
  absl::string_view digits = text;
  int base = 10;
  bool negative = false;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o')) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
  } else if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return false;
  for (char c : digits) {
    bool ok = base == 16  ? absl::ascii_isxdigit(static_cast<unsigned char>(c))
              : base == 8 ? (c >= '0' && c <= '7')
                          : absl::ascii_isdigit(static_cast<unsigned char>(c));
    if (!ok) return false;
  }
  std::string number(digits);
  errno = 0;
  char* end = nullptr;
  unsigned long long magnitude = std::strtoull(number.c_str(), &end, base);
  if (errno == ERANGE) {
    if (base != 10) return false;
    double value = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(value)) return false;
    *out = value;
    return true;
  }
  if (!negative && magnitude <= static_cast<unsigned long long>(INT64_MAX)) {
    *out = static_cast<int64_t>(magnitude);
  } else if (!negative) {
    *out = static_cast<uint64_t>(magnitude);
  } else if (magnitude <= static_cast<unsigned long long>(INT64_MAX) + 1ULL) {
    *out = magnitude == static_cast<unsigned long long>(INT64_MAX) + 1ULL
               ? INT64_MIN
               : -static_cast<int64_t>(magnitude);
  } else {
    *out = -static_cast<double>(magnitude);
  }
  return true;
}

// YAML 1.2 core schema floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool ParseFloat(const std::string& text, Json* out) {
  size_t i = 0;
  const size_t n = text.size();
  if (i < n && (text[i] == '-' || text[i] == '+')) ++i;
  size_t integer_digits = 0;
  while (i < n && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) ++i, ++integer_digits;
  size_t fraction_digits = 0;
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      ++i, ++fraction_digits;
    }
  }
  if (integer_digits == 0 && fraction_digits == 0) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '-' || text[i] == '+')) ++i;
    size_t exponent_digits = 0;
    while (i < n && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      ++i, ++exponent_digits;
    }
    if (exponent_digits == 0) return false;
  }
  if (i != n) return false;
  double value = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(value)) return false;  // 1e999: kept as a string
  *out = value;
  return true;
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. JSON text must be
// UTF-8, and YAML escapes such as "\uD800" can produce what is not.
bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length;
    uint32_t code_point;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2;
      code_point = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code_point = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code_point = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

Json PlainScalar(const std::string& text) {
  if (IsNull(text)) return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  Json number;
  if (ParseInteger(text, &number) || ParseFloat(text, &number)) return number;
  return text;
}

class Converter {
 public:
  absl::StatusOr<Json> Convert(const YAML::Node& node, int depth = 0) {
    // Also stops aliases that refer to their own anchor (a node graph with a cycle).
    if (depth >= kMaxJsonDepth && (node.IsSequence() || node.IsMap())) {
      return ErrorAt(node.Mark(), absl::StrCat("the document is nested deeper than ", kMaxJsonDepth,
                                               " levels (the limit)"));
    }
    if (++values_ > kMaxValues) {
      return ErrorAt(node.Mark(),
                     "the document holds more than 1000000 values once its aliases are expanded");
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return Json(nullptr);
      case YAML::NodeType::Scalar:
        return Scalar(node);
      case YAML::NodeType::Sequence: {
        Json array = Json::array();
        for (const YAML::Node& item : node) {
          absl::StatusOr<Json> value = Convert(item, depth + 1);
          if (!value.ok()) return value.status();
          array.push_back(*std::move(value));
        }
        return array;
      }
      case YAML::NodeType::Map: {
        Json object = Json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar() && !entry.first.IsNull()) {
            return ErrorAt(entry.first.Mark(), "mapping keys must be scalars");
          }
          std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
          if (!IsValidUtf8(key)) return ErrorAt(entry.first.Mark(), "the text is not valid UTF-8");
          if (object.contains(key)) {
            return ErrorAt(entry.first.Mark(), absl::StrCat("duplicate key \"", key, "\""));
          }
          absl::StatusOr<Json> value = Convert(entry.second, depth + 1);
          if (!value.ok()) return value.status();
          object[key] = *std::move(value);
        }
        return object;
      }
    }
    return Json(nullptr);
  }

 private:
  absl::StatusOr<Json> Scalar(const YAML::Node& node) {
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    if (!IsValidUtf8(text)) return ErrorAt(node.Mark(), "the text is not valid UTF-8");
    if (tag == "!") return Json(text);  // quoted or block scalar
    if (tag.rfind(kTagPrefix, 0) != 0) return PlainScalar(text);
    absl::string_view type = absl::string_view(tag).substr(sizeof(kTagPrefix) - 1);
    Json value = PlainScalar(text);
    if (type == "str") return Json(text);
    if (type == "null" && value.is_null()) return value;
    if (type == "bool" && value.is_boolean()) return value;
    if (type == "int" && value.is_number_integer()) return value;
    if (type == "float" && value.is_number()) return Json(value.get<double>());
    if (type != "null" && type != "bool" && type != "int" && type != "float") return value;
    return ErrorAt(node.Mark(), absl::StrCat("\"", text, "\" is not a valid !!", type));
  }

  size_t values_ = 0;
};

// Remembers where the last document started; ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  const YAML::Mark& last() const { return last_; }

  void OnDocumentStart(const YAML::Mark& mark) override { last_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  YAML::Mark last_ = YAML::Mark::null_mark();
};

}  // namespace

absl::StatusOr<nlohmann::ordered_json> YamlToJson(absl::string_view text) {
  const std::string input(text);
  YAML::Node root;
  try {
    // yaml-cpp 0.7's LoadAll loops forever on text such as "{}," (yaml-cpp PR #1319): count the
    // documents with a parser that stops at the second, then build the first.
    std::istringstream stream(input);
    YAML::Parser parser(stream);
    DocumentStarts starts;
    if (!parser.HandleNextDocument(starts)) {
      return absl::InvalidArgumentError("the document is empty");
    }
    if (parser.HandleNextDocument(starts)) {
      return ErrorAt(starts.last(),
                     "a second YAML document (or stray text) starts here; give one document");
    }
    root = YAML::Load(input);
  } catch (const YAML::Exception& error) {
    return ErrorAt(error.mark, error.msg);
  }
  try {
    return Converter().Convert(root);
  } catch (const YAML::Exception& error) {
    return ErrorAt(error.mark, error.msg);
  }
}

}  // namespace stigmer::workflow
