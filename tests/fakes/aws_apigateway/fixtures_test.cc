// Tests of the seed data files tests/fixtures/aws/*.json, as loaded and as served.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "src/common/clock.h"
#include "tests/fakes/aws_apigateway/aws_data.h"
#include "tests/fakes/aws_apigateway/export.h"
#include "tests/fakes/aws_apigateway/fake_apigateway.h"
#include "tests/fakes/aws_apigateway/test_util.h"

namespace gov::fake::aws {
namespace {

using ::testing::Contains;
using ::testing::IsSupersetOf;

AwsData Load(const std::string& region) {
  absl::StatusOr<AwsData> data =
      LoadAwsDataFile(absl::StrCat(GOV_AWS_FIXTURES_DIR, "/", region, ".json"));
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *std::move(data) : AwsData();
}

struct Census {
  size_t rest = 0, http = 0, websocket = 0, keys = 0;
  std::set<std::string> v1_authorizer_types, v2_authorizer_types, authorization_types;
  bool default_stage = false;
  bool verbatim_export = false;
};

Census Count(const AwsData& data) {
  Census c;
  c.rest = data.rest_apis.size();
  c.keys = data.api_keys.size();
  for (const RestApi& api : data.rest_apis) {
    for (const Json& a : api.authorizers) c.v1_authorizer_types.insert(a["type"]);
    for (const Json& r : api.resources) {
      for (const auto& [verb, method] : r["methods"].items()) {
        c.authorization_types.insert(method["authorizationType"]);
      }
    }
    c.verbatim_export = c.verbatim_export || !api.export_document.is_null();
  }
  for (const V2Api& api : data.v2_apis) {
    (api.websocket() ? c.websocket : c.http)++;
    for (const Json& a : api.authorizers) c.v2_authorizer_types.insert(a["authorizerType"]);
    for (const Json& r : api.routes) c.authorization_types.insert(r["authorizationType"]);
    c.default_stage = c.default_stage || api.FindStage("$default") != nullptr;
  }
  return c;
}

TEST(AwsFixturesTest, UsEast1HoldsEveryKindOfApiAndAuthorizer) {
  const AwsData data = Load("us-east-1");
  EXPECT_EQ(data.region, "us-east-1");
  EXPECT_EQ(data.account_id, "123456789012");
  const Census c = Count(data);
  EXPECT_EQ(c.rest, 5u);
  EXPECT_EQ(c.http, 3u);
  EXPECT_EQ(c.websocket, 2u);
  EXPECT_EQ(c.keys, 3u);
  EXPECT_EQ(c.v1_authorizer_types,
            (std::set<std::string>{"COGNITO_USER_POOLS", "REQUEST", "TOKEN"}));
  EXPECT_EQ(c.v2_authorizer_types, (std::set<std::string>{"JWT", "REQUEST"}));
  EXPECT_THAT(c.authorization_types,
              IsSupersetOf({"NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS", "JWT"}));
  EXPECT_TRUE(c.default_stage);
  EXPECT_TRUE(c.verbatim_export);
}

TEST(AwsFixturesTest, EuWest1IsADifferentAccountRegionWithTheSameKeys) {
  const AwsData us = Load("us-east-1");
  const AwsData eu = Load("eu-west-1");
  EXPECT_EQ(eu.region, "eu-west-1");
  const Census c = Count(eu);
  EXPECT_EQ(c.rest, 5u);
  EXPECT_EQ(c.http, 3u);
  EXPECT_EQ(c.websocket, 1u);
  EXPECT_EQ(c.keys, 1u);
  EXPECT_TRUE(c.default_stage);
  EXPECT_THAT(c.authorization_types, IsSupersetOf({"NONE", "AWS_IAM", "CUSTOM", "JWT"}));
  // One agent configured for both regions uses one key pair.
  ASSERT_EQ(us.credentials.size(), eu.credentials.size());
  for (size_t i = 0; i < us.credentials.size(); ++i) {
    EXPECT_EQ(us.credentials[i].access_key_id, eu.credentials[i].access_key_id);
    EXPECT_EQ(us.credentials[i].secret_access_key, eu.credentials[i].secret_access_key);
  }
  EXPECT_EQ(us.credentials[0].access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_FALSE(us.credentials[1].session_token.empty());
  EXPECT_TRUE(us.credentials[2].expired);
  // No id is in both regions, so records of the two providers never collide.
  std::set<std::string> ids;
  for (const AwsData* data : {&us, &eu}) {
    for (const RestApi& api : data->rest_apis) EXPECT_TRUE(ids.insert(api.id()).second) << api.id();
    for (const V2Api& api : data->v2_apis) EXPECT_TRUE(ids.insert(api.id()).second) << api.id();
  }
}

TEST(AwsFixturesTest, EveryStageExportsOpenApi3WithIntegrations) {
  for (const char* region : {"us-east-1", "eu-west-1"}) {
    const AwsData data = Load(region);
    for (const RestApi& api : data.rest_apis) {
      ASSERT_FALSE(api.stages.empty()) << api.name();
      for (const Json& stage : api.stages) {
        const std::string stage_name = stage["stageName"];
        const Json doc = ExportRestApi(api, stage_name, region,
                                       V1Extensions{.integrations = true, .authorizers = true});
        EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.") << api.name();
        EXPECT_EQ(doc["info"]["title"], api.name());
        EXPECT_EQ(doc["servers"][0]["variables"]["basePath"]["default"], stage_name);
        ASSERT_FALSE(doc["paths"].empty()) << api.name();
        for (const auto& [path, item] : doc["paths"].items()) {
          for (const auto& [verb, op] : item.items()) {
            EXPECT_TRUE(op.contains("x-amazon-apigateway-integration"))
                << region << " " << api.name() << " " << verb << " " << path;
          }
        }
      }
    }
    for (const V2Api& api : data.v2_apis) {
      ASSERT_FALSE(api.stages.empty()) << api.name();
      ASSERT_FALSE(api.routes.empty()) << api.name();
      if (api.websocket()) continue;
      const Json doc = ExportHttpApi(api, "", region, true);
      EXPECT_EQ(doc["info"]["title"], api.name());
      EXPECT_FALSE(doc["paths"].empty()) << api.name();
    }
  }
}

TEST(AwsFixturesTest, ServedThroughTheFake) {
  FakeClock clock;
  FakeApiGatewayOptions options;
  options.region = "eu-west-1";
  options.clock = &clock;
  FakeApiGateway fake(Load("eu-west-1"), options);
  absl::StatusOr<int> port = fake.Start();
  ASSERT_TRUE(port.ok()) << port.status();
  testing::SignedClient client(
      *port, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""}, "eu-west-1");
  client.SetTime(clock.Now());
  httplib::Result rest = client.Get("/restapis");
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->status, 200) << rest->body;
  std::vector<std::string> names;
  const Json rest_body = Json::parse(rest->body);
  for (const Json& api : rest_body["item"]) names.push_back(api["name"]);
  EXPECT_THAT(names,
              ::testing::ElementsAre("Shipping Rates API", "Customs Declarations API",
                                     "Loyalty Points API", "Store Locator API", "Returns API"));
  httplib::Result stages = client.Get("/v2/apis/n0t1fyhttp/stages");
  ASSERT_TRUE(stages);
  EXPECT_EQ(Json::parse(stages->body)["items"][0]["stageName"], "$default");
  httplib::Result ws = client.Get("/v2/apis/dr1v3rl0cw/routes");
  ASSERT_TRUE(ws);
  std::vector<std::string> keys;
  const Json ws_body = Json::parse(ws->body);
  for (const Json& route : ws_body["items"]) keys.push_back(route["routeKey"]);
  EXPECT_THAT(keys, Contains("$connect"));
}

}  // namespace
}  // namespace gov::fake::aws
