#include "src/agent/providers/aws/aws_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/agent/providers/aws/rate_limiter.h"
#include "src/agent/providers/aws/sigv4.h"
#include "src/agent/providers/tyk/fake_http_client.h"

namespace gov::agent::aws {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Le;
using ::testing::Not;
using ::testing::Pair;
using ::testing::SizeIs;

constexpr char kAccessKey[] = "AKIDEXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kToken[] = "FwoGZXIvYXdzEXAMPLE+token/==";
constexpr char kBase[] = "https://apigateway.us-east-1.amazonaws.com";

HttpResponse Answer(int status, json body, HttpHeaders headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  r.headers = std::move(headers);
  return r;
}

HttpResponse AwsErrorAnswer(int status, const std::string& type, const std::string& message,
                            HttpHeaders extra = {}) {
  extra.emplace_back("x-amzn-ErrorType",
                     type + ":http://internal.amazon.com/coral/com.amazon.coral.service/");
  return Answer(status, {{"message", message}}, std::move(extra));
}

// A fake API Gateway control plane in the test process: it serves REST (v1) and HTTP /
// WebSocket (v2) APIs in pages of `page_size` whatever the client asks (AWS may return
// fewer items than the limit), with tokens full of '/', '+' and '=', and answers 403
// InvalidSignatureException to any request whose SigV4 signature does not verify.
class FakeGateway {
 public:
  FakeGateway(std::string base, std::string region)
      : base_(std::move(base)), region_(std::move(region)) {}

  size_t page_size = 1000;
  std::vector<json> rest_apis, v2_apis;
  std::map<std::string, json> rest_stages, rest_authorizers, rest_exports;  // exports by "id/stage"
  std::map<std::string, json> v2_stages, v2_authorizers, v2_routes, v2_exports;
  gov::aws::Credentials credentials{kAccessKey, kSecret, kToken};
  Clock* clock = nullptr;
  std::vector<absl::Time> request_times;

  // The next answers for `path`, used before the normal ones (one per request).
  void Inject(const std::string& path, std::vector<absl::StatusOr<HttpResponse>> answers) {
    for (auto& a : answers) injected_[path].push_back(std::move(a));
  }
  // Every request for `path` gets `answer`.
  void Always(const std::string& path, absl::StatusOr<HttpResponse> answer) {
    always_[path] = std::move(answer);
  }

  static std::string Token(size_t offset) { return absl::StrCat("tok/", offset, "+=="); }

  std::optional<absl::StatusOr<HttpResponse>> Handle(const HttpRequest& request) {
    if (clock != nullptr) request_times.push_back(clock->Now());
    if (!absl::StartsWith(request.url, base_)) return std::nullopt;
    const std::string rest = request.url.substr(base_.size());
    const size_t q = rest.find('?');
    const std::string path = rest.substr(0, q);
    const Query query = gov::aws::ParseQuery(q == std::string::npos ? "" : rest.substr(q + 1));

    if (std::optional<HttpResponse> bad = CheckSignature(request, path, query)) return *bad;
    if (auto it = injected_.find(path); it != injected_.end() && !it->second.empty()) {
      absl::StatusOr<HttpResponse> answer = it->second.front();
      it->second.pop_front();
      return answer;
    }
    if (auto it = always_.find(path); it != always_.end()) return it->second;
    return Route(path, query);
  }

 private:
  std::optional<HttpResponse> CheckSignature(const HttpRequest& request, const std::string& path,
                                             const Query& query) {
    std::string host, date, authorization, token, accept;
    for (const auto& [name, value] : request.headers) {
      const std::string lower = absl::AsciiStrToLower(name);
      if (lower == "host") host = value;
      if (lower == "x-amz-date") date = value;
      if (lower == "authorization") authorization = value;
      if (lower == "x-amz-security-token") token = value;
      if (lower == "accept") accept = value;
    }
    absl::Time t;
    std::string err;
    if (accept != "application/json" || !absl::ParseTime("%E4Y%m%dT%H%M%SZ", date, &t, &err)) {
      return AwsErrorAnswer(400, "BadRequestException", "missing Accept or X-Amz-Date");
    }
    gov::aws::SignableRequest signable;
    signable.host = host;
    signable.path = path;
    signable.query = query;
    signable.headers = {{"Accept", accept}};
    gov::aws::Credentials c = credentials;
    c.session_token = token;
    const std::string expected =
        gov::aws::SignV4(signable, c, region_, "apigateway", t).authorization;
    if (authorization != expected || token != credentials.session_token) {
      return AwsErrorAnswer(
          403, "InvalidSignatureException",
          "The request signature we calculated does not match the signature you provided.");
    }
    return std::nullopt;
  }

  static std::string Value(const Query& query, const std::string& name) {
    for (const auto& [k, v] : query) {
      if (k == name) return v;
    }
    return "";
  }

  HttpResponse Page(const std::vector<json>& all, const Query& query, const char* token_param,
                    const char* list_key) {
    size_t offset = 0;
    const std::string token = Value(query, token_param);
    if (!token.empty()) {
      std::string digits = token.substr(4, token.find('+') - 4);
      if (!absl::StartsWith(token, "tok/") || !absl::SimpleAtoi(digits, &offset)) {
        return AwsErrorAnswer(400, "BadRequestException", "Invalid pagination token " + token);
      }
    }
    json body = json::object();
    json items = json::array();
    for (size_t i = offset; i < all.size() && i < offset + page_size; ++i) items.push_back(all[i]);
    if (!items.empty()) body[list_key] = items;  // AWS leaves an empty list out
    if (offset + page_size < all.size()) body[token_param] = Token(offset + page_size);
    return Answer(200, body);
  }

  static std::vector<json> Items(const std::map<std::string, json>& by_id, const std::string& id) {
    auto it = by_id.find(id);
    if (it == by_id.end()) return {};
    return std::vector<json>(it->second.begin(), it->second.end());
  }

  absl::StatusOr<HttpResponse> Route(const std::string& path, const Query& query) {
    std::vector<std::string> parts = absl::StrSplit(path, '/');  // "", "restapis", ...
    for (std::string& p : parts) p = gov::aws::UriDecode(p);
    const size_t n = parts.size();
    if (path == "/restapis") return Page(rest_apis, query, "position", "item");
    if (n == 4 && parts[1] == "restapis" && parts[3] == "stages") {
      return Answer(200, {{"item", json(Items(rest_stages, parts[2]))}});
    }
    if (n == 4 && parts[1] == "restapis" && parts[3] == "authorizers") {
      return Page(Items(rest_authorizers, parts[2]), query, "position", "item");
    }
    if (n == 7 && parts[1] == "restapis" && parts[5] == "exports" && parts[6] == "oas30" &&
        Value(query, "extensions") == "integrations,authorizers") {
      auto it = rest_exports.find(parts[2] + "/" + parts[4]);
      if (it != rest_exports.end()) return Answer(200, it->second);
    }
    if (path == "/v2/apis") return Page(v2_apis, query, "nextToken", "items");
    if (n == 5 && parts[1] == "v2" && parts[2] == "apis") {
      if (parts[4] == "stages")
        return Page(Items(v2_stages, parts[3]), query, "nextToken", "items");
      if (parts[4] == "authorizers")
        return Page(Items(v2_authorizers, parts[3]), query, "nextToken", "items");
      if (parts[4] == "routes")
        return Page(Items(v2_routes, parts[3]), query, "nextToken", "items");
    }
    if (n == 6 && parts[1] == "v2" && parts[4] == "exports" && parts[5] == "OAS30" &&
        Value(query, "outputType") == "JSON") {
      auto it = v2_exports.find(parts[3]);
      if (it != v2_exports.end()) return Answer(200, it->second);
    }
    return AwsErrorAnswer(404, "NotFoundException", "Invalid resource " + path);
  }

  const std::string base_;
  const std::string region_;
  std::map<std::string, std::deque<absl::StatusOr<HttpResponse>>> injected_;
  std::map<std::string, absl::StatusOr<HttpResponse>> always_;
};

json RestApiItem(const std::string& id) {
  return {{"id", id},
          {"name", "API " + id},
          {"createdDate", 1594000000},
          {"endpointConfiguration", {{"types", {"REGIONAL"}}}}};
}

json OpenExport(const std::string& title) {
  return {{"openapi", "3.0.1"},
          {"info", {{"title", title}}},
          {"paths", {{"/", {{"get", json::object()}}}}}};
}

json V2Item(const std::string& id, const std::string& protocol) {
  return {{"apiId", id},
          {"name", "API " + id},
          {"protocolType", protocol},
          {"createdDate", "2021-03-04T05:06:07.250Z"},
          {"apiEndpoint", absl::StrCat(protocol == "WEBSOCKET" ? "wss" : "https", "://", id,
                                       ".execute-api.us-east-1.amazonaws.com")}};
}

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

struct Listing {
  absl::Status status;
  std::vector<NormalizedApi> apis;
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& a : apis) out.push_back(a.external_id);
    return out;
  }
  const NormalizedApi& get(const std::string& id) const {
    for (const auto& a : apis) {
      if (a.external_id == id) return a;
    }
    static const NormalizedApi* const none = new NormalizedApi();
    ADD_FAILURE() << "no API " << id;
    return *none;
  }
};

class AwsProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway_.clock = &clock_;
    options_.sleeper = &sleeper_;
    http_.SetHandler([this](const HttpRequest& r) { return gateway_.Handle(r); });
  }
  std::unique_ptr<AwsProvider> Make() {
    return std::make_unique<AwsProvider>("aws-us", config_, absl::Seconds(9), &http_, &clock_,
                                         &random_, options_);
  }
  Listing List(std::stop_token stop = {}) {
    std::unique_ptr<AwsProvider> provider = Make();
    Listing out;
    out.status = provider->ListApis(
        [&](NormalizedApi api) {
          out.apis.push_back(std::move(api));
          return absl::OkStatus();
        },
        std::move(stop));
    return out;
  }
  std::vector<std::string> UrlsFor(const std::string& path) const {
    std::vector<std::string> out;
    for (const std::string& url : http_.urls()) {
      const std::string rest = url.substr(std::string(kBase).size());
      if (rest.substr(0, rest.find('?')) == path) out.push_back(url);
    }
    return out;
  }
  // One REST API with one deployed stage and an export, and nothing else.
  void OneRestApi(const std::string& id = "r1") {
    gateway_.rest_apis = {RestApiItem(id)};
    gateway_.rest_stages[id] = json::array({{{"stageName", "prod"}, {"deploymentId", "d1"}}});
    gateway_.rest_exports[id + "/prod"] = OpenExport(id);
  }

  FakeClock clock_;
  FakeSleeper sleeper_{&clock_};
  StdRandom random_{42};
  fakes::FakeHttpClient http_;
  FakeGateway gateway_{kBase, "us-east-1"};
  AwsProviderConfig config_{kAccessKey, kSecret, "us-east-1", kToken, ""};
  AwsProviderOptions options_;
};

TEST_F(AwsProviderTest, PagesBothWaysWithShortPagesUntilTheTokenIsAbsent) {
  gateway_.page_size = 3;  // fewer than the 500 asked for
  for (int i = 1; i <= 7; ++i) {
    const std::string id = absl::StrCat("r", i);
    gateway_.rest_apis.push_back(RestApiItem(id));
    gateway_.rest_stages[id] = json::array({{{"stageName", "prod"}, {"deploymentId", "d"}}});
    gateway_.rest_exports[id + "/prod"] = OpenExport(id);
  }
  for (int i = 1; i <= 5; ++i) {
    const std::string id = absl::StrCat("h", i);
    gateway_.v2_apis.push_back(V2Item(id, "HTTP"));
    gateway_.v2_exports[id] = OpenExport(id);
  }
  gateway_.v2_apis.push_back(V2Item("w1", "WEBSOCKET"));

  Listing got = List();

  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("r1", "r2", "r3", "r4", "r5", "r6", "r7", "h1", "h2", "h3",
                                     "h4", "h5", "w1"));
  EXPECT_THAT(UrlsFor("/restapis"),
              ElementsAre(absl::StrCat(kBase, "/restapis?limit=500"),
                          absl::StrCat(kBase, "/restapis?limit=500&position=tok%2F3%2B%3D%3D"),
                          absl::StrCat(kBase, "/restapis?limit=500&position=tok%2F6%2B%3D%3D")));
  EXPECT_THAT(
      UrlsFor("/v2/apis"),
      ElementsAre(absl::StrCat(kBase, "/v2/apis?maxResults=500"),
                  absl::StrCat(kBase, "/v2/apis?maxResults=500&nextToken=tok%2F3%2B%3D%3D")));
  EXPECT_THAT(
      UrlsFor("/restapis/r4/stages/prod/exports/oas30"),
      ElementsAre(absl::StrCat(
          kBase, "/restapis/r4/stages/prod/exports/oas30?extensions=integrations%2Cauthorizers")));
  EXPECT_THAT(UrlsFor("/v2/apis/h2/exports/OAS30"),
              ElementsAre(absl::StrCat(
                  kBase, "/v2/apis/h2/exports/OAS30?includeExtensions=true&outputType=JSON")));
  EXPECT_EQ(got.get("r4").oas_document, OpenExport("r4"));
  EXPECT_EQ(got.get("h2").oas_document, OpenExport("h2"));
  for (const NormalizedApi& api : got.apis) EXPECT_EQ(api.error, "") << api.external_id;
  for (const HttpRequest& r : http_.requests()) EXPECT_EQ(r.timeout, absl::Seconds(9));
}

TEST_F(AwsProviderTest, EverySubListIsPagedToo) {
  gateway_.page_size = 2;
  gateway_.rest_apis = {RestApiItem("r1")};
  gateway_.rest_authorizers["r1"] = json::array();
  for (int i = 0; i < 5; ++i) {
    gateway_.rest_authorizers["r1"].push_back(
        {{"id", absl::StrCat("a", i)}, {"name", absl::StrCat("auth", i)}, {"type", "TOKEN"}});
  }
  gateway_.v2_apis = {V2Item("w1", "WEBSOCKET")};
  gateway_.v2_routes["w1"] = json::parse(R"([
    {"routeKey": "$connect", "authorizationType": "AWS_IAM"},
    {"routeKey": "$disconnect"}, {"routeKey": "$default"}, {"routeKey": "send"}, {"routeKey": "join"}])");
  gateway_.v2_stages["w1"] = json::parse(
      R"([{"stageName": "a"}, {"stageName": "b"}, {"stageName": "c", "deploymentId": "d"}])");

  Listing got = List();

  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.get("r1").extra["authorizers"], SizeIs(5));
  EXPECT_THAT(got.get("r1").auth_mechanisms, ElementsAre("lambda"));  // no stage: no export
  EXPECT_THAT(UrlsFor("/restapis/r1/authorizers"), SizeIs(3));
  const NormalizedApi& ws = got.get("w1");
  EXPECT_EQ(ws.protocol, "websocket");
  EXPECT_THAT(ws.extra["routes"], SizeIs(5));
  EXPECT_EQ(ws.extra["routes"][0]["route_key"], "$connect");
  EXPECT_THAT(ws.auth_mechanisms, ElementsAre("iam"));
  EXPECT_THAT(ws.versions, ElementsAre("a", "b", "c"));
  EXPECT_EQ(ws.extra["stages"][2]["invoke_url"], "wss://w1.execute-api.us-east-1.amazonaws.com/c");
  EXPECT_THAT(
      UrlsFor("/v2/apis/w1/routes"),
      ElementsAre(
          absl::StrCat(kBase, "/v2/apis/w1/routes?maxResults=500"),
          absl::StrCat(kBase, "/v2/apis/w1/routes?maxResults=500&nextToken=tok%2F2%2B%3D%3D"),
          absl::StrCat(kBase, "/v2/apis/w1/routes?maxResults=500&nextToken=tok%2F4%2B%3D%3D")));
  EXPECT_THAT(UrlsFor("/v2/apis/w1/exports/OAS30"), IsEmpty());  // WebSocket APIs have none
}

TEST_F(AwsProviderTest, FirstRequestCarriesTheKnownSignature) {
  // Worked out by hand and with `openssl dgst -sha256 -mac HMAC` (see sigv4_test.cc): the
  // canonical request of GET /restapis?limit=500 at 2025-06-15T15:06:40Z (the FakeClock's
  // start) with Accept, Host, X-Amz-Date and the session token signed.
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  const HttpRequest first = http_.requests().at(0);
  EXPECT_EQ(first.url, absl::StrCat(kBase, "/restapis?limit=500"));
  EXPECT_THAT(first.headers,
              ElementsAre(Pair("Host", "apigateway.us-east-1.amazonaws.com"),
                          Pair("X-Amz-Date", "20250615T150640Z"),
                          Pair("X-Amz-Security-Token", kToken), Pair("Accept", "application/json"),
                          Pair("Authorization",
                               "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250615/us-east-1/"
                               "apigateway/aws4_request, SignedHeaders=accept;host;x-amz-date;"
                               "x-amz-security-token, Signature=3741db0e7372b233824a90543eb28bea"
                               "21302d8aa0a8308c88db20879434c49a")));
}

TEST_F(AwsProviderTest, EndpointOverrideWithPortIsSignedWithItsHost) {
  config_.endpoint = "http://127.0.0.1:8443/";
  config_.session_token = "";
  FakeGateway local("http://127.0.0.1:8443", "us-east-1");
  local.credentials.session_token = "";
  local.rest_apis = {RestApiItem("r1")};
  http_.SetHandler([&](const HttpRequest& r) { return local.Handle(r); });

  std::unique_ptr<AwsProvider> provider = Make();
  EXPECT_EQ(provider->Details(),
            (std::map<std::string, std::string>{{"region", "us-east-1"},
                                                {"endpoint", "http://127.0.0.1:8443"}}));
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("r1"));
  const HttpRequest first = http_.requests().at(0);
  EXPECT_EQ(first.url, "http://127.0.0.1:8443/restapis?limit=500");
  EXPECT_THAT(first.headers, Contains(Pair("Host", "127.0.0.1:8443")));
  EXPECT_THAT(first.headers, Not(Contains(Pair("X-Amz-Security-Token", ::testing::_))));
}

TEST_F(AwsProviderTest, EndpointWithPathPrefixSignsThePrefix) {
  config_.endpoint = "https://gw.internal/apigw/";
  http_.SetHandler([](const HttpRequest&) -> std::optional<absl::StatusOr<HttpResponse>> {
    return Answer(200, json::object());
  });
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  const HttpRequest first = http_.requests().at(0);
  EXPECT_EQ(first.url, "https://gw.internal/apigw/restapis?limit=500");
  // The signature covers the whole path the server sees, prefix included.
  gov::aws::SignableRequest signable;
  signable.host = "gw.internal";
  signable.path = "/apigw/restapis";
  signable.query = {{"limit", "500"}};
  signable.headers = {{"Accept", "application/json"}};
  const std::string expected = gov::aws::SignV4(signable, {kAccessKey, kSecret, kToken},
                                                "us-east-1", "apigateway", clock_.Now())
                                   .authorization;
  EXPECT_THAT(first.headers, Contains(Pair("Authorization", expected)));
  EXPECT_THAT(first.headers, Contains(Pair("Host", "gw.internal")));
}

TEST_F(AwsProviderTest, ThrottlingHonoursRetryAfterThenSucceeds) {
  OneRestApi();
  const HttpResponse throttled =
      AwsErrorAnswer(429, "TooManyRequestsException", "Too Many Requests", {{"Retry-After", "3"}});
  gateway_.Inject("/restapis", {throttled, throttled});
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("r1"));
  EXPECT_THAT(UrlsFor("/restapis"), SizeIs(3));
  // Backoff would wait 0.25-0.5 s, then 0.5-1 s; Retry-After asks for 3 s each time.
  EXPECT_THAT(sleeper_.sleeps(), ElementsAre(absl::Seconds(3), absl::Seconds(3)));
  EXPECT_EQ(gateway_.request_times[2] - gateway_.request_times[0], absl::Seconds(6));
}

TEST_F(AwsProviderTest, ThrottlingWithoutRetryAfterBacksOffExponentiallyWithJitter) {
  OneRestApi();
  const HttpResponse throttled =
      AwsErrorAnswer(429, "TooManyRequestsException", "Too Many Requests");
  gateway_.Inject("/restapis", {throttled, throttled, throttled});
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  std::vector<absl::Duration> sleeps = sleeper_.sleeps();
  ASSERT_THAT(sleeps, SizeIs(3));
  EXPECT_THAT(sleeps[0], AllOf(Ge(absl::Milliseconds(250)), Le(absl::Milliseconds(500))));
  EXPECT_THAT(sleeps[1], AllOf(Ge(absl::Milliseconds(500)), Le(absl::Seconds(1))));
  EXPECT_THAT(sleeps[2], AllOf(Ge(absl::Seconds(1)), Le(absl::Seconds(2))));
}

TEST_F(AwsProviderTest, RetryAfterIsCapped) {
  OneRestApi();
  options_.max_retry_after = absl::Seconds(10);
  gateway_.Inject("/restapis", {AwsErrorAnswer(429, "TooManyRequestsException", "slow down",
                                               {{"Retry-After", "3600"}})});
  ASSERT_TRUE(List().status.ok());
  EXPECT_THAT(sleeper_.sleeps(), ElementsAre(absl::Seconds(10)));
}

TEST_F(AwsProviderTest, ThrottlingThatOutlastsTheRetriesFailsTheListing) {
  OneRestApi();
  gateway_.Always("/restapis", AwsErrorAnswer(429, "TooManyRequestsException", "Too Many Requests",
                                              {{"Retry-After", "1"}}));
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Msg(got.status),
            "aws provider \"aws-us\": listing REST APIs (page 1): still throttled after 5 attempts "
            "at GET https://apigateway.us-east-1.amazonaws.com/restapis?limit=500: HTTP 429 "
            "TooManyRequestsException: Too Many Requests");
  EXPECT_THAT(UrlsFor("/restapis"), SizeIs(5));
  EXPECT_THAT(sleeper_.sleeps(), SizeIs(4));
  EXPECT_THAT(got.apis, IsEmpty());
}

TEST_F(AwsProviderTest, ThrottlingMidListingOfAnApisPartsIsRetried) {
  OneRestApi();
  gateway_.Inject("/restapis/r1/stages/prod/exports/oas30",
                  {AwsErrorAnswer(429, "TooManyRequestsException", "Too Many Requests",
                                  {{"Retry-After", "2"}})});
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_EQ(got.get("r1").error, "");
  EXPECT_EQ(got.get("r1").oas_document, OpenExport("r1"));
  EXPECT_THAT(sleeper_.sleeps(), ElementsAre(absl::Seconds(2)));
}

TEST_F(AwsProviderTest, ServerErrorsExhaustedFailTheListing) {
  OneRestApi();
  gateway_.Always("/v2/apis",
                  AwsErrorAnswer(503, "ServiceUnavailableException", "Service Unavailable"));
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Msg(got.status),
            "aws provider \"aws-us\": listing HTTP and WebSocket APIs (page 1): GET "
            "https://apigateway.us-east-1.amazonaws.com/v2/apis?maxResults=500 failed 5 times; "
            "last answer HTTP 503 ServiceUnavailableException: Service Unavailable");
  EXPECT_THAT(UrlsFor("/v2/apis"), SizeIs(5));
  EXPECT_THAT(sleeper_.sleeps(), SizeIs(4));
}

TEST_F(AwsProviderTest, ServerErrorOnAnApisExportExhaustedFailsTheListingToo) {
  OneRestApi();
  gateway_.Always("/restapis/r1/stages/prod/exports/oas30",
                  Answer(500, {{"message", "Internal server error"}}));
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Msg(got.status), HasSubstr("exporting stage \"prod\" of REST API \"r1\""));
  EXPECT_THAT(Msg(got.status), HasSubstr("HTTP 500: Internal server error"));
}

TEST_F(AwsProviderTest, TransportErrorsAreRetried) {
  OneRestApi();
  gateway_.Inject(
      "/restapis",
      {absl::UnavailableError(
           "GET https://apigateway.us-east-1.amazonaws.com/restapis?limit=500: Connection refused"),
       absl::DeadlineExceededError(
           "GET https://apigateway.us-east-1.amazonaws.com/restapis?limit=500: Timeout")});
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("r1"));
  EXPECT_THAT(sleeper_.sleeps(), SizeIs(2));
}

TEST_F(AwsProviderTest, TransportErrorsExhaustedKeepTheirCode) {
  gateway_.Always(
      "/restapis",
      absl::DeadlineExceededError(
          "GET https://apigateway.us-east-1.amazonaws.com/restapis?limit=500: Timeout"));
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(Msg(got.status),
            "aws provider \"aws-us\": listing REST APIs (page 1): failed 5 times; last error: GET "
            "https://apigateway.us-east-1.amazonaws.com/restapis?limit=500: Timeout");
}

struct AuthCase {
  int status;
  std::string type;
  std::string message;
  absl::StatusCode code;
  std::string hint;
};

TEST_F(AwsProviderTest, AuthFailuresFailAtOnceWithAwsMessage) {
  const std::vector<AuthCase> cases = {
      {403, "UnrecognizedClientException", "The security token included in the request is invalid.",
       absl::StatusCode::kUnauthenticated, "check accessKeyId, accessKeySecret and sessionToken"},
      {403, "InvalidSignatureException", "The request signature we calculated does not match.",
       absl::StatusCode::kUnauthenticated,
       "check accessKeySecret and that this machine's clock is right"},
      {403, "ExpiredTokenException", "The security token included in the request is expired",
       absl::StatusCode::kUnauthenticated,
       "the temporary credentials have expired: renew sessionToken"},
      {403, "AccessDeniedException",
       "User: arn:aws:iam::123456789012:user/gov is not authorized to perform: apigateway:GET",
       absl::StatusCode::kPermissionDenied,
       "the credentials need apigateway:GET on arn:aws:apigateway:us-east-1::/restapis, "
       "/restapis/*, /apis and /apis/*"},
  };
  for (const AuthCase& c : cases) {
    fakes::FakeHttpClient http;
    FakeClock clock;
    FakeSleeper sleeper(&clock);
    AwsProviderOptions options;
    options.sleeper = &sleeper;
    http.SetHandler([&](const HttpRequest&) -> std::optional<absl::StatusOr<HttpResponse>> {
      return AwsErrorAnswer(c.status, c.type, c.message);
    });
    AwsProvider provider("aws-us", config_, absl::Seconds(5), &http, &clock, &random_, options);
    absl::Status status = provider.ListApis([](NormalizedApi) { return absl::OkStatus(); }, {});
    EXPECT_EQ(status.code(), c.code) << c.type;
    EXPECT_EQ(
        Msg(status),
        absl::StrCat("aws provider \"aws-us\": listing REST APIs (page 1): AWS ",
                     c.code == absl::StatusCode::kPermissionDenied ? "denied access"
                                                                   : "rejected the credentials",
                     " at GET https://apigateway.us-east-1.amazonaws.com/restapis?limit=500: "
                     "HTTP 403 ",
                     c.type, ": ", c.message, "; ", c.hint));
    EXPECT_EQ(http.requests().size(), 1u) << c.type;  // no retry storm
    EXPECT_THAT(sleeper.sleeps(), IsEmpty());
  }
}

TEST_F(AwsProviderTest, MessageKeyMayBeCapitalisedAndTypeMayComeFromTheBody) {
  http_.SetHandler([](const HttpRequest&) -> std::optional<absl::StatusOr<HttpResponse>> {
    return Answer(401, {{"__type", "com.amazon.coral.service#UnrecognizedClientException"},
                        {"Message", "The security token included in the request is invalid."}});
  });
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(Msg(got.status),
              HasSubstr("HTTP 401 UnrecognizedClientException: The security token included in "
                        "the request is invalid."));
}

TEST_F(AwsProviderTest, ErrorsNeverContainTheSecretOrSessionToken) {
  // AWS's InvalidSignatureException echoes the canonical request, session token included.
  http_.SetHandler([](const HttpRequest&) -> std::optional<absl::StatusOr<HttpResponse>> {
    return AwsErrorAnswer(403, "InvalidSignatureException",
                          std::string("The Canonical String for this request should have been "
                                      "'GET x-amz-security-token:") +
                              kToken + "' secret " + kSecret);
  });
  Listing got = List();
  ASSERT_FALSE(got.status.ok());
  EXPECT_THAT(Msg(got.status), Not(HasSubstr(kToken)));
  EXPECT_THAT(Msg(got.status), Not(HasSubstr(kSecret)));
  EXPECT_THAT(Msg(got.status), HasSubstr("x-amz-security-token:***"));
  std::unique_ptr<AwsProvider> provider = Make();
  for (const auto& [k, v] : provider->Details()) {
    EXPECT_THAT(v, Not(HasSubstr(kSecret)));
    EXPECT_THAT(v, Not(HasSubstr(kToken)));
    EXPECT_THAT(v, Not(HasSubstr(kAccessKey)));
  }
  EXPECT_EQ(provider->Details(), (std::map<std::string, std::string>{{"region", "us-east-1"}}));
  EXPECT_EQ(provider->type(), "aws");
  EXPECT_EQ(provider->name(), "aws-us");
}

TEST_F(AwsProviderTest, OnlyTheFirstLineOfAwsMessageIsKept) {
  http_.SetHandler([](const HttpRequest&) -> std::optional<absl::StatusOr<HttpResponse>> {
    return AwsErrorAnswer(
        403, "InvalidSignatureException",
        std::string("The request signature we calculated does not match.\n\n"
                    "The Canonical String for this request should have been\n'GET\n"
                    "/restapis\nx-amz-security-token:") +
            kToken + "'\n");
  });
  Listing got = List();
  EXPECT_EQ(Msg(got.status),
            "aws provider \"aws-us\": listing REST APIs (page 1): AWS rejected the credentials at "
            "GET https://apigateway.us-east-1.amazonaws.com/restapis?limit=500: HTTP 403 "
            "InvalidSignatureException: The request signature we calculated does not match.; "
            "check accessKeySecret and that this machine's clock is right");
}

TEST_F(AwsProviderTest, WrongSecretIsRejectedByTheVerifyingGateway) {
  OneRestApi();
  config_.access_key_secret = "not-the-secret";
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(Msg(got.status), HasSubstr("HTTP 403 InvalidSignatureException"));
  EXPECT_THAT(Msg(got.status), Not(HasSubstr("not-the-secret")));
  EXPECT_EQ(http_.requests().size(), 1u);
}

TEST_F(AwsProviderTest, AuthFailureOnOneApisPartFailsTheWholeListing) {
  OneRestApi();
  gateway_.rest_apis.push_back(RestApiItem("r2"));
  gateway_.Always(
      "/restapis/r1/authorizers",
      AwsErrorAnswer(403, "AccessDeniedException", "not authorized to perform apigateway:GET"));
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(Msg(got.status), HasSubstr("reading the authorizers of REST API \"r1\" (page 1)"));
  EXPECT_THAT(UrlsFor("/restapis/r2/stages"), IsEmpty());
}

TEST_F(AwsProviderTest, RateLimiterSpacesRequests) {
  // 12 REST APIs without stages: 1 list page + 12 x (stages + authorizers) = 25 requests,
  // then 1 v2 page. At 10 per second with a burst of 10 the 11th waits 100 ms, and so on.
  for (int i = 0; i < 12; ++i) gateway_.rest_apis.push_back(RestApiItem(absl::StrCat("r", i)));
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  const std::vector<absl::Time>& at = gateway_.request_times;
  ASSERT_THAT(at, SizeIs(26));
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(at[i], at[0]) << i;
  for (size_t i = 10; i < at.size(); ++i) {
    EXPECT_EQ(at[i] - at[0], absl::Milliseconds(100) * static_cast<int>(i - 9)) << i;
  }
  EXPECT_EQ(sleeper_.total(), absl::Milliseconds(1600));
}

TEST_F(AwsProviderTest, ExportFailureMarksOnlyThatApi) {
  OneRestApi("r1");
  gateway_.rest_apis.push_back(RestApiItem("r2"));
  gateway_.rest_stages["r2"] = json::array({{{"stageName", "prod"}, {"deploymentId", "d1"}},
                                            {{"stageName", "test"}, {"deploymentId", "d2"}}});
  gateway_.rest_exports["r2/test"] = OpenExport("r2 test");
  gateway_.Always("/restapis/r2/stages/prod/exports/oas30",
                  AwsErrorAnswer(404, "NotFoundException", "Invalid stage identifier specified"));
  gateway_.v2_apis = {V2Item("h1", "HTTP")};
  HttpResponse garbage;
  garbage.status = 200;
  garbage.body = "<html>oops</html>";
  gateway_.Always("/v2/apis/h1/exports/OAS30", garbage);

  Listing got = List();

  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("r1", "r2", "h1"));
  EXPECT_EQ(got.get("r1").error, "");
  const NormalizedApi& r2 = got.get("r2");
  EXPECT_EQ(r2.error,
            "aws provider \"aws-us\": exporting stage \"prod\" of REST API \"r2\": GET "
            "https://apigateway.us-east-1.amazonaws.com/restapis/r2/stages/prod/exports/"
            "oas30?extensions=integrations%2Cauthorizers answered HTTP 404 NotFoundException: "
            "Invalid stage identifier specified");
  EXPECT_EQ(r2.oas_document, OpenExport("r2 test"));  // the stage that could be read
  EXPECT_EQ(r2.extra["oas_stage"], "test");
  const NormalizedApi& h1 = got.get("h1");
  EXPECT_THAT(h1.error, HasSubstr("exporting HTTP API \"h1\": the answer of GET "));
  EXPECT_THAT(h1.error, HasSubstr("is not valid JSON"));
  EXPECT_TRUE(h1.oas_document.is_null());
}

TEST_F(AwsProviderTest, DatesOfBothGenerationsAreRfc3339) {
  OneRestApi("r1");
  gateway_.v2_apis = {V2Item("h1", "HTTP")};
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_EQ(got.get("r1").extra["created_at"], "2020-07-06T01:46:40Z");  // epoch seconds
  EXPECT_EQ(got.get("h1").extra["created_at"], "2021-03-04T05:06:07Z");  // ISO 8601
}

TEST_F(AwsProviderTest, EmptyAccountIsACompleteEmptyListing) {
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.apis, IsEmpty());
  EXPECT_THAT(http_.urls(), ElementsAre(absl::StrCat(kBase, "/restapis?limit=500"),
                                        absl::StrCat(kBase, "/v2/apis?maxResults=500")));
}

TEST_F(AwsProviderTest, BrokenListAnswersFailTheListing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json",
       "listing REST APIs (page 1): the answer of GET "
       "https://apigateway.us-east-1.amazonaws.com/restapis?limit=500 is not valid JSON"},
      {"[]",
       "listing REST APIs (page 1): the answer of GET "
       "https://apigateway.us-east-1.amazonaws.com/restapis?limit=500 is an array, not a JSON "
       "object"},
      {R"({"item": {}})", "\"item\" is an object, not an array"},
      {R"({"item": [1]})", "listing REST APIs: item 0 is a number, not an object"},
      {R"({"item": [], "position": 7})", "\"position\" is a number, not a string"},
  };
  for (const auto& [body, message] : cases) {
    fakes::FakeHttpClient http;
    http.SetHandler([&](const HttpRequest&) -> std::optional<absl::StatusOr<HttpResponse>> {
      HttpResponse r;
      r.status = 200;
      r.body = body;
      return r;
    });
    AwsProvider provider("aws-us", config_, absl::Seconds(5), &http, &clock_, &random_, options_);
    absl::Status status = provider.ListApis([](NormalizedApi) { return absl::OkStatus(); }, {});
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << body;
    EXPECT_THAT(Msg(status), HasSubstr(message)) << body;
  }
}

TEST_F(AwsProviderTest, ATokenThatRepeatsEndsTheListingWithAnError) {
  http_.SetHandler([](const HttpRequest&) -> std::optional<absl::StatusOr<HttpResponse>> {
    return Answer(200, {{"item", json::array()}, {"position", "same"}});
  });
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(Msg(got.status), HasSubstr("gives the same position again"));
  EXPECT_THAT(http_.urls(), SizeIs(2));
}

TEST_F(AwsProviderTest, ItemsWithoutIdOrListedTwiceAreSkipped) {
  gateway_.rest_apis = {RestApiItem("r1"), {{"name", "no id"}}, RestApiItem("r1")};
  gateway_.v2_apis = {V2Item("h1", "HTTP"), {{"name", "no id"}}};
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("r1", "h1"));
}

TEST_F(AwsProviderTest, MissingConfigFailsWithoutRequests) {
  config_.access_key_secret = "";
  config_.region = "";
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Msg(got.status), "aws provider \"aws-us\": missing region, accessKeySecret");
  config_ = {kAccessKey, kSecret, "us-east-1", "", "ftp://x"};
  got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Msg(got.status),
            "aws provider \"aws-us\": endpoint \"ftp://x\" must be an http:// or https:// URL");
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(AwsProviderTest, StopRequestedMidListingCancels) {
  for (int i = 0; i < 5; ++i) gateway_.rest_apis.push_back(RestApiItem(absl::StrCat("r", i)));
  std::stop_source stop;
  http_.OnRequest([&](const HttpRequest& r) {
    if (absl::StrContains(r.url, "/restapis/r2/")) stop.request_stop();
  });
  Listing got = List(stop.get_token());
  EXPECT_EQ(got.status.code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(Msg(got.status), HasSubstr("cancelled"));
  EXPECT_THAT(got.ids(), ElementsAre("r0", "r1"));
  EXPECT_THAT(UrlsFor("/restapis/r3/stages"), IsEmpty());
}

TEST_F(AwsProviderTest, StopDuringABackoffWaitCancels) {
  std::stop_source stop;
  gateway_.Always("/restapis", AwsErrorAnswer(503, "ServiceUnavailableException", "down"));
  http_.OnRequest([&](const HttpRequest&) { stop.request_stop(); });
  Listing got = List(stop.get_token());
  EXPECT_EQ(got.status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(http_.requests().size(), 1u);
}

TEST_F(AwsProviderTest, EmitFailureStopsTheListing) {
  OneRestApi("r1");
  gateway_.rest_apis.push_back(RestApiItem("r2"));
  std::unique_ptr<AwsProvider> provider = Make();
  int calls = 0;
  absl::Status status = provider->ListApis(
      [&](NormalizedApi) {
        ++calls;
        return absl::CancelledError("hub went away");
      },
      {});
  EXPECT_EQ(status, absl::CancelledError("hub went away"));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace gov::agent::aws
