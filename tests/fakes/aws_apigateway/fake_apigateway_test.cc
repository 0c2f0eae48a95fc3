// Tests of the fake API Gateway control plane over real HTTP on loopback, with requests
// signed by gov_aws_sigv4 and time driven by a FakeClock.
#include "tests/fakes/aws_apigateway/fake_apigateway.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/fakes/aws_apigateway/paging.h"
#include "tests/fakes/aws_apigateway/test_util.h"

namespace gov::fake::aws {
namespace {

using ::testing::ElementsAre;
using testing::ExampleCredentials;
using ::testing::HasSubstr;
using testing::JsonEq;
using testing::Query;
using testing::SignedClient;
using ::testing::StartsWith;

constexpr char kNoToken[] = R"({"message":"Missing Authentication Token"})";
constexpr char kInvalidToken[] =
    R"({"message":"The security token included in the request is invalid."})";
constexpr char kTooMany[] = R"({"message":"Too Many Requests"})";

// 3 hand-written REST APIs then 57 generated ones (60), 2 HTTP APIs then 28 more HTTP and
// one WebSocket API (31 v2 APIs), and two API keys.
AwsData SixtyApis() {
  Json doc = Json::parse(R"({
    "region": "us-east-1",
    "restApis": [
      {"id": "orders0001", "name": "Orders", "createdDate": "2023-02-14T10:22:31Z",
       "tags": {"team": "commerce"},
       "stages": [{"stageName": "prod", "deploymentId": "dep1", "createdDate": "2023-02-14T11:00:00Z",
                   "tags": {"env": "production"}},
                  {"stageName": "dev", "deploymentId": "dep2"}],
       "authorizers": [
         {"id": "cog1", "name": "Customers", "type": "COGNITO_USER_POOLS",
          "providerARNs": ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_A"]},
         {"id": "tok1", "name": "Token", "type": "TOKEN", "authorizerUri": "arn:lambda"}],
       "resources": [{"path": "/orders", "methods": {
         "GET": {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": "cog1",
                 "integration": {"type": "AWS_PROXY", "httpMethod": "POST", "uri": "arn:fn"}}}}]},
      {"id": "payments01", "name": "Payments", "stages": [{"stageName": "v1"}]},
      {"id": "admin00001", "name": "Admin", "stages": [{"stageName": "prod"}]}],
    "apis": [
      {"apiId": "profiles01", "name": "Profiles", "protocolType": "HTTP",
       "createdDate": "2024-01-09T12:00:41Z", "tags": {"team": "identity"},
       "stages": [{"stageName": "$default", "autoDeploy": true}, {"stageName": "beta"}],
       "authorizers": [{"authorizerId": "jwt1", "name": "Jwt", "authorizerType": "JWT",
                        "jwtConfiguration": {"audience": ["app"], "issuer": "https://issuer"}}],
       "integrations": [{"integrationId": "int1", "integrationType": "AWS_PROXY",
                         "integrationUri": "arn:fn"}],
       "routes": [{"routeId": "r1", "routeKey": "GET /profiles/{id}", "authorizationType": "JWT",
                   "authorizerId": "jwt1", "target": "integrations/int1"},
                  {"routeId": "r2", "routeKey": "GET /health", "target": "integrations/int1"}]},
      {"apiId": "chat000001", "name": "Chat", "protocolType": "WEBSOCKET",
       "stages": [{"stageName": "production"}],
       "routes": [{"routeId": "c1", "routeKey": "$connect"}, {"routeId": "c2", "routeKey": "$default"}]}],
    "apiKeys": [
      {"id": "key1", "name": "acme", "value": "secret-value-1", "stageKeys": ["orders0001/prod"]},
      {"id": "key2", "name": "globex", "value": "secret-value-2", "enabled": false}]
  })");
  for (int i = 0; i < 29; ++i) {
    doc["apis"].push_back(Json{{"apiId", absl::StrFormat("http%06d", i)},
                               {"name", absl::StrFormat("HTTP API %02d", i)},
                               {"protocolType", "HTTP"}});
  }
  absl::StatusOr<AwsData> data = ParseAwsData(doc);
  EXPECT_TRUE(data.ok()) << data.status();
  AddGeneratedRestApis(*data, 57);
  data->credentials = {Credential{kExampleAccessKeyId, kExampleSecretAccessKey, "", false},
                       Credential{"ASIATEMP", "tempsecret", "token/+=", false},
                       Credential{"ASIAOLD", "oldsecret", "old-token", true}};
  return *std::move(data);
}

class FakeApiGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(SixtyApis()); }

  void Start(AwsData data) {
    fake_.reset();
    FakeApiGatewayOptions options;
    options.region = "us-east-1";
    options.clock = &clock_;
    fake_ = std::make_unique<FakeApiGateway>(std::move(data), options);
    absl::StatusOr<int> port = fake_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
    client_ = std::make_unique<SignedClient>(port_, ExampleCredentials());
  }

  httplib::Result Get(const std::string& wire_path, const Query& query = {},
                      HttpHeaders extra = {{"Accept", "application/json"}}) {
    client_->SetTime(clock_.Now());
    return client_->Get(wire_path, query, std::move(extra));
  }
  // A GET that must answer 200 JSON; returns the body.
  Json GetJson(const std::string& wire_path, const Query& query = {}) {
    httplib::Result r = Get(wire_path, query);
    EXPECT_TRUE(r) << wire_path << ": " << httplib::to_string(r.error());
    if (!r) return Json();
    EXPECT_EQ(r->status, 200) << wire_path << ": " << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json") << wire_path;
    return Json::parse(r->body);
  }
  Json Control(const std::string& target, int expected_status = 200) {
    httplib::Client client("127.0.0.1", port_);
    httplib::Result r = client.Post(target, "", "application/json");
    EXPECT_TRUE(r) << target;
    if (!r) return Json();
    EXPECT_EQ(r->status, expected_status) << target << ": " << r->body;
    return Json::parse(r->body);
  }
  Json ControlGet(const std::string& target) {
    httplib::Client client("127.0.0.1", port_);
    httplib::Result r = client.Get(target);
    EXPECT_TRUE(r && r->status == 200) << target;
    return r ? Json::parse(r->body) : Json();
  }
  static void ExpectAwsError(const httplib::Result& r, int status, const std::string& type,
                             const std::string& body) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status);
    EXPECT_EQ(r->get_header_value("x-amzn-ErrorType"), type);
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    EXPECT_EQ(r->body, body);
  }
  // Every id of a listing, following position/nextToken from page to page.
  std::vector<std::string> ListAll(const std::string& path, const std::string& size_name,
                                   const std::string& token_name, const std::string& items_key,
                                   const std::string& id_key, std::optional<int> size,
                                   int* pages = nullptr) {
    std::vector<std::string> ids;
    std::optional<std::string> token;
    for (int page = 1; page <= 100; ++page) {
      Query query;
      if (size.has_value()) query.emplace_back(size_name, std::to_string(*size));
      if (token.has_value()) query.emplace_back(token_name, *token);
      const Json body = GetJson(path, query);
      for (const Json& item : body[items_key]) ids.push_back(item[id_key]);
      if (pages != nullptr) *pages = page;
      if (!body.contains(token_name)) return ids;
      token = body[token_name].get<std::string>();
    }
    ADD_FAILURE() << "more than 100 pages";
    return ids;
  }

  FakeClock clock_{absl::FromUnixSeconds(1749988800)};  // 2025-06-15T12:00:00Z
  std::unique_ptr<FakeApiGateway> fake_;
  std::unique_ptr<SignedClient> client_;
  int port_ = 0;
};

// --- Authentication -------------------------------------------------------------------

TEST_F(FakeApiGatewayTest, UnsignedRequestsAreMissingAnAuthenticationToken) {
  httplib::Client client("127.0.0.1", port_);
  httplib::Result r = client.Get("/restapis");
  ExpectAwsError(r, 403, "MissingAuthenticationTokenException", kNoToken);
  EXPECT_EQ(r->get_header_value("x-amzn-RequestId").size(), 36u);
}

TEST_F(FakeApiGatewayTest, WrongSecretIsAnInvalidSignature) {
  client_->SetCredentials({kExampleAccessKeyId, "wrong-secret", ""});
  httplib::Result r = Get("/restapis", {{"limit", "5"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->get_header_value("x-amzn-ErrorType"), "InvalidSignatureException");
  const Json body = Json::parse(r->body);
  EXPECT_THAT(body["message"].get<std::string>(),
              StartsWith("The request signature we calculated does not match the signature you "
                         "provided. Check your AWS Secret Access Key and signing method."));
  EXPECT_THAT(body["message"].get<std::string>(),
              HasSubstr(absl::StrCat("\nhost:127.0.0.1:", port_, "\n")));
}

TEST_F(FakeApiGatewayTest, UnknownAccessKeyIsAnUnrecognizedClient) {
  client_->SetCredentials({"AKIANOBODY", "secret", ""});
  ExpectAwsError(Get("/v2/apis"), 403, "UnrecognizedClientException", kInvalidToken);
}

TEST_F(FakeApiGatewayTest, OldSignaturesAreExpired) {
  client_->SetTime(clock_.Now() - absl::Minutes(6));
  ExpectAwsError(client_->Get("/restapis"), 403, "InvalidSignatureException",
                 R"({"message":"Signature expired: 20250615T115400Z is now earlier than )"
                 R"json(20250615T115500Z (20250615T120000Z - 5 min.)"})json");
}

TEST_F(FakeApiGatewayTest, ClockOffsetMakesACorrectClientLookSkewed) {
  EXPECT_TRUE(JsonEq(Control("/_fake/clock?offset_seconds=-600"),
                     R"({"offset_seconds": -600, "ok": true})"));
  httplib::Result r = Get("/restapis");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_THAT(r->body, HasSubstr("Signature not yet current: 20250615T120000Z is still later than "
                                 "20250615T115500Z (20250615T115000Z + 5 min.)"));
  Control("/_fake/reset");
  EXPECT_EQ(Get("/restapis")->status, 200);
}

TEST_F(FakeApiGatewayTest, TemporaryCredentialsNeedTheirTokenAndMayBeExpired) {
  client_->SetCredentials({"ASIATEMP", "tempsecret", "token/+="});
  EXPECT_EQ(Get("/restapis")->status, 200);
  client_->SetCredentials({"ASIATEMP", "tempsecret", ""});
  ExpectAwsError(Get("/restapis"), 403, "UnrecognizedClientException", kInvalidToken);
  client_->SetCredentials({"ASIAOLD", "oldsecret", "old-token"});
  ExpectAwsError(Get("/restapis"), 403, "ExpiredTokenException",
                 R"({"message":"The security token included in the request is expired"})");
}

TEST_F(FakeApiGatewayTest, WrongRegionIsRefused) {
  client_->SetRegion("eu-west-1");
  ExpectAwsError(
      Get("/restapis"), 403, "InvalidSignatureException",
      R"({"message":"Credential should be scoped to a valid region, not 'eu-west-1'. "})");
}

// --- v1 listings ----------------------------------------------------------------------

TEST_F(FakeApiGatewayTest, RestApisArePagedBy25WithPositionTokens) {
  const Json first = GetJson("/restapis");
  ASSERT_EQ(first["item"].size(), 25u);
  EXPECT_EQ(first["item"][0]["id"], "orders0001");
  EXPECT_EQ(first["item"][0]["createdDate"], 1676370151);  // epoch seconds, a number
  EXPECT_EQ(first["item"][0]["tags"]["team"], "commerce");
  EXPECT_FALSE(first["item"][0].contains("stages"));
  const std::string position = first["position"];
  EXPECT_EQ(position, EncodePageToken("restapis", 25));
  EXPECT_NE(position.find_first_of("+/="), std::string::npos);

  int pages = 0;
  const std::vector<std::string> ids =
      ListAll("/restapis", "limit", "position", "item", "id", std::nullopt, &pages);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(ids.size(), 60u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 60u);
  EXPECT_EQ(ids[0], "orders0001");
  EXPECT_EQ(ids[2], "admin00001");
  EXPECT_EQ(ids[59], fake_->data().rest_apis[59].id());
}

TEST_F(FakeApiGatewayTest, RestApisWithAnExplicitLimit) {
  int pages = 0;
  EXPECT_EQ(ListAll("/restapis", "limit", "position", "item", "id", 7, &pages).size(), 60u);
  EXPECT_EQ(pages, 9);
  EXPECT_EQ(GetJson("/restapis", {{"limit", "500"}})["item"].size(), 60u);
  EXPECT_FALSE(GetJson("/restapis", {{"limit", "60"}}).contains("position"));
}

TEST_F(FakeApiGatewayTest, BadLimitOrPositionIsABadRequest) {
  ExpectAwsError(Get("/restapis", {{"limit", "0"}}), 400, "BadRequestException",
                 R"({"message":"1 validation error detected: Value '0' at 'limit' failed to )"
                 R"(satisfy constraint: Member must have value greater than or equal to 1"})");
  httplib::Result foreign = Get("/restapis", {{"position", EncodePageToken("v2/apis", 25)}});
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 400);
  EXPECT_EQ(foreign->get_header_value("x-amzn-ErrorType"), "BadRequestException");
  EXPECT_THAT(foreign->body, HasSubstr("not a token this listing returned"));
}

TEST_F(FakeApiGatewayTest, AnUnencodedTokenFailsTheSignature) {
  const std::string position = GetJson("/restapis")["position"];
  // What a client that forgets to encode the token sends: it signed the token, the server
  // reads its "+" as a space.
  gov::aws::SignableRequest request;
  request.host = absl::StrCat("127.0.0.1:", port_);
  request.path = "/restapis";
  request.query = {{"position", position}};
  const gov::aws::SignedHeaders signed_headers =
      gov::aws::SignV4(request, ExampleCredentials(), "us-east-1", "apigateway", clock_.Now());
  httplib::Headers headers;
  for (const auto& [name, value] : signed_headers.headers) headers.emplace(name, value);
  headers.emplace("Accept", "application/json");
  httplib::Result r = client_->Send(absl::StrCat("/restapis?position=", position), headers);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->get_header_value("x-amzn-ErrorType"), "InvalidSignatureException");
}

TEST_F(FakeApiGatewayTest, SixHundredRestApisComeInPagesOfAtMost500) {
  AwsData data;
  data.region = "us-east-1";
  data.credentials = {Credential{kExampleAccessKeyId, kExampleSecretAccessKey, "", false}};
  AddGeneratedRestApis(data, 600);
  Start(std::move(data));
  const Json first = GetJson("/restapis", {{"limit", "1000"}});
  EXPECT_EQ(first["item"].size(), 500u);
  const Json second = GetJson("/restapis", {{"limit", "1000"}, {"position", first["position"]}});
  EXPECT_EQ(second["item"].size(), 100u);
  EXPECT_FALSE(second.contains("position"));
  int pages = 0;
  EXPECT_EQ(ListAll("/restapis", "limit", "position", "item", "id", std::nullopt, &pages).size(),
            600u);
  EXPECT_EQ(pages, 24);
}

TEST_F(FakeApiGatewayTest, ShortPagesStillReachEveryApi) {
  EXPECT_TRUE(JsonEq(Control("/_fake/short-pages?max=4&empty_first=1"),
                     R"({"max": 4, "empty_first": true, "ok": true})"));
  const Json first = GetJson("/restapis", {{"limit", "25"}});
  EXPECT_EQ(first["item"].size(), 0u);
  EXPECT_TRUE(first.contains("position"));
  int pages = 0;
  EXPECT_EQ(ListAll("/restapis", "limit", "position", "item", "id", 25, &pages).size(), 60u);
  EXPECT_EQ(pages, 1 + 15);
  EXPECT_EQ(ListAll("/v2/apis", "maxResults", "nextToken", "items", "apiId", 10, &pages).size(),
            31u);
  EXPECT_EQ(pages, 1 + 8);
  Control("/_fake/reset");
  EXPECT_EQ(GetJson("/restapis")["item"].size(), 25u);
}

TEST_F(FakeApiGatewayTest, WithoutAcceptJsonV1AnswersHal) {
  httplib::Result r = Get("/restapis", {{"limit", "1"}}, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/hal+json");
  const Json body = Json::parse(r->body);
  EXPECT_FALSE(body.contains("item"));
  EXPECT_EQ(body["_links"]["self"]["href"], "/restapis");
  // One item: HAL embeds the object itself, not a list.
  EXPECT_EQ(body["_embedded"]["item"]["id"], "orders0001");
  EXPECT_TRUE(body.contains("position"));
}

TEST_F(FakeApiGatewayTest, StagesOfARestApi) {
  const Json stages = GetJson("/restapis/orders0001/stages");
  ASSERT_EQ(stages["item"].size(), 2u);
  EXPECT_EQ(stages["item"][0]["stageName"], "prod");
  EXPECT_EQ(stages["item"][0]["deploymentId"], "dep1");
  EXPECT_EQ(stages["item"][0]["createdDate"], 1676372400);
  EXPECT_TRUE(stages["item"][0]["lastUpdatedDate"].is_number());
  EXPECT_FALSE(stages.contains("position"));
  EXPECT_EQ(GetJson("/restapis/orders0001/stages", {{"deploymentId", "dep2"}})["item"].size(), 1u);
  EXPECT_EQ(GetJson("/restapis/orders0001/stages/dev")["stageName"], "dev");
  EXPECT_EQ(GetJson("/restapis/orders0001")["name"], "Orders");
  ExpectAwsError(Get("/restapis/nope/stages"), 404, "NotFoundException",
                 R"({"message":"Invalid API identifier specified 123456789012:nope"})");
  ExpectAwsError(Get("/restapis/orders0001/stages/qa"), 404, "NotFoundException",
                 R"({"message":"Invalid Stage identifier specified"})");
}

TEST_F(FakeApiGatewayTest, RestExportIsOpenApi3WithTheAskedExtensions) {
  httplib::Result r =
      Get("/restapis/orders0001/stages/prod/exports/oas30", {{"extensions", "integrations"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(r->get_header_value("Content-Disposition"),
            "attachment; filename=\"orders0001-prod-oas30.json\"");
  const Json doc = Json::parse(r->body);
  EXPECT_EQ(doc["openapi"], "3.0.1");
  EXPECT_EQ(doc["servers"][0]["variables"]["basePath"]["default"], "prod");
  EXPECT_EQ(doc["paths"]["/orders"]["get"]["x-amazon-apigateway-integration"]["uri"], "arn:fn");
  EXPECT_FALSE(
      doc["components"]["securitySchemes"]["Customers"].contains("x-amazon-apigateway-authorizer"));

  const Json plain = GetJson("/restapis/orders0001/stages/dev/exports/oas30");
  EXPECT_FALSE(plain["paths"]["/orders"]["get"].contains("x-amazon-apigateway-integration"));
  EXPECT_EQ(plain["servers"][0]["variables"]["basePath"]["default"], "dev");

  ExpectAwsError(Get("/restapis/orders0001/stages/qa/exports/oas30"), 404, "NotFoundException",
                 R"({"message":"Invalid Stage identifier specified"})");
  EXPECT_EQ(Get("/restapis/orders0001/stages/prod/exports/swagger")->status, 400);
  EXPECT_EQ(
      Get("/restapis/orders0001/stages/prod/exports/oas30", {{"extensions", "bogus"}})->status,
      400);
  httplib::Result yaml =
      Get("/restapis/orders0001/stages/prod/exports/oas30", {}, {{"Accept", "application/yaml"}});
  ASSERT_TRUE(yaml);
  EXPECT_EQ(yaml->status, 400);
  EXPECT_EQ(yaml->get_header_value("x-amzn-ErrorType"), "BadRequestException");
}

TEST_F(FakeApiGatewayTest, AuthorizersOfARestApiArePaged) {
  const Json first = GetJson("/restapis/orders0001/authorizers", {{"limit", "1"}});
  ASSERT_EQ(first["item"].size(), 1u);
  EXPECT_EQ(first["item"][0]["name"], "Customers");
  EXPECT_EQ(first["item"][0]["type"], "COGNITO_USER_POOLS");
  const Json second = GetJson("/restapis/orders0001/authorizers",
                              {{"limit", "1"}, {"position", first["position"]}});
  EXPECT_EQ(second["item"][0]["name"], "Token");
  EXPECT_FALSE(second.contains("position"));
  EXPECT_TRUE(JsonEq(GetJson("/restapis/payments01/authorizers"), R"({"item": []})"));
}

TEST_F(FakeApiGatewayTest, TagsByEncodedArn) {
  EXPECT_TRUE(
      JsonEq(GetJson("/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Forders0001"),
             R"({"tags": {"team": "commerce"}})"));
  EXPECT_TRUE(JsonEq(GetJson("/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2F"
                             "orders0001%2Fstages%2Fprod"),
                     R"({"tags": {"env": "production"}})"));
  EXPECT_TRUE(
      JsonEq(GetJson("/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fpayments01"),
             R"({"tags": {}})"));
  EXPECT_TRUE(
      JsonEq(GetJson("/v2/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Fapis%2Fprofiles01"),
             R"({"tags": {"team": "identity"}})"));
  httplib::Result unknown =
      Get("/tags/arn%3Aaws%3Aapigateway%3Aeu-west-1%3A%3A%2Frestapis%2Forders0001");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->get_header_value("x-amzn-ErrorType"), "NotFoundException");
  // An ARN whose "/" are not encoded is no single path segment: no such operation.
  httplib::Result raw = Get("/tags/arn:aws:apigateway:us-east-1::/restapis/orders0001");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->status, 404);
  EXPECT_EQ(raw->get_header_value("x-amzn-ErrorType"), "UnknownOperationException");
}

TEST_F(FakeApiGatewayTest, ApiKeysShowTheirValueOnlyWhenAsked) {
  const Json keys = GetJson("/apikeys");
  ASSERT_EQ(keys["item"].size(), 2u);
  EXPECT_FALSE(keys["item"][0].contains("value"));
  EXPECT_EQ(keys["item"][0]["stageKeys"][0], "orders0001/prod");
  EXPECT_TRUE(keys["item"][0]["createdDate"].is_number());
  EXPECT_EQ(keys["item"][1]["enabled"], false);
  const Json with_values = GetJson("/apikeys", {{"includeValues", "true"}});
  EXPECT_EQ(with_values["item"][0]["value"], "secret-value-1");
  EXPECT_EQ(GetJson("/apikeys", {{"nameQuery", "glo"}})["item"].size(), 1u);
}

// --- v2 -------------------------------------------------------------------------------

TEST_F(FakeApiGatewayTest, V2ApisArePagedBy25WithNextTokens) {
  const Json first = GetJson("/v2/apis");
  ASSERT_EQ(first["items"].size(), 25u);
  const Json& profiles = first["items"][0];
  EXPECT_EQ(profiles["apiId"], "profiles01");
  EXPECT_EQ(profiles["protocolType"], "HTTP");
  EXPECT_EQ(profiles["createdDate"], "2024-01-09T12:00:41Z");  // ISO 8601, a string
  EXPECT_EQ(profiles["apiEndpoint"], "https://profiles01.execute-api.us-east-1.amazonaws.com");
  EXPECT_EQ(first["items"][1]["apiEndpoint"],
            "wss://chat000001.execute-api.us-east-1.amazonaws.com");
  EXPECT_EQ(first["nextToken"], EncodePageToken("v2/apis", 25));
  int pages = 0;
  EXPECT_EQ(
      ListAll("/v2/apis", "maxResults", "nextToken", "items", "apiId", std::nullopt, &pages).size(),
      31u);
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(GetJson("/v2/apis", {{"maxResults", "1000"}})["items"].size(), 31u);
  EXPECT_EQ(GetJson("/v2/apis/chat000001")["protocolType"], "WEBSOCKET");
  EXPECT_EQ(Get("/v2/apis", {{"maxResults", "-1"}})->status, 400);
}

TEST_F(FakeApiGatewayTest, V2StagesRoutesAuthorizersAndIntegrations) {
  const Json stages = GetJson("/v2/apis/profiles01/stages");
  ASSERT_EQ(stages["items"].size(), 2u);
  EXPECT_EQ(stages["items"][0]["stageName"], "$default");
  EXPECT_EQ(stages["items"][0]["autoDeploy"], true);
  EXPECT_TRUE(stages["items"][0]["createdDate"].is_string());
  const Json one = GetJson("/v2/apis/profiles01/stages", {{"maxResults", "1"}});
  EXPECT_EQ(one["items"].size(), 1u);
  EXPECT_TRUE(one.contains("nextToken"));
  const Json routes = GetJson("/v2/apis/chat000001/routes");
  ASSERT_EQ(routes["items"].size(), 2u);
  EXPECT_EQ(routes["items"][0]["routeKey"], "$connect");
  EXPECT_EQ(routes["items"][0]["authorizationType"], "NONE");
  const Json authorizers = GetJson("/v2/apis/profiles01/authorizers");
  EXPECT_EQ(authorizers["items"][0]["jwtConfiguration"]["issuer"], "https://issuer");
  EXPECT_EQ(GetJson("/v2/apis/profiles01/integrations")["items"][0]["integrationId"], "int1");
  ExpectAwsError(Get("/v2/apis/nope/routes"), 404, "NotFoundException",
                 R"({"message":"Invalid API identifier specified 123456789012:nope"})");
}

TEST_F(FakeApiGatewayTest, HttpApiExport) {
  const Json doc = GetJson("/v2/apis/profiles01/exports/OAS30",
                           {{"outputType", "JSON"}, {"stageName", "$default"}});
  EXPECT_EQ(doc["openapi"], "3.0.1");
  EXPECT_EQ(doc["paths"]["/profiles/{id}"]["get"]["security"][0].contains("Jwt"), true);
  EXPECT_EQ(doc["servers"][0]["variables"]["basePath"]["default"], "");
  EXPECT_EQ(doc["x-amazon-apigateway-importexport-version"], "1.0");
  const Json bare = GetJson("/v2/apis/profiles01/exports/OAS30",
                            {{"outputType", "JSON"}, {"includeExtensions", "false"}});
  EXPECT_FALSE(bare.contains("x-amazon-apigateway-importexport-version"));
  ExpectAwsError(Get("/v2/apis/profiles01/exports/OAS30"), 400, "BadRequestException",
                 R"({"message":"1 validation error detected: Value null at 'outputType' failed )"
                 R"(to satisfy constraint: Member must not be null"})");
  ExpectAwsError(Get("/v2/apis/chat000001/exports/OAS30", {{"outputType", "JSON"}}), 400,
                 "BadRequestException",
                 R"({"message":"Exporting WebSocket APIs is not supported; only HTTP APIs can )"
                 R"(be exported"})");
  EXPECT_EQ(Get("/v2/apis/profiles01/exports/OAS30", {{"outputType", "JSON"}, {"stageName", "qa"}})
                ->status,
            404);
  EXPECT_EQ(Get("/v2/apis/profiles01/exports/SWAGGER", {{"outputType", "JSON"}})->status, 400);
  EXPECT_EQ(Get("/v2/apis/profiles01/exports/OAS30", {{"outputType", "YAML"}})->status, 400);
}

// --- Fault switches -------------------------------------------------------------------

TEST_F(FakeApiGatewayTest, ThrottleSwitchAnswers429ForTheNextRequests) {
  Control("/_fake/throttle?times=2&retry_after=3");
  for (int i = 0; i < 2; ++i) {
    httplib::Result r = Get("/restapis");
    ExpectAwsError(r, 429, "TooManyRequestsException", kTooMany);
    EXPECT_EQ(r->get_header_value("Retry-After"), "3");
  }
  EXPECT_EQ(Get("/restapis")->status, 200);
  EXPECT_EQ(ControlGet("/_fake/stats")["throttled"], 2);
}

TEST_F(FakeApiGatewayTest, ThrottleMidListingByPatternAndSkip) {
  // Let the first later page through, then throttle the next one once.
  Control("/_fake/throttle?path=position%3D&skip=1&times=1");
  const Json first = GetJson("/restapis", {{"limit", "10"}});
  const Json second = GetJson("/restapis", {{"limit", "10"}, {"position", first["position"]}});
  httplib::Result third = Get("/restapis", {{"limit", "10"}, {"position", second["position"]}});
  ExpectAwsError(third, 429, "TooManyRequestsException", kTooMany);
  EXPECT_FALSE(third->has_header("Retry-After"));
  EXPECT_EQ(Get("/restapis", {{"limit", "10"}, {"position", second["position"]}})->status, 200);
  // Other paths never matched.
  EXPECT_EQ(Get("/v2/apis")->status, 200);
}

TEST_F(FakeApiGatewayTest, FailSwitchAnswersServerErrors) {
  Control("/_fake/fail?status=503&times=1&path=%5E/v2/");
  httplib::Result unavailable = Get("/v2/apis");
  ExpectAwsError(
      unavailable, 503, "ServiceUnavailableException",
      R"({"message":"The request has failed due to a temporary failure of the server."})");
  EXPECT_EQ(unavailable->get_header_value("Retry-After"), "1");
  EXPECT_EQ(Get("/v2/apis")->status, 200);

  Control("/_fake/fail?status=500&times=1");
  ExpectAwsError(Get("/restapis"), 500, "InternalFailure",
                 R"({"message":"The request processing has failed because of an unknown error, )"
                 R"(exception or failure."})");
  EXPECT_EQ(Get("/restapis")->status, 200);
}

TEST_F(FakeApiGatewayTest, FailSwitchCanDropTheConnectionMidAnswer) {
  Control("/_fake/fail?status=drop&times=1");
  httplib::Result dropped = Get("/restapis");
  EXPECT_FALSE(dropped) << "status " << (dropped ? dropped->status : 0);
  EXPECT_EQ(Get("/restapis")->status, 200);
}

TEST_F(FakeApiGatewayTest, AuthErrorSwitchAnswersEachType) {
  for (const std::string& type : AuthErrorTypes()) {
    Control(absl::StrCat("/_fake/auth-error?type=", type, "&times=1"));
    httplib::Result r = Get("/restapis");
    ASSERT_TRUE(r) << type;
    EXPECT_EQ(r->status, 403) << type;
    EXPECT_EQ(r->get_header_value("x-amzn-ErrorType"), type);
    EXPECT_TRUE(Json::parse(r->body)["message"].is_string()) << type;
  }
  EXPECT_EQ(Get("/restapis")->status, 200);
  Control("/_fake/auth-error?type=UnrecognizedClientException");
  for (int i = 0; i < 3; ++i) {
    ExpectAwsError(Get("/v2/apis"), 403, "UnrecognizedClientException", kInvalidToken);
  }
  Control("/_fake/reset");
  Control("/_fake/auth-error?type=AccessDeniedException&times=1");
  ExpectAwsError(
      Get("/v2/apis"), 403, "AccessDeniedException",
      R"({"message":"User: arn:aws:iam::123456789012:user/governance-agent is not authorized )"
      R"(to perform: apigateway:GET on resource: arn:aws:apigateway:us-east-1::/v2/apis"})");
  EXPECT_EQ(Get("/v2/apis")->status, 200);
}

TEST_F(FakeApiGatewayTest, RateLimitThrottlesBeyondTheBurstUntilTimePasses) {
  Control("/_fake/rate-limit?rps=2&burst=3");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Get("/restapis")->status, 200);
  httplib::Result throttled = Get("/restapis");
  ExpectAwsError(throttled, 429, "TooManyRequestsException", kTooMany);
  EXPECT_EQ(throttled->get_header_value("Retry-After"), "1");
  clock_.Advance(absl::Milliseconds(500));
  EXPECT_EQ(Get("/restapis")->status, 200);
  EXPECT_EQ(Get("/restapis")->status, 429);
  Control("/_fake/rate-limit?rps=0");
  EXPECT_EQ(Get("/restapis")->status, 200);
}

TEST_F(FakeApiGatewayTest, StatsReportTheBusiestSecond) {
  for (int i = 0; i < 12; ++i) Get("/restapis");
  clock_.Advance(absl::Seconds(1));
  for (int i = 0; i < 3; ++i) Get("/v2/apis");
  EXPECT_TRUE(JsonEq(ControlGet("/_fake/stats"),
                     R"({"total": 15, "max_per_second": 12,
                         "max_window_end": "2025-06-15T12:00:00.000Z", "throttled": 0,
                         "ok": true})"));
}

TEST_F(FakeApiGatewayTest, RequestCountsByPathOperationAndStatus) {
  GetJson("/restapis");
  GetJson("/restapis/orders0001/stages");
  GetJson("/v2/apis/profiles01/stages/");  // a trailing slash is the same call
  Get("/restapis/nope");
  httplib::Client("127.0.0.1", port_).Get("/v2/apis");  // unsigned
  const Json counts = ControlGet("/_fake/requests");
  EXPECT_EQ(counts["total"], 5);
  EXPECT_TRUE(JsonEq(counts["by_path"], R"({"/restapis": 1, "/restapis/orders0001/stages": 1,
      "/v2/apis/profiles01/stages/": 1, "/restapis/nope": 1, "/v2/apis": 1})"));
  EXPECT_TRUE(JsonEq(counts["by_operation"], R"({"apigateway:GetRestApis": 1,
      "apigateway:GetStages": 1, "apigatewayv2:GetStages": 1, "apigateway:GetRestApi": 1,
      "apigatewayv2:GetApis": 1})"));
  EXPECT_TRUE(JsonEq(counts["by_status"], R"({"200": 3, "403": 1, "404": 1})"));
  ASSERT_EQ(counts["recent"].size(), 5u);
  EXPECT_TRUE(JsonEq(counts["recent"][4], R"({"method": "GET", "target": "/v2/apis",
      "status": 403, "error_type": "MissingAuthenticationTokenException"})"));
  Control("/_fake/reset");
  EXPECT_EQ(ControlGet("/_fake/requests")["total"], 0);
}

TEST_F(FakeApiGatewayTest, DroppedApisDisappearUntilRestored) {
  EXPECT_TRUE(
      JsonEq(Control("/_fake/drop?id=orders0001&id=profiles01&id=ghost"),
             R"({"dropped": ["orders0001", "profiles01"], "unknown": ["ghost"], "ok": true})"));
  EXPECT_EQ(GetJson("/restapis", {{"limit", "500"}})["item"].size(), 59u);
  EXPECT_EQ(GetJson("/restapis")["item"][0]["id"], "payments01");
  EXPECT_EQ(GetJson("/v2/apis", {{"maxResults", "500"}})["items"].size(), 30u);
  EXPECT_EQ(Get("/restapis/orders0001/stages")->status, 404);
  EXPECT_EQ(Get("/v2/apis/profiles01/exports/OAS30", {{"outputType", "JSON"}})->status, 404);
  Control("/_fake/restore");
  EXPECT_EQ(GetJson("/restapis", {{"limit", "500"}})["item"].size(), 60u);
}

TEST_F(FakeApiGatewayTest, UnknownOperations) {
  ExpectAwsError(Get("/restapis/orders0001/resources"), 404, "UnknownOperationException",
                 R"({"message":"fake-aws-apigateway serves no operation at GET )"
                 R"(/restapis/orders0001/resources"})");
}

TEST_F(FakeApiGatewayTest, BadControlCallsAreRefused) {
  EXPECT_TRUE(
      JsonEq(Control("/_fake/fail?status=200", 400), R"({"error": "status 200 is not 400-599"})"));
  EXPECT_TRUE(JsonEq(Control("/_fake/fail", 400),
                     R"({"error": "fail needs status=<400-599> or status=drop"})"));
  EXPECT_THAT(Control("/_fake/auth-error?type=Nope", 400)["error"].get<std::string>(),
              HasSubstr("type \"Nope\" is not one of AccessDeniedException, "));
  EXPECT_THAT(Control("/_fake/throttle?path=(", 400)["error"].get<std::string>(),
              HasSubstr("pattern \"(\" is not a regular expression"));
  EXPECT_TRUE(JsonEq(Control("/_fake/throttle?skip=-1", 400),
                     R"({"error": "skip must be an integer >= 0"})"));
  EXPECT_TRUE(JsonEq(Control("/_fake/short-pages?max=x", 400),
                     R"({"error": "max must be an integer >= 0"})"));
  EXPECT_TRUE(
      JsonEq(Control("/_fake/drop", 400), R"({"error": "drop needs at least one id parameter"})"));
  httplib::Result unknown = httplib::Client("127.0.0.1", port_).Get("/_fake/nope");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_TRUE(
      JsonEq(Json::parse(unknown->body), R"({"error": "no control call GET /_fake/nope"})"));
  // Nothing was installed by the refused calls, and they are no API requests.
  EXPECT_EQ(ControlGet("/_fake/requests")["total"], 0);
  EXPECT_EQ(Get("/restapis")->status, 200);
}

TEST_F(FakeApiGatewayTest, StartRefusesWithoutCredentialsOrTwice) {
  AwsData data;
  FakeApiGateway bare(std::move(data), FakeApiGatewayOptions{});
  absl::StatusOr<int> port = bare.Start();
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.status().message(), "the fake accepts no credentials (none are configured)");
  EXPECT_EQ(fake_->Start().status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace gov::fake::aws
