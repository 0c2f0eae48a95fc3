// Tests of the OpenAPI exports the fake API Gateway synthesizes or passes through.
#include "tests/fakes/aws_apigateway/export.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/match.h"
#include "tests/fakes/aws_apigateway/test_util.h"

namespace gov::fake::aws {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::JsonEq;
using ::testing::UnorderedElementsAre;

// Every x-amazon-apigateway-* key in a document, at any depth.
std::set<std::string> ExtensionKeys(const Json& node) {
  std::set<std::string> keys;
  if (node.is_array()) {
    for (const Json& e : node) {
      for (const std::string& k : ExtensionKeys(e)) keys.insert(k);
    }
  } else if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (absl::StartsWith(key, "x-amazon-apigateway-")) keys.insert(key);
      for (const std::string& k : ExtensionKeys(value)) keys.insert(k);
    }
  }
  return keys;
}

AwsData Data(const std::string& text) {
  absl::StatusOr<AwsData> data = ParseAwsData(Json::parse(text));
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *std::move(data) : AwsData();
}

constexpr char kRest[] = R"({"restApis": [{
  "id": "a7x3k9m2qd", "name": "Orders API", "description": "Orders", "version": "2.4.0",
  "stages": [{"stageName": "prod"}],
  "authorizers": [
    {"id": "cog", "name": "ShopCustomers", "type": "COGNITO_USER_POOLS",
     "providerARNs": ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_X"]},
    {"id": "tok", "name": "TokenAuth", "type": "TOKEN",
     "authorizerUri": "arn:aws:apigateway:us-east-1:lambda:path/fn/invocations",
     "identitySource": "method.request.header.X-Token", "authorizerResultTtlInSeconds": 60},
    {"id": "unused", "name": "NeverUsed", "type": "TOKEN", "authorizerUri": "arn:u"}],
  "resources": [
    {"path": "/orders", "methods": {
      "GET": {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": "cog",
              "authorizationScopes": ["orders/read"], "operationName": "ListOrders",
              "integration": {"type": "AWS_PROXY", "httpMethod": "POST", "uri": "arn:lambda"}},
      "POST": {"authorizationType": "CUSTOM", "authorizerId": "tok", "apiKeyRequired": true}}},
    {"path": "/orders/{orderId}/items/{proxy+}", "methods": {
      "ANY": {"authorizationType": "AWS_IAM"}}}]}]})";

TEST(ExportTest, RestExportIsSynthesizedFromResourcesAndAuthorizers) {
  AwsData data = Data(kRest);
  const Json doc = ExportRestApi(data.rest_apis[0], "prod", "us-east-1",
                                 V1Extensions{.integrations = true, .authorizers = true});
  EXPECT_EQ(doc["openapi"], "3.0.1");
  EXPECT_TRUE(JsonEq(doc["info"], R"({"title": "Orders API", "description": "Orders",
                                         "version": "2.4.0"})"));
  EXPECT_TRUE(JsonEq(doc["servers"], R"([{
      "url": "https://a7x3k9m2qd.execute-api.us-east-1.amazonaws.com/{basePath}",
      "variables": {"basePath": {"default": "prod"}}}])"));

  const Json& get = doc["paths"]["/orders"]["get"];
  EXPECT_EQ(get["operationId"], "ListOrders");
  EXPECT_TRUE(JsonEq(get["security"], R"([{"ShopCustomers": ["orders/read"]}])"));
  EXPECT_EQ(get["responses"]["200"]["description"], "200 response");
  EXPECT_TRUE(JsonEq(get["x-amazon-apigateway-integration"],
                     R"({"type": "aws_proxy", "httpMethod": "POST", "uri": "arn:lambda",
                            "passthroughBehavior": "when_no_match"})"));
  const Json& post = doc["paths"]["/orders"]["post"];
  EXPECT_TRUE(JsonEq(post["security"], R"([{"TokenAuth": [], "api_key": []}])"));
  EXPECT_EQ(post["x-amazon-apigateway-integration"]["type"], "mock");

  const Json& any =
      doc["paths"]["/orders/{orderId}/items/{proxy+}"]["x-amazon-apigateway-any-method"];
  EXPECT_TRUE(JsonEq(any["security"], R"([{"sigv4": []}])"));
  ASSERT_EQ(any["parameters"].size(), 2u);
  EXPECT_TRUE(JsonEq(any["parameters"][0], R"({"name": "orderId", "in": "path",
      "required": true, "schema": {"type": "string"}})"));
  EXPECT_EQ(any["parameters"][1]["name"], "proxy");

  const Json& schemes = doc["components"]["securitySchemes"];
  std::vector<std::string> names;
  for (const auto& [name, scheme] : schemes.items()) names.push_back(name);
  EXPECT_THAT(names, UnorderedElementsAre("ShopCustomers", "TokenAuth", "api_key", "sigv4"));
  EXPECT_TRUE(JsonEq(schemes["ShopCustomers"], R"({
      "type": "apiKey", "in": "header", "name": "Authorization",
      "x-amazon-apigateway-authtype": "cognito_user_pools",
      "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools",
        "providerARNs": ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_X"]}})"));
  EXPECT_TRUE(JsonEq(schemes["TokenAuth"], R"({
      "type": "apiKey", "in": "header", "name": "X-Token",
      "x-amazon-apigateway-authtype": "custom",
      "x-amazon-apigateway-authorizer": {"type": "token",
        "authorizerUri": "arn:aws:apigateway:us-east-1:lambda:path/fn/invocations",
        "authorizerResultTtlInSeconds": 60}})"));
  EXPECT_TRUE(JsonEq(schemes["sigv4"], R"({"type": "apiKey", "name": "Authorization",
      "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"})"));
  EXPECT_TRUE(JsonEq(schemes["api_key"], R"({"type": "apiKey", "name": "x-api-key",
      "in": "header"})"));
}

TEST(ExportTest, RestExportCarriesOnlyTheAskedExtensions) {
  AwsData data = Data(kRest);
  const RestApi& api = data.rest_apis[0];
  const Json none = ExportRestApi(api, "prod", "us-east-1", V1Extensions{});
  // The ANY method's key is structure, not an extension.
  EXPECT_THAT(ExtensionKeys(none), ElementsAre("x-amazon-apigateway-any-method"));
  EXPECT_TRUE(JsonEq(none["components"]["securitySchemes"]["ShopCustomers"],
                     R"({"type": "apiKey", "in": "header", "name": "Authorization"})"));

  const Json integrations =
      ExportRestApi(api, "prod", "us-east-1", V1Extensions{.integrations = true});
  EXPECT_THAT(ExtensionKeys(integrations), UnorderedElementsAre("x-amazon-apigateway-any-method",
                                                                "x-amazon-apigateway-integration"));
  const Json authorizers =
      ExportRestApi(api, "prod", "us-east-1", V1Extensions{.authorizers = true});
  EXPECT_THAT(ExtensionKeys(authorizers), UnorderedElementsAre("x-amazon-apigateway-any-method",
                                                               "x-amazon-apigateway-authorizer",
                                                               "x-amazon-apigateway-authtype"));
  const Json all = ExportRestApi(api, "prod", "us-east-1", V1Extensions{.apigateway = true});
  EXPECT_EQ(ExtensionKeys(all),
            ExtensionKeys(ExportRestApi(api, "prod", "us-east-1",
                                        V1Extensions{.integrations = true, .authorizers = true})));
}

TEST(ExportTest, VerbatimRestExportIsServedWithServersAddedAndExtensionsFiltered) {
  AwsData data = Data(R"({"restApis": [{"id": "legacy0001", "name": "Legacy",
      "stages": [{"stageName": "v1"}],
      "export": {"openapi": "3.0.1", "info": {"title": "Legacy", "version": "0.9"},
        "paths": {"/stock": {"get": {"responses": {},
          "x-amazon-apigateway-integration": {"type": "http", "uri": "http://legacy"}}}},
        "x-amazon-apigateway-policy": {"Version": "2012-10-17"}}}]})");
  const RestApi& api = data.rest_apis[0];
  const Json plain = ExportRestApi(api, "v1", "eu-west-1", V1Extensions{});
  EXPECT_EQ(plain["info"]["version"], "0.9");
  EXPECT_EQ(plain["servers"][0]["url"],
            "https://legacy0001.execute-api.eu-west-1.amazonaws.com/{basePath}");
  EXPECT_EQ(plain["servers"][0]["variables"]["basePath"]["default"], "v1");
  EXPECT_THAT(ExtensionKeys(plain), IsEmpty());
  const Json with = ExportRestApi(api, "v1", "eu-west-1", V1Extensions{.integrations = true});
  EXPECT_THAT(ExtensionKeys(with), ElementsAre("x-amazon-apigateway-integration"));
  const Json everything = ExportRestApi(api, "v1", "eu-west-1", V1Extensions{.apigateway = true});
  EXPECT_THAT(ExtensionKeys(everything), UnorderedElementsAre("x-amazon-apigateway-integration",
                                                              "x-amazon-apigateway-policy"));
}

TEST(ExportTest, V1ExtensionsParameter) {
  absl::StatusOr<V1Extensions> both = ParseV1Extensions("integrations,authorizers");
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(both->integrations);
  EXPECT_TRUE(both->authorizers);
  EXPECT_FALSE(both->apigateway);
  absl::StatusOr<V1Extensions> quoted = ParseV1Extensions("'integrations'");
  ASSERT_TRUE(quoted.ok());
  EXPECT_TRUE(quoted->integrations);
  absl::StatusOr<V1Extensions> postman = ParseV1Extensions("postman");
  ASSERT_TRUE(postman.ok());
  EXPECT_FALSE(postman->integrations || postman->authorizers || postman->apigateway);
  EXPECT_TRUE(ParseV1Extensions("apigateway")->apigateway);
  absl::StatusOr<V1Extensions> bad = ParseV1Extensions("integrations,swagger");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "extensions \"swagger\" is not one of integrations, authorizers, apigateway, postman");
}

constexpr char kHttp[] = R"({"apis": [{
  "apiId": "h7tp9pr0f1", "name": "Profiles", "protocolType": "HTTP",
  "createdDate": "2024-01-09T12:00:41Z", "tags": {"team": "identity"},
  "corsConfiguration": {"allowOrigins": ["https://app"]},
  "stages": [{"stageName": "$default", "autoDeploy": true}, {"stageName": "beta"}],
  "authorizers": [
    {"authorizerId": "jwt", "name": "MobileJwt", "authorizerType": "JWT",
     "jwtConfiguration": {"audience": ["app"], "issuer": "https://issuer"}},
    {"authorizerId": "lam", "name": "Signature", "authorizerType": "REQUEST",
     "authorizerUri": "arn:lambda:auth", "identitySource": ["$request.header.X-Sig"],
     "enableSimpleResponses": true}],
  "integrations": [
    {"integrationId": "i1", "integrationType": "AWS_PROXY", "integrationUri": "arn:lambda:fn"},
    {"integrationId": "i2", "integrationType": "HTTP_PROXY", "integrationUri": "https://legacy/{proxy}"}],
  "routes": [
    {"routeId": "r1", "routeKey": "GET /profiles/{id}", "authorizationType": "JWT",
     "authorizerId": "jwt", "authorizationScopes": ["profile:read"], "target": "integrations/i1"},
    {"routeId": "r2", "routeKey": "POST /hooks", "authorizationType": "CUSTOM",
     "authorizerId": "lam", "target": "integrations/i1"},
    {"routeId": "r3", "routeKey": "GET /reports", "authorizationType": "AWS_IAM"},
    {"routeId": "r4", "routeKey": "$default", "target": "integrations/i2"}]}]})";

TEST(ExportTest, HttpExportIsSynthesizedFromRoutes) {
  AwsData data = Data(kHttp);
  const Json doc = ExportHttpApi(data.v2_apis[0], "$default", "us-east-1", true);
  EXPECT_EQ(doc["openapi"], "3.0.1");
  EXPECT_EQ(doc["info"]["title"], "Profiles");
  EXPECT_EQ(doc["info"]["version"], "2024-01-09T12:00:41Z");  // no version: the creation date
  EXPECT_EQ(doc["x-amazon-apigateway-importexport-version"], "1.0");
  EXPECT_EQ(doc["servers"][0]["variables"]["basePath"]["default"], "");
  EXPECT_TRUE(
      JsonEq(doc["tags"], R"([{"name": "team", "x-amazon-apigateway-tag-value": "identity"}])"));
  EXPECT_EQ(doc["x-amazon-apigateway-cors"]["allowOrigins"][0], "https://app");

  const Json& get = doc["paths"]["/profiles/{id}"]["get"];
  EXPECT_TRUE(JsonEq(get["security"], R"([{"MobileJwt": ["profile:read"]}])"));
  EXPECT_EQ(get["responses"]["default"]["description"], "Default response for GET /profiles/{id}");
  EXPECT_TRUE(JsonEq(get["x-amazon-apigateway-integration"], R"({"payloadFormatVersion": "2.0",
      "type": "aws_proxy", "httpMethod": "POST", "uri": "arn:lambda:fn",
      "connectionType": "INTERNET", "timeoutInMillis": 30000})"));
  EXPECT_TRUE(JsonEq(doc["paths"]["/reports"]["get"]["security"], R"([{"sigv4": []}])"));
  EXPECT_FALSE(doc["paths"]["/reports"]["get"].contains("x-amazon-apigateway-integration"));
  const Json& fallback = doc["paths"]["/$default"]["x-amazon-apigateway-any-method"];
  EXPECT_EQ(fallback["isDefaultRoute"], true);
  EXPECT_EQ(fallback["x-amazon-apigateway-integration"]["type"], "http_proxy");
  EXPECT_EQ(fallback["x-amazon-apigateway-integration"]["payloadFormatVersion"], "1.0");

  const Json& schemes = doc["components"]["securitySchemes"];
  EXPECT_TRUE(JsonEq(schemes["MobileJwt"], R"({"type": "oauth2", "flows": {},
      "x-amazon-apigateway-authorizer": {"identitySource": "$request.header.Authorization",
        "jwtConfiguration": {"audience": ["app"], "issuer": "https://issuer"}, "type": "jwt"}})"));
  EXPECT_TRUE(JsonEq(schemes["Signature"], R"({"type": "apiKey", "name": "X-Sig", "in": "header",
      "x-amazon-apigateway-authorizer": {"identitySource": "$request.header.X-Sig",
        "authorizerUri": "arn:lambda:auth", "authorizerPayloadFormatVersion": "2.0",
        "authorizerResultTtlInSeconds": 0, "type": "request", "enableSimpleResponses": true}})"));
  EXPECT_EQ(schemes["sigv4"]["x-amazon-apigateway-authtype"], "awsSigv4");
}

TEST(ExportTest, HttpExportOfANamedStageAndWithoutExtensions) {
  AwsData data = Data(kHttp);
  const Json beta = ExportHttpApi(data.v2_apis[0], "beta", "eu-west-1", true);
  EXPECT_EQ(beta["servers"][0]["url"],
            "https://h7tp9pr0f1.execute-api.eu-west-1.amazonaws.com/{basePath}");
  EXPECT_EQ(beta["servers"][0]["variables"]["basePath"]["default"], "beta");
  const Json bare = ExportHttpApi(data.v2_apis[0], "", "us-east-1", false);
  EXPECT_THAT(ExtensionKeys(bare), ElementsAre("x-amazon-apigateway-any-method"));
  EXPECT_TRUE(JsonEq(bare["components"]["securitySchemes"]["MobileJwt"],
                     R"({"type": "oauth2", "flows": {}})"));
  EXPECT_TRUE(JsonEq(bare["tags"], R"([{"name": "team"}])"));
}

}  // namespace
}  // namespace gov::fake::aws
