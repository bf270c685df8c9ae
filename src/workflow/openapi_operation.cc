#include "workflow/openapi_operation.h"

#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "activities/http_request.h"

namespace stigmer::workflow {
namespace {

using json = nlohmann::json;

constexpr const char* kMethods[] = {"get",  "put",   "post",  "delete",
                                    "head", "patch", "trace", "options"};
constexpr int kMaxRefHops = 16;

struct Operation {
  std::string path;
  std::string method;
  const json* path_item = nullptr;
  const json* operation = nullptr;
};

std::string ScalarText(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// `value` with its local `$ref`s followed ("#/components/parameters/limit").
absl::StatusOr<const json*> Resolve(const json& document, const json& value) {
  const json* current = &value;
  for (int hop = 0; hop < kMaxRefHops; ++hop) {
    if (!current->is_object() || !current->contains("$ref")) return current;
    const json& ref = (*current)["$ref"];
    if (!ref.is_string() || !absl::StartsWith(ref.get<std::string>(), "#/")) {
      return absl::InvalidArgumentError(absl::StrCat("cannot follow $ref ", ref.dump(),
                                                     ": only references inside the document "
                                                     "(#/...) are followed"));
    }
    const json::json_pointer pointer(ref.get<std::string>().substr(1));
    if (!document.contains(pointer)) {
      return absl::InvalidArgumentError(
          absl::StrCat("$ref ", ref.get<std::string>(), " points at nothing in the document"));
    }
    current = &document[pointer];
  }
  return absl::InvalidArgumentError("a $ref chain is longer than 16 hops (a cycle?)");
}

absl::StatusOr<Operation> FindOperation(const json& document, const std::string& operation_id,
                                        const std::string& document_uri) {
  auto paths = document.find("paths");
  if (paths != document.end() && paths->is_object()) {
    for (const auto& [path, item] : paths->items()) {
      if (!item.is_object()) continue;
      for (const char* method : kMethods) {
        auto operation = item.find(method);
        if (operation == item.end() || !operation->is_object()) continue;
        auto id = operation->find("operationId");
        if (id != operation->end() && *id == operation_id) {
          return Operation{path, method, &item, &*operation};
        }
      }
    }
  }
  return absl::NotFoundError(
      absl::StrCat("no operation with operationId \"", operation_id, "\" in ", document_uri));
}

// "scheme://authority" of `uri`, or "" when it has none.
std::string Origin(const std::string& uri) {
  const size_t scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return "";
  const size_t path_start = uri.find('/', scheme_end + 3);
  return uri.substr(0, path_start);
}

absl::StatusOr<std::string> BaseUrl(const json& document, const Operation& operation,
                                    const std::string& document_uri) {
  std::string base;
  if (document.contains("swagger")) {
    const std::string origin = Origin(document_uri);
    std::string scheme = origin.substr(0, origin.find("://"));
    if (auto schemes = document.find("schemes");
        schemes != document.end() && schemes->is_array() && !schemes->empty()) {
      scheme = ScalarText(schemes->front());
    }
    std::string host = document.value("host", "");
    if (host.empty() && !origin.empty()) host = origin.substr(origin.find("://") + 3);
    if (host.empty() || (scheme != "http" && scheme != "https")) {
      return absl::InvalidArgumentError(
          "the document gives no http(s) host: set `host` and `schemes` in it, or fetch it over "
          "http from its server");
    }
    base = absl::StrCat(scheme, "://", host, document.value("basePath", ""));
  } else {
    const json* servers = nullptr;
    for (const json* holder : {operation.operation, operation.path_item, &document}) {
      auto found = holder->find("servers");
      if (found != holder->end() && found->is_array() && !found->empty()) {
        servers = &*found;
        break;
      }
    }
    base = servers != nullptr ? (*servers)[0].value("url", "/") : "/";
    if (servers != nullptr) {
      if (auto variables = (*servers)[0].find("variables"); variables != (*servers)[0].end()) {
        for (const auto& [name, variable] : variables->items()) {
          const std::string value = variable.is_object() ? variable.value("default", "") : "";
          base = absl::StrReplaceAll(base, {{absl::StrCat("{", name, "}"), value}});
        }
      }
    }
    if (base.find("://") == std::string::npos) {
      const std::string origin = Origin(document_uri);
      if (!absl::StartsWith(origin, "http")) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the document's server URL \"", base,
            "\" is relative and the document is not fetched over http: give an absolute "
            "servers[0].url in it"));
      }
      base = absl::StrCat(origin, absl::StartsWith(base, "/") ? "" : "/", base);
    }
  }
  while (absl::EndsWith(base, "/")) base.pop_back();
  return base;
}

}  // namespace

absl::StatusOr<json> OpenApiHttpCall(const json& document, const std::string& document_uri,
                                     const std::string& operation_id, const json& parameters) {
  if (!document.is_object() || (!document.contains("openapi") && !document.contains("swagger"))) {
    return absl::InvalidArgumentError(absl::StrCat(
        document_uri, " is not an OpenAPI document (no `openapi` or `swagger` version)"));
  }
  absl::StatusOr<Operation> operation = FindOperation(document, operation_id, document_uri);
  if (!operation.ok()) return operation.status();
  absl::StatusOr<std::string> base = BaseUrl(document, *operation, document_uri);
  if (!base.ok()) return base.status();
  const json given = parameters.is_object() ? parameters : json::object();

  // Operation-level declarations override path-level ones of the same name and place.
  std::vector<const json*> declared;
  for (const json* holder : {operation->path_item, operation->operation}) {
    auto list = holder->find("parameters");
    if (list == holder->end() || !list->is_array()) continue;
    for (const json& entry : *list) {
      absl::StatusOr<const json*> parameter = Resolve(document, entry);
      if (!parameter.ok()) return parameter.status();
      if (!(*parameter)->is_object()) continue;
      std::erase_if(declared, [&](const json* seen) {
        return seen->value("name", "") == (*parameter)->value("name", "") &&
               seen->value("in", "") == (*parameter)->value("in", "");
      });
      declared.push_back(*parameter);
    }
  }

  std::string path = operation->path;
  json query = json::object(), headers = json::object(), form = json::object();
  std::vector<std::string> cookies;
  std::optional<json> body;
  std::set<std::string> used;
  for (const json* parameter : declared) {
    const std::string name = parameter->value("name", "");
    const std::string in = parameter->value("in", "");
    used.insert(name);
    auto value = given.find(name);
    const bool present = value != given.end() && !value->is_null();
    if (!present) {
      if (in == "path" || parameter->value("required", false)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the operation ", operation_id, " needs the ", in, " parameter \"", name, "\""));
      }
      continue;
    }
    if (in != "body" && in != "query" && in != "formData" &&
        (value->is_object() || value->is_array())) {
      return absl::InvalidArgumentError(absl::StrCat("the ", in, " parameter \"", name,
                                                     "\" must be a string, number or boolean"));
    }
    if (in == "path") {
      path = absl::StrReplaceAll(
          path, {{absl::StrCat("{", name, "}"), activities::PercentEncode(ScalarText(*value))}});
    } else if (in == "query") {
      query[name] = *value;
    } else if (in == "header") {
      headers[name] = ScalarText(*value);
    } else if (in == "cookie") {
      cookies.push_back(absl::StrCat(name, "=", activities::PercentEncode(ScalarText(*value))));
    } else if (in == "body") {
      body = *value;
    } else if (in == "formData") {
      form[name] = *value;
    }
  }
  if (path.find('{') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("the path ", operation->path, " of ",
                                                   operation_id,
                                                   " has a variable no parameter declares"));
  }
  if (!cookies.empty()) headers["Cookie"] = absl::StrJoin(cookies, "; ");

  std::string content_type = "application/json";
  if (auto request_body = operation->operation->find("requestBody");
      request_body != operation->operation->end()) {
    absl::StatusOr<const json*> resolved = Resolve(document, *request_body);
    if (!resolved.ok()) return resolved.status();
    if (auto named = given.find("body"); named != given.end() && !used.contains("body")) {
      body = *named;
    } else {
      json rest = json::object();
      for (const auto& [name, value] : given.items()) {
        if (!used.contains(name)) rest[name] = value;
      }
      if (!rest.empty()) body = std::move(rest);
    }
    if (!body && (*resolved)->value("required", false)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the operation ", operation_id, " needs a request body: give `body`"));
    }
    if (auto content = (*resolved)->find("content"); content != (*resolved)->end() &&
                                                     content->is_object() && !content->empty() &&
                                                     !content->contains("application/json")) {
      content_type = content->begin().key();
    }
  } else if (!form.empty()) {
    body = std::move(form);
    content_type = "application/x-www-form-urlencoded";
  } else {
    for (const json* holder : {operation->operation, &document}) {
      auto consumes = holder->find("consumes");
      if (consumes != holder->end() && consumes->is_array() && !consumes->empty()) {
        content_type = ScalarText(consumes->front());
        break;
      }
    }
  }

  json with = {{"method", absl::AsciiStrToUpper(operation->method)},
               {"endpoint", {{"uri", absl::StrCat(*base, path)}}},
               {"query", std::move(query)}};
  if (body) {
    with["body"] = *std::move(body);
    headers["Content-Type"] = content_type;
  }
  with["headers"] = std::move(headers);
  return with;
}

}  // namespace stigmer::workflow
