#include "workflow/dsl_file_references.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "activities/local_resource.h"
#include "workflow/jq_expression.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

const Json* Member(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

// The URI of {endpoint: uri | {uri}} at `object`.`key`, if any.
const Json* EndpointOf(const Json& object, const char* key) {
  const Json* resource = Member(object, key);
  const Json* endpoint = resource ? Member(*resource, "endpoint") : nullptr;
  if (endpoint != nullptr && endpoint->is_object()) endpoint = Member(*endpoint, "uri");
  return endpoint;
}

void AddIfRelative(const Json* uri, std::vector<std::string>& found) {
  if (uri == nullptr || !uri->is_string()) return;
  const std::string& text = uri->get_ref<const std::string&>();
  if (IsRuntimeExpression(text) ||
      activities::ClassifyLocalReference(text) != activities::LocalReference::kRelative) {
    return;
  }
  if (std::find(found.begin(), found.end(), text) == found.end()) found.push_back(text);
}

// Every object of the document is looked at: tasks nest in do, for, fork, try, catch, functions
// and extensions alike.
void Walk(const Json& node, std::vector<std::string>& found) {
  if (node.is_array()) {
    for (const Json& item : node) Walk(item, found);
    return;
  }
  if (!node.is_object()) return;
  if (const Json* call = Member(node, "call"); call != nullptr && call->is_string()) {
    const Json* with = Member(node, "with");
    if (*call == "grpc" && with) AddIfRelative(EndpointOf(*with, "proto"), found);
    if (*call == "openapi" && with) AddIfRelative(EndpointOf(*with, "document"), found);
    if (absl::StartsWith(call->get_ref<const std::string&>(), "file://")) {
      AddIfRelative(call, found);
    }
  }
  if (const Json* run = Member(node, "run")) {
    if (const Json* script = Member(*run, "script"))
      AddIfRelative(EndpointOf(*script, "source"), found);
  }
  for (const auto& [key, value] : node.items()) Walk(value, found);
}

}  // namespace

std::vector<std::string> RelativeFileReferences(const Json& document) {
  std::vector<std::string> found;
  if (const Json* use = Member(document, "use")) {
    if (const Json* catalogs = Member(*use, "catalogs"); catalogs && catalogs->is_object()) {
      for (const auto& [name, catalog] : catalogs->items()) {
        const Json* endpoint = Member(catalog, "endpoint");
        if (endpoint != nullptr && endpoint->is_object()) endpoint = Member(*endpoint, "uri");
        AddIfRelative(endpoint, found);
      }
    }
  }
  Walk(document, found);
  return found;
}

}  // namespace stigmer::workflow
