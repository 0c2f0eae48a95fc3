#include "src/agent/providers/tyk/normalize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace gov::agent::tyk {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

NormalizedApi Normalize(const json& def, const json& oas = nullptr) {
  absl::StatusOr<NormalizedApi> api = NormalizeTykApi(def, oas);
  EXPECT_TRUE(api.ok()) << api.status();
  return api.ok() ? *std::move(api) : NormalizedApi{};
}

// ---------------------------------------------------------------- classic definitions

TEST(NormalizeClassic, MapsEveryField) {
  const json def = json::parse(R"({
    "id": "5a4f1c029764510001dbc3f1",
    "api_id": "6b6c9fc301614e607c591e4af785c465",
    "org_id": "580defdbe1d21e0001c67e5c",
    "name": "Sales Demo API",
    "slug": "sales-demo-api",
    "description": "Sales figures",
    "domain": "sales.example.com",
    "tags": ["edge", "eu"],
    "is_oas": false,
    "active": false,
    "internal": true,
    "protocol": "HTTPS",
    "use_keyless": false,
    "use_standard_auth": true,
    "enable_jwt": true,
    "proxy": {"listen_path": "/sales/", "target_url": "http://sales.internal:8080"},
    "version_data": {"not_versioned": false,
                     "versions": {"v2": {"name": "v2"}, "v1": {"name": "v1"}}}
  })");
  const NormalizedApi api = Normalize(def);
  EXPECT_EQ(api.external_id, "6b6c9fc301614e607c591e4af785c465");
  EXPECT_EQ(api.name, "Sales Demo API");
  EXPECT_EQ(api.description, "Sales figures");
  EXPECT_THAT(api.versions, ElementsAre("v1", "v2"));
  EXPECT_EQ(api.listen_path, "/sales/");
  EXPECT_EQ(api.upstream_url, "http://sales.internal:8080");
  EXPECT_EQ(api.protocol, "https");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("authToken", "jwt"));
  EXPECT_FALSE(api.active);
  EXPECT_TRUE(api.internal);
  EXPECT_TRUE(api.oas_document.is_null());
  EXPECT_EQ(api.definition, def);
  EXPECT_EQ(api.extra, json::parse(R"({
    "org_id": "580defdbe1d21e0001c67e5c", "domain": "sales.example.com",
    "tags": ["edge", "eu"], "slug": "sales-demo-api", "is_oas": false,
    "dashboard_id": "5a4f1c029764510001dbc3f1"})"));
  EXPECT_TRUE(api.error.empty());
}

TEST(NormalizeClassic, MinimalDefinitionUsesDefaults) {
  const NormalizedApi api = Normalize(json{{"api_id", "1"}});
  EXPECT_EQ(api.external_id, "1");
  EXPECT_EQ(api.name, "");
  EXPECT_THAT(api.versions, IsEmpty());
  EXPECT_EQ(api.protocol, "http");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("authToken"));  // Tyk's classic default
  EXPECT_TRUE(api.active);
  EXPECT_FALSE(api.internal);
  EXPECT_EQ(api.extra, json::object());
}

TEST(NormalizeClassic, FallsBackToDashboardIdWithoutApiId) {
  EXPECT_EQ(Normalize(json{{"id", "db1"}, {"api_id", ""}}).external_id, "db1");
  EXPECT_EQ(Normalize(json{{"name", "no ids"}}).external_id, "");
}

TEST(NormalizeClassic, WrongTypesAreTreatedAsAbsent) {
  const NormalizedApi api = Normalize(json::parse(
      R"({"api_id": 7, "id": "db7", "name": ["x"], "proxy": "nope", "active": "yes",
          "use_keyless": 1, "tags": "edge", "version_data": []})"));
  EXPECT_EQ(api.external_id, "db7");
  EXPECT_EQ(api.name, "");
  EXPECT_EQ(api.listen_path, "");
  EXPECT_TRUE(api.active);
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("authToken"));
  EXPECT_EQ(api.extra, json({{"dashboard_id", "db7"}}));
}

struct AuthCase {
  std::string flags;  // JSON members merged into a classic definition
  std::vector<std::string> expected;
};

void PrintTo(const AuthCase& c, std::ostream* os) { *os << "{" << c.flags << "}"; }

class ClassicAuth : public ::testing::TestWithParam<AuthCase> {};

TEST_P(ClassicAuth, MatchesWhatTheGatewayEnforces) {
  json def = json::parse("{" + GetParam().flags + "}");
  def["api_id"] = "x";
  EXPECT_EQ(ClassicAuthMechanisms(def), GetParam().expected) << GetParam().flags;
  EXPECT_EQ(Normalize(def).auth_mechanisms, GetParam().expected) << GetParam().flags;
}

INSTANTIATE_TEST_SUITE_P(
    Flags, ClassicAuth,
    ::testing::Values(
        AuthCase{R"("use_keyless": true)", {"keyless"}},
        // Keyless wins: the Gateway builds no auth middleware for a keyless API.
        AuthCase{R"("use_keyless": true, "enable_jwt": true, "use_standard_auth": true)",
                 {"keyless"}},
        AuthCase{R"("use_keyless": true, "use_mutual_tls_auth": true)", {"keyless", "mtls"}},
        AuthCase{R"("use_standard_auth": true)", {"authToken"}},
        AuthCase{R"("enable_jwt": true)", {"jwt"}}, AuthCase{R"("use_oauth2": true)", {"oauth2"}},
        AuthCase{R"("use_basic_auth": true)", {"basic"}},
        AuthCase{R"("enable_signature_checking": true)", {"hmac"}},
        AuthCase{R"("use_openid": true)", {"openid"}},
        AuthCase{R"("external_oauth": {"enabled": true})", {"externalOAuth"}},
        AuthCase{R"("external_oauth": {"enabled": false})", {"authToken"}},
        AuthCase{R"("enable_coprocess_auth": true)", {"customPlugin"}},
        AuthCase{R"("use_go_plugin_auth": true)", {"customPlugin"}},
        AuthCase{R"("custom_plugin_auth_enabled": true)", {"customPlugin"}},
        AuthCase{R"("enable_coprocess_auth": true,
                    "custom_middleware": {"auth_check": {"name": "a", "disabled": true}})",
                 {"authToken"}},
        // mTLS alone: the Gateway still adds the token check (no other auth middleware).
        AuthCase{R"("use_mutual_tls_auth": true)", {"authToken", "mtls"}},
        AuthCase{R"("use_mutual_tls_auth": true, "enable_jwt": true)", {"jwt", "mtls"}},
        AuthCase{R"("use_standard_auth": true, "enable_jwt": true, "use_basic_auth": true)",
                 {"authToken", "basic", "jwt"}},
        AuthCase{R"("use_keyless": false, "use_standard_auth": false, "enable_jwt": false)",
                 {"authToken"}},
        AuthCase{"", {"authToken"}}));

TEST(NormalizeClassic, Versions) {
  auto versions = [](const std::string& version_json) {
    return Normalize(json::parse(R"({"api_id":"v",)" + version_json + "}")).versions;
  };
  EXPECT_THAT(versions(R"("version_data":{"not_versioned":true,"versions":{"Default":{}}})"),
              IsEmpty());
  EXPECT_THAT(versions(R"("version_data":{"not_versioned":true,"versions":{}})"), IsEmpty());
  EXPECT_THAT(versions(R"("version_data":{"not_versioned":false,"versions":{"Default":{}}})"),
              ElementsAre("Default"));
  EXPECT_THAT(versions(R"("version_data":{"not_versioned":true,"versions":{"v1":{}}})"),
              ElementsAre("v1"));
  EXPECT_THAT(
      versions(
          R"("version_data":{"not_versioned":false,"versions":{"v2":{},"Default":{},"v1":{}}})"),
      ElementsAre("Default", "v1", "v2"));
  // Tyk 5 base API with child versions.
  EXPECT_THAT(versions(R"("definition":{"enabled":true,"name":"v1","versions":{"v2":"child-id"}},
                          "version_data":{"not_versioned":true,"versions":{"Default":{}}})"),
              ElementsAre("v1", "v2"));
}

TEST(NormalizeClassic, Protocols) {
  auto protocol = [](const std::string& members) {
    return Normalize(json::parse(R"({"api_id":"p")" + members + "}")).protocol;
  };
  EXPECT_EQ(protocol(""), "http");
  EXPECT_EQ(protocol(R"(,"protocol":"")"), "http");
  EXPECT_EQ(protocol(R"(,"protocol":"h2c")"), "h2c");
  EXPECT_EQ(protocol(R"(,"protocol":"tls")"), "tls");
  EXPECT_EQ(protocol(R"(,"graphql":{"enabled":true},"protocol":"https")"), "graphql");
  EXPECT_EQ(protocol(R"(,"graphql":{"enabled":false},"protocol":"https")"), "https");
}

TEST(NormalizeClassic, ListenPortOnlyForTcpProxies) {
  EXPECT_EQ(Normalize(json::parse(R"({"api_id":"t","protocol":"tcp","listen_port":6380})")).extra,
            json::parse(R"({"listen_port":6380})"));
  EXPECT_EQ(Normalize(json::parse(R"({"api_id":"t","protocol":"tls","listen_port":6443})")).extra,
            json::parse(R"({"listen_port":6443})"));
  EXPECT_EQ(Normalize(json::parse(R"({"api_id":"t","protocol":"tcp","listen_port":0})")).extra,
            json::object());
  EXPECT_EQ(Normalize(json::parse(R"({"api_id":"h","protocol":"http","listen_port":8081})")).extra,
            json::object());
}

// ---------------------------------------------------------------- Tyk OAS documents

json OasDoc() {
  return json::parse(R"json({
    "openapi": "3.0.3",
    "info": {"title": "Pets (title)", "version": "1.0.0", "description": "All the pets"},
    "paths": {},
    "components": {"securitySchemes": {
      "token": {"type": "apiKey", "in": "header", "name": "X-Key"},
      "jwtAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
      "basicAuth": {"type": "http", "scheme": "basic"},
      "oauth": {"type": "oauth2", "flows": {}},
      "ext": {"type": "oauth2", "flows": {}}
    }},
    "security": [{"token": []}, {"jwtAuth": []}],
    "x-tyk-api-gateway": {
      "info": {"id": "pets-1", "dbId": "64f0", "orgId": "org9", "name": "Pets",
               "state": {"active": false, "internal": true},
               "versioning": {"enabled": true, "name": "v1", "default": "v1",
                              "versions": [{"name": "v2", "id": "pets-2"},
                                           {"name": "v3", "id": "pets-3"}]}},
      "upstream": {"url": "http://pets.internal"},
      "server": {
        "listenPath": {"value": "/pets/", "strip": true},
        "customDomain": {"enabled": true, "name": "pets.example.com"},
        "gatewayTags": {"enabled": true, "tags": ["edge"]},
        "authentication": {"enabled": true, "securitySchemes": {
          "token": {"enabled": true}, "jwtAuth": {"enabled": true}}}
      }
    }
  })json");
}

TEST(NormalizeOas, MapsEveryField) {
  const json classic = json::parse(R"({"api_id": "pets-1", "id": "64f0", "name": "Pets",
    "is_oas": true, "slug": "pets", "use_keyless": true,
    "proxy": {"listen_path": "/classic-view/", "target_url": "http://classic"}})");
  const NormalizedApi api = Normalize(classic, OasDoc());
  EXPECT_EQ(api.external_id, "pets-1");
  EXPECT_EQ(api.name, "Pets");
  EXPECT_EQ(api.description, "All the pets");
  EXPECT_THAT(api.versions, ElementsAre("v1", "v2", "v3"));
  EXPECT_EQ(api.listen_path, "/pets/");
  EXPECT_EQ(api.upstream_url, "http://pets.internal");
  EXPECT_EQ(api.protocol, "http");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("authToken", "jwt"));
  EXPECT_FALSE(api.active);
  EXPECT_TRUE(api.internal);
  EXPECT_EQ(api.oas_document, OasDoc());
  EXPECT_EQ(api.definition, classic);
  EXPECT_EQ(api.extra, json::parse(R"({"org_id": "org9", "domain": "pets.example.com",
    "tags": ["edge"], "slug": "pets", "is_oas": true, "dashboard_id": "64f0"})"));
}

TEST(NormalizeOas, IdStaysTheClassicApiIdWithOrWithoutTheDocument) {
  json oas = OasDoc();
  oas["x-tyk-api-gateway"]["info"]["id"] = "something-else";
  const json classic = {{"api_id", "pets-1"}, {"is_oas", true}};
  EXPECT_EQ(Normalize(classic, oas).external_id, "pets-1");
  EXPECT_EQ(Normalize(classic).external_id, "pets-1");
}

TEST(NormalizeOas, DocumentAloneIsEnough) {
  const NormalizedApi api = Normalize(nullptr, OasDoc());
  EXPECT_EQ(api.external_id, "pets-1");
  EXPECT_EQ(api.name, "Pets");
  EXPECT_TRUE(api.definition.is_null());
  EXPECT_EQ(api.extra["dashboard_id"], "64f0");
}

TEST(NormalizeOas, NameFallsBackToTitle) {
  json oas = OasDoc();
  oas["x-tyk-api-gateway"]["info"].erase("name");
  EXPECT_EQ(Normalize(nullptr, oas).name, "Pets (title)");
  EXPECT_EQ(Normalize(json{{"name", "Classic name"}}, oas).name, "Classic name");
}

TEST(NormalizeOas, VersioningDisabledOrAbsentMeansNoVersions) {
  json oas = OasDoc();
  oas["x-tyk-api-gateway"]["info"]["versioning"]["enabled"] = false;
  EXPECT_THAT(Normalize(nullptr, oas).versions, IsEmpty());
  oas["x-tyk-api-gateway"]["info"].erase("versioning");
  EXPECT_THAT(Normalize(nullptr, oas).versions, IsEmpty());
}

TEST(NormalizeOas, StateDefaultsFromClassicThenTrue) {
  json oas = OasDoc();
  oas["x-tyk-api-gateway"]["info"].erase("state");
  EXPECT_TRUE(Normalize(nullptr, oas).active);
  EXPECT_FALSE(Normalize(nullptr, oas).internal);
  EXPECT_FALSE(Normalize(json{{"active", false}}, oas).active);
}

// Sets x-tyk-api-gateway.server.authentication (or removes it for null) and returns the
// mechanisms.
std::vector<std::string> OasAuth(const json& authentication, const json& security = nullptr,
                                 bool client_certificates = false) {
  json oas = OasDoc();
  json& server = oas["x-tyk-api-gateway"]["server"];
  if (authentication.is_null()) {
    server.erase("authentication");
  } else {
    server["authentication"] = authentication;
  }
  if (!security.is_null()) oas["security"] = security;
  if (client_certificates) server["clientCertificates"] = {{"enabled", true}};
  EXPECT_EQ(Normalize(nullptr, oas).auth_mechanisms, OasAuthMechanisms(oas));
  return OasAuthMechanisms(oas);
}

TEST(NormalizeOas, AuthMechanisms) {
  // Tyk OAS APIs are open unless authentication is configured.
  EXPECT_THAT(OasAuth(nullptr), ElementsAre("keyless"));
  EXPECT_THAT(
      OasAuth(json{{"enabled", false}, {"securitySchemes", {{"token", {{"enabled", true}}}}}}),
      ElementsAre("keyless"));
  EXPECT_THAT(OasAuth(nullptr, nullptr, true), ElementsAre("keyless", "mtls"));
  // Enabled schemes, typed by components.securitySchemes.
  EXPECT_THAT(OasAuth(json::parse(R"({"enabled": true, "securitySchemes": {
                  "token": {"enabled": true}, "jwtAuth": {"enabled": false}}})")),
              ElementsAre("authToken"));
  EXPECT_THAT(OasAuth(json::parse(R"({"enabled": true, "securitySchemes": {
                  "basicAuth": {"enabled": true}, "oauth": {"enabled": true},
                  "ext": {"enabled": true, "providers": [{"jwt": {"enabled": true}}]}}})"),
                      json::parse(R"([{"basicAuth": [], "oauth": []}, {"ext": []}])")),
              ElementsAre("basic", "externalOAuth", "oauth2"));
  // A scheme no security requirement uses, or one missing from components, is ignored;
  // with nothing left the Gateway falls back to the auth token.
  EXPECT_THAT(OasAuth(json::parse(R"({"enabled": true, "securitySchemes": {
                  "basicAuth": {"enabled": true}, "ghost": {"enabled": true}}})"),
                      json::parse(R"([{"ghost": []}])")),
              ElementsAre("authToken"));
  EXPECT_THAT(OasAuth(json{{"enabled", true}}), ElementsAre("authToken"));
  EXPECT_THAT(OasAuth(json::parse(R"({"enabled": true, "hmac": {"enabled": true},
                  "oidc": {"enabled": true}, "custom": {"enabled": true}})")),
              ElementsAre("customPlugin", "hmac", "openid"));
  EXPECT_THAT(OasAuth(json::parse(R"({"enabled": true, "securitySchemes": {
                  "jwtAuth": {"enabled": true}}})"),
                      nullptr, true),
              ElementsAre("jwt", "mtls"));
}

TEST(NormalizeOas, DocumentWithoutTykExtensionUsesTheClassicDefinition) {
  const json plain = json::parse(R"({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}})");
  const json classic = json::parse(
      R"({"api_id": "c", "name": "Classic", "enable_jwt": true, "proxy": {"listen_path": "/c/"}})");
  const NormalizedApi api = Normalize(classic, plain);
  EXPECT_EQ(api.name, "Classic");
  EXPECT_EQ(api.listen_path, "/c/");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("jwt"));
  EXPECT_EQ(api.oas_document, plain);
}

TEST(NormalizeTykApi, RejectsNonObjects) {
  EXPECT_EQ(NormalizeTykApi(json::array(), nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(NormalizeTykApi(json::array(), nullptr).status().ToString(),
              HasSubstr("api_definition is an array, not an object"));
  EXPECT_THAT(NormalizeTykApi(json::object(), "text").status().ToString(),
              HasSubstr("OAS document is a string, not an object"));
  EXPECT_FALSE(NormalizeTykApi(nullptr, nullptr).ok());
  EXPECT_THAT(NormalizeTykApi(nullptr, json{{"x-tyk-api-gateway", 3}}).status().ToString(),
              HasSubstr("x-tyk-api-gateway is a number, not an object"));
}

// ---------------------------------------------------------------- real Gateway fixtures

const std::filesystem::path kFixtures = GOV_TYK_FIXTURES_DIR;

json ReadFixture(const std::string& name) {
  std::ifstream in(kFixtures / name);
  EXPECT_TRUE(in.good()) << (kFixtures / name);
  return json::parse(in);
}

class TykFixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kFixtures)) {
      GTEST_SKIP() << "Tyk Gateway fixtures not found at " << kFixtures;
    }
  }
};

TEST_F(TykFixtures, ClassicSampleWithNoAuthFlagIsTokenProtected) {
  const NormalizedApi api = Normalize(ReadFixture("apps_app_sample.json"));
  EXPECT_EQ(api.external_id, "1");
  EXPECT_EQ(api.name, "Tyk Test API");
  EXPECT_EQ(api.listen_path, "/tyk-api-test/");
  EXPECT_EQ(api.upstream_url, "http://httpbin.org");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("authToken"));
  EXPECT_THAT(api.versions, IsEmpty());
  EXPECT_EQ(api.protocol, "http");
  EXPECT_TRUE(api.active);
  EXPECT_EQ(api.extra, json({{"org_id", "default"}}));
}

TEST_F(TykFixtures, KnownClassicDefinitions) {
  struct Expect {
    std::string file, id, name, listen_path;
    std::vector<std::string> auth;
  };
  const std::vector<Expect> cases = {
      {"ci_tests_error-overrides_apps_test-amf-jwt.json",
       "test-amf-jwt",
       "Test AMF - JWT Field Missing",
       "/test-amf-jwt/",
       {"jwt"}},
      {"ci_tests_error-overrides_apps_test-amf-basicauth.json",
       "test-amf-basicauth",
       "Test AMF - Basic Auth Field Missing",
       "/test-amf-basicauth/",
       {"basic"}},
      {"ci_tests_error-overrides_apps_test-aki-oauth.json",
       "test-aki-oauth",
       "Test AKI - OAuth Key Not Found",
       "/test-aki-oauth/",
       {"oauth2"}},
      {"apps_coprocess_app_sample_protected.json",
       "4",
       "Tyk Test API (Coprocess auth)",
       "/coprocess-auth-tyk-api-test/",
       {"customPlugin"}},
      {"ci_tests_tracing_apps_tykprotocol.json", "2", "TykProtocol", "/tykprotocol/", {"keyless"}},
      {"tests_regression_testdata_issue-12865.json",
       "c88e2d8ed982400469a2d1738f055902",
       "test",
       "/test/",
       {"authToken"}},
  };
  for (const Expect& e : cases) {
    const NormalizedApi api = Normalize(ReadFixture(e.file));
    EXPECT_EQ(api.external_id, e.id) << e.file;
    EXPECT_EQ(api.name, e.name) << e.file;
    EXPECT_EQ(api.listen_path, e.listen_path) << e.file;
    EXPECT_EQ(api.auth_mechanisms, e.auth) << e.file;
    EXPECT_TRUE(api.active) << e.file;
  }
}

TEST_F(TykFixtures, VersionedKeylessApi) {
  const NormalizedApi api = Normalize(ReadFixture("ci_tests_tracing_apps_versioned.json"));
  EXPECT_EQ(api.external_id, "6");
  EXPECT_EQ(api.name, "VersionedAPI");
  EXPECT_EQ(api.listen_path, "/versioned/");
  EXPECT_THAT(api.versions, ElementsAre("Default", "v1"));
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("keyless"));
}

TEST_F(TykFixtures, GraphqlApiExportedByTheDashboard) {
  const NormalizedApi api =
      Normalize(ReadFixture("ci_tests_tracing_apps_test-graphql-tracing.json"));
  EXPECT_EQ(api.external_id, "8c9f7ac1848e463942c90c4781ca13d0");
  EXPECT_EQ(api.name, "Test Graphql Tracing");
  EXPECT_EQ(api.protocol, "graphql");
  EXPECT_EQ(api.listen_path, "/test-graphql-tracing/");
  EXPECT_EQ(api.upstream_url, "https://countries.trevorblades.com/");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("keyless"));
  EXPECT_TRUE(api.active);
  EXPECT_FALSE(api.internal);
  EXPECT_EQ(api.extra, json::parse(R"({"org_id": "6495413e7217232b4a9127d2",
    "slug": "test-graphql-tracing", "dashboard_id": "64be29f27217230c0ac74eaa"})"));
}

TEST_F(TykFixtures, ApiWithCustomDomain) {
  const NormalizedApi api =
      Normalize(ReadFixture("tests_regression_testdata_issue-11806-api-with-domain.json"));
  EXPECT_EQ(api.external_id, "deadbeefce7c2b0001a066e1");
  EXPECT_EQ(api.name, "api3");
  EXPECT_EQ(api.extra, json({{"domain", "example.com"}}));
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("keyless"));
}

TEST_F(TykFixtures, MultiAuthOasApiAgreesWithItsClassicView) {
  const json classic = ReadFixture("ci_tests_tracing_apps_test-multiauth.json");
  const json oas = ReadFixture("ci_tests_tracing_apps_test-multiauth-oas.json");
  const NormalizedApi from_classic = Normalize(classic);
  const NormalizedApi from_oas = Normalize(classic, oas);
  for (const NormalizedApi* api : {&from_classic, &from_oas}) {
    EXPECT_EQ(api->external_id, "multiauth-test-api");
    EXPECT_EQ(api->name, "MultiAuthTestAPI");
    EXPECT_EQ(api->listen_path, "/test-multiauth/");
    EXPECT_EQ(api->upstream_url, "http://httpbin.org/");
    EXPECT_THAT(api->auth_mechanisms, ElementsAre("authToken", "jwt"));
    EXPECT_EQ(api->extra["is_oas"], true);
  }
  EXPECT_EQ(from_oas.oas_document, oas);
}

TEST_F(TykFixtures, McpOasApiWithAuthenticationDisabledIsKeyless) {
  const json classic = ReadFixture("ci_tests_metrics_apps_test-mcpapi.json");
  const json oas = ReadFixture("ci_tests_metrics_apps_test-mcpapi-mcp.json");
  const NormalizedApi api = Normalize(classic, oas);
  EXPECT_EQ(api.external_id, "mcp-1");
  EXPECT_EQ(api.name, "TestMCPAPI");
  EXPECT_EQ(api.listen_path, "/mcp/");
  EXPECT_EQ(api.upstream_url, "http://mcp-server:3001/mcp");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("keyless"));
  EXPECT_THAT(Normalize(classic).auth_mechanisms, ElementsAre("keyless"));
}

TEST_F(TykFixtures, StandaloneOasDocument) {
  const NormalizedApi api = Normalize(nullptr, ReadFixture("apidef_oas_testdata_urlRewrite.json"));
  EXPECT_EQ(api.external_id, "3659a8b96b2b43c64a0b0b0e86788edd");
  EXPECT_EQ(api.name, "test_url_rewrite");
  EXPECT_EQ(api.listen_path, "/test_url_rewrite/");
  EXPECT_EQ(api.upstream_url, "http://httpbin.org/");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("keyless"));
  EXPECT_EQ(api.extra, json::parse(R"({"org_id": "646490d486341f29c665c45c",
    "is_oas": true, "dashboard_id": "65a7a01b86341f3d8d2c7f16"})"));
}

// Every API definition (classic or OAS) in the fixture set normalizes, with the basics
// every API must have. Files that are not APIs (URL-rewrite fragments, policies) are left
// out by shape: an API is a classic definition (api_id/proxy) or an OpenAPI document.
TEST_F(TykFixtures, EveryApiFileNormalizes) {
  int apis = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".json") continue;
    const std::string file = entry.path().filename().string();
    const json doc = ReadFixture(file);
    const bool is_oas = doc.is_object() && doc.contains("openapi");
    const bool is_classic = doc.is_object() && (doc.contains("api_id") || doc.contains("proxy"));
    if (!is_oas && !is_classic) continue;
    ++apis;
    absl::StatusOr<NormalizedApi> api =
        is_oas ? NormalizeTykApi(nullptr, doc) : NormalizeTykApi(doc, nullptr);
    ASSERT_TRUE(api.ok()) << file << ": " << api.status();
    EXPECT_FALSE(api->name.empty()) << file;
    EXPECT_FALSE(api->auth_mechanisms.empty()) << file;
    EXPECT_TRUE(std::is_sorted(api->auth_mechanisms.begin(), api->auth_mechanisms.end())) << file;
    EXPECT_FALSE(api->protocol.empty()) << file;
    if (is_classic) {
      // One Gateway test file has no id at all; the provider skips such an API.
      EXPECT_EQ(api->external_id, doc.value("api_id", doc.value("id", ""))) << file;
      EXPECT_EQ(api->listen_path, doc.value("/proxy/listen_path"_json_pointer, "")) << file;
      EXPECT_FALSE(api->listen_path.empty()) << file;
    }
  }
  EXPECT_GE(apis, 80);
}

}  // namespace
}  // namespace gov::agent::tyk
