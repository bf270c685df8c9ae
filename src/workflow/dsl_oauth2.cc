#include "workflow/dsl_oauth2.h"

#include "absl/strings/str_cat.h"
#include "workflow/dsl_secret_authentication.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

void ExpectStringList(ValidationContext& context, const Json& object, const std::string& pointer,
                      const char* key) {
  if (!object.contains(key)) return;
  const Json& list = object[key];
  bool ok = list.is_array();
  for (const Json& item : list) ok = ok && item.is_string();
  if (!ok) context.Report(JsonPointerAppend(pointer, key), "must be a list of strings");
}

void ExpectOptionalString(ValidationContext& context, const Json& object,
                          const std::string& pointer, const char* key) {
  if (object.contains(key)) context.ExpectString(object[key], JsonPointerAppend(pointer, key));
}

}  // namespace

void ValidateOAuth2Scheme(ValidationContext& context, const Json& scheme, const std::string& name,
                          const std::string& pointer) {
  if (!context.ExpectObject(scheme, pointer)) return;
  if (scheme.contains("use")) {
    ValidateSecretBasedScheme(context, scheme, name, pointer);
    return;
  }
  context.RejectUnknownMembers(scheme, pointer,
                               {"authority", "endpoints", "grant", "client", "request", "issuers",
                                "scopes", "audiences", "username", "password", "subject", "actor"});
  if (context.Require(scheme, pointer, "authority")) {
    context.ExpectString(scheme["authority"], JsonPointerAppend(pointer, "authority"));
  }
  if (context.Require(scheme, pointer, "grant") &&
      context.ExpectString(scheme["grant"], JsonPointerAppend(pointer, "grant"))) {
    const std::string& grant = scheme["grant"].get_ref<const std::string&>();
    if (grant != "client_credentials" && grant != "password") {
      context.Report(JsonPointerAppend(pointer, "grant"),
                     absl::StrCat("the `", grant,
                                  "` grant is not supported: stigmer requests tokens with "
                                  "client_credentials or password"));
    } else if (grant == "password") {
      for (const char* key : {"username", "password"}) {
        if (context.Require(scheme, pointer, key)) {
          context.ExpectString(scheme[key], JsonPointerAppend(pointer, key));
        }
      }
    }
  }
  if (scheme.contains("client")) {
    const std::string client_pointer = JsonPointerAppend(pointer, "client");
    const Json& client = scheme["client"];
    if (context.ExpectObject(client, client_pointer)) {
      context.RejectUnknownMembers(client, client_pointer,
                                   {"id", "secret", "assertion", "authentication"});
      ExpectOptionalString(context, client, client_pointer, "id");
      ExpectOptionalString(context, client, client_pointer, "secret");
      if (client.contains("authentication")) {
        const Json& method = client["authentication"];
        if (method != "client_secret_post" && method != "client_secret_basic" && method != "none") {
          context.Report(JsonPointerAppend(client_pointer, "authentication"),
                         "must be client_secret_post, client_secret_basic or none (stigmer "
                         "signs no JWT assertions)");
        }
      }
    }
  }
  if (scheme.contains("request")) {
    const std::string request_pointer = JsonPointerAppend(pointer, "request");
    const Json& request = scheme["request"];
    if (context.ExpectObject(request, request_pointer) && request.contains("encoding") &&
        request["encoding"] != "application/x-www-form-urlencoded" &&
        request["encoding"] != "application/json") {
      context.Report(JsonPointerAppend(request_pointer, "encoding"),
                     "must be application/x-www-form-urlencoded or application/json");
    }
  }
  if (scheme.contains("endpoints")) {
    const std::string endpoints_pointer = JsonPointerAppend(pointer, "endpoints");
    if (name == "oidc") {
      context.Report(endpoints_pointer,
                     "oidc finds its endpoints in the authority's "
                     "/.well-known/openid-configuration; use oauth2 to name them");
    } else if (context.ExpectObject(scheme["endpoints"], endpoints_pointer)) {
      context.RejectUnknownMembers(scheme["endpoints"], endpoints_pointer,
                                   {"token", "revocation", "introspection"});
      ExpectOptionalString(context, scheme["endpoints"], endpoints_pointer, "token");
    }
  }
  for (const char* key : {"scopes", "audiences", "issuers"}) {
    ExpectStringList(context, scheme, pointer, key);
  }
}

}  // namespace stigmer::workflow
