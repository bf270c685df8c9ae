#include "cli/source_documents.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/file_io.h"

namespace stigmer::cli {
namespace {

bool IsDocumentSeparator(absl::string_view line) {
  if (!absl::ConsumePrefix(&line, "---")) return false;
  line = absl::StripLeadingAsciiWhitespace(line);
  return line.empty() || line[0] == '#';
}

bool IsBlank(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty() && line[0] != '#') return false;
  }
  return true;
}

void SplitInto(absl::string_view origin, absl::string_view text, std::vector<SourceDocument>* out,
               const std::filesystem::path& file = {}) {
  const std::filesystem::path folder =
      file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::error_code error;
  const std::filesystem::path absolute =
      file.empty() ? std::filesystem::path() : std::filesystem::absolute(folder, error);
  std::string source_dir = error ? "" : absolute.lexically_normal().string();
  if (source_dir.size() > 1 && source_dir.back() == '/') source_dir.pop_back();
  std::vector<std::string> documents(1);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (IsDocumentSeparator(line)) {
      documents.emplace_back();
      continue;
    }
    absl::StrAppend(&documents.back(), line, "\n");
  }
  documents.erase(std::remove_if(documents.begin(), documents.end(),
                                 [](const std::string& d) { return IsBlank(d); }),
                  documents.end());
  for (size_t i = 0; i < documents.size(); ++i) {
    out->push_back({documents.size() == 1 ? std::string(origin)
                                          : absl::StrCat(origin, " (document ", i + 1, ")"),
                    std::move(documents[i]), folder, source_dir});
  }
}

bool IsWorkflowFile(const std::filesystem::path& path) {
  const std::string extension = absl::AsciiStrToLower(path.extension().string());
  return extension == ".yaml" || extension == ".yml" || extension == ".json";
}

}  // namespace

std::vector<SourceDocument> SplitSourceDocuments(absl::string_view origin, absl::string_view text) {
  std::vector<SourceDocument> documents;
  SplitInto(origin, text, &documents);
  return documents;
}

absl::StatusOr<std::vector<SourceDocument>> ReadSourceDocuments(
    const std::vector<std::string>& paths) {
  std::vector<SourceDocument> documents;
  for (const std::string& path : paths) {
    if (path == "-") {
      std::string text((std::istreambuf_iterator<char>(std::cin)),
                       std::istreambuf_iterator<char>());
      SplitInto("stdin", text, &documents);
      continue;
    }
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
        if (entry.is_regular_file() && IsWorkflowFile(entry.path())) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) {
        return absl::NotFoundError(absl::StrCat(path, " holds no .yaml, .yml or .json files"));
      }
      for (const auto& file : files) {
        absl::StatusOr<std::string> text = ReadFileToString(file);
        if (!text.ok()) return text.status();
        SplitInto(file.string(), *text, &documents, file);
      }
      continue;
    }
    absl::StatusOr<std::string> text = ReadFileToString(path);
    if (!text.ok()) return text.status();
    SplitInto(path, *text, &documents, path);
  }
  return documents;
}

}  // namespace stigmer::cli
