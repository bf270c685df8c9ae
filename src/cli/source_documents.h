#ifndef STIGMER_CLI_SOURCE_DOCUMENTS_H_
#define STIGMER_CLI_SOURCE_DOCUMENTS_H_

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stigmer::cli {

// One document of a file given to `stigmer apply`.
struct SourceDocument {
  std::string origin;  // "hello.yaml", or "all.yaml (document 2)"
  std::string text;
  // The folder of the file it came from ("." for stdin): where an agent's skills are read.
  std::filesystem::path folder = ".";
  // The absolute folder of that file, "" for stdin: where the workflow's relative file
  // references are read when it runs (sent with the apply).
  std::string source_dir;
};

// Splits `text` at "---" lines (a "---" alone, or followed by a comment) into documents, each
// named after `origin` ("all.yaml (document 2)"; just `origin` when there is one). Documents
// that hold only blank lines and comments are dropped. Pure: the CLI's parsing of apply files.
std::vector<SourceDocument> SplitSourceDocuments(absl::string_view origin, absl::string_view text);

// Reads FILEs and the *.yaml, *.yml and *.json files of DIRs (sorted; "-" is stdin) and splits
// them with SplitSourceDocuments. NotFound names a missing path, or a folder with no such files.
absl::StatusOr<std::vector<SourceDocument>> ReadSourceDocuments(
    const std::vector<std::string>& paths);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_SOURCE_DOCUMENTS_H_
