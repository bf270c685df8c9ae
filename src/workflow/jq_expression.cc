#include "workflow/jq_expression.h"

#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "workflow/jq_handles.h"

namespace stigmer::workflow {
namespace {

constexpr size_t kMaxProgramBytes = 64 * 1024;
constexpr size_t kMaxCachedResults = 4096;

// Turns one libjq compile message into a short one: "jq: error: syntax error, unexpected $end
// (Unix shell quoting issues?) at <top-level>, line 1:\n.a |" becomes
// "syntax error, unexpected $end" (the line is kept when the program has several).
std::string CleanJqMessage(absl::string_view message, bool multiline_program) {
  absl::ConsumePrefix(&message, "jq: error: ");
  if (size_t echo = message.find(":\n"); echo != absl::string_view::npos) {
    message = message.substr(0, echo);
  }
  std::string cleaned(absl::StripAsciiWhitespace(message));
  const std::string noise = " (Unix shell quoting issues?)";
  if (size_t at = cleaned.find(noise); at != std::string::npos) cleaned.erase(at, noise.size());
  if (!multiline_program) {
    absl::string_view view(cleaned);
    if (absl::ConsumeSuffix(&view, " at <top-level>, line 1")) cleaned = std::string(view);
  }
  return cleaned;
}

// True when a string literal of `program` is not closed. libjq 1.6 leaks memory on such programs
// (its lexer drops the open string), so they are refused before they reach it. Follows jq's
// lexing closely enough for every valid program: strings with backslash escapes, "\( ... )"
// interpolations (which hold code, and so strings, of their own) and # comments.
bool HasUnterminatedString(absl::string_view program) {
  // One entry per open string; each counts the parentheses open in its current interpolation,
  // or is -1 while in the string's text.
  std::vector<int> strings;
  for (size_t i = 0; i < program.size(); ++i) {
    char c = program[i];
    bool in_text = !strings.empty() && strings.back() < 0;
    if (in_text) {
      if (c == '\\' && i + 1 < program.size()) {
        if (program[++i] == '(') strings.back() = 0;
      } else if (c == '"') {
        strings.pop_back();
      }
      continue;
    }
    if (c == '"') {
      strings.push_back(-1);
    } else if (c == '#') {
      while (i + 1 < program.size() && program[i + 1] != '\n') ++i;
    } else if (!strings.empty() && c == '(') {
      ++strings.back();
    } else if (!strings.empty() && c == ')') {
      if (strings.back() == 0) {
        strings.back() = -1;  // back in the string's text
      } else {
        --strings.back();
      }
    }
  }
  return !strings.empty();
}

// Collects the messages libjq reports while compiling.
void CollectJqMessage(void* data, jv message) {
  JvValue owned(message);
  auto* messages = static_cast<std::vector<std::string>*>(data);
  if (owned.kind() == JV_KIND_STRING) {
    messages->emplace_back(jv_string_value(owned.get()));
  } else {
    JvValue text(jv_dump_string(owned.Copy(), 0));
    messages->emplace_back(jv_string_value(text.get()));
  }
}

// The message of a failed compile, or "" when `program` compiles.
std::string CompileUncached(const std::string& program, const std::vector<std::string>& variables) {
  JqStatePtr jq = NewJqState();
  if (jq == nullptr) return "libjq could not allocate its state";
  std::vector<std::string> messages;
  jq_set_error_cb(jq.get(), CollectJqMessage, &messages);
  JvValue arguments(jv_object());
  for (const std::string& name : variables) {
    arguments = JvValue(jv_object_set(arguments.Release(), jv_string(name.c_str()), jv_null()));
  }
  if (jq_compile_args(jq.get(), program.c_str(), arguments.Release())) return "";
  const bool multiline = program.find('\n') != std::string::npos;
  std::vector<std::string> cleaned;
  for (const std::string& message : messages) {
    // The closing summary ("jq: 1 compile error") adds nothing.
    if (absl::StartsWith(message, "jq: ") && absl::StrContains(message, " compile error")) {
      continue;
    }
    cleaned.push_back(CleanJqMessage(message, multiline));
  }
  if (cleaned.empty()) return "the expression does not compile";
  return absl::StrJoin(cleaned, "; ");
}

class CompileCache {
 public:
  // The memoized result for `key`, computing it with `compile` when absent.
  template <typename Compile>
  std::string Get(const std::string& key, Compile compile) {
    {
      absl::MutexLock lock(&mutex_);
      if (auto it = results_.find(key); it != results_.end()) return it->second;
    }
    std::string result;
    {
      // libjq 1.6 keeps some process-wide state: one compile at a time.
      absl::MutexLock lock(&compile_mutex_);
      result = compile();
    }
    absl::MutexLock lock(&mutex_);
    if (results_.size() >= kMaxCachedResults) results_.clear();
    results_.emplace(key, result);
    return result;
  }

 private:
  absl::Mutex compile_mutex_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, std::string> results_ ABSL_GUARDED_BY(mutex_);
};

CompileCache& Cache() {
  static CompileCache* cache = new CompileCache();  // never destroyed: used until exit
  return *cache;
}

}  // namespace

const std::vector<std::string>& StandardExpressionVariables() {
  static const std::vector<std::string>* variables = new std::vector<std::string>{
      "context", "input", "output", "secrets", "task", "workflow", "runtime", "authorization"};
  return *variables;
}

bool IsRuntimeExpression(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  return text.size() >= 3 && absl::StartsWith(text, "${") && absl::EndsWith(text, "}");
}

absl::string_view RuntimeExpressionBody(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() >= 3 && absl::StartsWith(text, "${") && absl::EndsWith(text, "}")) {
    text = absl::StripAsciiWhitespace(text.substr(2, text.size() - 3));
  }
  return text;
}

absl::Status CompileJqExpression(absl::string_view expression,
                                 const std::vector<std::string>& extra_variables) {
  absl::string_view body = RuntimeExpressionBody(expression);
  if (body.empty()) return absl::InvalidArgumentError("the expression is empty");
  if (body.size() > kMaxProgramBytes) {
    return absl::InvalidArgumentError("the expression is longer than 64 KiB");
  }
  if (body.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("the expression contains a NUL character");
  }
  if (HasUnterminatedString(body)) {
    return absl::InvalidArgumentError("syntax error, a string is not terminated");
  }
  std::vector<std::string> variables = StandardExpressionVariables();
  variables.insert(variables.end(), extra_variables.begin(), extra_variables.end());
  std::string program(body);
  std::string key = absl::StrCat(absl::StrJoin(variables, ","), "\n", program);
  std::string message = Cache().Get(key, [&] { return CompileUncached(program, variables); });
  if (message.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(message);
}

absl::Status CompileJqExpression(absl::string_view expression) {
  return CompileJqExpression(expression, {});
}

}  // namespace stigmer::workflow
