// Fuzzes what the CLI parses from its user before anything reaches a server: the files of
// `stigmer apply` (split into documents, each told workflow or agent), `run --input`,
// `run --env/--secret NAME=VALUE`, config.yaml (read, and edited by `config set`) and
// `server logs --since`.
//
// The first line picks the parser ("apply", "input", "runtime", "config", "config-set KEY
// VALUE", "since"); the rest is its input. With any other first line, the whole input goes to
// every parser. Each must return a value that keeps its contract or an InvalidArgument (or
// FailedPrecondition, for a config that does not load); nothing may crash, leak or recurse off
// the stack.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/document_kind.h"
#include "cli/log_since.h"
#include "cli/run_input.h"
#include "cli/source_documents.h"
#include "common/json_limits.h"
#include "config/config.h"
#include "config/config_file.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void Apply(absl::string_view text) {
  const std::vector<stigmer::cli::SourceDocument> documents =
      stigmer::cli::SplitSourceDocuments("fuzz.yaml", text);
  size_t total = 0;
  for (const auto& document : documents) {
    Check(!document.text.empty());
    Check(absl::StartsWith(document.origin, "fuzz.yaml"));
    total += document.text.size();
    const stigmer::cli::DocumentKind kind = stigmer::cli::KindOfDocument(document.text);
    Check(kind == stigmer::cli::DocumentKind::kAgent ||
          kind == stigmer::cli::DocumentKind::kWorkflow);
  }
  Check(total <= text.size() + documents.size());  // only newlines are added, one a document
}

void Input(absl::string_view text) {
  absl::StatusOr<std::string> input = stigmer::cli::ParseRunInput(text);
  if (!input.ok()) {
    Check(absl::IsInvalidArgument(input.status()));
    return;
  }
  // What `run` sends: an object the server's own bounded parse accepts as it is.
  absl::StatusOr<nlohmann::json> again = stigmer::ParseJsonBounded(*input, "the input");
  Check(again.ok() && again->is_object());
}

void Runtime(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    for (bool secret : {false, true}) {
      absl::StatusOr<stigmer::cli::RuntimePair> pair = stigmer::cli::ParseRuntimePair(line, secret);
      if (!pair.ok()) {
        Check(absl::IsInvalidArgument(pair.status()));
        // A secret's text never shows in its error.
        Check(!secret || pair.status().message() == "--secret \"<hidden>\" is not NAME=VALUE");
        continue;
      }
      Check(!pair->name.empty() && pair->name.find('=') == std::string::npos);
      Check(pair->name + "=" + pair->value == line);
    }
  }
}

void Config(absl::string_view text) {
  absl::Status status = stigmer::config::CheckConfigText("config.yaml", std::string(text));
  Check(status.ok() || absl::IsInvalidArgument(status));
}

void ConfigSet(absl::string_view key, absl::string_view value, absl::string_view text) {
  absl::StatusOr<std::string> updated =
      stigmer::config::SetConfigValueInText("config.yaml", std::string(text), key, value);
  if (!updated.ok()) {
    Check(absl::IsInvalidArgument(updated.status()) ||
          absl::IsFailedPrecondition(updated.status()));
    return;
  }
  // What `config set` writes always loads.
  Check(stigmer::config::CheckConfigText("config.yaml", *updated).ok());
}

void Since(absl::string_view text) {
  absl::StatusOr<absl::Time> since =
      stigmer::cli::ParseSince(text, absl::UnixEpoch() + absl::Hours(24 * 20000));
  Check(since.ok() || absl::IsInvalidArgument(since.status()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t newline = text.find('\n');
  const absl::string_view head = text.substr(0, newline);
  const absl::string_view body =
      newline == absl::string_view::npos ? absl::string_view() : text.substr(newline + 1);
  if (head == "apply") {
    Apply(body);
  } else if (head == "input") {
    Input(body);
  } else if (head == "runtime") {
    Runtime(body);
  } else if (head == "config") {
    Config(body);
  } else if (absl::StartsWith(head, "config-set ")) {
    std::vector<absl::string_view> words = absl::StrSplit(head, absl::MaxSplits(' ', 2));
    ConfigSet(words.size() > 1 ? words[1] : "", words.size() > 2 ? words[2] : "", body);
  } else if (head == "since") {
    Since(body);
  } else {
    Apply(text);
    Input(text);
    Runtime(text);
    Config(text);
    ConfigSet("server.port", "7300", text);
    if (size < 256) Since(text);
  }
  return 0;
}
