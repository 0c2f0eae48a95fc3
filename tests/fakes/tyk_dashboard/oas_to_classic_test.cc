#include "tests/fakes/tyk_dashboard/oas_to_classic.h"

#include <gtest/gtest.h>

#include <string>

namespace gov::fake {
namespace {

// A Tyk OAS document with the given `x-tyk-api-gateway.server.authentication`, OpenAPI
// `security` and `components.securitySchemes`.
Json Doc(const char* authentication, const char* security = "[]", const char* schemes = "{}") {
  Json doc = Json::parse(R"({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
    "paths": {}, "x-tyk-api-gateway": {"info": {"name": "Accounts", "orgId": "org1",
      "state": {"active": true}}, "upstream": {"url": "http://up"},
      "server": {"listenPath": {"value": "/accounts/", "strip": true}}}})");
  doc["x-tyk-api-gateway"]["server"]["authentication"] = Json::parse(authentication);
  doc["security"] = Json::parse(security);
  doc["components"]["securitySchemes"] = Json::parse(schemes);
  return doc;
}

constexpr char kApiKeyScheme[] = R"({"key": {"type": "apiKey", "in": "header", "name": "X-Key"}})";

TEST(OasToClassicTest, InfoUpstreamAndListenPathMapToClassicFields) {
  Json def = ClassicFromTykOas(Doc(R"({"enabled": false})"), "acc-1", "db1");
  EXPECT_EQ(def["api_id"], "acc-1");
  EXPECT_EQ(def["id"], "db1");
  EXPECT_EQ(def["name"], "Accounts");
  EXPECT_EQ(def["org_id"], "org1");
  EXPECT_EQ(def["is_oas"], true);
  EXPECT_EQ(def["active"], true);
  EXPECT_EQ(def["internal"], false);
  EXPECT_EQ(def["proxy"]["listen_path"], "/accounts/");
  EXPECT_EQ(def["proxy"]["target_url"], "http://up");
  EXPECT_EQ(def["proxy"]["strip_listen_path"], true);
  EXPECT_EQ(def["protocol"], "");
  EXPECT_EQ(def["version_data"]["not_versioned"], true);
  EXPECT_EQ(def["version_definition"]["enabled"], false);
  EXPECT_TRUE(def["version_definition"]["versions"].is_null());
}

TEST(OasToClassicTest, DisabledOrMissingAuthenticationIsKeyless) {
  Json doc = Doc("{}");
  doc["x-tyk-api-gateway"]["server"].erase("authentication");
  EXPECT_EQ(ClassicFromTykOas(doc, "a", "d")["use_keyless"], true);
  EXPECT_EQ(ClassicFromTykOas(Doc(R"({"enabled": false})"), "a", "d")["use_keyless"], true);
}

TEST(OasToClassicTest, ApiKeySchemeIsTheAuthToken) {
  Json def =
      ClassicFromTykOas(Doc(R"({"enabled": true, "securitySchemes": {"key": {"enabled": true}}})",
                            R"([{"key": []}])", kApiKeyScheme),
                        "a", "d");
  EXPECT_EQ(def["use_keyless"], false);
  EXPECT_EQ(def["use_standard_auth"], true);
  EXPECT_EQ(def["auth_configs"]["authToken"]["name"], "key");
  EXPECT_EQ(def["auth_configs"]["authToken"]["auth_header_name"], "X-Key");
  EXPECT_EQ(def["enable_jwt"], false);
}

TEST(OasToClassicTest, SchemeNotRequiredBySecurityIsNotExtracted) {
  Json def =
      ClassicFromTykOas(Doc(R"({"enabled": true, "securitySchemes": {"key": {"enabled": true}}})",
                            "[]", kApiKeyScheme),
                        "a", "d");
  EXPECT_EQ(def["use_standard_auth"], false);
  EXPECT_FALSE(def["auth_configs"].contains("authToken"));
}

TEST(OasToClassicTest, JwtBasicAndOauthSchemes) {
  Json def =
      ClassicFromTykOas(Doc(R"({"enabled": true, "securitySchemes": {
             "jwt": {"enabled": true, "signingMethod": "rsa", "source": "https://idp/jwks",
                     "identityBaseField": "sub", "defaultPolicies": ["p1"]},
             "basic": {"enabled": true},
             "oauth": {"enabled": true, "allowedAuthorizeTypes": ["code"], "refreshToken": true,
                       "authLoginRedirect": "https://login"}}})",
                            R"([{"jwt": [], "basic": [], "oauth": []}])",
                            R"({"jwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
              "basic": {"type": "http", "scheme": "basic"},
              "oauth": {"type": "oauth2", "flows": {}}})"),
                        "a", "d");
  EXPECT_EQ(def["enable_jwt"], true);
  EXPECT_EQ(def["jwt_signing_method"], "rsa");
  EXPECT_EQ(def["jwt_source"], "https://idp/jwks");
  EXPECT_EQ(def["jwt_default_policies"], Json::array({"p1"}));
  EXPECT_EQ(def["use_basic_auth"], true);
  EXPECT_EQ(def["use_oauth2"], true);
  EXPECT_EQ(def["oauth_meta"]["allowed_authorize_types"], Json::array({"code"}));
  EXPECT_EQ(def["oauth_meta"]["allowed_access_types"],
            Json::array({"authorization_code", "refresh_token"}));
  EXPECT_EQ(def["oauth_meta"]["auth_login_redirect"], "https://login");
  EXPECT_EQ(def["external_oauth"]["enabled"], false);
}

TEST(OasToClassicTest, OauthSchemeWithProvidersIsExternalOauth) {
  Json def = ClassicFromTykOas(
      Doc(R"({"enabled": true, "securitySchemes": {"ext": {"enabled": true, "providers": [
             {"jwt": {"enabled": true, "signingMethod": "rsa", "identityBaseField": "sub"}}]}}})",
          R"([{"ext": []}])", R"({"ext": {"type": "oauth2", "flows": {}}})"),
      "a", "d");
  EXPECT_EQ(def["use_oauth2"], false);
  EXPECT_EQ(def["external_oauth"]["enabled"], true);
  EXPECT_EQ(def["external_oauth"]["providers"][0]["jwt"]["signing_method"], "rsa");
  EXPECT_EQ(def["external_oauth"]["providers"][0]["jwt"]["identity_base_field"], "sub");
}

TEST(OasToClassicTest, TykOnlyMechanismsHmacOidcCustomAndMutualTls) {
  Json doc = Doc(R"({"enabled": true,
      "hmac": {"enabled": true, "allowedAlgorithms": ["hmac-sha256"], "allowedClockSkew": 500},
      "oidc": {"enabled": true, "segregateByClientId": true, "providers": [{"issuer": "https://i",
               "clientToPolicyMapping": [{"clientId": "web", "policyId": "pol"}]}]},
      "custom": {"enabled": true}})");
  doc["x-tyk-api-gateway"]["server"]["clientCertificates"] =
      Json::parse(R"({"enabled": true, "allowlist": ["cert-1"]})");
  Json def = ClassicFromTykOas(doc, "a", "d");
  EXPECT_EQ(def["enable_signature_checking"], true);
  EXPECT_EQ(def["hmac_allowed_algorithms"], Json::array({"hmac-sha256"}));
  EXPECT_EQ(def["hmac_allowed_clock_skew"], 500);
  EXPECT_EQ(def["use_openid"], true);
  EXPECT_EQ(def["openid_options"]["segregate_by_client"], true);
  EXPECT_EQ(def["openid_options"]["providers"][0]["issuer"], "https://i");
  // base64("web") = "d2Vi"
  EXPECT_EQ(def["openid_options"]["providers"][0]["client_ids"]["d2Vi"], "pol");
  EXPECT_EQ(def["custom_plugin_auth_enabled"], true);
  EXPECT_EQ(def["use_mutual_tls_auth"], true);
  EXPECT_EQ(def["client_certificates"], Json::array({"cert-1"}));
}

TEST(OasToClassicTest, LegacyModeExtractsOnlyTheFirstRequirement) {
  const char* auth = R"({"enabled": true, "baseIdentityProvider": "auth_token",
      "securitySchemes": {"key": {"enabled": true}, "jwt": {"enabled": true}}})";
  const char* schemes = R"({"key": {"type": "apiKey", "in": "header", "name": "X-Key"},
      "jwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}})";
  Json def = ClassicFromTykOas(Doc(auth, R"([{"key": []}, {"jwt": []}])", schemes), "a", "d");
  EXPECT_EQ(def["use_standard_auth"], true);
  EXPECT_EQ(def["enable_jwt"], false);
  EXPECT_EQ(def["base_identity_provided_by"], "auth_token");
  EXPECT_EQ(def["security_requirements"], Json::parse(R"([["key"], ["jwt"]])"));

  Json compliant = Json::parse(auth);
  compliant["securityProcessingMode"] = "compliant";
  def = ClassicFromTykOas(Doc(compliant.dump().c_str(), R"([{"key": []}, {"jwt": []}])", schemes),
                          "a", "d");
  EXPECT_EQ(def["use_standard_auth"], true);
  EXPECT_EQ(def["enable_jwt"], true);
}

TEST(OasToClassicTest, ServerSettingsAndVersioning) {
  Json doc = Doc(R"({"enabled": false})");
  Json& x = doc["x-tyk-api-gateway"];
  x["server"]["protocol"] = "tcp";
  x["server"]["port"] = 7001;
  x["server"]["gatewayTags"] = Json::parse(R"({"enabled": true, "tags": ["edge", "eu"]})");
  x["server"]["customDomain"] = Json::parse(R"({"enabled": true, "name": "api.example.com"})");
  x["info"]["state"]["internal"] = true;
  x["info"]["state"]["active"] = false;
  x["info"]["versioning"] = Json::parse(R"({"enabled": true, "name": "v1", "default": "v1",
      "location": "header", "key": "x-api-version", "versions": [{"name": "v2", "id": "c2"}]})");
  Json def = ClassicFromTykOas(doc, "a", "d");
  EXPECT_EQ(def["protocol"], "tcp");
  EXPECT_EQ(def["listen_port"], 7001);
  EXPECT_EQ(def["tags"], Json::array({"edge", "eu"}));
  EXPECT_EQ(def["tags_disabled"], false);
  EXPECT_EQ(def["domain"], "api.example.com");
  EXPECT_EQ(def["internal"], true);
  EXPECT_EQ(def["active"], false);
  EXPECT_EQ(def["version_definition"]["enabled"], true);
  EXPECT_EQ(def["version_definition"]["location"], "header");
  EXPECT_EQ(def["version_definition"]["key"], "x-api-version");
  EXPECT_EQ(def["version_definition"]["versions"]["v2"], "c2");
}

}  // namespace
}  // namespace gov::fake
