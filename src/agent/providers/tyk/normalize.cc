#include "src/agent/providers/tyk/normalize.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace gov::agent::tyk {
namespace {

using nlohmann::json;

// The value at `path` inside `root`, or nullptr when a step is missing or not an object.
const json* Find(const json& root, std::initializer_list<const char*> path) {
  const json* cur = &root;
  for (const char* key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

// A string field; empty when absent or not a string.
std::string Str(const json& root, std::initializer_list<const char*> path) {
  const json* v = Find(root, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

std::optional<bool> Bool(const json& root, std::initializer_list<const char*> path) {
  const json* v = Find(root, path);
  if (v == nullptr || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

bool Flag(const json& root, std::initializer_list<const char*> path) {
  return Bool(root, path).value_or(false);
}

// "a string", "an array", ... for messages.
std::string Kind(const json& value) {
  const std::string name = value.type_name();
  return absl::StrCat(name == "array" || name == "object" ? "an " : "a ", name);
}

std::string FirstNonEmpty(std::initializer_list<std::string> values) {
  for (const std::string& v : values) {
    if (!v.empty()) return v;
  }
  return std::string();
}

// Non-empty strings of an array field, in order.
std::vector<std::string> Strings(const json& root, std::initializer_list<const char*> path) {
  std::vector<std::string> out;
  const json* v = Find(root, path);
  if (v == nullptr || !v->is_array()) return out;
  for (const json& item : *v) {
    if (item.is_string() && !item.get_ref<const std::string&>().empty()) {
      out.push_back(item.get<std::string>());
    }
  }
  return out;
}

void AppendUnique(std::vector<std::string>& out, const std::string& value) {
  if (!value.empty() && std::find(out.begin(), out.end(), value) == out.end()) {
    out.push_back(value);
  }
}

// Classic versions: the Tyk 5 "base + child APIs" versioning (definition.enabled) when on,
// otherwise the keys of version_data.versions, except that an unversioned API whose only
// version is "Default" has none.
std::vector<std::string> ClassicVersions(const json& def) {
  std::vector<std::string> out;
  if (Flag(def, {"definition", "enabled"})) {
    AppendUnique(out, Str(def, {"definition", "name"}));
    if (const json* children = Find(def, {"definition", "versions"});
        children != nullptr && children->is_object()) {
      for (const auto& [name, id] : children->items()) AppendUnique(out, name);
    }
    return out;
  }
  const json* versions = Find(def, {"version_data", "versions"});
  if (versions == nullptr || !versions->is_object()) return out;
  for (const auto& [name, body] : versions->items()) AppendUnique(out, name);
  if (Flag(def, {"version_data", "not_versioned"}) &&
      std::all_of(out.begin(), out.end(), [](const std::string& v) { return v == "Default"; })) {
    out.clear();
  }
  return out;
}

// OAS versions: info.versioning when enabled (the base name, then each listed version).
std::vector<std::string> OasVersions(const json& x) {
  std::vector<std::string> out;
  if (!Flag(x, {"info", "versioning", "enabled"})) return out;
  AppendUnique(out, Str(x, {"info", "versioning", "name"}));
  if (const json* list = Find(x, {"info", "versioning", "versions"});
      list != nullptr && list->is_array()) {
    for (const json& item : *list) AppendUnique(out, Str(item, {"name"}));
  }
  return out;
}

// The auth mechanism a components.securitySchemes entry stands for, as the Tyk Gateway
// reads it (apiKey -> token, http bearer JWT -> jwt, http basic -> basic, oauth2 -> Tyk
// OAuth, or external OAuth when the Tyk side lists identity providers). Empty: unknown.
std::string OasSchemeMechanism(const json& scheme, const json& tyk_scheme) {
  const std::string type = Str(scheme, {"type"});
  if (type == "apiKey") return "authToken";
  if (type == "http") {
    const std::string http_scheme = absl::AsciiStrToLower(Str(scheme, {"scheme"}));
    if (http_scheme == "basic") return "basic";
    if (http_scheme == "bearer" && Str(scheme, {"bearerFormat"}) == "JWT") return "jwt";
    return std::string();
  }
  if (type == "oauth2") {
    return Find(tyk_scheme, {"providers"}) != nullptr ? "externalOAuth" : "oauth2";
  }
  return std::string();
}

// Names used by the document's top-level `security` requirements.
std::set<std::string> RequiredSchemeNames(const json& oas) {
  std::set<std::string> names;
  const json* security = Find(oas, {"security"});
  if (security == nullptr || !security->is_array()) return names;
  for (const json& requirement : *security) {
    if (!requirement.is_object()) continue;
    for (const auto& [name, scopes] : requirement.items()) names.insert(name);
  }
  return names;
}

std::optional<int64_t> ListenPort(const json& def, const json& x) {
  for (const json* v : {Find(x, {"server", "port"}), Find(def, {"listen_port"})}) {
    if (v != nullptr && v->is_number_integer() && v->get<int64_t>() > 0) {
      return v->get<int64_t>();
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> ClassicAuthMechanisms(const json& def) {
  std::set<std::string> out;
  // Static mTLS is checked by its own middleware, keyless or not.
  if (Flag(def, {"use_mutual_tls_auth"})) out.insert("mtls");
  if (Flag(def, {"use_keyless"})) {
    // A keyless API gets no authentication middleware at all, whatever else is set.
    out.insert("keyless");
    return {out.begin(), out.end()};
  }
  bool any = false;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    out.insert(name);
    any = true;
  };
  add(Flag(def, {"use_oauth2"}), "oauth2");
  add(Flag(def, {"external_oauth", "enabled"}), "externalOAuth");
  add(Flag(def, {"use_basic_auth"}), "basic");
  add(Flag(def, {"enable_signature_checking"}), "hmac");
  add(Flag(def, {"enable_jwt"}), "jwt");
  add(Flag(def, {"use_openid"}), "openid");
  const bool custom = Flag(def, {"custom_plugin_auth_enabled"}) ||
                      Flag(def, {"use_go_plugin_auth"}) || Flag(def, {"enable_coprocess_auth"});
  add(custom && !Flag(def, {"custom_middleware", "auth_check", "disabled"}), "customPlugin");
  // The Gateway adds the auth token check when asked to, or when nothing else
  // authenticates a non-keyless API.
  if (Flag(def, {"use_standard_auth"}) || !any) out.insert("authToken");
  return {out.begin(), out.end()};
}

std::vector<std::string> OasAuthMechanisms(const json& oas) {
  std::set<std::string> out;
  const json empty = json::object();
  const json* x = Find(oas, {"x-tyk-api-gateway"});
  if (x == nullptr) x = &empty;  // no extension: no authentication configured
  if (Flag(*x, {"server", "clientCertificates", "enabled"})) out.insert("mtls");
  const json* auth = Find(*x, {"server", "authentication"});
  if (auth == nullptr || !auth->is_object() || !Flag(*auth, {"enabled"})) {
    out.insert("keyless");
    return {out.begin(), out.end()};
  }
  bool any = false;
  auto add = [&](const std::string& name) {
    if (name.empty()) return;
    out.insert(name);
    any = true;
  };
  const std::set<std::string> required = RequiredSchemeNames(oas);
  if (const json* schemes = Find(*auth, {"securitySchemes"});
      schemes != nullptr && schemes->is_object()) {
    for (const auto& [name, tyk_scheme] : schemes->items()) {
      if (!Flag(tyk_scheme, {"enabled"}) || required.count(name) == 0) continue;
      const json* scheme = Find(oas, {"components", "securitySchemes", name.c_str()});
      if (scheme == nullptr || !scheme->is_object()) continue;
      add(OasSchemeMechanism(*scheme, tyk_scheme));
    }
  }
  if (Flag(*auth, {"hmac", "enabled"})) add("hmac");
  if (Flag(*auth, {"oidc", "enabled"})) add("openid");
  if (Flag(*auth, {"custom", "enabled"})) add("customPlugin");
  if (!any) out.insert("authToken");
  return {out.begin(), out.end()};
}

absl::StatusOr<NormalizedApi> NormalizeTykApi(const json& definition, const json& oas_document) {
  if (!definition.is_null() && !definition.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("api_definition is ", Kind(definition), ", not an object"));
  }
  if (!oas_document.is_null() && !oas_document.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("OAS document is ", Kind(oas_document), ", not an object"));
  }
  if (definition.is_null() && oas_document.is_null()) {
    return absl::InvalidArgumentError("neither an api_definition nor an OAS document was given");
  }
  const json empty = json::object();
  const json& def = definition.is_object() ? definition : empty;
  const json& oas = oas_document.is_object() ? oas_document : empty;
  const json* x_found = Find(oas, {"x-tyk-api-gateway"});
  if (x_found != nullptr && !x_found->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("OAS document's x-tyk-api-gateway is ", Kind(*x_found), ", not an object"));
  }
  const bool tyk_oas = x_found != nullptr;
  const json& x = tyk_oas ? *x_found : empty;

  NormalizedApi api;
  // The classic ids come first so that an API keeps its id whether or not its OAS
  // document could be downloaded this time.
  api.external_id = FirstNonEmpty(
      {Str(def, {"api_id"}), Str(def, {"id"}), Str(x, {"info", "id"}), Str(x, {"info", "dbId"})});
  api.name =
      FirstNonEmpty({Str(x, {"info", "name"}), Str(def, {"name"}), Str(oas, {"info", "title"})});
  api.description = FirstNonEmpty({Str(oas, {"info", "description"}), Str(def, {"description"})});
  api.versions = tyk_oas ? OasVersions(x) : ClassicVersions(def);
  api.listen_path = FirstNonEmpty(
      {Str(x, {"server", "listenPath", "value"}), Str(def, {"proxy", "listen_path"})});
  api.upstream_url =
      FirstNonEmpty({Str(x, {"upstream", "url"}), Str(def, {"proxy", "target_url"})});
  if (Flag(def, {"graphql", "enabled"})) {
    api.protocol = "graphql";
  } else {
    api.protocol = absl::AsciiStrToLower(
        FirstNonEmpty({Str(x, {"server", "protocol"}), Str(def, {"protocol"}), "http"}));
  }
  api.auth_mechanisms = tyk_oas ? OasAuthMechanisms(oas) : ClassicAuthMechanisms(def);
  api.active = Bool(x, {"info", "state", "active"}).value_or(Bool(def, {"active"}).value_or(true));
  api.internal =
      Bool(x, {"info", "state", "internal"}).value_or(Bool(def, {"internal"}).value_or(false));
  api.definition = definition;
  api.oas_document = oas_document;

  json extra = json::object();
  if (std::string v = FirstNonEmpty({Str(x, {"info", "orgId"}), Str(def, {"org_id"})});
      !v.empty()) {
    extra["org_id"] = v;
  }
  if (std::string v =
          FirstNonEmpty({Str(x, {"server", "customDomain", "name"}), Str(def, {"domain"})});
      !v.empty()) {
    extra["domain"] = v;
  }
  std::vector<std::string> tags = Strings(x, {"server", "gatewayTags", "tags"});
  if (tags.empty()) tags = Strings(def, {"tags"});
  if (!tags.empty()) extra["tags"] = tags;
  if (std::string v = Str(def, {"slug"}); !v.empty()) extra["slug"] = v;
  if (tyk_oas) {
    extra["is_oas"] = true;
  } else if (std::optional<bool> v = Bool(def, {"is_oas"}); v.has_value()) {
    extra["is_oas"] = *v;
  }
  if (api.protocol == "tcp" || api.protocol == "tls") {
    if (std::optional<int64_t> port = ListenPort(def, x); port.has_value()) {
      extra["listen_port"] = *port;
    }
  }
  if (std::string v = FirstNonEmpty({Str(def, {"id"}), Str(x, {"info", "dbId"})}); !v.empty()) {
    extra["dashboard_id"] = v;
  }
  api.extra = std::move(extra);
  return api;
}

}  // namespace gov::agent::tyk
