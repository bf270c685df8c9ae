#include "workflow/dsl_authentication.h"

#include "absl/strings/str_cat.h"
#include "activities/http_request.h"
#include "workflow/dsl_oauth2.h"
#include "workflow/dsl_secret_authentication.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kUnsupportedSchemes[] = {"digest", "certificate"};

// The name an `endpoint.authentication` reference gives ("name" or {use: name}); "" otherwise.
std::string ReferencedName(const Json& authentication) {
  if (authentication.is_string()) return authentication.get<std::string>();
  if (authentication.is_object() && authentication.size() == 1 && authentication.contains("use") &&
      authentication["use"].is_string()) {
    return authentication["use"].get<std::string>();
  }
  return "";
}

void ValidateScheme(ValidationContext& context, const Json& scheme, const std::string& name,
                    const std::string& pointer) {
  if (!context.ExpectObject(scheme, pointer)) return;
  if (scheme.contains("use")) {
    ValidateSecretBasedScheme(context, scheme, name, pointer);
    return;
  }
  auto require_string = [&](const char* key) {
    if (context.Require(scheme, pointer, key)) {
      context.ExpectString(scheme[key], JsonPointerAppend(pointer, key));
    }
  };
  if (name == "basic") {
    context.RejectUnknownMembers(scheme, pointer, {"username", "password"});
    require_string("username");
    require_string("password");
  } else {
    context.RejectUnknownMembers(scheme, pointer, {"token"});
    require_string("token");
  }
}

}  // namespace

void ValidateAuthenticationPolicy(ValidationContext& context, const Json& policy,
                                  const std::string& pointer) {
  if (!context.ExpectObject(policy, pointer)) return;
  int schemes = 0;
  for (const auto& [name, scheme] : policy.items()) {
    const std::string member = JsonPointerAppend(pointer, name);
    ++schemes;
    if (name == "basic" || name == "bearer") {
      ValidateScheme(context, scheme, name, member);
      continue;
    }
    if (name == "oauth2" || name == "oidc") {
      ValidateOAuth2Scheme(context, scheme, name, member);
      continue;
    }
    bool known = false;
    for (const char* unsupported : kUnsupportedSchemes) known = known || name == unsupported;
    context.Report(member, known
                               ? activities::UnsupportedAuthenticationMessage(name)
                               : absl::StrCat("unknown authentication scheme \"", name,
                                              "\" (stigmer runs basic, bearer, oauth2 and oidc)"));
  }
  if (schemes != 1) {
    context.Report(pointer,
                   "must hold exactly one authentication scheme (basic, bearer, oauth2 or oidc)");
  }
}

void ValidateEndpointAuthentication(ValidationContext& context, const Json& authentication,
                                    const std::string& pointer) {
  const std::string name = ReferencedName(authentication);
  if (!name.empty() || authentication.is_string()) {
    if (ResolveAuthentication(context.document(), authentication) == nullptr) {
      context.Report(pointer,
                     absl::StrCat("no authentication named \"", name, "\" in use.authentications"));
    }
    return;
  }
  if (!authentication.is_object()) {
    context.Report(pointer,
                   "must be an authentication policy or the name of one in use.authentications");
    return;
  }
  ValidateAuthenticationPolicy(context, authentication, pointer);
}

const Json* ResolveAuthentication(const Json& document, const Json& authentication) {
  const std::string name = ReferencedName(authentication);
  if (name.empty()) return authentication.is_object() ? &authentication : nullptr;
  auto use = document.find("use");
  if (use == document.end() || !use->is_object()) return nullptr;
  auto policies = use->find("authentications");
  if (policies == use->end() || !policies->is_object()) return nullptr;
  auto policy = policies->find(name);
  return policy == policies->end() ? nullptr : &*policy;
}

}  // namespace stigmer::workflow
