// Tests of the fake API Gateway's data model: loading, validation, defaults, generation.
#include "tests/fakes/aws_apigateway/aws_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"

namespace gov::fake::aws {
namespace {

using ::testing::HasSubstr;

AwsData ParseOk(const std::string& text) {
  absl::StatusOr<AwsData> data = ParseAwsData(Json::parse(text));
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *std::move(data) : AwsData();
}

std::string ParseError(const std::string& text) {
  absl::StatusOr<AwsData> data = ParseAwsData(Json::parse(text));
  EXPECT_FALSE(data.ok());
  return data.ok() ? std::string() : std::string(data.status().message());
}

TEST(AwsDataTest, MinimalRestApiGetsTheFieldsAwsAlwaysSends) {
  AwsData data = ParseOk(R"({"restApis": [{"id": "abc123defg", "name": "Orders"}]})");
  EXPECT_EQ(data.region, "");
  EXPECT_EQ(data.account_id, "123456789012");
  EXPECT_TRUE(data.credentials.empty());
  ASSERT_EQ(data.rest_apis.size(), 1u);
  const Json& api = data.rest_apis[0].api;
  EXPECT_EQ(api["createdDate"], "2024-01-01T00:00:00Z");
  EXPECT_EQ(api["apiKeySource"], "HEADER");
  EXPECT_EQ(api["endpointConfiguration"], Json::parse(R"({"types": ["EDGE"]})"));
  EXPECT_EQ(api["disableExecuteApiEndpoint"], false);
  ASSERT_TRUE(api["rootResourceId"].is_string());
  EXPECT_EQ(api["rootResourceId"].get<std::string>().size(), 10u);
  EXPECT_EQ(data.rest_apis[0].id(), "abc123defg");
  EXPECT_EQ(data.rest_apis[0].name(), "Orders");
  EXPECT_TRUE(data.rest_apis[0].export_document.is_null());
}

TEST(AwsDataTest, DatesAreNormalizedToUtcRfc3339) {
  AwsData data = ParseOk(R"({"restApis": [
      {"id": "a", "name": "A", "createdDate": "2024-03-11T10:15:00+01:00",
       "stages": [{"stageName": "prod"}, {"stageName": "dev", "createdDate": 1700000000}]}],
    "apis": [{"apiId": "h", "name": "H", "protocolType": "HTTP", "createdDate": 1600000000}]})");
  const RestApi& rest = data.rest_apis[0];
  EXPECT_EQ(rest.api["createdDate"], "2024-03-11T09:15:00Z");
  // A stage without dates was created with its API.
  EXPECT_EQ(rest.stages[0]["createdDate"], "2024-03-11T09:15:00Z");
  EXPECT_EQ(rest.stages[0]["lastUpdatedDate"], "2024-03-11T09:15:00Z");
  EXPECT_EQ(rest.stages[1]["createdDate"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(rest.stages[1]["lastUpdatedDate"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(data.v2_apis[0].api["createdDate"], "2020-09-13T12:26:40Z");
}

TEST(AwsDataTest, FakeKeysAreTakenOutOfTheServedObject) {
  AwsData data = ParseOk(R"({"restApis": [{"id": "a", "name": "A", "tags": {"team": "x"},
      "stages": [{"stageName": "prod", "deploymentId": "d1"}],
      "authorizers": [{"id": "au", "name": "Cog", "type": "COGNITO_USER_POOLS",
                       "providerARNs": ["arn:aws:cognito-idp:us-east-1:1:userpool/p"]}],
      "resources": [{"path": "/x", "methods": {"GET": {}}}],
      "export": {"openapi": "3.0.1", "info": {"title": "A", "version": "1"}, "paths": {}}}]})");
  const RestApi& rest = data.rest_apis[0];
  for (const char* key : {"stages", "authorizers", "resources", "export"}) {
    EXPECT_FALSE(rest.api.contains(key)) << key;
  }
  EXPECT_EQ(rest.api["tags"]["team"], "x");
  EXPECT_EQ(rest.stages.size(), 1u);
  EXPECT_EQ(rest.stages[0]["deploymentId"], "d1");
  EXPECT_EQ(rest.authorizers[0]["identitySource"], "method.request.header.Authorization");
  EXPECT_EQ(rest.resources[0]["methods"]["GET"]["authorizationType"], "NONE");
  EXPECT_EQ(rest.export_document["openapi"], "3.0.1");
  ASSERT_NE(rest.FindStage("prod"), nullptr);
  EXPECT_EQ(rest.FindStage("dev"), nullptr);
  ASSERT_NE(rest.FindAuthorizer("au"), nullptr);
}

TEST(AwsDataTest, V2DefaultsDependOnTheProtocol) {
  AwsData data = ParseOk(R"({"apis": [
      {"apiId": "h1", "name": "H", "protocolType": "HTTP",
       "authorizers": [{"authorizerId": "j", "name": "J", "authorizerType": "JWT",
                        "jwtConfiguration": {"issuer": "https://issuer"}}],
       "integrations": [{"integrationId": "i1", "integrationType": "AWS_PROXY"}],
       "routes": [{"routeId": "r", "routeKey": "GET /x", "target": "integrations/i1"}]},
      {"apiId": "w1", "name": "W", "protocolType": "WEBSOCKET",
       "routes": [{"routeId": "c", "routeKey": "$connect"}]}]})");
  const V2Api& http = data.v2_apis[0];
  const V2Api& ws = data.v2_apis[1];
  EXPECT_FALSE(http.websocket());
  EXPECT_TRUE(ws.websocket());
  EXPECT_EQ(http.api["routeSelectionExpression"], "$request.method $request.path");
  EXPECT_EQ(ws.api["routeSelectionExpression"], "$request.body.action");
  EXPECT_EQ(http.api["apiKeySelectionExpression"], "$request.header.x-api-key");
  EXPECT_EQ(http.authorizers[0]["identitySource"],
            Json::parse(R"(["$request.header.Authorization"])"));
  EXPECT_EQ(http.routes[0]["authorizationType"], "NONE");
  EXPECT_EQ(http.routes[0]["apiKeyRequired"], false);
  EXPECT_NE(http.FindIntegration("i1"), nullptr);
  EXPECT_EQ(data.FindV2Api("w1"), &data.v2_apis[1]);
  EXPECT_EQ(data.FindV2Api("nope"), nullptr);
}

TEST(AwsDataTest, EveryProblemIsReportedWithItsPlace) {
  const std::string error = ParseError(R"({
    "restApi": [],
    "region": "",
    "accountId": "12345",
    "restApis": [
      {"id": "a", "name": "A", "stages": [{"stageName": "prod"}, {"stageName": "prod"}],
       "resources": [{"path": "/x", "methods": {"GET": {"authorizationType": "CUSTOM",
                                                        "authorizerId": "missing"}}},
                     {"path": "y", "methods": {"FETCH": {}}}]},
      {"id": "b c", "createdDate": "yesterday"},
      {"id": "a", "name": "Again"}],
    "apis": [
      {"apiId": "h", "name": "H", "protocolType": "GRPC"},
      {"apiId": "w", "name": "W", "protocolType": "WEBSOCKET",
       "authorizers": [{"authorizerId": "j", "name": "J", "authorizerType": "JWT",
                        "jwtConfiguration": {"issuer": "https://i"}}],
       "routes": [{"routeId": "r", "routeKey": "$connect", "target": "integrations/none"}]},
      {"apiId": "x", "name": "X", "protocolType": "HTTP",
       "routes": [{"routeId": "r", "routeKey": "/no-method"}]}],
    "apiKeys": [{"id": "k", "name": "K", "value": "v", "stageKeys": ["a/nope"]}],
    "credentials": [{"accessKeyId": "AK"}, {"accessKeyId": "AK2", "secretAccessKey": "s",
                                            "expired": true}]
  })");
  for (const char* expected : {
           "unknown key \"restApi\"",
           "region: must be a non-empty string",
           "accountId: must be a string of 12 digits",
           "restApis[0] \"A\": stages[1] \"prod\": stageName \"prod\" is used twice",
           "restApis[0] \"A\": resources[0] \"/x\": GET: authorizerId \"missing\" names no "
           "authorizer of the API",
           "restApis[0] \"A\": resources[1] \"y\": path must start with '/'",
           "restApis[0] \"A\": resources[1] \"y\": FETCH: not an HTTP method",
           "restApis[1]: id \"b c\" may only hold letters, digits, '-' and '_'",
           "restApis[1]: name is missing",
           "restApis[1]: createdDate must be an RFC 3339 time",
           "restApis[2] \"Again\": id \"a\" is used twice",
           "apis[0] \"H\": protocolType must be one of HTTP, WEBSOCKET, not \"GRPC\"",
           "apis[1] \"W\": authorizers[0] \"J\": a WebSocket API cannot have a JWT authorizer",
           "apis[1] \"W\": routes[0] \"$connect\": target \"integrations/none\" must be",
           "apis[2] \"X\": routes[0] \"/no-method\": an HTTP API routeKey is",
           "apiKeys[0] \"K\": stageKeys entry \"a/nope\" is not",
           "credentials[0]: secretAccessKey is missing",
           "credentials[1]: only temporary credentials (with a sessionToken) can be expired",
       }) {
    EXPECT_THAT(error, HasSubstr(expected));
  }
}

TEST(AwsDataTest, AuthorizerKindMustFitTheAuthorizationType) {
  const std::string error = ParseError(R"({"restApis": [{"id": "a", "name": "A",
      "authorizers": [{"id": "t", "name": "T", "type": "TOKEN", "authorizerUri": "arn:x"}],
      "resources": [{"path": "/x", "methods": {
        "GET": {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": "t"},
        "PUT": {"authorizationType": "CUSTOM"}}}]}]})");
  EXPECT_THAT(error, HasSubstr("GET: authorizationType COGNITO_USER_POOLS cannot use authorizer "
                               "\"t\" of type TOKEN"));
  EXPECT_THAT(error, HasSubstr("PUT: authorizationType CUSTOM needs an authorizerId"));
}

TEST(AwsDataTest, CredentialsAreRead) {
  AwsData data = ParseOk(R"({"credentials": [
      {"accessKeyId": "AKIA1", "secretAccessKey": "s1"},
      {"accessKeyId": "ASIA2", "secretAccessKey": "s2", "sessionToken": "t/+=", "expired": true}]})");
  ASSERT_EQ(data.credentials.size(), 2u);
  EXPECT_EQ(data.credentials[0].access_key_id, "AKIA1");
  EXPECT_EQ(data.credentials[0].session_token, "");
  EXPECT_FALSE(data.credentials[0].expired);
  EXPECT_EQ(data.credentials[1].session_token, "t/+=");
  EXPECT_TRUE(data.credentials[1].expired);
}

TEST(AwsDataTest, NonObjectDocumentIsRefused) {
  absl::StatusOr<AwsData> data = ParseAwsData(Json::parse("[1, 2]"));
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().message(), "the data file must hold a JSON object");
}

TEST(AwsDataTest, LoadingNamesTheFile) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / absl::StrCat("aws_data_test_", getpid());
  std::filesystem::create_directories(dir);
  const std::string broken = (dir / "broken.json").string();
  std::ofstream(broken) << R"({"restApis": [)";
  absl::StatusOr<AwsData> bad = LoadAwsDataFile(broken);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr(broken + ": invalid JSON: "));

  const std::string invalid = (dir / "invalid.json").string();
  std::ofstream(invalid) << R"({"restApis": [{"id": "a"}]})";
  absl::StatusOr<AwsData> wrong = LoadAwsDataFile(invalid);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(), invalid + ": restApis[0]: name is missing");

  absl::StatusOr<AwsData> missing = LoadAwsDataFile((dir / "missing.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot read data file"));
  std::filesystem::remove_all(dir);
}

TEST(AwsDataTest, GeneratedRestApisAreDeterministicAndDistinct) {
  AwsData data =
      ParseOk(R"({"region": "eu-west-1", "restApis": [{"id": "seeded0001", "name": "S"}]})");
  AddGeneratedRestApis(data, 600);
  ASSERT_EQ(data.rest_apis.size(), 601u);
  std::set<std::string> ids;
  for (const RestApi& api : data.rest_apis) ids.insert(api.id());
  EXPECT_EQ(ids.size(), 601u);
  const RestApi& first = data.rest_apis[1];
  EXPECT_EQ(first.name(), "Generated API 0001");
  EXPECT_EQ(first.id().size(), 10u);
  EXPECT_EQ(first.api["createdDate"], "2023-01-01T01:00:00Z");
  EXPECT_EQ(first.stages.size(), 1u);
  EXPECT_EQ(data.rest_apis[2].stages.size(), 2u);  // even numbers also have "dev"
  EXPECT_EQ(data.rest_apis[600].name(), "Generated API 0600");
  // Authorization varies: #1 IAM, #2 Cognito, #3 none; every fourth needs an API key.
  EXPECT_EQ(data.rest_apis[1].resources[1]["methods"]["GET"]["authorizationType"], "AWS_IAM");
  EXPECT_EQ(data.rest_apis[2].resources[1]["methods"]["GET"]["authorizationType"],
            "COGNITO_USER_POOLS");
  EXPECT_THAT(data.rest_apis[2].authorizers[0]["providerARNs"][0].get<std::string>(),
              HasSubstr("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/"));
  EXPECT_EQ(data.rest_apis[3].resources[1]["methods"]["GET"]["authorizationType"], "NONE");
  EXPECT_EQ(data.rest_apis[4].resources[1]["methods"]["GET"]["apiKeyRequired"], true);

  AwsData again =
      ParseOk(R"({"region": "eu-west-1", "restApis": [{"id": "seeded0001", "name": "S"}]})");
  AddGeneratedRestApis(again, 600);
  for (size_t i = 0; i < data.rest_apis.size(); ++i) {
    EXPECT_EQ(data.rest_apis[i].api, again.rest_apis[i].api);
  }
}

}  // namespace
}  // namespace gov::fake::aws
