#include "src/agent/providers/aws/normalize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/common/hash.h"

namespace gov::agent::aws {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// An OpenAPI 3 export of a REST API as API Gateway writes it (extensions=authorizers).
json RestExport() {
  return json::parse(R"({
    "openapi": "3.0.1",
    "info": {"title": "orders", "version": "2024-01-01"},
    "paths": {
      "/orders": {
        "get": {"security": [{"sigv4": []}], "responses": {}},
        "post": {"security": [{"cognito": []}, {"api_key": []}], "responses": {}},
        "options": {"responses": {}}
      },
      "/orders/{id}": {
        "x-amazon-apigateway-any-method": {"security": [{"lambda-token": []}], "responses": {}}
      }
    },
    "components": {"securitySchemes": {
      "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header",
                "x-amazon-apigateway-authtype": "awsSigv4"},
      "cognito": {"type": "apiKey", "name": "Authorization", "in": "header",
                  "x-amazon-apigateway-authtype": "cognito_user_pools",
                  "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools",
                                                     "providerARNs": ["arn:aws:cognito-idp:us-east-1:1:userpool/x"]}},
      "lambda-token": {"type": "apiKey", "name": "Authorization", "in": "header",
                       "x-amazon-apigateway-authtype": "custom",
                       "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": "arn:x"}},
      "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
      "unused": {"type": "http", "scheme": "basic"}
    }}
  })");
}

json RestApi() {
  return json::parse(R"({
    "id": "a1b2c3d4e5", "name": "orders", "description": "Order service",
    "createdDate": 1594000000, "version": "2024-01-01", "apiKeySource": "HEADER",
    "endpointConfiguration": {"types": ["REGIONAL"]},
    "tags": {"team": "payments"}
  })");
}

json RestStages() {
  return json::parse(R"([
    {"stageName": "prod", "deploymentId": "dep2", "lastUpdatedDate": 1594000100.75},
    {"stageName": "dev", "deploymentId": "dep1", "lastUpdatedDate": 1594000050},
    {"stageName": "draft"}
  ])");
}

TEST(NormalizeRestApi, EveryFieldFromApiStagesAuthorizersAndExports) {
  RestApiParts parts;
  parts.api = RestApi();
  parts.stages = RestStages();
  parts.authorizers = json::parse(R"([
    {"id": "zz9", "name": "tokens", "type": "TOKEN"},
    {"id": "aa1", "name": "pool", "type": "COGNITO_USER_POOLS"}
  ])");
  json dev_export = RestExport();
  dev_export["info"]["title"] = "orders (dev)";
  parts.exports = {{"prod", RestExport()}, {"dev", dev_export}};

  NormalizedApi api = NormalizeRestApi(parts, "us-east-1");

  EXPECT_EQ(api.external_id, "a1b2c3d4e5");
  EXPECT_EQ(api.name, "orders");
  EXPECT_EQ(api.description, "Order service");
  EXPECT_THAT(api.versions, ElementsAre("dev", "draft", "prod"));
  EXPECT_EQ(api.protocol, "rest");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("apiKey", "cognito", "iam", "lambda"));
  EXPECT_TRUE(api.active);
  EXPECT_FALSE(api.internal);
  EXPECT_EQ(api.listen_path, "");
  EXPECT_EQ(api.definition, RestApi());
  // The first deployed stage by name whose export was read.
  EXPECT_EQ(api.oas_document, dev_export);
  EXPECT_EQ(api.extra, json::parse(R"({
    "api_type": "REST", "region": "us-east-1", "endpoint_type": "REGIONAL",
    "oas_stage": "dev", "tags": {"team": "payments"}, "created_at": "2020-07-06T01:46:40Z",
    "version": "2024-01-01", "api_key_source": "HEADER",
    "authorizers": [{"id": "aa1", "name": "pool", "type": "COGNITO_USER_POOLS"},
                    {"id": "zz9", "name": "tokens", "type": "TOKEN"}],
    "stages": [
      {"name": "dev", "invoke_url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev",
       "deployment_id": "dep1", "last_updated": "2020-07-06T01:47:30Z",
       "export_sha256": ")" + Sha256Hex(dev_export.dump()) +
                                   R"("},
      {"name": "draft", "invoke_url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/draft"},
      {"name": "prod", "invoke_url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
       "deployment_id": "dep2", "last_updated": "2020-07-06T01:48:20Z",
       "export_sha256": ")" + Sha256Hex(RestExport().dump()) +
                                   R"("}
    ]
  })"));
  EXPECT_TRUE(api.error.empty());
}

TEST(NormalizeRestApi, PrivateUndeployedApiInChinaWithAuthorizersOnly) {
  RestApiParts parts;
  parts.api = json::parse(R"({"id": "p1", "name": "internal",
    "endpointConfiguration": {"types": ["PRIVATE"], "vpcEndpointIds": ["vpce-1"]},
    "disableExecuteApiEndpoint": true})");
  parts.stages = json::parse(R"([{"stageName": "beta"}])");
  parts.authorizers = json::parse(R"([{"id": "x", "name": "req", "type": "REQUEST"},
                                      {"id": "y", "name": "pool", "type": "COGNITO_USER_POOLS"}])");
  NormalizedApi api = NormalizeRestApi(parts, "cn-north-1");
  EXPECT_TRUE(api.internal);
  EXPECT_FALSE(api.active);  // no stage is deployed
  EXPECT_TRUE(api.oas_document.is_null());
  // Without an export the authorizers name the mechanisms.
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("cognito", "lambda"));
  EXPECT_EQ(api.extra["endpoint_type"], "PRIVATE");
  EXPECT_EQ(api.extra["disable_execute_api_endpoint"], true);
  EXPECT_EQ(api.extra["stages"][0]["invoke_url"],
            "https://p1.execute-api.cn-north-1.amazonaws.com.cn/beta");
  EXPECT_FALSE(api.extra.contains("oas_stage"));
  EXPECT_FALSE(api.extra.contains("created_at"));
  EXPECT_FALSE(api.extra.contains("tags"));
}

TEST(NormalizeRestApi, NoStagesNoAuthorizers) {
  RestApiParts parts;
  parts.api =
      json::parse(R"({"id": "e1", "name": "empty", "endpointConfiguration": {"types": ["EDGE"]}})");
  NormalizedApi api = NormalizeRestApi(parts, "eu-west-1");
  EXPECT_THAT(api.versions, IsEmpty());
  EXPECT_THAT(api.auth_mechanisms, IsEmpty());
  EXPECT_FALSE(api.active);
  EXPECT_EQ(api.extra, json::parse(R"({"api_type": "REST", "region": "eu-west-1",
                                       "endpoint_type": "EDGE"})"));
}

TEST(NormalizeV2Api, HttpApiWithDefaultStageJwtAndIsoDates) {
  V2ApiParts parts;
  parts.api = json::parse(R"({
    "apiId": "h7h7h7h7h7", "name": "catalog", "protocolType": "HTTP",
    "apiEndpoint": "https://h7h7h7h7h7.execute-api.eu-west-1.amazonaws.com",
    "createdDate": "2021-03-04T05:06:07.123Z", "tags": {}, "version": "v3"
  })");
  parts.stages = json::parse(R"([
    {"stageName": "$default", "deploymentId": "d1", "autoDeploy": true,
     "lastUpdatedDate": "2021-03-05T00:00:00Z"},
    {"stageName": "v2"}
  ])");
  parts.authorizers =
      json::parse(R"([{"authorizerId": "au1", "name": "jwt", "authorizerType": "JWT",
                                       "jwtConfiguration": {"issuer": "https://idp"}}])");
  parts.oas = json::parse(R"({
    "openapi": "3.0.1",
    "paths": {
      "/items": {"get": {"security": [{"jwt": ["read"]}]}},
      "/health": {"get": {}}
    },
    "components": {"securitySchemes": {"jwt": {"type": "oauth2", "flows": {},
      "x-amazon-apigateway-authorizer": {"type": "jwt", "jwtConfiguration": {"issuer": "https://idp"}}}}}
  })");
  NormalizedApi api = NormalizeV2Api(parts, "eu-west-1");
  EXPECT_EQ(api.external_id, "h7h7h7h7h7");
  EXPECT_EQ(api.protocol, "http");
  EXPECT_THAT(api.versions, ElementsAre("$default", "v2"));
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("jwt", "keyless"));
  EXPECT_TRUE(api.active);
  EXPECT_EQ(api.oas_document, parts.oas);
  EXPECT_EQ(api.extra, json::parse(R"({
    "api_type": "HTTP", "region": "eu-west-1", "endpoint_type": "REGIONAL",
    "api_endpoint": "https://h7h7h7h7h7.execute-api.eu-west-1.amazonaws.com",
    "created_at": "2021-03-04T05:06:07Z", "version": "v3",
    "authorizers": [{"id": "au1", "name": "jwt", "type": "JWT"}],
    "stages": [
      {"name": "$default", "invoke_url": "https://h7h7h7h7h7.execute-api.eu-west-1.amazonaws.com",
       "deployment_id": "d1", "last_updated": "2021-03-05T00:00:00Z"},
      {"name": "v2", "invoke_url": "https://h7h7h7h7h7.execute-api.eu-west-1.amazonaws.com/v2"}
    ]
  })"));
}

TEST(NormalizeV2Api, HttpApiWhoseExportFailedUsesItsAuthorizers) {
  V2ApiParts parts;
  parts.api = json::parse(R"({"apiId": "h1", "name": "x", "protocolType": "HTTP"})");
  parts.authorizers =
      json::parse(R"([{"authorizerId": "a", "name": "l", "authorizerType": "REQUEST"}])");
  NormalizedApi api = NormalizeV2Api(parts, "us-west-2");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("lambda"));
  EXPECT_TRUE(api.oas_document.is_null());
}

TEST(NormalizeV2Api, WebSocketApiWithRoutes) {
  V2ApiParts parts;
  parts.api = json::parse(R"({"apiId": "w1", "name": "chat", "protocolType": "WEBSOCKET",
    "apiEndpoint": "wss://w1.execute-api.us-east-1.amazonaws.com",
    "routeSelectionExpression": "$request.body.action", "createdDate": "2022-01-02T03:04:05+02:00"})");
  parts.stages = json::parse(R"([{"stageName": "prod", "deploymentId": "d9"}])");
  parts.routes = json::parse(R"([
    {"routeId": "r2", "routeKey": "sendMessage", "authorizationType": "NONE", "target": "integrations/i2"},
    {"routeId": "r1", "routeKey": "$connect", "authorizationType": "CUSTOM", "authorizerId": "a1",
     "apiKeyRequired": true, "target": "integrations/i1"},
    {"routeId": "r3", "routeKey": "$disconnect"}
  ])");
  NormalizedApi api = NormalizeV2Api(parts, "us-east-1");
  EXPECT_EQ(api.protocol, "websocket");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("apiKey", "lambda"));
  EXPECT_TRUE(api.oas_document.is_null());
  EXPECT_EQ(api.extra["api_type"], "WEBSOCKET");
  EXPECT_EQ(api.extra["created_at"], "2022-01-02T01:04:05Z");
  EXPECT_EQ(api.extra["stages"], json::parse(R"([{"name": "prod",
    "invoke_url": "wss://w1.execute-api.us-east-1.amazonaws.com/prod", "deployment_id": "d9"}])"));
  EXPECT_EQ(api.extra["routes"], json::parse(R"([
    {"route_key": "$connect", "authorization_type": "CUSTOM", "api_key_required": true,
     "target": "integrations/i1"},
    {"route_key": "$disconnect", "authorization_type": "NONE"},
    {"route_key": "sendMessage", "authorization_type": "NONE", "target": "integrations/i2"}
  ])"));
}

TEST(NormalizeV2Api, WebSocketApiWithoutConnectRouteIsKeyless) {
  V2ApiParts parts;
  parts.api = json::parse(R"({"apiId": "w2", "name": "open", "protocolType": "WEBSOCKET"})");
  parts.routes = json::parse(R"([{"routeKey": "$default", "authorizationType": "NONE"}])");
  NormalizedApi api = NormalizeV2Api(parts, "us-east-1");
  EXPECT_THAT(api.auth_mechanisms, ElementsAre("keyless"));
  EXPECT_FALSE(api.active);
}

TEST(AuthMechanismsFromOas, SchemeKinds) {
  EXPECT_THAT(AuthMechanismsFromOas(RestExport()),
              ElementsAre("apiKey", "cognito", "iam", "lambda"));
  json doc = json::parse(R"({
    "security": [{"oidc": []}],
    "paths": {"/a": {"get": {}}, "/b": {"post": {"security": [{"basic": [], "bearer": []}]}},
              "/c": {"put": {"security": [{"mtls": []}, {}]}}},
    "components": {"securitySchemes": {
      "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://x"},
      "basic": {"type": "http", "scheme": "basic"},
      "bearer": {"type": "http", "scheme": "bearer"},
      "mtls": {"type": "mutualTLS"}}}
  })");
  // /a inherits the top-level requirement; {} in /c makes authentication optional.
  EXPECT_THAT(AuthMechanismsFromOas(doc),
              ElementsAre("basic", "bearer", "keyless", "mtls", "openid"));
}

TEST(AuthMechanismsFromOas, OnlyCorsPreflightIsOpen) {
  json doc = json::parse(R"({
    "paths": {"/a": {"get": {"security": [{"iam": []}]}, "options": {}}},
    "components": {"securitySchemes": {"iam": {"type": "apiKey", "name": "Authorization",
      "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}}}})");
  EXPECT_THAT(AuthMechanismsFromOas(doc), ElementsAre("iam"));
}

TEST(AuthMechanismsFromOas, OpenApiAndOddDocuments) {
  EXPECT_THAT(AuthMechanismsFromOas(json::parse(R"({"paths": {"/a": {"get": {}}}})")),
              ElementsAre("keyless"));
  EXPECT_THAT(AuthMechanismsFromOas(json::parse(R"({"paths": {}})")), IsEmpty());
  EXPECT_THAT(AuthMechanismsFromOas(json::array()), IsEmpty());
  // A requirement naming an undefined scheme adds nothing (and is not open).
  EXPECT_THAT(AuthMechanismsFromOas(
                  json::parse(R"({"paths": {"/a": {"get": {"security": [{"ghost": []}]}}}})")),
              IsEmpty());
  // OpenAPI 2 (securityDefinitions).
  EXPECT_THAT(AuthMechanismsFromOas(json::parse(R"({"swagger": "2.0",
      "paths": {"/a": {"get": {"security": [{"k": []}]}}},
      "securityDefinitions": {"k": {"type": "apiKey", "name": "x-api-key", "in": "header"}}})")),
              ElementsAre("apiKey"));
}

TEST(NormalizeAwsTime, EpochSecondsAndIso8601) {
  EXPECT_EQ(NormalizeAwsTime(json(1594000000)), "2020-07-06T01:46:40Z");
  EXPECT_EQ(NormalizeAwsTime(json(1594000000.999)), "2020-07-06T01:46:40Z");
  EXPECT_EQ(NormalizeAwsTime(json("2021-03-04T05:06:07Z")), "2021-03-04T05:06:07Z");
  EXPECT_EQ(NormalizeAwsTime(json("2021-03-04T05:06:07.5+01:00")), "2021-03-04T04:06:07Z");
  EXPECT_EQ(NormalizeAwsTime(json("2021-03-04T05:06:07+0000")), "2021-03-04T05:06:07Z");
  EXPECT_EQ(NormalizeAwsTime(json("yesterday")), "");
  EXPECT_EQ(NormalizeAwsTime(json(nullptr)), "");
}

}  // namespace
}  // namespace gov::agent::aws
