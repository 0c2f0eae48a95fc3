#include "tests/fakes/tyk_dashboard/oas_to_classic.h"

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"

namespace gov::fake {
namespace {

const Json& Null() {
  static const Json kNull;
  return kNull;
}

// The member `key` of `j`, or null when `j` is no object or lacks it.
const Json& At(const Json& j, const char* key) {
  if (!j.is_object()) return Null();
  auto it = j.find(key);
  return it == j.end() ? Null() : *it;
}

bool Flag(const Json& j) { return j.is_boolean() && j.get<bool>(); }

std::string Str(const Json& j) { return j.is_string() ? j.get<std::string>() : std::string(); }

Json StringList(const Json& j) {
  Json out = Json::array();
  if (!j.is_array()) return out;
  for (const Json& v : j) {
    if (v.is_string()) out.push_back(v);
  }
  return out;
}

// "identityBaseField" -> "identity_base_field", the classic spelling.
std::string SnakeCase(const std::string& camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c)) != 0) {
      out.push_back('_');
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Json SnakeCaseKeys(const Json& j) {
  if (j.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : j.items()) out[SnakeCase(k)] = SnakeCaseKeys(v);
    return out;
  }
  if (j.is_array()) {
    Json out = Json::array();
    for (const Json& v : j) out.push_back(SnakeCaseKeys(v));
    return out;
  }
  return j;
}

// An auth_configs entry from an OAS auth-source block ({header, query, cookie}).
Json AuthConfig(const std::string& name, const Json& tyk_scheme, const Json& oas_scheme) {
  Json config = Json::object();
  config["name"] = name;
  const Json& header = At(tyk_scheme, "header");
  std::string header_name = Str(At(header, "name"));
  bool header_on = header.is_object() ? Flag(At(header, "enabled")) : true;
  // An apiKey scheme in the OpenAPI components names the header, query or cookie.
  const std::string in = Str(At(oas_scheme, "in"));
  const std::string oas_name = Str(At(oas_scheme, "name"));
  if (in == "header" && header_name.empty()) {
    header_name = oas_name;
    header_on = true;
  }
  config["disable_header"] = !header_on;
  config["auth_header_name"] = header_name;
  const Json& query = At(tyk_scheme, "query");
  config["use_param"] = Flag(At(query, "enabled")) || in == "query";
  config["param_name"] =
      !Str(At(query, "name")).empty() ? Str(At(query, "name")) : (in == "query" ? oas_name : "");
  const Json& cookie = At(tyk_scheme, "cookie");
  config["use_cookie"] = Flag(At(cookie, "enabled")) || in == "cookie";
  config["cookie_name"] =
      !Str(At(cookie, "name")).empty() ? Str(At(cookie, "name")) : (in == "cookie" ? oas_name : "");
  return config;
}

// The security scheme names whose configuration the Gateway extracts.
std::vector<std::vector<std::string>> RequirementsToProcess(const Json& oas, const Json& auth) {
  std::vector<std::vector<std::string>> out;
  auto names_of = [](const Json& requirement) {
    std::vector<std::string> names;
    if (requirement.is_object()) {
      for (const auto& [name, scopes] : requirement.items()) names.push_back(name);
    }
    return names;
  };
  const Json& security = At(oas, "security");
  const bool compliant = Str(At(auth, "securityProcessingMode")) == "compliant";
  if (compliant) {
    if (security.is_array()) {
      for (const Json& requirement : security) out.push_back(names_of(requirement));
    }
    const Json& vendor = At(auth, "security");
    if (vendor.is_array()) {
      for (const Json& requirement : vendor) {
        std::vector<std::string> names;
        if (requirement.is_array()) {
          for (const Json& n : requirement) {
            if (n.is_string()) names.push_back(n.get<std::string>());
          }
        }
        out.push_back(names);
      }
    }
    return out;
  }
  const bool has_schemes =
      At(auth, "securitySchemes").is_object() && !At(auth, "securitySchemes").empty();
  if (security.is_array() && !security.empty() && (Flag(At(auth, "enabled")) || has_schemes)) {
    out.push_back(names_of(security[0]));
  }
  return out;
}

void ExtractSecuritySchemes(const Json& oas, const Json& auth, Json& def, Json& auth_configs) {
  const Json& components = At(At(oas, "components"), "securitySchemes");
  const Json& tyk_schemes = At(auth, "securitySchemes");
  for (const std::vector<std::string>& requirement : RequirementsToProcess(oas, auth)) {
    for (const std::string& name : requirement) {
      const Json& scheme = At(components, name.c_str());
      if (!scheme.is_object()) continue;  // a Tyk-only scheme name (hmac, custom, ...)
      const Json& tyk = At(tyk_schemes, name.c_str());
      const std::string type = Str(At(scheme, "type"));
      const std::string http_scheme = Str(At(scheme, "scheme"));
      if (type == "apiKey") {
        def["use_standard_auth"] = Flag(At(tyk, "enabled"));
        auth_configs["authToken"] = AuthConfig(name, tyk, scheme);
      } else if (type == "http" && http_scheme == "bearer" &&
                 Str(At(scheme, "bearerFormat")) == "JWT") {
        def["enable_jwt"] = Flag(At(tyk, "enabled"));
        def["jwt_signing_method"] = Str(At(tyk, "signingMethod"));
        def["jwt_source"] = Str(At(tyk, "source"));
        def["jwt_identity_base_field"] = Str(At(tyk, "identityBaseField"));
        def["jwt_policy_field_name"] = Str(At(tyk, "policyFieldName"));
        def["jwt_default_policies"] = StringList(At(tyk, "defaultPolicies"));
        auth_configs["jwt"] = AuthConfig(name, tyk, Null());
      } else if (type == "http" && http_scheme == "basic") {
        def["use_basic_auth"] = Flag(At(tyk, "enabled"));
        auth_configs["basic"] = AuthConfig(name, tyk, Null());
      } else if (type == "oauth2") {
        if (!tyk.is_object()) continue;
        const Json& providers = At(tyk, "providers");
        if (providers.is_array() && !providers.empty()) {
          def["external_oauth"] =
              Json{{"enabled", Flag(At(tyk, "enabled"))}, {"providers", SnakeCaseKeys(providers)}};
          auth_configs["externalOAuth"] = AuthConfig(name, tyk, Null());
        } else {
          def["use_oauth2"] = Flag(At(tyk, "enabled"));
          Json access_types = Json::array({"authorization_code"});
          if (Flag(At(tyk, "refreshToken"))) access_types.push_back("refresh_token");
          def["oauth_meta"] =
              Json{{"allowed_access_types", access_types},
                   {"allowed_authorize_types", StringList(At(tyk, "allowedAuthorizeTypes"))},
                   {"auth_login_redirect", Str(At(tyk, "authLoginRedirect"))}};
          auth_configs["oauth"] = AuthConfig(name, tyk, Null());
        }
      }
    }
  }
  // Several requirements: the classic definition records them all.
  const Json& security = At(oas, "security");
  if (security.is_array() && security.size() > 1) {
    Json requirements = Json::array();
    for (const Json& requirement : security) {
      Json names = Json::array();
      if (requirement.is_object()) {
        for (const auto& [name, scopes] : requirement.items()) names.push_back(name);
      }
      requirements.push_back(names);
    }
    def["security_requirements"] = requirements;
  }
}

void ExtractAuthentication(const Json& oas, const Json& server, Json& def) {
  const Json& auth = At(server, "authentication");
  def["use_keyless"] = !Flag(At(auth, "enabled"));
  def["use_standard_auth"] = false;
  def["use_basic_auth"] = false;
  def["enable_jwt"] = false;
  def["use_oauth2"] = false;
  def["use_openid"] = false;
  def["enable_signature_checking"] = false;
  def["custom_plugin_auth_enabled"] = false;
  def["external_oauth"] = Json{{"enabled", false}, {"providers", Json::array()}};
  def["strip_auth_data"] = Flag(At(auth, "stripAuthorizationData"));
  def["base_identity_provided_by"] = Str(At(auth, "baseIdentityProvider"));
  Json auth_configs = Json::object();

  if (const Json& hmac = At(auth, "hmac"); hmac.is_object()) {
    def["enable_signature_checking"] = Flag(At(hmac, "enabled"));
    def["hmac_allowed_algorithms"] = StringList(At(hmac, "allowedAlgorithms"));
    def["hmac_allowed_clock_skew"] =
        At(hmac, "allowedClockSkew").is_number() ? At(hmac, "allowedClockSkew") : Json(0);
    auth_configs["hmac"] = AuthConfig("hmac", hmac, Null());
  }
  if (const Json& oidc = At(auth, "oidc"); oidc.is_object()) {
    def["use_openid"] = Flag(At(oidc, "enabled"));
    Json providers = Json::array();
    if (At(oidc, "providers").is_array()) {
      for (const Json& p : At(oidc, "providers")) {
        Json client_ids = Json::object();
        if (At(p, "clientToPolicyMapping").is_array()) {
          for (const Json& m : At(p, "clientToPolicyMapping")) {
            // Classic keys are base64 client ids, as the Gateway writes them.
            client_ids[absl::Base64Escape(Str(At(m, "clientId")))] = Str(At(m, "policyId"));
          }
        }
        providers.push_back(Json{{"issuer", Str(At(p, "issuer"))}, {"client_ids", client_ids}});
      }
    }
    def["openid_options"] = Json{{"providers", providers},
                                 {"segregate_by_client", Flag(At(oidc, "segregateByClientId"))}};
    auth_configs["oidc"] = AuthConfig("oidc", oidc, Null());
  }
  if (const Json& custom = At(auth, "custom"); custom.is_object()) {
    def["custom_plugin_auth_enabled"] = Flag(At(custom, "enabled"));
    auth_configs["coprocess"] = AuthConfig("coprocess", custom, Null());
  }
  ExtractSecuritySchemes(oas, auth, def, auth_configs);
  def["auth_configs"] = auth_configs;

  const Json& certs = At(server, "clientCertificates");
  def["use_mutual_tls_auth"] = Flag(At(certs, "enabled"));
  def["client_certificates"] = StringList(At(certs, "allowlist"));
}

Json VersionDefinition(const Json& versioning) {
  Json versions = Json();  // a Go nil map: null
  if (At(versioning, "versions").is_array() && !At(versioning, "versions").empty()) {
    versions = Json::object();
    for (const Json& v : At(versioning, "versions"))
      versions[Str(At(v, "name"))] = Str(At(v, "id"));
  }
  return Json{{"enabled", Flag(At(versioning, "enabled"))},
              {"name", Str(At(versioning, "name"))},
              {"default", Str(At(versioning, "default"))},
              {"location", Str(At(versioning, "location"))},
              {"key", Str(At(versioning, "key"))},
              {"strip_versioning_data", Flag(At(versioning, "stripVersioningData"))},
              {"url_versioning_pattern", Str(At(versioning, "urlVersioningPattern"))},
              {"fallback_to_default", Flag(At(versioning, "fallbackToDefault"))},
              {"versions", versions}};
}

}  // namespace

Json ClassicFromTykOas(const Json& oas, const std::string& api_id, const std::string& db_id) {
  const Json& x = At(oas, "x-tyk-api-gateway");
  const Json& info = At(x, "info");
  const Json& server = At(x, "server");
  const Json& state = At(info, "state");

  Json def = Json::object();
  def["id"] = db_id;
  std::string name = Str(At(info, "name"));
  if (name.empty()) name = Str(At(At(oas, "info"), "title"));
  def["name"] = name;
  def["api_id"] = api_id;
  def["org_id"] = Str(At(info, "orgId"));
  def["is_oas"] = true;
  def["active"] = Flag(At(state, "active"));
  def["internal"] = Flag(At(state, "internal"));
  if (!Str(At(info, "expiration")).empty()) def["expiration"] = Str(At(info, "expiration"));

  ExtractAuthentication(oas, server, def);

  const Json& listen_path = At(server, "listenPath");
  def["proxy"] = Json{{"listen_path", Str(At(listen_path, "value"))},
                      {"target_url", Str(At(At(x, "upstream"), "url"))},
                      {"strip_listen_path", Flag(At(listen_path, "strip"))}};
  def["protocol"] = Str(At(server, "protocol"));
  def["listen_port"] = At(server, "port").is_number_integer() ? At(server, "port") : Json(0);

  const Json& tags = At(server, "gatewayTags");
  def["tags_disabled"] = tags.is_object() && !Flag(At(tags, "enabled"));
  def["tags"] = StringList(At(tags, "tags"));
  const Json& domain = At(server, "customDomain");
  def["domain_disabled"] = domain.is_object() && !Flag(At(domain, "enabled"));
  def["domain"] = Str(At(domain, "name"));
  def["certificates"] = StringList(At(domain, "certificates"));

  def["version_definition"] = VersionDefinition(At(info, "versioning"));
  // The Gateway's Info.ExtractTo marks every OAS API as not versioned in version_data,
  // with one unnamed version: OAS versions are separate APIs.
  def["version_data"] = Json{
      {"not_versioned", true}, {"default_version", ""}, {"versions", Json{{"", Json::object()}}}};
  return def;
}

}  // namespace gov::fake
