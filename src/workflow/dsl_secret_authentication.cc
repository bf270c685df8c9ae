#include "workflow/dsl_secret_authentication.h"

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/json_limits.h"
#include "workflow/dsl_authentication.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

bool DeclaredSecret(const Json& document, const std::string& name) {
  const Json::json_pointer declared("/use/secrets");
  if (!document.contains(declared) || !document[declared].is_array()) return false;
  for (const Json& secret : document[declared]) {
    if (secret == name) return true;
  }
  return false;
}

// What the secret of scheme `scheme` holds, as a --secret value.
std::string ExampleValue(const std::string& scheme) {
  if (scheme == "basic") return R"('{"username": "…", "password": "…"}')";
  if (scheme == "bearer") return R"('{"token": "…"}')";
  return R"('{"authority": "…", "grant": "client_credentials", "client": {"id": "…", "secret": "…"}}')";
}

durable::WorkflowError Invalid(std::string detail) {
  return durable::StandardError("configuration", "Invalid authentication", std::move(detail), "");
}

// The secret's value as a JSON object, or nullopt (never saying why: a parse error quotes text).
std::optional<nlohmann::json> SecretObject(const nlohmann::json& value) {
  if (value.is_object()) return value;
  if (!value.is_string()) return std::nullopt;
  absl::StatusOr<nlohmann::json> parsed =
      ParseJsonBounded(value.get_ref<const std::string&>(), "the secret");
  if (!parsed.ok() || !parsed->is_object()) return std::nullopt;
  return *std::move(parsed);
}

}  // namespace

void ValidateSecretBasedScheme(ValidationContext& context, const Json& scheme,
                               const std::string& name, const std::string& pointer) {
  context.RejectUnknownMembers(scheme, pointer, {"use"});
  const std::string use_pointer = JsonPointerAppend(pointer, "use");
  if (!context.ExpectString(scheme["use"], use_pointer)) return;
  const std::string& secret = scheme["use"].get_ref<const std::string&>();
  if (secret.empty()) {
    context.Report(use_pointer, "must name a secret of use.secrets");
  } else if (!DeclaredSecret(context.document(), secret)) {
    context.Report(use_pointer,
                   absl::StrCat("the secret \"", secret, "\" of this `", name,
                                "` authentication is not declared: add it to use.secrets "
                                "(use: {secrets: [",
                                secret, "]}) so that a run without it is refused at its start"));
  }
}

std::optional<durable::WorkflowError> UseSecretAuthentication(nlohmann::json& policy,
                                                              const nlohmann::json& secrets) {
  if (!policy.is_object() || policy.size() != 1) return std::nullopt;
  const std::string scheme = policy.begin().key();
  const nlohmann::json& settings = policy.begin().value();
  auto use = settings.is_object() ? settings.find("use") : settings.end();
  if (use == settings.end() || !use->is_string()) return std::nullopt;
  const std::string name = use->get<std::string>();

  auto given = secrets.is_object() ? secrets.find(name) : secrets.end();
  if (given == secrets.end()) {
    return durable::StandardError(
        "authorization", "Missing secret",
        absl::StrCat("the ", scheme, " authentication uses the secret \"", name,
                     "\" and the run was not given it: run it with --secret ", name, "=",
                     ExampleValue(scheme)),
        "");
  }
  std::optional<nlohmann::json> members = SecretObject(*given);
  if (!members) {
    return Invalid(absl::StrCat("the secret \"", name, "\" of the ", scheme,
                                " authentication is not a JSON object: give it as --secret ", name,
                                "=", ExampleValue(scheme)));
  }
  if (members->contains("use")) {
    return Invalid(absl::StrCat("the secret \"", name, "\" of the ", scheme,
                                " authentication holds `use`: it must hold the settings "
                                "themselves, such as ",
                                ExampleValue(scheme)));
  }

  // The same checks as the scheme's inline settings at apply.
  const Json checked = {{scheme, Json(*members)}};
  const Json no_document = Json::object();
  ValidationContext context(no_document);
  ValidateAuthenticationPolicy(context, checked, "");
  std::vector<std::string> problems;
  const std::string prefix = absl::StrCat("/", scheme);
  for (const ValidationProblem& problem : context.TakeProblems()) {
    const std::string member =
        absl::StartsWith(problem.pointer, prefix) ? problem.pointer.substr(prefix.size()) : "";
    problems.push_back(member.empty() ? problem.message
                                      : absl::StrCat("at ", member, ": ", problem.message));
  }
  if (!problems.empty()) {
    return Invalid(absl::StrCat("the secret \"", name, "\" of the ", scheme,
                                " authentication: ", absl::StrJoin(problems, "; ")));
  }
  policy = {{scheme, *std::move(members)}};
  return std::nullopt;
}

}  // namespace stigmer::workflow
