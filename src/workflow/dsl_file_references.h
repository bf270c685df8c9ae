#ifndef STIGMER_WORKFLOW_DSL_FILE_REFERENCES_H_
#define STIGMER_WORKFLOW_DSL_FILE_REFERENCES_H_

// Files a workflow names by relative paths (activities/local_resource.h): a `call: grpc` proto,
// a `call: openapi` document, a `run: script` source, a catalog of use.catalogs, a function
// called by a `file://` URI. They are read, when the task runs, from the folder of the file
// `stigmer apply -f` read (stored with the version as its source_dir).

#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace stigmer::workflow {

// The relative references of `document` (not expressions: those are resolved when they run),
// in document order, each once.
std::vector<std::string> RelativeFileReferences(const nlohmann::ordered_json& document);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_FILE_REFERENCES_H_
