#include "src/agent/providers/tyk/tyk_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stop_token>
#include <string>
#include <vector>

#include "src/agent/providers/tyk/fake_http_client.h"

namespace gov::agent::tyk {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

constexpr char kHost[] = "http://dash:3000";
constexpr char kKey[] = "secret-dashboard-key";

json Def(const std::string& id, bool is_oas = false) {
  return {{"api_id", id},
          {"id", "db-" + id},
          {"name", "API " + id},
          {"org_id", "org1"},
          {"use_keyless", true},
          {"active", true},
          {"is_oas", is_oas},
          {"proxy", {{"listen_path", "/" + id + "/"}, {"target_url", "http://upstream/" + id}}}};
}

std::string Page(const std::vector<json>& defs, json pages) {
  json apis = json::array();
  for (const json& d : defs) {
    apis.push_back({{"api_definition", d}, {"hook_references", json::array()}});
  }
  return json{{"apis", apis}, {"pages", pages}}.dump();
}

std::string Msg(const absl::Status& status) { return std::string(status.message()); }

std::string PageUrl(int page) { return std::string(kHost) + "/api/apis?p=" + std::to_string(page); }

struct Listing {
  absl::Status status;
  std::vector<NormalizedApi> apis;
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& a : apis) out.push_back(a.external_id);
    return out;
  }
};

class TykProviderTest : public ::testing::Test {
 protected:
  TykProvider MakeProvider(const std::string& host = kHost) {
    return TykProvider("dash", TykProviderConfig{host, kKey}, absl::Seconds(7), &http_);
  }
  Listing List(TykProvider& provider, std::stop_token stop = {}) {
    Listing out;
    out.status = provider.ListApis(
        [&](NormalizedApi api) {
          out.apis.push_back(std::move(api));
          return absl::OkStatus();
        },
        std::move(stop));
    return out;
  }
  Listing List() {
    TykProvider provider = MakeProvider();
    return List(provider);
  }

  fakes::FakeHttpClient http_;
};

TEST_F(TykProviderTest, ReadsEveryPageAndSendsTheKeyOnEveryRequest) {
  http_.Serve(PageUrl(1), 200, Page({Def("a"), Def("b")}, 3));
  http_.Serve(PageUrl(2), 200, Page({Def("c"), Def("d")}, 3));
  http_.Serve(PageUrl(3), 200, Page({Def("e")}, 3));

  Listing got = List();

  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_EQ(got.apis[2].name, "API c");
  EXPECT_EQ(got.apis[2].listen_path, "/c/");
  EXPECT_EQ(got.apis[2].upstream_url, "http://upstream/c");
  EXPECT_EQ(got.apis[2].definition, Def("c"));
  EXPECT_TRUE(got.apis[2].error.empty());
  EXPECT_THAT(http_.urls(),
              ElementsAre("http://dash:3000/api/apis?p=1", "http://dash:3000/api/apis?p=2",
                          "http://dash:3000/api/apis?p=3"));
  for (const HttpRequest& r : http_.requests()) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_THAT(r.headers, UnorderedElementsAre(Pair("Authorization", kKey),
                                                Pair("Accept", "application/json")));
    EXPECT_EQ(r.timeout, absl::Seconds(7));
  }
}

TEST_F(TykProviderTest, HostMayHaveTrailingSlashAndPathPrefix) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"https://dash.example.com/", "https://dash.example.com/api/apis?p=1"},
      {"http://dash:3000", "http://dash:3000/api/apis?p=1"},
      {"https://gw.example.com/dashboard//", "https://gw.example.com/dashboard/api/apis?p=1"},
      {"HTTPS://Dash.Example.com", "HTTPS://Dash.Example.com/api/apis?p=1"},
  };
  for (const auto& [host, url] : cases) {
    fakes::FakeHttpClient http;
    http.Serve(url, 200, Page({Def("a")}, 1));
    TykProvider provider("dash", TykProviderConfig{host, kKey}, absl::Seconds(5), &http);
    int emitted = 0;
    absl::Status status = provider.ListApis(
        [&](const NormalizedApi&) {
          ++emitted;
          return absl::OkStatus();
        },
        {});
    EXPECT_TRUE(status.ok()) << host << ": " << status;
    EXPECT_EQ(emitted, 1) << host;
    EXPECT_THAT(http.urls(), ElementsAre(url));
  }
}

TEST_F(TykProviderTest, HostWithoutHttpSchemeIsRejectedWithoutRequests) {
  for (const std::string host : {"dash:3000", "", "ftp://dash", "http://"}) {
    TykProvider provider = MakeProvider(host);
    Listing got = List(provider);
    EXPECT_EQ(got.status.code(), absl::StatusCode::kInvalidArgument) << host;
    EXPECT_THAT(Msg(got.status), HasSubstr("tyk provider \"dash\": host \"" + host + "\""));
  }
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(TykProviderTest, ZeroOrMissingPagesWithItemsIsOnePage) {
  http_.Serve(PageUrl(1), 200, Page({Def("a"), Def("b")}, 0));
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("a", "b"));
  EXPECT_THAT(http_.urls(), ElementsAre(PageUrl(1)));

  fakes::FakeHttpClient http;
  http.Serve(PageUrl(1), 200, R"({"apis":[{"api_definition":{"api_id":"x","name":"X"}}]})");
  TykProvider provider("dash", TykProviderConfig{kHost, kKey}, absl::Seconds(5), &http);
  std::vector<std::string> ids;
  ASSERT_TRUE(provider
                  .ListApis(
                      [&](const NormalizedApi& api) {
                        ids.push_back(api.external_id);
                        return absl::OkStatus();
                      },
                      {})
                  .ok());
  EXPECT_THAT(ids, ElementsAre("x"));
  EXPECT_THAT(http.urls(), ElementsAre(PageUrl(1)));
}

TEST_F(TykProviderTest, EmptyDashboardIsACompleteEmptyListing) {
  http_.Serve(PageUrl(1), 200, R"({"apis":null,"pages":0})");  // Go's encoding of no APIs
  Listing got = List();
  EXPECT_TRUE(got.status.ok()) << got.status;
  EXPECT_TRUE(got.apis.empty());
}

TEST_F(TykProviderTest, FetchesTheOasDocumentOfOasApis) {
  json oas = {{"openapi", "3.0.3"},
              {"info", {{"title", "Petstore"}, {"version", "1.0.0"}, {"description", "Pets"}}},
              {"paths", json::object()},
              {"x-tyk-api-gateway",
               {{"info", {{"id", "oas/1"}, {"name", "Petstore"}, {"state", {{"active", true}}}}},
                {"server", {{"listenPath", {{"value", "/pets-oas/"}}}}},
                {"upstream", {{"url", "http://pets"}}}}}};
  http_.Serve(PageUrl(1), 200, Page({Def("classic"), Def("oas/1", true)}, 1));
  http_.Serve("http://dash:3000/api/apis/oas/oas%2F1", 200, oas.dump());

  Listing got = List();

  ASSERT_TRUE(got.status.ok()) << got.status;
  ASSERT_EQ(got.apis.size(), 2u);
  EXPECT_TRUE(got.apis[0].oas_document.is_null());
  const NormalizedApi& api = got.apis[1];
  EXPECT_EQ(api.external_id, "oas/1");
  EXPECT_EQ(api.oas_document, oas);
  EXPECT_EQ(api.definition, Def("oas/1", true));
  EXPECT_EQ(api.listen_path, "/pets-oas/");  // from the OAS document, not the classic view
  EXPECT_EQ(api.description, "Pets");
  EXPECT_TRUE(api.error.empty());
  EXPECT_THAT(http_.urls(), ElementsAre(PageUrl(1), "http://dash:3000/api/apis/oas/oas%2F1"));
  EXPECT_THAT(
      http_.requests()[1].headers,
      UnorderedElementsAre(Pair("Authorization", kKey), Pair("Accept", "application/json")));
}

TEST_F(TykProviderTest, FailedOasDocumentMarksOnlyThatApi) {
  http_.Serve(PageUrl(1), 200, Page({Def("x", true), Def("y", true), Def("z")}, 1));
  http_.Serve("http://dash:3000/api/apis/oas/x", 500,
              R"({"Status":"Error","Message":"Could not retrieve API"})");
  http_.Serve("http://dash:3000/api/apis/oas/y", 200, "<html>oops</html>");

  Listing got = List();

  ASSERT_TRUE(got.status.ok()) << got.status;
  ASSERT_THAT(got.ids(), ElementsAre("x", "y", "z"));
  EXPECT_EQ(got.apis[0].error,
            "tyk provider \"dash\": reading the OAS document of API \"x\": GET "
            "http://dash:3000/api/apis/oas/x answered HTTP 500: Could not retrieve API");
  EXPECT_TRUE(got.apis[0].oas_document.is_null());
  EXPECT_EQ(got.apis[0].name, "API x");  // still normalized from the classic definition
  EXPECT_EQ(got.apis[0].listen_path, "/x/");
  EXPECT_THAT(got.apis[1].error, StartsWith("tyk provider \"dash\": the OAS document at GET "
                                            "http://dash:3000/api/apis/oas/y is not valid JSON: "));
  EXPECT_TRUE(got.apis[2].error.empty());
  EXPECT_THAT(got.apis[0].error, Not(HasSubstr(kKey)));
}

TEST_F(TykProviderTest, OasDocumentThatIsNotAnObjectIsAnApiError) {
  http_.Serve(PageUrl(1), 200, Page({Def("x", true)}, 1));
  http_.Serve("http://dash:3000/api/apis/oas/x", 200, "[1,2]");
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  ASSERT_EQ(got.apis.size(), 1u);
  EXPECT_EQ(got.apis[0].error,
            "tyk provider \"dash\": the OAS document at GET http://dash:3000/api/apis/oas/x is "
            "an array, not a JSON object");
}

TEST_F(TykProviderTest, RejectedKeyNamesProviderUrlAndDashboardMessage) {
  http_.Serve(PageUrl(1), 401, R"({"Status":"Error","Message":"Not authorised"})");
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Msg(got.status),
            "tyk provider \"dash\": the Dashboard rejected the API key (401 Not authorised) at "
            "GET http://dash:3000/api/apis?p=1");
  EXPECT_THAT(Msg(got.status), Not(HasSubstr(kKey)));
  EXPECT_TRUE(got.apis.empty());
}

TEST_F(TykProviderTest, ForbiddenIsPermissionDenied) {
  http_.Serve(PageUrl(1), 403, R"({"Status":"Error","Message":"access denied"})");
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Msg(got.status),
            "tyk provider \"dash\": the Dashboard rejected the API key (403 access denied) at "
            "GET http://dash:3000/api/apis?p=1");
}

TEST_F(TykProviderTest, ServerErrorOnPage2FailsTheListingAndStops) {
  http_.Serve(PageUrl(1), 200, Page({Def("a")}, 3));
  http_.Serve(PageUrl(2), 500, R"({"Status":"Error","Message":"database is down"})");
  http_.Serve(PageUrl(3), 200, Page({Def("c")}, 3));

  Listing got = List();

  EXPECT_EQ(got.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Msg(got.status),
            "tyk provider \"dash\": reading page 2 of the API list: GET "
            "http://dash:3000/api/apis?p=2 answered HTTP 500: database is down");
  EXPECT_THAT(http_.urls(), ElementsAre(PageUrl(1), PageUrl(2)));
}

TEST_F(TykProviderTest, NonJsonErrorBodyIsQuotedShortly) {
  http_.Serve(PageUrl(1), 502, "<html><body>Bad Gateway</body></html>\nmore lines");
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Msg(got.status),
              HasSubstr("answered HTTP 502: <html><body>Bad Gateway</body></html>"));
  EXPECT_THAT(Msg(got.status), Not(HasSubstr("more lines")));
}

TEST_F(TykProviderTest, RedirectSaysWhereTo) {
  http_.Serve(PageUrl(1), 301, "", {{"Location", "https://dash:3000/api/apis?p=1"}});
  Listing got = List();
  EXPECT_FALSE(got.status.ok());
  EXPECT_THAT(Msg(got.status),
              HasSubstr("answered HTTP 301 (redirected to https://dash:3000/api/apis?p=1"));
}

TEST_F(TykProviderTest, GarbageJsonOnPage2FailsTheListing) {
  http_.Serve(PageUrl(1), 200, Page({Def("a")}, 2));
  http_.Serve(PageUrl(2), 200, "{\"apis\": [ not json");
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(Msg(got.status),
              StartsWith("tyk provider \"dash\": page 2 of GET http://dash:3000/api/apis?p=2 is "
                         "not valid JSON: "));
  EXPECT_THAT(Msg(got.status), HasSubstr("parse error"));
}

TEST_F(TykProviderTest, MalformedPagesAreClearErrors) {
  struct Case {
    std::string body;
    std::string message;
  };
  const std::vector<Case> cases = {
      {R"({"pages":1})", "page 1 of GET http://dash:3000/api/apis?p=1 has no \"apis\" field"},
      {R"([])", "page 1 of GET http://dash:3000/api/apis?p=1 is an array, not a JSON object"},
      {R"({"apis":{"a":1}})", ": \"apis\" is an object, not an array"},
      {R"({"apis":[{"api_definition":{"api_id":"a"}}, "b"]})",
       "page 1 of GET http://dash:3000/api/apis?p=1: item 1 of \"apis\" is a string, not an "
       "object"},
      {R"({"apis":[{"name":"no definition"}]})",
       ": item 0 of \"apis\" has no \"api_definition\" object"},
      {R"({"apis":[], "pages":"3"})", ": \"pages\" is a string, not an integer"},
  };
  for (const Case& c : cases) {
    fakes::FakeHttpClient http;
    http.Serve(PageUrl(1), 200, c.body);
    TykProvider provider("dash", TykProviderConfig{kHost, kKey}, absl::Seconds(5), &http);
    absl::Status status =
        provider.ListApis([](const NormalizedApi&) { return absl::OkStatus(); }, {});
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << c.body;
    EXPECT_THAT(Msg(status), HasSubstr(c.message)) << c.body;
    EXPECT_THAT(Msg(status), StartsWith("tyk provider \"dash\": ")) << c.body;
  }
}

TEST_F(TykProviderTest, TimeoutFailsTheListingWithContext) {
  http_.Serve(PageUrl(1), 200, Page({Def("a")}, 2));
  http_.Fail(PageUrl(2),
             absl::DeadlineExceededError(
                 "GET http://dash:3000/api/apis?p=2: Operation timed out after 7000 ms"));
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(Msg(got.status),
            "tyk provider \"dash\": reading page 2 of the API list: GET "
            "http://dash:3000/api/apis?p=2: Operation timed out after 7000 ms");
}

TEST_F(TykProviderTest, TransportFailureKeepsItsCode) {
  http_.Fail(PageUrl(1),
             absl::UnavailableError("GET http://dash:3000/api/apis?p=1: Connection refused"));
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Msg(got.status), HasSubstr("Connection refused"));
}

TEST_F(TykProviderTest, StopBeforeStartMakesNoRequest) {
  std::stop_source stop;
  stop.request_stop();
  TykProvider provider = MakeProvider();
  Listing got = List(provider, stop.get_token());
  EXPECT_EQ(got.status.code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(TykProviderTest, StopBetweenPagesCancels) {
  http_.Serve(PageUrl(1), 200, Page({Def("a")}, 3));
  http_.Serve(PageUrl(2), 200, Page({Def("b")}, 3));
  std::stop_source stop;
  http_.OnRequest([&](const HttpRequest&) { stop.request_stop(); });
  TykProvider provider = MakeProvider();
  Listing got = List(provider, stop.get_token());
  EXPECT_EQ(got.status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(Msg(got.status), "tyk provider \"dash\": listing cancelled before page 2");
  EXPECT_THAT(http_.urls(), ElementsAre(PageUrl(1)));
}

TEST_F(TykProviderTest, StopBeforeAnOasFetchCancels) {
  http_.Serve(PageUrl(1), 200, Page({Def("a", true)}, 1));
  std::stop_source stop;
  http_.OnRequest([&](const HttpRequest&) { stop.request_stop(); });
  TykProvider provider = MakeProvider();
  Listing got = List(provider, stop.get_token());
  EXPECT_EQ(got.status.code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(http_.urls(), ElementsAre(PageUrl(1)));
  EXPECT_TRUE(got.apis.empty());
}

TEST_F(TykProviderTest, PagesThatNeverEndAreCapped) {
  // Every page claims there is one more (pages kept empty so the test stays fast).
  http_.SetHandler([](const HttpRequest& r) -> std::optional<absl::StatusOr<HttpResponse>> {
    const int page = std::stoi(r.url.substr(r.url.find("p=") + 2));
    HttpResponse response;
    response.status = 200;
    response.body = "{\"apis\":[],\"pages\":" + std::to_string(page + 1) + "}";
    return response;
  });
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Msg(got.status),
            "tyk provider \"dash\": page 10000 of GET http://dash:3000/api/apis?p=10000 reports "
            "10001 pages, more than the limit of 10000; the Dashboard's answer cannot be trusted");
  EXPECT_EQ(http_.requests().size(), static_cast<size_t>(TykProvider::kMaxPages));
}

TEST_F(TykProviderTest, AbsurdPageCountFailsAtOnce) {
  http_.Serve(PageUrl(1), 200, Page({Def("a")}, 5000000));
  Listing got = List();
  EXPECT_EQ(got.status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(Msg(got.status), HasSubstr("reports 5000000 pages"));
  EXPECT_THAT(http_.urls(), ElementsAre(PageUrl(1)));
}

TEST_F(TykProviderTest, ShrinkingPageCountDoesNotEndTheListingEarly) {
  http_.Serve(PageUrl(1), 200, Page({Def("a")}, 3));
  http_.Serve(PageUrl(2), 200, Page({Def("b")}, 1));
  http_.Serve(PageUrl(3), 200, Page({Def("c")}, 1));
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("a", "b", "c"));
}

TEST_F(TykProviderTest, DuplicateApiAcrossPagesKeepsTheFirst) {
  json again = Def("a");
  again["name"] = "renamed";
  http_.Serve(PageUrl(1), 200, Page({Def("a"), Def("b")}, 2));
  http_.Serve(PageUrl(2), 200, Page({again, Def("c")}, 2));
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("a", "b", "c"));
  EXPECT_EQ(got.apis[0].name, "API a");
}

TEST_F(TykProviderTest, ApiWithoutAnyIdIsSkipped) {
  http_.Serve(PageUrl(1), 200,
              R"({"apis":[{"api_definition":{"name":"nameless"}},
                          {"api_definition":{"id":"db-only","name":"Only DB id"}}],"pages":1})");
  Listing got = List();
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.ids(), ElementsAre("db-only"));
}

TEST_F(TykProviderTest, EmitFailureStopsTheListing) {
  http_.Serve(PageUrl(1), 200, Page({Def("a"), Def("b")}, 2));
  http_.Serve(PageUrl(2), 200, Page({Def("c")}, 2));
  TykProvider provider = MakeProvider();
  int calls = 0;
  absl::Status status = provider.ListApis(
      [&](const NormalizedApi&) {
        ++calls;
        return absl::CancelledError("hub stream closed");
      },
      {});
  EXPECT_EQ(status, absl::CancelledError("hub stream closed"));
  EXPECT_EQ(calls, 1);
  EXPECT_THAT(http_.urls(), ElementsAre(PageUrl(1)));
}

TEST_F(TykProviderTest, IdentityAndDetailsNeverIncludeTheKey) {
  TykProvider provider = MakeProvider("https://dash.example.com/");
  EXPECT_EQ(provider.name(), "dash");
  EXPECT_EQ(provider.type(), "tyk");
  EXPECT_THAT(provider.Details(), ElementsAre(Pair("host", "https://dash.example.com/")));
}

TEST_F(TykProviderTest, CredentialsInTheHostAreMaskedInErrorsAndDetails) {
  const std::string url = "https://ops:hunter2@dash.example.com/api/apis?p=1";
  http_.Serve(url, 500, R"({"Status":"Error","Message":"boom"})");
  TykProvider provider = MakeProvider("https://ops:hunter2@dash.example.com/");
  Listing got = List(provider);
  EXPECT_EQ(Msg(got.status),
            "tyk provider \"dash\": reading page 1 of the API list: GET "
            "https://***@dash.example.com/api/apis?p=1 answered HTTP 500: boom");
  EXPECT_THAT(http_.urls(), ElementsAre(url));  // the request itself keeps them
  EXPECT_THAT(provider.Details(), ElementsAre(Pair("host", "https://***@dash.example.com/")));
}

}  // namespace
}  // namespace gov::agent::tyk
