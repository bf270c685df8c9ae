#ifndef STIGMER_WORKFLOW_DSL_FUNCTIONS_H_
#define STIGMER_WORKFLOW_DSL_FUNCTIONS_H_

// Custom functions (dsl-reference.md, Use and Catalog): a `call:` that names a function of
// use.functions, a cataloged function `name:version@catalog`, or a function's file URI.
// Functions are read from this machine only: catalogs must be file:// URIs.

#include <string>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// Where the definition of the function that `call` names is.
struct FunctionLocation {
  const nlohmann::ordered_json* definition = nullptr;  // inline: in use.functions
  std::string uri;                                     // else the file:// URI of its function.yaml
  std::string error;  // else why none can be found; empty when `call` names no function
};

// For `call: name` (use.functions), `call: name:version@catalog` (use.catalogs[catalog] is
// file:///root: file:///root/functions/name/version/function.yaml, the catalog layout of
// github.com/serverlessworkflow/catalog) and `call: file:///.../function.yaml`. A call that is
// none of these (http, grpc, ...) gives an empty location with no error.
FunctionLocation LocateFunction(const nlohmann::ordered_json& document, const std::string& call);

// Checks `call: <function>` at `pointer` (the task): the function must be found (a catalog
// defined, file:// only; other catalogs and URIs refused: no network at run time) and `with`,
// when present, must be an object or an expression.
void ValidateFunctionCall(ValidationContext& context, const nlohmann::ordered_json& task,
                          const std::string& pointer);

// Checks use.functions (each a task) and use.catalogs (each {endpoint} with a file:// URI).
void ValidateFunctionsAndCatalogs(ValidationContext& context, const nlohmann::ordered_json& use);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_FUNCTIONS_H_
