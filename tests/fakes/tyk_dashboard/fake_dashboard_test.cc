// Tests of the fake Tyk Dashboard over real HTTP on loopback.
#include "tests/fakes/tyk_dashboard/fake_dashboard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace gov::fake {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kKey[] = "7a7b140f24804d5a4e7824049e3ba7f8";
constexpr char kNotAuthorised[] = R"({"Status":"Error","Message":"Not authorised","Meta":null})";

// 21 classic APIs "api-00".."api-20", then an OAS base "oas-base" whose version v2 is
// the OAS API "oas-child": 23 APIs, in this order.
Catalog TwentyThreeApis() {
  std::vector<std::pair<std::string, std::string>> files;
  for (int i = 0; i < 21; ++i) {
    files.emplace_back(absl::StrFormat("api-%02d.json", i),
                       absl::StrFormat(R"({"name": "API %02d", "api_id": "api-%02d",
                           "org_id": "org", "active": true, "use_keyless": true,
                           "proxy": {"listen_path": "/api-%02d/", "target_url": "http://u"}})",
                                       i, i, i));
  }
  files.emplace_back("oas-base.json", R"({"openapi": "3.0.3",
      "info": {"title": "Catalog", "version": "1.0.0"}, "paths": {},
      "x-tyk-api-gateway": {"info": {"id": "oas-base", "name": "Catalog API",
        "state": {"active": true},
        "versioning": {"enabled": true, "name": "v1", "default": "v1", "location": "header",
          "key": "x-api-version", "versions": [{"name": "v2", "id": "oas-child"}]}},
        "upstream": {"url": "http://catalog"},
        "server": {"listenPath": {"value": "/catalog/", "strip": true}}}})");
  files.emplace_back("oas-child.json", R"({"openapi": "3.0.3",
      "info": {"title": "Catalog", "version": "2.0.0"}, "paths": {},
      "x-tyk-api-gateway": {"info": {"id": "oas-child", "name": "Catalog API v2",
        "state": {"active": true}},
        "upstream": {"url": "http://catalog"},
        "server": {"listenPath": {"value": "/catalog-v2/", "strip": true}}}})");
  absl::StatusOr<Catalog> catalog = LoadCatalogFromFiles(files);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return *std::move(catalog);
}

class FakeDashboardTest : public ::testing::Test {
 protected:
  void Start(Catalog catalog, FakeDashboardOptions options = {}) {
    if (options.key.empty()) options.key = kKey;
    dashboard_ = std::make_unique<FakeTykDashboard>(std::move(catalog), options);
    absl::StatusOr<int> port = dashboard_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
  }
  void SetUp() override { Start(TwentyThreeApis()); }

  std::unique_ptr<httplib::Client> Client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client->set_connection_timeout(5, 0);
    client->set_read_timeout(10, 0);
    return client;
  }
  httplib::Result Get(const std::string& path, const std::string& key = kKey) const {
    httplib::Headers headers;
    if (!key.empty()) headers.emplace("Authorization", key);
    return Client()->Get(path, headers);
  }
  httplib::Result Post(const std::string& path) const {
    return Client()->Post(path, "", "application/json");
  }
  // GET that must answer 200 with JSON; returns the parsed body.
  Json GetJson(const std::string& path) const {
    httplib::Result r = Get(path);
    EXPECT_TRUE(r) << path << ": " << httplib::to_string(r.error());
    if (!r) return Json();
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    return Json::parse(r->body);
  }
  static std::vector<std::string> ListedIds(const Json& body) {
    std::vector<std::string> ids;
    for (const Json& entry : body["apis"]) ids.push_back(entry["api_definition"]["api_id"]);
    return ids;
  }

  std::unique_ptr<FakeTykDashboard> dashboard_;
  int port_ = 0;
};

TEST_F(FakeDashboardTest, MissingKeyIsNotAuthorised) {
  httplib::Result r = Get("/api/apis?p=1", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body, kNotAuthorised);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
}

TEST_F(FakeDashboardTest, WrongKeyOrBearerFormIsNotAuthorised) {
  const std::string key_prefix = std::string(kKey).substr(0, 8);
  for (const std::string& key :
       {std::string("wrong"), absl::StrCat("Bearer ", kKey), key_prefix, absl::StrCat(kKey, "0")}) {
    httplib::Result r = Get("/api/apis?p=1", key);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << key;
    EXPECT_EQ(r->body, kNotAuthorised) << key;
  }
}

TEST_F(FakeDashboardTest, EveryApiEndpointChecksTheKeyBeforeTheId) {
  for (const char* path : {"/api/apis/oas/oas-base", "/api/apis/oas/unknown", "/api/apis/api-00",
                           "/api/apis/unknown"}) {
    httplib::Result r = Get(path, "wrong");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_EQ(r->body, kNotAuthorised) << path;
  }
}

TEST_F(FakeDashboardTest, KeyWithoutApiPermissionIsForbidden) {
  FakeDashboardOptions options;
  options.forbidden_key = "read-nothing";
  Start(TwentyThreeApis(), options);
  httplib::Result r = Get("/api/apis", "read-nothing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->body, R"({"Status":"Error","Message":"access denied: You do not have permission to )"
                     R"(access  /api/apis","Meta":null})");
  EXPECT_EQ(Get("/api/apis")->status, 200);
}

TEST_F(FakeDashboardTest, ListsTenApisPerPageCountingFromOne) {
  Json p1 = GetJson("/api/apis?p=1");
  Json p2 = GetJson("/api/apis?p=2");
  Json p3 = GetJson("/api/apis?p=3");
  EXPECT_EQ(p1["pages"], 3);
  EXPECT_EQ(p2["pages"], 3);
  EXPECT_EQ(p3["pages"], 3);
  EXPECT_THAT(ListedIds(p1), ElementsAre("api-00", "api-01", "api-02", "api-03", "api-04", "api-05",
                                         "api-06", "api-07", "api-08", "api-09"));
  EXPECT_EQ(ListedIds(p2).front(), "api-10");
  EXPECT_EQ(ListedIds(p2).size(), 10u);
  EXPECT_THAT(ListedIds(p3), ElementsAre("api-20", "oas-base", "oas-child"));
}

TEST_F(FakeDashboardTest, ListEntriesHaveTheDashboardWrapperShape) {
  Json p1 = GetJson("/api/apis?p=1");
  const Json& entry = p1["apis"][0];
  EXPECT_EQ(entry["api_model"], Json::object());
  EXPECT_EQ(entry["hook_references"], Json::array());
  EXPECT_EQ(entry["is_site"], false);
  EXPECT_EQ(entry["sort_by"], 0);
  EXPECT_EQ(entry["user_owners"], Json::array());
  EXPECT_EQ(entry["user_group_owners"], Json::array());
  EXPECT_FALSE(entry.contains("oas"));
  const Json& def = entry["api_definition"];
  EXPECT_EQ(def["name"], "API 00");
  EXPECT_EQ(def["proxy"]["listen_path"], "/api-00/");
  EXPECT_EQ(def["id"], DeriveDbId("api-00"));
  // The OAS API is listed by its synthesized classic definition.
  const Json p3 = GetJson("/api/apis?p=3");
  const Json& oas = p3["apis"][1]["api_definition"];
  EXPECT_EQ(oas["api_id"], "oas-base");
  EXPECT_EQ(oas["is_oas"], true);
  EXPECT_EQ(oas["name"], "Catalog API");
  EXPECT_EQ(oas["proxy"]["listen_path"], "/catalog/");
}

TEST_F(FakeDashboardTest, AbsentPageIsTheFirstPage) {
  Json body = GetJson("/api/apis");
  EXPECT_EQ(body["pages"], 3);
  EXPECT_EQ(ListedIds(body).size(), 10u);
  EXPECT_EQ(ListedIds(body).front(), "api-00");
  // The Dashboard docs show the trailing-slash form too.
  EXPECT_EQ(ListedIds(GetJson("/api/apis/?p=2")).front(), "api-10");
}

TEST_F(FakeDashboardTest, ZeroOrNegativePageReturnsEveryApi) {
  for (const char* p : {"0", "-1", "-2"}) {
    Json body = GetJson(absl::StrCat("/api/apis?p=", p));
    EXPECT_EQ(ListedIds(body).size(), 23u) << p;
    EXPECT_EQ(body["pages"], 3) << p;
    EXPECT_EQ(ListedIds(body).back(), "oas-child") << p;
  }
}

TEST_F(FakeDashboardTest, PageBeyondTheLastIsEmpty) {
  Json body = GetJson("/api/apis?p=4");
  EXPECT_EQ(body["apis"], Json::array());
  EXPECT_EQ(body["pages"], 3);
  EXPECT_EQ(GetJson("/api/apis?p=1000")["apis"], Json::array());
}

TEST_F(FakeDashboardTest, NonNumericPageIsABadRequest) {
  httplib::Result r = Get("/api/apis?p=two");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, R"({"Status":"Error","Message":"Could not retrieve APIs.","Meta":null})");
}

TEST_F(FakeDashboardTest, EmptyDashboardHasOnePageOfNothing) {
  Start(Catalog{});
  httplib::Result r = Get("/api/apis?p=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"apis":[],"pages":1})");
}

TEST_F(FakeDashboardTest, PageSizeIsConfigurable) {
  FakeDashboardOptions options;
  options.page_size = 5;
  Start(TwentyThreeApis(), options);
  Json body = GetJson("/api/apis?p=5");
  EXPECT_EQ(body["pages"], 5);
  EXPECT_THAT(ListedIds(body), ElementsAre("api-20", "oas-base", "oas-child"));
}

TEST_F(FakeDashboardTest, OasEndpointServesTheBareDocument) {
  httplib::Result r = Get("/api/apis/oas/oas-base");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  Json doc = Json::parse(r->body);
  EXPECT_EQ(doc, dashboard_->catalog().Find("oas-base")->oas);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["x-tyk-api-gateway"]["info"]["id"], "oas-base");
  EXPECT_EQ(doc["x-tyk-api-gateway"]["server"]["listenPath"]["value"], "/catalog/");
  EXPECT_FALSE(doc.contains("api_definition"));
  EXPECT_FALSE(r->has_header("x-tyk-base-api-id"));
}

TEST_F(FakeDashboardTest, OasEndpointNamesTheBaseOfAChildVersion) {
  httplib::Result r = Get("/api/apis/oas/oas-child");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("x-tyk-base-api-id"), "oas-base");
}

TEST_F(FakeDashboardTest, OasEndpointOfAnUnknownOrClassicApiIsNotFound) {
  for (const char* id : {"no-such-api", "api-00"}) {
    httplib::Result r = Get(absl::StrCat("/api/apis/oas/", id));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << id;
    EXPECT_EQ(r->body,
              R"({"Status":"Error","Message":"Could not retrieve API detail.","Meta":null})");
  }
}

TEST_F(FakeDashboardTest, NotFoundStatusIsConfigurable) {
  FakeDashboardOptions options;
  options.not_found_status = 400;
  Start(TwentyThreeApis(), options);
  EXPECT_EQ(Get("/api/apis/oas/no-such-api")->status, 400);
  EXPECT_EQ(Get("/api/apis/no-such-api")->status, 400);
}

TEST_F(FakeDashboardTest, SingleApiByApiIdOrDatabaseId) {
  Json by_api_id = GetJson("/api/apis/api-07");
  EXPECT_EQ(by_api_id["api_definition"]["name"], "API 07");
  Json by_db_id = GetJson(absl::StrCat("/api/apis/", DeriveDbId("api-07")));
  EXPECT_EQ(by_db_id, by_api_id);
  httplib::Result r = Get("/api/apis/no-such-api");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, R"({"Status":"Error","Message":"Could not retrieve API detail","Meta":null})");
  EXPECT_EQ(Get("/api/apis/oas-child")->get_header_value("x-tyk-base-api-id"), "oas-base");
}

TEST_F(FakeDashboardTest, EmbedOasAddsTheDocumentToOasListEntries) {
  FakeDashboardOptions options;
  options.embed_oas_in_list = true;
  Start(TwentyThreeApis(), options);
  Json body = GetJson("/api/apis?p=3");
  EXPECT_FALSE(body["apis"][0].contains("oas"));
  EXPECT_EQ(body["apis"][1]["oas"], dashboard_->catalog().Find("oas-base")->oas);
}

TEST_F(FakeDashboardTest, DropHidesApisAndRestoreBringsThemBack) {
  httplib::Result drop = Post("/_fake/drop?api_id=api-03&api_id=oas-base&api_id=ghost");
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->status, 200);
  Json answer = Json::parse(drop->body);
  EXPECT_EQ(answer["dropped"], Json::array({"api-03", "oas-base"}));
  EXPECT_EQ(answer["unknown"], Json::array({"ghost"}));

  Json all = GetJson("/api/apis?p=0");
  EXPECT_EQ(ListedIds(all).size(), 21u);
  EXPECT_EQ(all["pages"], 3);
  EXPECT_EQ(ListedIds(GetJson("/api/apis?p=1"))[3], "api-04");
  EXPECT_THAT(ListedIds(GetJson("/api/apis?p=3")), ElementsAre("oas-child"));
  EXPECT_EQ(Get("/api/apis/oas/oas-base")->status, 404);
  EXPECT_EQ(Get("/api/apis/api-03")->status, 404);

  ASSERT_EQ(Post("/_fake/restore")->status, 200);
  EXPECT_EQ(ListedIds(GetJson("/api/apis?p=0")).size(), 23u);
  EXPECT_EQ(Get("/api/apis/oas/oas-base")->status, 200);
}

TEST_F(FakeDashboardTest, DroppingToTwentyApisLeavesTwoPages) {
  dashboard_->Drop({"api-00", "api-01", "api-02"});
  Json p2 = GetJson("/api/apis?p=2");
  EXPECT_EQ(p2["pages"], 2);
  EXPECT_EQ(ListedIds(p2).back(), "oas-child");
}

TEST_F(FakeDashboardTest, FailedPageAnswersTheDashboardErrorAndOthersStillWork) {
  ASSERT_EQ(Post("/_fake/fail?page=2&mode=500")->status, 200);
  EXPECT_EQ(ListedIds(GetJson("/api/apis?p=1")).size(), 10u);
  for (int i = 0; i < 2; ++i) {
    httplib::Result r = Get("/api/apis?p=2");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->body,
              R"({"Status":"Error","Message":"Failed to marshal data for APIs.","Meta":null})");
  }
  EXPECT_EQ(ListedIds(GetJson("/api/apis?p=3")).size(), 3u);
}

TEST_F(FakeDashboardTest, FaultWithTimesFailsOnlyThatManyRequests) {
  ASSERT_EQ(Post("/_fake/fail?page=1&mode=503&times=2")->status, 200);
  EXPECT_EQ(Get("/api/apis?p=1")->status, 503);
  EXPECT_EQ(Get("/api/apis")->status, 503);  // absent p is page 1
  EXPECT_EQ(Get("/api/apis?p=1")->status, 200);
}

TEST_F(FakeDashboardTest, PageSelectorsAnyAndUnpaged) {
  dashboard_->FailListPage(kUnpagedList, *ParseFault("502", 0));
  EXPECT_EQ(Get("/api/apis?p=0")->status, 502);
  EXPECT_EQ(Get("/api/apis?p=-1")->status, 502);
  EXPECT_EQ(Get("/api/apis?p=2")->status, 200);
  ASSERT_EQ(Post("/_fake/fail?page=any&mode=500")->status, 200);
  for (const char* p : {"1", "2", "3", "9"}) {
    EXPECT_EQ(Get(absl::StrCat("/api/apis?p=", p))->status, 500) << p;
  }
}

TEST_F(FakeDashboardTest, GarbageModeAnswersInvalidJson) {
  ASSERT_EQ(Post("/_fake/fail?page=1&mode=garbage")->status, 200);
  httplib::Result r = Get("/api/apis?p=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_FALSE(r->body.empty());
  EXPECT_FALSE(Json::accept(r->body)) << r->body;
  EXPECT_TRUE(Json::accept(Get("/api/apis?p=2")->body));
}

TEST_F(FakeDashboardTest, OasFaultHitsOnlyThatApi) {
  ASSERT_EQ(Post("/_fake/fail?oas=oas-child&mode=500")->status, 200);
  httplib::Result r = Get("/api/apis/oas/oas-child");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body,
            R"({"Status":"Error","Message":"Failed to marshal data for API detail.","Meta":null})");
  EXPECT_EQ(Get("/api/apis/oas/oas-base")->status, 200);
  EXPECT_EQ(Get("/api/apis?p=3")->status, 200);

  ASSERT_EQ(Post("/_fake/fail?oas=*&mode=garbage")->status, 200);
  EXPECT_FALSE(Json::accept(Get("/api/apis/oas/oas-base")->body));
}

TEST_F(FakeDashboardTest, SingleApiFault) {
  dashboard_->FailApi("api-05", *ParseFault("500", 1));
  httplib::Result r = Get("/api/apis/api-05");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body,
            R"({"Status":"Error","Message":"Failed to marshal data for API detail","Meta":null})");
  EXPECT_EQ(Get("/api/apis/api-05")->status, 200);
}

TEST_F(FakeDashboardTest, HungRequestDoesNotBlockOthersAndResetReleasesIt) {
  ASSERT_EQ(Post("/_fake/fail?page=2&mode=hang")->status, 200);
  std::future<httplib::Result> hung =
      std::async(std::launch::async, [this] { return Get("/api/apis?p=2"); });
  ASSERT_TRUE(dashboard_->WaitForHungRequests(1, absl::Seconds(10)));

  // Other requests are answered while one hangs.
  EXPECT_EQ(ListedIds(GetJson("/api/apis?p=1")).size(), 10u);
  EXPECT_EQ(GetJson("/_fake/requests")["hung"], 1);
  EXPECT_EQ(hung.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);

  ASSERT_EQ(Post("/_fake/reset")->status, 200);
  ASSERT_EQ(hung.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  httplib::Result r = hung.get();
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);  // released requests are answered normally
  EXPECT_EQ(ListedIds(Json::parse(r->body)).front(), "api-10");
  EXPECT_EQ(dashboard_->HungRequests(), 0);
}

TEST_F(FakeDashboardTest, StopReleasesHungRequestsPromptly) {
  dashboard_->FailOas("*", *ParseFault("hang", 0));
  std::future<httplib::Result> hung =
      std::async(std::launch::async, [this] { return Get("/api/apis/oas/oas-base"); });
  ASSERT_TRUE(dashboard_->WaitForHungRequests(1, absl::Seconds(10)));
  const absl::Time start = absl::Now();
  dashboard_->Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ASSERT_EQ(hung.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  httplib::Result r = hung.get();
  // The connection closes or the fake answers that it is shutting down; never a document.
  if (r) {
    EXPECT_EQ(r->status, 503);
  }
}

TEST_F(FakeDashboardTest, StopIsPromptWithAnIdleKeepAliveConnection) {
  httplib::Client client("127.0.0.1", port_);
  client.set_keep_alive(true);
  ASSERT_EQ(client.Get("/api/apis", {{"Authorization", kKey}})->status, 200);
  const absl::Time start = absl::Now();
  dashboard_->Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST_F(FakeDashboardTest, RequestCountsShowWhichPagesWereRead) {
  GetJson("/api/apis?p=1");
  GetJson("/api/apis?p=2");
  GetJson("/api/apis?p=2");
  Get("/api/apis/oas/oas-base");
  Get("/api/apis?p=1", "wrong");
  Json counts = GetJson("/_fake/requests");
  EXPECT_EQ(counts["total"], 5);
  EXPECT_EQ(counts["by_path"], Json::parse(R"({"/api/apis/oas/oas-base": 1,
      "/api/apis?p=1": 2, "/api/apis?p=2": 2})"));
  EXPECT_EQ(counts["by_status"], Json::parse(R"({"200": 4, "401": 1})"));
  EXPECT_EQ(counts["hung"], 0);

  ASSERT_EQ(Post("/_fake/reset")->status, 200);
  counts = GetJson("/_fake/requests");
  EXPECT_EQ(counts["total"], 0);
  EXPECT_EQ(counts["by_path"], Json::object());
}

TEST_F(FakeDashboardTest, ResetClearsFaultsAndDrops) {
  dashboard_->FailListPage(1, *ParseFault("500", 0));
  dashboard_->Drop({"api-00"});
  dashboard_->Reset();
  Json body = GetJson("/api/apis?p=1");
  EXPECT_EQ(ListedIds(body).front(), "api-00");
}

TEST_F(FakeDashboardTest, ControlCallsRejectBadParameters) {
  struct Case {
    const char* path;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"/_fake/fail?page=2", "fail needs mode="},
           {"/_fake/fail?page=2&mode=teapot", "fault mode \"teapot\" is not hang"},
           {"/_fake/fail?page=2&mode=200", "HTTP status 400-599"},
           {"/_fake/fail?mode=500", "exactly one of page="},
           {"/_fake/fail?page=2&oas=x&mode=500", "exactly one of page="},
           {"/_fake/fail?page=0&mode=500", "page must be a page number >= 1"},
           {"/_fake/fail?page=1&mode=500&times=x", "times must be an integer"},
           {"/_fake/drop", "drop needs at least one api_id"},
       }) {
    httplib::Result r = Post(c.path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << c.path;
    EXPECT_THAT(Json::parse(r->body)["error"].get<std::string>(), HasSubstr(c.message)) << c.path;
  }
  // Nothing was switched on by the rejected calls.
  EXPECT_EQ(Get("/api/apis?p=2")->status, 200);
}

TEST(FakeDashboardStartTest, RefusesBadOptions) {
  FakeTykDashboard no_key(Catalog{}, FakeDashboardOptions{});
  EXPECT_EQ(no_key.Start().status().code(), absl::StatusCode::kInvalidArgument);
  FakeDashboardOptions options;
  options.key = "k";
  options.page_size = 0;
  FakeTykDashboard bad_size(Catalog{}, options);
  EXPECT_THAT(std::string(bad_size.Start().status().message()), HasSubstr("page size 0"));
  options.page_size = 10;
  options.not_found_status = 200;
  FakeTykDashboard bad_status(Catalog{}, options);
  EXPECT_THAT(std::string(bad_status.Start().status().message()),
              HasSubstr("not-found status 200 is not an HTTP error status"));
}

TEST(FakeDashboardStartTest, PortInUseIsUnavailable) {
  FakeDashboardOptions options;
  options.key = "k";
  FakeTykDashboard first(Catalog{}, options);
  absl::StatusOr<int> port = first.Start();
  ASSERT_TRUE(port.ok()) << port.status();
  FakeTykDashboard second(Catalog{}, options);
  absl::StatusOr<int> again = second.Start("127.0.0.1", *port);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr(absl::StrCat(":", *port)));
  EXPECT_EQ(first.Start().status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace gov::fake
