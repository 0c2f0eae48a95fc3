// RestApi over real HTTP on 127.0.0.1 (any free port), with in-memory storage: the
// contract's authentication, shapes, error bodies and status codes.
#include "src/hub/rest_api.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/status_macros.h"
#include "src/common/time_format.h"
#include "src/hub/testing/hub_test_util.h"

namespace gov::hub {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr char kKey[] = "test-api-key";

// Sends `request` as is on a fresh connection and returns everything the server answers
// until it closes (with a receive timeout so a hung server fails instead of blocking).
std::string RawHttp(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "socket failed";
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "connect failed";
  }
  size_t off = 0;
  while (off < request.size()) {
    ssize_t n = send(fd, request.data() + off, request.size() - off, 0);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

class RestApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = testing::MemoryStorage();
    ASSERT_TRUE(opened.ok()) << opened.status();
    storage_ = std::move(*opened);
    keys_ = std::make_unique<ApiKeys>(storage_.get(), kKey, &clock_, &random_);
    tokens_ = std::make_unique<TokenService>(storage_.get(), "jwt-secret", &clock_, &random_);
    syncs_ = std::make_unique<SyncManager>(storage_.get(), &registry_, &clock_, &random_,
                                           absl::Minutes(10));
    scheduler_ = std::make_unique<SyncScheduler>(storage_.get(), syncs_.get(), &clock_, &random_,
                                                 SchedulerOptions{});
    rest_ = std::make_unique<RestApi>(RestDeps{storage_.get(), keys_.get(), tokens_.get(),
                                               &registry_, syncs_.get(), scheduler_.get(),
                                               &metrics_, &clock_, &random_});
    auto port = rest_->Bind("127.0.0.1", 0, "", "");
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
    server_ = std::thread([this] { rest_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(5, 0);
    // Once this answers, the server loop runs (so Stop() cannot miss it).
    auto health = client_->Get("/healthz");
    ASSERT_TRUE(health) << "server did not answer";
    ASSERT_EQ(health->status, 200);
  }

  void TearDown() override {
    if (rest_) rest_->Stop();
    if (server_.joinable()) server_.join();
  }

  struct Answer {
    int status = 0;
    json body;
    std::string content_type;
  };
  static Answer Parse(const httplib::Result& res) {
    Answer a;
    if (!res) {
      ADD_FAILURE() << "no HTTP answer: " << httplib::to_string(res.error());
      return a;
    }
    a.status = res->status;
    a.content_type = res->get_header_value("Content-Type");
    a.body = json::parse(res->body, nullptr, false);
    EXPECT_FALSE(a.body.is_discarded()) << "not JSON: " << res->body;
    return a;
  }
  httplib::Headers Auth() const { return {{"X-API-Key", kKey}}; }
  Answer Get(const std::string& path) { return Parse(client_->Get(path, Auth())); }
  Answer Post(const std::string& path, const std::string& body) {
    return Parse(client_->Post(path, Auth(), body, "application/json"));
  }
  Answer Delete(const std::string& path) { return Parse(client_->Delete(path, Auth())); }

  // A provider as the hub stores it once the agent reported it.
  void StoreProvider(const std::string& agent_id, const std::string& name) {
    storage::Provider p;
    p.agent_id = agent_id;
    p.name = name;
    p.type = "tyk";
    p.updated_at = clock_.Now();
    ASSERT_TRUE(storage_->Transact([&](storage::Store& s) { return s.UpsertProvider(p); }).ok());
  }

  std::string CreateAgent(const std::string& name) {
    Answer a = Post("/api/agents/", json{{"name", name}}.dump());
    EXPECT_EQ(a.status, 201) << a.body.dump();
    return a.body.value("id", "");
  }

  // Health stream + heartbeat + sync stream, as a connected agent has.
  std::shared_ptr<testing::RecordingSyncChannel> ConnectAgent(const std::string& id) {
    auto health = std::make_shared<testing::RecordingHealthChannel>();
    auto conn = registry_.HealthOpened(id, health);
    registry_.Heartbeat(id, conn, testing::MakeHeartbeat("r1", true, {{"tyk-a", "tyk"}}));
    auto sync = std::make_shared<testing::RecordingSyncChannel>();
    registry_.SyncOpened(id, "r1", sync);
    health_channels_.push_back(health);
    return sync;
  }

  FakeClock clock_;
  StdRandom random_{5};
  AgentRegistry registry_{&clock_, absl::Seconds(30)};
  Metrics metrics_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<ApiKeys> keys_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<SyncManager> syncs_;
  std::unique_ptr<SyncScheduler> scheduler_;
  std::unique_ptr<RestApi> rest_;
  std::thread server_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;
  std::vector<std::shared_ptr<testing::RecordingHealthChannel>> health_channels_;
};

TEST_F(RestApiTest, ApiCallsNeedAValidKeyAndAnswer401Json) {
  Answer missing = Parse(client_->Get("/api/agents/"));
  EXPECT_EQ(missing.status, 401);
  EXPECT_THAT(missing.content_type, HasSubstr("application/json"));
  EXPECT_EQ(missing.body, (json{{"error", "missing X-API-Key header"}, {"details", nullptr}}));

  Answer wrong = Parse(client_->Get("/api/agents/", httplib::Headers{{"X-API-Key", "nope"}}));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body.value("error", ""), "invalid API key");

  // Unknown /api/ routes are also behind the key.
  EXPECT_EQ(Parse(client_->Get("/api/nothing-here")).status, 401);
  // A stored (hashed) key works as well as the bootstrap key.
  auto created = keys_->CreateKey("ci");
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(Parse(client_->Get("/api/agents", httplib::Headers{{"X-API-Key", *created}})).status,
            200);
}

TEST_F(RestApiTest, CreateAgentAnswersAsTheDocumentShows) {
  Answer a = Post("/api/agents/", R"({"name": "My API Provider Agent"})");
  ASSERT_EQ(a.status, 201) << a.body.dump();
  EXPECT_THAT(a.content_type, HasSubstr("application/json"));
  EXPECT_TRUE(testing::IsUuid4(a.body.value("id", ""))) << a.body.dump();
  EXPECT_EQ(a.body["name"], "My API Provider Agent");
  EXPECT_EQ(a.body["status"], "INACTIVE");
  EXPECT_EQ(a.body["last_heartbeat"], "0001-01-01T00:00:00Z");
  EXPECT_TRUE(a.body["providers"].is_null()) << a.body.dump();

  const std::string id = a.body["id"];
  Answer one = Get("/api/agents/" + id);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body["id"], id);
  EXPECT_EQ(one.body["name"], "My API Provider Agent");

  Answer list = Get("/api/agents/");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["agents"].size(), 1u);
  EXPECT_EQ(list.body["agents"][0]["id"], id);
  EXPECT_EQ(list.body["page"], 1);
  EXPECT_EQ(list.body["page_size"], 50);
  EXPECT_EQ(list.body["total"], 1);
}

TEST_F(RestApiTest, ConnectedAgentShowsActiveWithItsProviders) {
  const std::string id = CreateAgent("a");
  ConnectAgent(id);
  Answer one = Get("/api/agents/" + id);
  EXPECT_EQ(one.body["status"], "ACTIVE");
  EXPECT_EQ(one.body["last_heartbeat"], FormatRfc3339(clock_.Now()));
  clock_.Advance(absl::Seconds(31));
  EXPECT_EQ(Get("/api/agents/" + id).body["status"], "INACTIVE");
}

TEST_F(RestApiTest, PathsWorkWithAndWithoutTrailingSlash) {
  EXPECT_EQ(Post("/api/agents", R"({"name": "no slash"})").status, 201);
  const std::string id = CreateAgent("slash");
  EXPECT_EQ(Get("/api/agents").status, 200);
  EXPECT_EQ(Get("/api/agents/").status, 200);
  EXPECT_EQ(Get("/api/agents/" + id).status, 200);
  EXPECT_EQ(Get("/api/agents/" + id + "/").status, 200);
  EXPECT_EQ(Get("/api/apis").status, 200);
  EXPECT_EQ(Get("/api/apis/").status, 200);
}

TEST_F(RestApiTest, BadBodiesAre400NamingTheProblem) {
  Answer unknown = Post("/api/agents/", R"({"name": "x", "colour": "blue"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body.value("error", ""), HasSubstr("\"colour\""));
  EXPECT_TRUE(unknown.body.contains("details"));

  Answer malformed = Post("/api/agents/", R"({"name": )");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_THAT(malformed.body.value("error", ""), HasSubstr("not valid JSON"));

  Answer missing = Post("/api/agents/", R"({"description": "no name"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_THAT(missing.body.value("error", ""), HasSubstr("\"name\""));

  Answer wrong_type = Post("/api/agents/", R"({"name": 5})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_THAT(wrong_type.body.value("error", ""), HasSubstr("\"name\" must be a string"));

  EXPECT_EQ(Post("/api/agents/", "[1, 2]").status, 400);
  EXPECT_EQ(Get("/api/agents/").body["total"], 0) << "nothing was created";
}

TEST_F(RestApiTest, SyncOfAnInactiveAgentIs409Json) {
  const std::string id = CreateAgent("idle");
  Answer a = Post("/api/agents/" + id + "/sync", "{}");
  EXPECT_EQ(a.status, 409);
  EXPECT_THAT(a.body.value("error", ""), HasSubstr("not connected"));
}

TEST_F(RestApiTest, UnknownRoutesAndIdsAre404Json) {
  Answer route = Get("/api/no/such/route");
  EXPECT_EQ(route.status, 404);
  EXPECT_TRUE(route.body.contains("error"));
  EXPECT_EQ(Get("/api/agents/6f1e7c0a-0000-4000-8000-000000000000").status, 404);
  EXPECT_EQ(Get("/api/syncs/nope").status, 404);
  EXPECT_EQ(Get("/api/apis/nope").status, 404);
  EXPECT_EQ(Get("/api/apis/nope/history").status, 404);
  EXPECT_EQ(Post("/api/agents/nope/sync", "{}").status, 404);
  EXPECT_EQ(Delete("/api/agents/nope").status, 404);
  Answer token = Post("/api/auth/token/", R"({"agent_id": "nope"})");
  EXPECT_EQ(token.status, 404);
  EXPECT_THAT(token.body.value("error", ""), HasSubstr("nope"));
}

TEST_F(RestApiTest, BadQueryParametersAre400) {
  for (const char* q : {"page_size=0", "page_size=abc", "page_size=1001", "page=0", "page=-1"}) {
    Answer a = Get(std::string("/api/agents/?") + q);
    EXPECT_EQ(a.status, 400) << q;
    EXPECT_TRUE(a.body.contains("error")) << q;
  }
  EXPECT_EQ(Get("/api/agents/?page=2&page_size=10").body["page_size"], 10);
  Answer status = Get("/api/apis?status=GONE");
  EXPECT_EQ(status.status, 400);
  EXPECT_THAT(status.body.value("error", ""), HasSubstr("GONE"));
  EXPECT_EQ(Get("/api/apis?status=DELETED").status, 200);
}

TEST_F(RestApiTest, PostWithoutABodyIsHandled) {
  const std::string id = CreateAgent("bodyless");
  const std::string request = "POST /api/agents/" + id +
                              "/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + kKey +
                              "\r\nConnection: close\r\n\r\n";
  std::string inactive = RawHttp(port_, request);
  EXPECT_TRUE(absl::StartsWith(inactive, "HTTP/1.1 409")) << inactive;
  EXPECT_THAT(inactive, HasSubstr("not connected"));

  auto channel = ConnectAgent(id);
  std::string active = RawHttp(port_, request);
  ASSERT_TRUE(absl::StartsWith(active, "HTTP/1.1 202")) << active;
  json body = json::parse(active.substr(active.find("\r\n\r\n") + 4));
  EXPECT_EQ(body["state"], "RUNNING");
  EXPECT_EQ(body["trigger"], "MANUAL");
  EXPECT_EQ(body["agent_id"], id);
  ASSERT_EQ(channel->sent().size(), 1u);
  EXPECT_EQ(channel->sent()[0].request().sync_id(), body["id"]);

  // The sync is visible while running.
  Answer live = Get("/api/syncs/" + std::string(body["id"]));
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(live.body["state"], "RUNNING");
  Answer conflict = Post("/api/agents/" + id + "/sync", "{}");
  EXPECT_EQ(conflict.status, 409) << "one sync at a time";
  EXPECT_EQ(conflict.body["details"]["running_sync_id"], body["id"]) << conflict.body.dump();
}

TEST_F(RestApiTest, TokenIssueAndAgentDeletion) {
  const std::string id = CreateAgent("tokened");
  auto sync_channel = ConnectAgent(id);
  Answer t = Post("/api/auth/token/", json{{"agent_id", id}}.dump());
  ASSERT_EQ(t.status, 200) << t.body.dump();
  const std::string token = t.body.value("token", "");
  auto verified = tokens_->Verify(token);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->agent_id, id);
  ASSERT_TRUE(sync_channel->closed().has_value()) << "streams of the old token are closed";
  EXPECT_EQ(sync_channel->closed()->code(), absl::StatusCode::kUnauthenticated);

  auto second = ConnectAgent(id);
  Answer del = Delete("/api/agents/" + id);
  EXPECT_EQ(del.status, 200);
  ASSERT_TRUE(second->closed().has_value());
  EXPECT_EQ(Get("/api/agents/" + id).status, 404);
  EXPECT_FALSE(tokens_->Verify(token).ok());
}

TEST_F(RestApiTest, SyncJobsAreCreatedListedAndDeletedAsTheDocumentWritesThem) {
  const std::string id = CreateAgent("scheduled");
  StoreProvider(id, "tyk-provider");
  // The document's body, verbatim.
  Answer created = Post("/api/agents/" + id + "/sync-jobs", R"({
            "repeat_every": "12h",
            "provider": "tyk-provider",
            "start_from": "2023-06-01T12:00:00Z"
        })");
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string job_id = created.body.value("id", "");
  EXPECT_TRUE(testing::IsUuid4(job_id)) << created.body.dump();
  EXPECT_EQ(created.body["agent_id"], id);
  EXPECT_EQ(created.body["repeat_every"], "12h");
  EXPECT_EQ(created.body["provider"], "tyk-provider");
  EXPECT_EQ(created.body["start_from"], "2023-06-01T12:00:00Z");
  EXPECT_TRUE(created.body["last_run"].is_null());
  EXPECT_TRUE(created.body.contains("next_run_at"));

  Answer twice = Post("/api/agents/" + id + "/sync-jobs",
                      R"({"repeat_every": "12h", "provider": "tyk-provider",
                          "start_from": "2023-06-01T12:00:00Z"})");
  EXPECT_EQ(twice.status, 409) << twice.body.dump();
  EXPECT_EQ(twice.body["details"]["sync_job_id"], job_id);
  clock_.Advance(absl::Seconds(1));
  Answer weekly = Post("/api/agents/" + id + "/sync-jobs/", R"({"repeat_every": "7d"})");
  ASSERT_EQ(weekly.status, 201) << weekly.body.dump();
  EXPECT_EQ(weekly.body["repeat_every"], "7d");
  EXPECT_TRUE(weekly.body["provider"].is_null()) << "all providers";

  Answer list = Get("/api/agents/" + id + "/sync-jobs");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["sync_jobs"].size(), 2u);
  EXPECT_EQ(list.body["total"], 2);
  EXPECT_EQ(list.body["sync_jobs"][0]["id"], job_id);

  Answer one = Get("/api/agents/" + id + "/sync-jobs/" + job_id);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body["repeat_every"], "12h");
  Answer runs = Get("/api/agents/" + id + "/sync-jobs/" + job_id + "/runs");
  EXPECT_EQ(runs.status, 200);
  EXPECT_EQ(runs.body["runs"], json::array());

  Answer del = Delete("/api/agents/" + id + "/sync-jobs/" + job_id);
  EXPECT_EQ(del.status, 200) << del.body.dump();
  EXPECT_EQ(Get("/api/agents/" + id + "/sync-jobs/" + job_id).status, 404);
  EXPECT_EQ(Delete("/api/agents/" + id + "/sync-jobs/" + job_id).status, 404);
  EXPECT_EQ(Get("/api/agents/" + id + "/sync-jobs").body["total"], 1);
}

TEST_F(RestApiTest, BadSyncJobsAre400Or422NamingTheField) {
  const std::string id = CreateAgent("picky");
  StoreProvider(id, "tyk-provider");
  const std::string path = "/api/agents/" + id + "/sync-jobs";
  struct Case {
    std::string body;
    int status;
    std::string message;
  };
  const std::vector<Case> cases = {
      {R"({})", 400, "field \"repeat_every\" is required"},
      {R"({"repeat_every": 3600})", 400, "field \"repeat_every\" must be a string"},
      {R"({"repeat_every": "soon"})", 400, "field \"repeat_every\""},
      {R"({"repeat_every": "12h", "start_from": "June"})", 400, "field \"start_from\""},
      {R"({"repeat_every": "12h", "every": "day"})", 400, "unknown field \"every\""},
      {R"({"repeat_every": "12h",)", 400, "not valid JSON"},
      {R"({"repeat_every": "12h", "repeat_every": "1h"})", 400,
       "field \"repeat_every\" is given more than once"},
      {R"({"repeat_every": "0s"})", 422, "must be positive"},
      {R"({"repeat_every": "1m"})", 422, "below the minimum of 5m"},
      {R"({"repeat_every": "12h", "provider": "aws-provider"})", 422,
       "has no provider \"aws-provider\""},
  };
  for (const Case& c : cases) {
    Answer a = Post(path, c.body);
    EXPECT_EQ(a.status, c.status) << c.body << " -> " << a.body.dump();
    EXPECT_THAT(a.body.value("error", ""), HasSubstr(c.message)) << c.body;
    EXPECT_TRUE(a.body.contains("details"));
  }
  EXPECT_EQ(Get(path).body["total"], 0) << "nothing was stored";
  EXPECT_EQ(Post("/api/agents/no-such-agent/sync-jobs", R"({"repeat_every": "1h"})").status, 404);
  EXPECT_EQ(Get("/api/agents/no-such-agent/sync-jobs").status, 404);
  EXPECT_EQ(Get(path + "/no-such-job").status, 404);
}

TEST_F(RestApiTest, HeldDeletionsAreListedAndAppliedByAnOperator) {
  const std::string id = CreateAgent("guarded");
  const absl::Time now = clock_.Now();
  storage::Sync sync;
  sync.id = "sync-held";
  sync.agent_id = id;
  sync.state = storage::SyncState::kPartial;
  sync.started_at = now;
  sync.finished_at = now;
  storage::ProviderSync p;
  p.name = "tyk-a";
  p.type = "tyk";
  p.state = storage::SyncState::kPartial;
  p.held = {storage::HoldState::kHeld, 2, "2 of 3 APIs (67%) would be deleted", std::nullopt};
  sync.providers = {p};
  ASSERT_TRUE(storage_
                  ->Transact([&](storage::Store& s) -> absl::Status {
                    for (const char* ext : {"a", "b", "c"}) {
                      storage::ApiRecord api;
                      api.id = absl::StrCat("api-", ext);
                      api.agent_id = id;
                      api.provider = "tyk-a";
                      api.provider_type = "tyk";
                      api.external_id = ext;
                      api.name = absl::StrCat("API ", ext);
                      api.created_at = api.updated_at = now;
                      GOV_RETURN_IF_ERROR(s.InsertApi(api));
                    }
                    GOV_RETURN_IF_ERROR(s.InsertSync(sync));
                    return s.InsertHeldDeletions(
                        {{sync.id, id, "tyk-a", "api-a"}, {sync.id, id, "tyk-a", "api-b"}});
                  })
                  .ok());

  Answer shown = Get("/api/syncs/sync-held");
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body["providers"][0]["held_deletions"]["state"], "HELD");
  EXPECT_EQ(shown.body["providers"][0]["held_deletions"]["count"], 2);

  Answer held = Get("/api/syncs/sync-held/held-deletions");
  ASSERT_EQ(held.status, 200) << held.body.dump();
  ASSERT_EQ(held.body["held_deletions"].size(), 2u);
  EXPECT_EQ(held.body["held_deletions"][0]["api_id"], "api-a");
  EXPECT_EQ(held.body["held_deletions"][0]["name"], "API a");
  EXPECT_EQ(held.body["held_deletions"][0]["status"], "ACTIVE");

  Answer bad = Post("/api/syncs/sync-held/held-deletions/apply", R"({"provider": 1})");
  EXPECT_EQ(bad.status, 400);
  Answer applied = Post("/api/syncs/sync-held/held-deletions/apply", "{}");
  ASSERT_EQ(applied.status, 200) << applied.body.dump();
  EXPECT_EQ(applied.body["providers"][0]["held_deletions"]["state"], "APPLIED");
  EXPECT_EQ(applied.body["providers"][0]["deleted"], 2);
  EXPECT_EQ(Get("/api/apis/api-a").body["status"], "DELETED");
  EXPECT_EQ(Get("/api/apis/api-b").body["status"], "DELETED");
  EXPECT_EQ(Get("/api/apis/api-c").body["status"], "ACTIVE");
  json events = Get("/api/apis/api-a/history").body["events"];
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["type"], "DELETED");
  EXPECT_EQ(events.back()["sync_id"], "sync-held");

  Answer again = Post("/api/syncs/sync-held/held-deletions/apply", "");
  EXPECT_EQ(again.status, 409) << again.body.dump();
  EXPECT_THAT(again.body.value("error", ""), HasSubstr("already"));
  EXPECT_EQ(Get("/api/syncs/nope/held-deletions").status, 404);
  EXPECT_EQ(Get("/api/syncs/sync-held/held-deletions?provider=tyk-a").body["total"], 2);
  Answer no_provider = Get("/api/syncs/sync-held/held-deletions?provider=nope");
  EXPECT_EQ(no_provider.status, 404);
  EXPECT_THAT(no_provider.body.value("error", ""), HasSubstr("has no provider \"nope\""));
  Answer paged = Get("/api/syncs/sync-held/held-deletions?page=2&page_size=1");
  ASSERT_EQ(paged.status, 200);
  ASSERT_EQ(paged.body["held_deletions"].size(), 1u);
  EXPECT_EQ(paged.body["held_deletions"][0]["api_id"], "api-b");
  EXPECT_EQ(paged.body["page"], 2);
  EXPECT_EQ(paged.body["page_size"], 1);
  EXPECT_EQ(paged.body["total"], 2);
  EXPECT_EQ(Get("/api/syncs/sync-held/held-deletions?page=abc").status, 400);
  EXPECT_EQ(Get("/api/providers?page_size=0").status, 400);
  EXPECT_EQ(Post("/api/syncs/nope/held-deletions/apply", "{}").status, 404);
}

TEST_F(RestApiTest, TheRepositoryPagesWithACursorThatSyncsCannotShift) {
  const std::string id = CreateAgent("cursor");
  auto insert = [&](const std::string& ext, absl::Duration after_start) {
    storage::ApiRecord api;
    api.id = "api-" + ext;
    api.agent_id = id;
    api.provider = "tyk-a";
    api.provider_type = "tyk";
    api.external_id = ext;
    api.name = "API " + ext;
    api.created_at = api.updated_at = clock_.Now() + after_start;
    ASSERT_TRUE(storage_->Transact([&](storage::Store& s) { return s.InsertApi(api); }).ok());
  };
  for (int i = 0; i < 5; ++i) insert(absl::StrCat(i), absl::Seconds(i));

  Answer first = Get("/api/apis?status=ACTIVE&page_size=2");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  ASSERT_EQ(first.body["apis"].size(), 2u);
  EXPECT_EQ(first.body["next_after"], "api-1");
  insert("new", absl::Seconds(60));  // a sync adds one meanwhile
  Answer second = Get("/api/apis?status=ACTIVE&page_size=2&after=api-1");
  ASSERT_EQ(second.status, 200) << second.body.dump();
  EXPECT_EQ(second.body["apis"][0]["id"], "api-2");
  EXPECT_EQ(second.body["apis"][1]["id"], "api-3");
  EXPECT_EQ(second.body["total"], 6);
  Answer last = Get("/api/apis?status=ACTIVE&page_size=2&after=api-3");
  ASSERT_EQ(last.body["apis"].size(), 2u);
  EXPECT_EQ(last.body["apis"][1]["id"], "api-new");
  Answer end = Get("/api/apis?status=ACTIVE&page_size=2&after=api-new");
  EXPECT_EQ(end.body["apis"], json::array());
  EXPECT_TRUE(end.body["next_after"].is_null());

  Answer unknown = Get("/api/apis?after=nope");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body.value("error", ""), HasSubstr("query parameter \"after\""));
  EXPECT_EQ(Get("/api/apis?after=api-1&page=2").status, 400);
  EXPECT_EQ(Get("/api/apis?after=").status, 400);
}

}  // namespace
}  // namespace gov::hub
