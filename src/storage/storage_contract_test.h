// The Storage contract test: what every Storage implementation must do, written against
// storage.h only. A backend's test file implements StorageBackend and instantiates the
// suite:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StorageContractTest,
//                            ::testing::Values(BackendParam{"file", &MakeFileBackend}),
//                            BackendParamName);
//
// Include this header in exactly one .cc file per test binary (it defines the tests).
// Times in the contract have millisecond precision, so the fixtures use whole
// milliseconds.
//
// Thread-safety: test code; the concurrency test drives one Storage from many threads.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "src/common/status_macros.h"
#include "src/storage/storage.h"

namespace gov::storage::testing {

// What a backend supplies to the contract tests.
class StorageBackend {
 public:
  virtual ~StorageBackend() = default;
  // Opens the test's database: empty (not migrated) on the first call of each test, the
  // same database on later calls when Persistent().
  virtual absl::StatusOr<std::unique_ptr<Storage>> Open() = 0;
  // Whether the data outlives the Storage object (a file or a server, not :memory:).
  virtual bool Persistent() const = 0;
  // Called with no Storage open on a migrated database: records in it a schema version
  // newer than this binary knows, as a newer release would.
  virtual absl::Status SimulateNewerSchema() = 0;
};

struct BackendParam {
  std::string name;
  std::function<std::unique_ptr<StorageBackend>()> make;
};

// gtest prints a failing test's parameter with this.
inline void PrintTo(const BackendParam& param, std::ostream* os) { *os << param.name; }

inline std::string BackendParamName(const ::testing::TestParamInfo<BackendParam>& info) {
  return info.param.name;
}

// ---- records as JSON, so that a mismatch prints every field ----------------------------

inline nlohmann::json TimeJson(absl::Time t) { return absl::ToUnixMillis(t); }
inline nlohmann::json TimeJson(const std::optional<absl::Time>& t) {
  return t.has_value() ? TimeJson(*t) : nlohmann::json();
}

inline std::string Dump(const ApiKey& k) {
  return nlohmann::json{{"id", k.id},
                        {"name", k.name},
                        {"key_hash", k.key_hash},
                        {"created_at", TimeJson(k.created_at)}}
      .dump(1);
}

inline std::string Dump(const Agent& a) {
  return nlohmann::json{{"id", a.id},
                        {"name", a.name},
                        {"description", a.description},
                        {"created_at", TimeJson(a.created_at)},
                        {"updated_at", TimeJson(a.updated_at)},
                        {"last_heartbeat", TimeJson(a.last_heartbeat)},
                        {"version", a.version},
                        {"warnings", a.warnings}}
      .dump(1);
}

inline std::string Dump(const AgentToken& t) {
  return nlohmann::json{{"id", t.id},
                        {"agent_id", t.agent_id},
                        {"issued_at", TimeJson(t.issued_at)},
                        {"revoked_at", TimeJson(t.revoked_at)}}
      .dump(1);
}

inline std::string Dump(const Provider& p) {
  return nlohmann::json{{"agent_id", p.agent_id},
                        {"name", p.name},
                        {"type", p.type},
                        {"details", p.details},
                        {"connection_status", p.connection_status},
                        {"error", p.error},
                        {"last_sync_at", TimeJson(p.last_sync_at)},
                        {"updated_at", TimeJson(p.updated_at)}}
      .dump(1);
}

inline std::string Dump(const Sync& s) {
  nlohmann::json providers = nlohmann::json::array();
  for (const ProviderSync& p : s.providers) {
    const SyncCounts& c = p.counts;
    providers.push_back(
        {{"name", p.name},
         {"type", p.type},
         {"state", ToString(p.state)},
         {"error", p.error},
         {"counts", {c.seen, c.created, c.updated, c.unchanged, c.deleted, c.restored, c.failed}},
         {"held",
          {ToString(p.held.state), p.held.count, p.held.reason, TimeJson(p.held.resolved_at)}}});
  }
  nlohmann::json coalesced = nlohmann::json::array();
  for (const CoalescedTrigger& c : s.coalesced) {
    coalesced.push_back({ToString(c.trigger), TimeJson(c.at), c.source});
  }
  return nlohmann::json{{"id", s.id},
                        {"agent_id", s.agent_id},
                        {"trigger", ToString(s.trigger)},
                        {"state", ToString(s.state)},
                        {"provider_filter", s.provider_filter},
                        {"started_at", TimeJson(s.started_at)},
                        {"finished_at", TimeJson(s.finished_at)},
                        {"error", s.error},
                        {"providers", providers},
                        {"coalesced", coalesced}}
      .dump(1);
}

inline std::string Dump(const ApiRecord& a) {
  return nlohmann::json{{"id", a.id},
                        {"agent_id", a.agent_id},
                        {"provider", a.provider},
                        {"provider_type", a.provider_type},
                        {"external_id", a.external_id},
                        {"name", a.name},
                        {"description", a.description},
                        {"versions", a.versions},
                        {"listen_path", a.listen_path},
                        {"upstream_url", a.upstream_url},
                        {"protocol", a.protocol},
                        {"auth_mechanisms", a.auth_mechanisms},
                        {"active", a.active},
                        {"internal", a.internal},
                        {"oas_document_json", a.oas_document_json},
                        {"definition_json", a.definition_json},
                        {"extra_json", a.extra_json},
                        {"content_hash", a.content_hash},
                        {"status", ToString(a.status)},
                        {"created_at", TimeJson(a.created_at)},
                        {"updated_at", TimeJson(a.updated_at)},
                        {"deleted_at", TimeJson(a.deleted_at)},
                        {"last_sync_id", a.last_sync_id}}
      .dump(1);
}

inline std::string Dump(const ApiEvent& e) {
  return nlohmann::json{
      {"id", e.id},           {"api_id", e.api_id},   {"type", ToString(e.type)},
      {"at", TimeJson(e.at)}, {"sync_id", e.sync_id}, {"changed_fields", e.changed_fields}}
      .dump(1);
}

template <typename T>
std::vector<std::string> Ids(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const T& item : items) out.push_back(item.id);
  return out;
}

// ---- fixtures: every field set to something other than its default ---------------------

inline absl::Time Ms(int64_t ms) { return absl::FromUnixMillis(ms); }
constexpr int64_t kT0 = 1750000000123;  // 2025-06-15, with a millisecond part

inline Agent MakeAgent(const std::string& id, int64_t created_ms = kT0) {
  Agent a;
  a.id = id;
  a.name = "agent " + id;
  a.description = "Agent \"" + id + "\" – near the gateways";
  a.created_at = Ms(created_ms);
  a.updated_at = Ms(created_ms + 1000);
  a.last_heartbeat = Ms(created_ms + 2000);
  a.version = "1.2.3";
  a.warnings = {"providers[0].host: insecure http", "ünïcödé warning"};
  return a;
}

inline AgentToken MakeToken(const std::string& id, const std::string& agent_id) {
  return AgentToken{id, agent_id, Ms(kT0 + 5), std::nullopt};
}

inline Provider MakeProvider(const std::string& agent_id, const std::string& name) {
  Provider p;
  p.agent_id = agent_id;
  p.name = name;
  p.type = "tyk";
  p.details = {{"host", "https://dash.example.com"}, {"region", "eu-west-1"}};
  p.connection_status = "CONNECTED";
  p.error = "last error: timeout";
  p.last_sync_at = Ms(kT0 + 7);
  p.updated_at = Ms(kT0 + 8);
  return p;
}

inline Sync MakeSync(const std::string& id, const std::string& agent_id, int64_t started_ms) {
  Sync s;
  s.id = id;
  s.agent_id = agent_id;
  s.trigger = SyncTrigger::kHubSchedule;
  s.state = SyncState::kPartial;
  s.provider_filter = "edge";
  s.started_at = Ms(started_ms);
  s.finished_at = Ms(started_ms + 500);
  s.error = "provider zeta failed";
  // Deliberately not in alphabetical order: the stored order must be kept.
  s.providers = {
      {"zeta", "aws", SyncState::kFailed, "listing failed", {1, 2, 3, 4, 5, 6, 7}, {}},
      {"alpha", "tyk", SyncState::kSucceeded, "", {10, 20, 30, 40, 50, 60, 70}, {}},
      {"held",
       "tyk",
       SyncState::kPartial,
       "deletions held",
       {4, 0, 0, 4, 0, 0, 0},
       {HoldState::kApplied, 6, "6 of 10 APIs (60%) would be deleted", Ms(started_ms + 9)}}};
  return s;
}

inline SyncJob MakeJob(const std::string& id, const std::string& agent_id, int64_t created_ms) {
  SyncJob j;
  j.id = id;
  j.agent_id = agent_id;
  j.provider = "edge";
  j.repeat_every = absl::Hours(36);
  j.start_from = Ms(created_ms - 1000);
  j.created_at = Ms(created_ms);
  j.next_run_at = Ms(created_ms + 5000);
  return j;
}

inline std::string Dump(const SyncJob& j) {
  return nlohmann::json{{"id", j.id},
                        {"agent_id", j.agent_id},
                        {"provider", j.provider},
                        {"repeat_every_ms", absl::ToInt64Milliseconds(j.repeat_every)},
                        {"start_from", TimeJson(j.start_from)},
                        {"created_at", TimeJson(j.created_at)},
                        {"next_run_at", TimeJson(j.next_run_at)}}
      .dump(1);
}

inline std::string Dump(const SyncJobRun& r) {
  return nlohmann::json{{"id", r.id},
                        {"job_id", r.job_id},
                        {"due_at", TimeJson(r.due_at)},
                        {"ran_at", TimeJson(r.ran_at)},
                        {"outcome", ToString(r.outcome)},
                        {"sync_id", r.sync_id},
                        {"error", r.error},
                        {"skipped", r.skipped}}
      .dump(1);
}

inline ApiRecord MakeApi(const std::string& id, const std::string& agent_id,
                         const std::string& provider, const std::string& external_id,
                         int64_t created_ms = kT0) {
  ApiRecord a;
  a.id = id;
  a.agent_id = agent_id;
  a.provider = provider;
  a.provider_type = "tyk";
  a.external_id = external_id;
  a.name = "API " + id;
  a.description = "Description of " + id;
  a.versions = {"v1", "v2"};
  a.listen_path = "/" + id + "/";
  a.upstream_url = "http://upstream.internal/" + id;
  a.protocol = "http";
  a.auth_mechanisms = {"authToken", "jwt"};
  a.active = false;
  a.internal = true;
  a.oas_document_json = R"({"openapi":"3.0.3","info":{"title":"t"}})";
  a.definition_json = R"({"api_id":")" + external_id + R"(","name":"x"})";
  a.extra_json = R"({"org_id":"o1"})";
  a.content_hash = "hash-" + id;
  a.status = ApiStatus::kActive;
  a.created_at = Ms(created_ms);
  a.updated_at = Ms(created_ms + 10);
  a.deleted_at = std::nullopt;
  a.last_sync_id = "sync-1";
  return a;
}

inline ApiEvent MakeEvent(const std::string& api_id, EventType type, int64_t at_ms) {
  ApiEvent e;
  e.api_id = api_id;
  e.type = type;
  e.at = Ms(at_ms);
  e.sync_id = "sync-" + std::to_string(at_ms);
  e.changed_fields = {"name", "listen_path"};
  return e;
}

#define STORAGE_ASSERT_OK(expr)                                         \
  do {                                                                  \
    const ::absl::Status storage_assert_status_ = (expr);               \
    ASSERT_TRUE(storage_assert_status_.ok()) << storage_assert_status_; \
  } while (0)

// ---- the fixture -----------------------------------------------------------------------

class StorageContractTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    ASSERT_NE(backend_, nullptr);
    ASSERT_NO_FATAL_FAILURE(OpenMigrated());
  }

  void OpenMigrated() {
    auto storage = backend_->Open();
    ASSERT_TRUE(storage.ok()) << storage.status();
    storage_ = std::move(*storage);
    STORAGE_ASSERT_OK(storage_->Migrate());
  }

  // Runs a write in its own transaction.
  absl::Status Do(const std::function<absl::Status(Store&)>& fn) { return storage_->Transact(fn); }

  // Runs a read (Store& -> StatusOr<T>) in its own transaction and returns its result.
  template <typename Fn>
  auto Get(Fn fn) -> decltype(fn(std::declval<Store&>())) {
    using Result = decltype(fn(std::declval<Store&>()));
    std::optional<Result> result;
    absl::Status status = storage_->Transact([&](Store& s) {
      result.emplace(fn(s));
      return result->status();
    });
    if (!status.ok() || !result.has_value()) return Result(status);
    return std::move(*result);
  }

  absl::Status InsertAgents(const std::vector<Agent>& agents) {
    return Do([&](Store& s) {
      for (const Agent& a : agents) GOV_RETURN_IF_ERROR(s.InsertAgent(a));
      return absl::OkStatus();
    });
  }
  absl::Status InsertApis(const std::vector<ApiRecord>& apis) {
    return Do([&](Store& s) {
      for (const ApiRecord& a : apis) GOV_RETURN_IF_ERROR(s.InsertApi(a));
      return absl::OkStatus();
    });
  }

  absl::StatusOr<Page<ApiRecord>> ListApis(ApiFilter filter) {
    return Get([&](Store& s) { return s.ListApis(filter); });
  }

  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<Storage> storage_;
};

// ---- settings and API keys -------------------------------------------------------------

TEST_P(StorageContractTest, SettingsAreAbsentUntilPutAndPutOverwrites) {
  auto missing = Get([](Store& s) { return s.GetSetting("jwt_secret"); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(*missing, std::nullopt);

  STORAGE_ASSERT_OK(Do([](Store& s) { return s.PutSetting("jwt_secret", "first"); }));
  STORAGE_ASSERT_OK(Do([](Store& s) { return s.PutSetting("jwt_secret", "sec'ret\"; --"); }));
  auto got = Get([](Store& s) { return s.GetSetting("jwt_secret"); });
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, std::optional<std::string>("sec'ret\"; --"));
}

TEST_P(StorageContractTest, ApiKeysAreFoundByHashAndCounted) {
  const ApiKey k1{"k1", "bootstrap", std::string(64, 'a'), Ms(kT0)};
  const ApiKey k2{"k2", "ci", std::string(64, 'b'), Ms(kT0 + 1)};
  STORAGE_ASSERT_OK(Do([&](Store& s) {
    GOV_RETURN_IF_ERROR(s.InsertApiKey(k1));
    return s.InsertApiKey(k2);
  }));

  auto found = Get([&](Store& s) { return s.FindApiKeyByHash(k2.key_hash); });
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(Dump(**found), Dump(k2));

  auto unknown = Get([](Store& s) { return s.FindApiKeyByHash(std::string(64, 'c')); });
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_FALSE(unknown->has_value());

  auto count = Get([](Store& s) { return s.CountApiKeys(); });
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 2);
}

TEST_P(StorageContractTest, ApiKeyIdAndHashAreUnique) {
  const ApiKey k1{"k1", "bootstrap", "hash-1", Ms(kT0)};
  STORAGE_ASSERT_OK(Do([&](Store& s) { return s.InsertApiKey(k1); }));
  EXPECT_EQ(Do([&](Store& s) {
              return s.InsertApiKey({"k1", "other", "hash-2", Ms(kT0)});
            }).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Do([&](Store& s) {
              return s.InsertApiKey({"k2", "other", "hash-1", Ms(kT0)});
            }).code(),
            absl::StatusCode::kAlreadyExists);
  auto count = Get([](Store& s) { return s.CountApiKeys(); });
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 1);
}

// ---- agents and tokens -----------------------------------------------------------------

TEST_P(StorageContractTest, AgentRoundTripsEveryField) {
  Agent with_heartbeat = MakeAgent("a1");
  Agent without = MakeAgent("a2");
  without.last_heartbeat = std::nullopt;
  without.warnings = {};
  STORAGE_ASSERT_OK(InsertAgents({with_heartbeat, without}));

  auto got1 = Get([](Store& s) { return s.GetAgent("a1"); });
  ASSERT_TRUE(got1.ok()) << got1.status();
  ASSERT_TRUE(got1->has_value());
  EXPECT_EQ(Dump(**got1), Dump(with_heartbeat));
  auto got2 = Get([](Store& s) { return s.GetAgent("a2"); });
  ASSERT_TRUE(got2.ok()) << got2.status();
  ASSERT_TRUE(got2->has_value());
  EXPECT_EQ(Dump(**got2), Dump(without));
}

TEST_P(StorageContractTest, UnknownAgentIsNotFoundWithoutError) {
  auto got = Get([](Store& s) { return s.GetAgent("nope"); });
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE(got->has_value());
  auto updated = Get([](Store& s) { return s.UpdateAgent(MakeAgent("nope")); });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_FALSE(*updated);
  auto deleted = Get([](Store& s) { return s.DeleteAgent("nope"); });
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_FALSE(*deleted);
  auto listed = Get([](Store& s) { return s.ListAgents(1, 50); });
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->total, 0);
  EXPECT_TRUE(listed->items.empty());
}

TEST_P(StorageContractTest, DuplicateAgentIdIsAlreadyExists) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1")}));
  EXPECT_EQ(InsertAgents({MakeAgent("a1")}).code(), absl::StatusCode::kAlreadyExists);
}

TEST_P(StorageContractTest, UpdateAgentReplacesEveryField) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1"), MakeAgent("a2")}));
  Agent changed = MakeAgent("a1", kT0 + 99);
  changed.name = "renamed";
  changed.description = "";
  changed.last_heartbeat = std::nullopt;
  changed.version = "2.0.0";
  changed.warnings = {"only one"};
  auto updated = Get([&](Store& s) { return s.UpdateAgent(changed); });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_TRUE(*updated);

  auto got = Get([](Store& s) { return s.GetAgent("a1"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ(Dump(**got), Dump(changed));
  auto other = Get([](Store& s) { return s.GetAgent("a2"); });
  ASSERT_TRUE(other.ok() && other->has_value()) << other.status();
  EXPECT_EQ(Dump(**other), Dump(MakeAgent("a2")));
}

TEST_P(StorageContractTest, ListAgentsIsOrderedByCreationThenIdAndPaged) {
  // Inserted out of order; b and c share a creation time.
  STORAGE_ASSERT_OK(
      InsertAgents({MakeAgent("c", kT0 + 10), MakeAgent("d", kT0 + 20), MakeAgent("a", kT0 + 30),
                    MakeAgent("b", kT0 + 10), MakeAgent("e", kT0)}));
  auto all = Get([](Store& s) { return s.ListAgents(1, 50); });
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->total, 5);
  EXPECT_EQ(Ids(all->items), (std::vector<std::string>{"e", "b", "c", "d", "a"}));
  ASSERT_EQ(all->items.size(), 5u);
  EXPECT_EQ(Dump(all->items[1]), Dump(MakeAgent("b", kT0 + 10)));

  auto page2 = Get([](Store& s) { return s.ListAgents(2, 2); });
  ASSERT_TRUE(page2.ok()) << page2.status();
  EXPECT_EQ(page2->total, 5);
  EXPECT_EQ(Ids(page2->items), (std::vector<std::string>{"c", "d"}));
  auto page3 = Get([](Store& s) { return s.ListAgents(3, 2); });
  ASSERT_TRUE(page3.ok()) << page3.status();
  EXPECT_EQ(Ids(page3->items), (std::vector<std::string>{"a"}));
  auto beyond = Get([](Store& s) { return s.ListAgents(9, 2); });
  ASSERT_TRUE(beyond.ok()) << beyond.status();
  EXPECT_EQ(beyond->total, 5);
  EXPECT_TRUE(beyond->items.empty());
}

TEST_P(StorageContractTest, ListsRejectInvalidPaging) {
  for (const std::pair<int, int>& paging :
       std::vector<std::pair<int, int>>{{0, 10}, {-1, 10}, {1, 0}, {1, -5}, {1, 1001}}) {
    const int page = paging.first;
    const int size = paging.second;
    SCOPED_TRACE(absl::StrCat("page=", page, " page_size=", size));
    EXPECT_EQ(Get([&](Store& s) { return s.ListAgents(page, size); }).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(Get([&](Store& s) { return s.ListSyncs("", page, size); }).status().code(),
              absl::StatusCode::kInvalidArgument);
    ApiFilter f;
    f.page = page;
    f.page_size = size;
    EXPECT_EQ(ListApis(f).status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(Get([](Store& s) { return s.ListAgents(1, 1000); }).ok());
}

TEST_P(StorageContractTest, TokenRoundTripsAndRevokeTouchesOnlyUnrevokedTokensOfTheAgent) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1"), MakeAgent("a2")}));
  AgentToken old = MakeToken("t-old", "a1");
  old.revoked_at = Ms(kT0 + 100);
  const AgentToken live1 = MakeToken("t1", "a1");
  const AgentToken live2 = MakeToken("t2", "a1");
  const AgentToken other = MakeToken("t3", "a2");
  STORAGE_ASSERT_OK(Do([&](Store& s) {
    for (const AgentToken& t : {old, live1, live2, other}) GOV_RETURN_IF_ERROR(s.InsertToken(t));
    return absl::OkStatus();
  }));
  auto got = Get([](Store& s) { return s.GetToken("t-old"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ(Dump(**got), Dump(old));
  auto missing = Get([](Store& s) { return s.GetToken("nope"); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());

  auto revoked = Get([](Store& s) { return s.RevokeTokens("a1", Ms(kT0 + 200)); });
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(*revoked, 2);
  auto again = Get([](Store& s) { return s.RevokeTokens("a1", Ms(kT0 + 300)); });
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, 0);

  const std::vector<std::pair<std::string, std::optional<absl::Time>>> want = {
      {"t-old", Ms(kT0 + 100)}, {"t1", Ms(kT0 + 200)}, {"t2", Ms(kT0 + 200)}, {"t3", std::nullopt}};
  for (const auto& [id, revoked_at] : want) {
    const std::string token_id = id;
    auto t = Get([&](Store& s) { return s.GetToken(token_id); });
    ASSERT_TRUE(t.ok() && t->has_value()) << id;
    EXPECT_EQ((*t)->revoked_at, revoked_at) << id;
  }
}

TEST_P(StorageContractTest, RecordsReferringToAMissingParentAreRefused) {
  EXPECT_EQ(Do([](Store& s) { return s.InsertToken(MakeToken("t1", "ghost")); }).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Do([](Store& s) { return s.UpsertProvider(MakeProvider("ghost", "p")); }).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Do([](Store& s) {
              return s.InsertEvent(MakeEvent("ghost", EventType::kCreated, kT0));
            }).code(),
            absl::StatusCode::kFailedPrecondition);
}

// ---- providers ---------------------------------------------------------------------------

TEST_P(StorageContractTest, ProviderRoundTripsAndUpsertReplaces) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1")}));
  Provider p = MakeProvider("a1", "edge");
  STORAGE_ASSERT_OK(Do([&](Store& s) { return s.UpsertProvider(p); }));
  auto got = Get([](Store& s) { return s.GetProvider("a1", "edge"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ(Dump(**got), Dump(p));

  p.type = "aws";
  p.details = {{"region", "us-east-1"}};
  p.connection_status = "ERROR";
  p.error = "403 from gateway";
  p.last_sync_at = std::nullopt;
  p.updated_at = Ms(kT0 + 1000);
  STORAGE_ASSERT_OK(Do([&](Store& s) { return s.UpsertProvider(p); }));
  got = Get([](Store& s) { return s.GetProvider("a1", "edge"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ(Dump(**got), Dump(p));

  auto missing = Get([](Store& s) { return s.GetProvider("a1", "other"); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StorageContractTest, ListProvidersIsOrderedByAgentThenNameAndFiltersByAgent) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("b"), MakeAgent("a")}));
  STORAGE_ASSERT_OK(Do([](Store& s) {
    for (const auto& [agent, name] : std::vector<std::pair<std::string, std::string>>{
             {"b", "zz"}, {"a", "mm"}, {"b", "aa"}, {"a", "nn"}}) {
      GOV_RETURN_IF_ERROR(s.UpsertProvider(MakeProvider(agent, name)));
    }
    return absl::OkStatus();
  }));
  auto all = Get([](Store& s) { return s.ListProviders(""); });
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> keys;
  for (const Provider& p : *all) keys.push_back(p.agent_id + "/" + p.name);
  EXPECT_EQ(keys, (std::vector<std::string>{"a/mm", "a/nn", "b/aa", "b/zz"}));
  ASSERT_FALSE(all->empty());
  EXPECT_EQ(Dump(all->front()), Dump(MakeProvider("a", "mm")));

  auto of_b = Get([](Store& s) { return s.ListProviders("b"); });
  ASSERT_TRUE(of_b.ok()) << of_b.status();
  keys.clear();
  for (const Provider& p : *of_b) keys.push_back(p.agent_id + "/" + p.name);
  EXPECT_EQ(keys, (std::vector<std::string>{"b/aa", "b/zz"}));

  auto none = Get([](Store& s) { return s.ListProviders("unknown"); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

TEST_P(StorageContractTest, CountActiveApisCountsOnlyActiveApisOfThatAgentsProvider) {
  ApiRecord deleted = MakeApi("x3", "a1", "edge", "e3");
  deleted.status = ApiStatus::kDeleted;
  deleted.deleted_at = Ms(kT0 + 50);
  STORAGE_ASSERT_OK(
      InsertApis({MakeApi("x1", "a1", "edge", "e1"), MakeApi("x2", "a1", "edge", "e2"), deleted,
                  MakeApi("x4", "a1", "other", "e1"), MakeApi("x5", "a2", "edge", "e1")}));
  auto count = Get([](Store& s) { return s.CountActiveApis("a1", "edge"); });
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 2);
  auto none = Get([](Store& s) { return s.CountActiveApis("a3", "edge"); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0);
}

TEST_P(StorageContractTest, DeleteAgentRemovesTokensAndProvidersButKeepsHistory) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1"), MakeAgent("a2")}));
  STORAGE_ASSERT_OK(Do([](Store& s) {
    GOV_RETURN_IF_ERROR(s.InsertToken(MakeToken("t1", "a1")));
    GOV_RETURN_IF_ERROR(s.InsertToken(MakeToken("t2", "a2")));
    GOV_RETURN_IF_ERROR(s.UpsertProvider(MakeProvider("a1", "edge")));
    GOV_RETURN_IF_ERROR(s.UpsertProvider(MakeProvider("a2", "edge")));
    GOV_RETURN_IF_ERROR(s.InsertSync(MakeSync("s1", "a1", kT0)));
    GOV_RETURN_IF_ERROR(s.InsertApi(MakeApi("x1", "a1", "edge", "e1")));
    return s.InsertEvent(MakeEvent("x1", EventType::kCreated, kT0));
  }));

  auto deleted = Get([](Store& s) { return s.DeleteAgent("a1"); });
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_TRUE(*deleted);

  auto agent = Get([](Store& s) { return s.GetAgent("a1"); });
  ASSERT_TRUE(agent.ok()) << agent.status();
  EXPECT_FALSE(agent->has_value());
  auto token = Get([](Store& s) { return s.GetToken("t1"); });
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_FALSE(token->has_value());
  auto providers = Get([](Store& s) { return s.ListProviders("a1"); });
  ASSERT_TRUE(providers.ok()) << providers.status();
  EXPECT_TRUE(providers->empty());

  // History stays.
  auto api = Get([](Store& s) { return s.GetApi("x1"); });
  ASSERT_TRUE(api.ok() && api->has_value()) << api.status();
  EXPECT_EQ(Dump(**api), Dump(MakeApi("x1", "a1", "edge", "e1")));
  auto sync = Get([](Store& s) { return s.GetSync("s1"); });
  ASSERT_TRUE(sync.ok() && sync->has_value()) << sync.status();
  EXPECT_EQ(Dump(**sync), Dump(MakeSync("s1", "a1", kT0)));
  auto events = Get([](Store& s) { return s.ListEvents("x1"); });
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->size(), 1u);

  // The other agent is untouched.
  auto token2 = Get([](Store& s) { return s.GetToken("t2"); });
  ASSERT_TRUE(token2.ok() && token2->has_value()) << token2.status();
  auto providers2 = Get([](Store& s) { return s.ListProviders("a2"); });
  ASSERT_TRUE(providers2.ok()) << providers2.status();
  EXPECT_EQ(providers2->size(), 1u);

  // The id can be used again.
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1")}));
}

// ---- syncs ---------------------------------------------------------------------------------

TEST_P(StorageContractTest, SyncRoundTripsEveryFieldAndKeepsProviderOrder) {
  Sync full = MakeSync("s1", "a1", kT0);
  full.coalesced = {{SyncTrigger::kAgentSchedule, Ms(kT0 + 5), "agent schedule"},
                    {SyncTrigger::kHubSchedule, Ms(kT0 + 7), "sync job j1"}};
  Sync bare;
  bare.id = "s2";
  bare.agent_id = "a1";
  bare.started_at = Ms(kT0 + 1);
  STORAGE_ASSERT_OK(Do([&](Store& s) {
    GOV_RETURN_IF_ERROR(s.InsertSync(full));
    return s.InsertSync(bare);
  }));
  auto got = Get([](Store& s) { return s.GetSync("s1"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ(Dump(**got), Dump(full));
  auto got_bare = Get([](Store& s) { return s.GetSync("s2"); });
  ASSERT_TRUE(got_bare.ok() && got_bare->has_value()) << got_bare.status();
  EXPECT_EQ(Dump(**got_bare), Dump(bare));

  auto missing = Get([](Store& s) { return s.GetSync("nope"); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ(Do([&](Store& s) { return s.InsertSync(full); }).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_P(StorageContractTest, UpdateSyncReplacesStateFinishErrorAndEntriesOnly) {
  Sync running = MakeSync("s1", "a1", kT0);
  running.state = SyncState::kRunning;
  running.finished_at = std::nullopt;
  running.error = "";
  running.providers = {{"edge", "tyk", SyncState::kRunning, "", {}, {}}};
  STORAGE_ASSERT_OK(Do([&](Store& s) { return s.InsertSync(running); }));

  Sync done = running;
  done.state = SyncState::kSucceeded;
  done.finished_at = Ms(kT0 + 900);
  done.error = "warning only";
  done.providers = {{"west", "aws", SyncState::kSucceeded, "", {9, 8, 7, 6, 5, 4, 3}, {}},
                    {"edge", "tyk", SyncState::kFailed, "boom", {1, 0, 0, 0, 0, 0, 1}, {}}};
  done.coalesced = {{SyncTrigger::kHubSchedule, Ms(kT0 + 300), "sync job j9"}};
  Sync attempted = done;  // fields UpdateSync must not touch
  attempted.agent_id = "other";
  attempted.trigger = SyncTrigger::kManual;
  attempted.provider_filter = "other";
  attempted.started_at = Ms(1);
  auto updated = Get([&](Store& s) { return s.UpdateSync(attempted); });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_TRUE(*updated);

  auto got = Get([](Store& s) { return s.GetSync("s1"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ(Dump(**got), Dump(done));

  Sync ghost = done;
  ghost.id = "nope";
  auto missing = Get([&](Store& s) { return s.UpdateSync(ghost); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(*missing);
}

TEST_P(StorageContractTest, ListSyncsIsNewestFirstFilteredByAgentAndPaged) {
  STORAGE_ASSERT_OK(Do([](Store& s) {
    GOV_RETURN_IF_ERROR(s.InsertSync(MakeSync("s-old", "a1", kT0)));
    GOV_RETURN_IF_ERROR(s.InsertSync(MakeSync("s-new", "a1", kT0 + 300)));
    GOV_RETURN_IF_ERROR(s.InsertSync(MakeSync("s-mid-b", "a1", kT0 + 200)));
    GOV_RETURN_IF_ERROR(s.InsertSync(MakeSync("s-mid-a", "a1", kT0 + 200)));
    return s.InsertSync(MakeSync("s-other", "a2", kT0 + 100));
  }));
  auto of_a1 = Get([](Store& s) { return s.ListSyncs("a1", 1, 50); });
  ASSERT_TRUE(of_a1.ok()) << of_a1.status();
  EXPECT_EQ(of_a1->total, 4);
  EXPECT_EQ(Ids(of_a1->items), (std::vector<std::string>{"s-new", "s-mid-a", "s-mid-b", "s-old"}));
  ASSERT_FALSE(of_a1->items.empty());
  EXPECT_EQ(Dump(of_a1->items.front()), Dump(MakeSync("s-new", "a1", kT0 + 300)));

  auto all = Get([](Store& s) { return s.ListSyncs("", 1, 50); });
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->total, 5);
  EXPECT_EQ(Ids(all->items),
            (std::vector<std::string>{"s-new", "s-mid-a", "s-mid-b", "s-other", "s-old"}));

  auto page2 = Get([](Store& s) { return s.ListSyncs("a1", 2, 3); });
  ASSERT_TRUE(page2.ok()) << page2.status();
  EXPECT_EQ(page2->total, 4);
  EXPECT_EQ(Ids(page2->items), (std::vector<std::string>{"s-old"}));
}

// ---- held deletions --------------------------------------------------------------------

TEST_P(StorageContractTest, HeldDeletionsAreListedPerSyncAndProvider) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1"), MakeAgent("a2")}));
  Sync held = MakeSync("s1", "a1", kT0);
  held.providers = {
      {"edge", "tyk", SyncState::kPartial, "held", {}, {HoldState::kHeld, 2, "why", {}}},
      {"west", "aws", SyncState::kPartial, "held", {}, {HoldState::kHeld, 1, "why", {}}}};
  Sync other_agent = MakeSync("s2", "a2", kT0 + 1);
  other_agent.providers = held.providers;
  Sync applied = MakeSync("s0", "a1", kT0 - 1);
  applied.providers = {
      {"edge", "tyk", SyncState::kPartial, "held", {}, {HoldState::kApplied, 1, "why", Ms(kT0)}}};
  STORAGE_ASSERT_OK(Do([&](Store& s) {
    for (const char* id : {"x1", "x2", "x3"}) {
      GOV_RETURN_IF_ERROR(s.InsertApi(MakeApi(id, "a1", "edge", std::string("e-") + id)));
    }
    GOV_RETURN_IF_ERROR(s.InsertSync(applied));
    GOV_RETURN_IF_ERROR(s.InsertSync(held));
    GOV_RETURN_IF_ERROR(s.InsertSync(other_agent));
    return s.InsertHeldDeletions(
        {{"s1", "a1", "edge", "x2"}, {"s1", "a1", "edge", "x1"}, {"s1", "a1", "west", "x3"}});
  }));
  auto all = Get([](Store& s) { return s.ListHeldDeletions("s1", ""); });
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> got;
  for (const auto& h : *all) got.push_back(h.provider + "/" + h.api_id + "/" + h.agent_id);
  EXPECT_EQ(got, (std::vector<std::string>{"edge/x1/a1", "edge/x2/a1", "west/x3/a1"}));
  auto edge = Get([](Store& s) { return s.ListHeldDeletions("s1", "edge"); });
  ASSERT_TRUE(edge.ok()) << edge.status();
  EXPECT_EQ(edge->size(), 2u);
  auto none = Get([](Store& s) { return s.ListHeldDeletions("s0", ""); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());

  // Only entries still HELD, of that agent and provider.
  auto held_ids = Get([](Store& s) { return s.ListHeldSyncIds("a1", "edge"); });
  ASSERT_TRUE(held_ids.ok()) << held_ids.status();
  EXPECT_EQ(*held_ids, (std::vector<std::string>{"s1"}));
  auto held_count = Get([](Store& s) { return s.CountHeldListings(); });
  ASSERT_TRUE(held_count.ok()) << held_count.status();
  EXPECT_EQ(*held_count, 4) << "s1 and s2, two providers each; s0's was applied";
  auto none_ids = Get([](Store& s) { return s.ListHeldSyncIds("a1", "nowhere"); });
  ASSERT_TRUE(none_ids.ok()) << none_ids.status();
  EXPECT_TRUE(none_ids->empty());

  // A held deletion must name an API that exists.
  EXPECT_FALSE(Do([](Store& s) {
                 return s.InsertHeldDeletions({{"s1", "a1", "edge", "ghost"}});
               }).ok());
}

// ---- sync schedules --------------------------------------------------------------------

TEST_P(StorageContractTest, SyncJobsRoundTripAndAreListedPerAgentAndByDueTime) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1"), MakeAgent("a2")}));
  SyncJob late = MakeJob("j-late", "a1", kT0);
  late.next_run_at = Ms(kT0 + 9000);
  SyncJob early = MakeJob("j-early", "a1", kT0 + 10);
  early.next_run_at = Ms(kT0 + 1000);
  early.provider = "";
  SyncJob other = MakeJob("j-other", "a2", kT0 + 20);
  other.next_run_at = Ms(kT0 + 2000);
  STORAGE_ASSERT_OK(Do([&](Store& s) {
    GOV_RETURN_IF_ERROR(s.InsertSyncJob(late));
    GOV_RETURN_IF_ERROR(s.InsertSyncJob(early));
    return s.InsertSyncJob(other);
  }));
  auto got = Get([](Store& s) { return s.GetSyncJob("j-early"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ(Dump(**got), Dump(early));
  auto missing = Get([](Store& s) { return s.GetSyncJob("nope"); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());

  auto of_a1 = Get([](Store& s) { return s.ListSyncJobs("a1"); });
  ASSERT_TRUE(of_a1.ok()) << of_a1.status();
  EXPECT_EQ(Ids(*of_a1), (std::vector<std::string>{"j-late", "j-early"}));

  auto due = Get([](Store& s) { return s.ListDueSyncJobs(Ms(kT0 + 2000)); });
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(Ids(*due), (std::vector<std::string>{"j-early", "j-other"}));

  auto moved = Get([](Store& s) { return s.UpdateSyncJobNextRun("j-early", Ms(kT0 + 99000)); });
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_TRUE(*moved);
  auto due_after = Get([](Store& s) { return s.ListDueSyncJobs(Ms(kT0 + 9000)); });
  ASSERT_TRUE(due_after.ok()) << due_after.status();
  EXPECT_EQ(Ids(*due_after), (std::vector<std::string>{"j-other", "j-late"}));
  auto ghost = Get([](Store& s) { return s.UpdateSyncJobNextRun("nope", Ms(kT0)); });
  ASSERT_TRUE(ghost.ok()) << ghost.status();
  EXPECT_FALSE(*ghost);

  // A schedule must belong to an existing agent.
  EXPECT_FALSE(Do([](Store& s) { return s.InsertSyncJob(MakeJob("j-x", "ghost", kT0)); }).ok());
}

TEST_P(StorageContractTest, SyncJobRunsAreNewestFirstAndGoWithTheirJobAndAgent) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1")}));
  STORAGE_ASSERT_OK(Do([](Store& s) {
    GOV_RETURN_IF_ERROR(s.InsertSyncJob(MakeJob("j1", "a1", kT0)));
    GOV_RETURN_IF_ERROR(s.InsertSyncJob(MakeJob("j2", "a1", kT0)));
    SyncJobRun r;
    r.job_id = "j1";
    r.due_at = Ms(kT0 + 100);
    r.ran_at = Ms(kT0 + 150);
    r.outcome = JobRunOutcome::kMissed;
    r.error = "agent not connected";
    r.skipped = 3;
    GOV_RETURN_IF_ERROR(s.InsertSyncJobRun(r));
    r.due_at = Ms(kT0 + 200);
    r.ran_at = Ms(kT0 + 201);
    r.outcome = JobRunOutcome::kTriggered;
    r.sync_id = "s9";
    r.error = "";
    r.skipped = 0;
    GOV_RETURN_IF_ERROR(s.InsertSyncJobRun(r));
    r.job_id = "j2";
    return s.InsertSyncJobRun(r);
  }));
  auto runs = Get([](Store& s) { return s.ListSyncJobRuns("j1", 1, 50); });
  ASSERT_TRUE(runs.ok()) << runs.status();
  ASSERT_EQ(runs->total, 2);
  ASSERT_EQ(runs->items.size(), 2u);
  EXPECT_EQ(runs->items[0].outcome, JobRunOutcome::kTriggered);
  EXPECT_EQ(runs->items[0].sync_id, "s9");
  SyncJobRun want;
  want.id = runs->items[1].id;
  want.job_id = "j1";
  want.due_at = Ms(kT0 + 100);
  want.ran_at = Ms(kT0 + 150);
  want.outcome = JobRunOutcome::kMissed;
  want.error = "agent not connected";
  want.skipped = 3;
  EXPECT_EQ(Dump(runs->items[1]), Dump(want));
  EXPECT_LT(runs->items[1].id, runs->items[0].id);
  auto page2 = Get([](Store& s) { return s.ListSyncJobRuns("j1", 2, 1); });
  ASSERT_TRUE(page2.ok()) << page2.status();
  ASSERT_EQ(page2->items.size(), 1u);
  EXPECT_EQ(page2->items[0].outcome, JobRunOutcome::kMissed);

  auto deleted = Get([](Store& s) { return s.DeleteSyncJob("j1"); });
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_TRUE(*deleted);
  auto gone = Get([](Store& s) { return s.ListSyncJobRuns("j1", 1, 50); });
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(gone->total, 0);
  auto again = Get([](Store& s) { return s.DeleteSyncJob("j1"); });
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(*again);

  // Deleting the agent deletes its schedules and their runs.
  auto agent_deleted = Get([](Store& s) { return s.DeleteAgent("a1"); });
  ASSERT_TRUE(agent_deleted.ok()) << agent_deleted.status();
  auto jobs = Get([](Store& s) { return s.ListSyncJobs("a1"); });
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  EXPECT_TRUE(jobs->empty());
  auto runs2 = Get([](Store& s) { return s.ListSyncJobRuns("j2", 1, 50); });
  ASSERT_TRUE(runs2.ok()) << runs2.status();
  EXPECT_EQ(runs2->total, 0);
}

// ---- APIs ------------------------------------------------------------------------------

TEST_P(StorageContractTest, ApiRoundTripsEveryField) {
  ApiRecord active = MakeApi("x1", "a1", "edge", "e1");
  active.name = "Ünïcode API 'quoted' \"double\"";
  active.definition_json = std::string(200000, 'd');  // large definitions survive intact
  ApiRecord deleted = MakeApi("x2", "a1", "edge", "e2");
  deleted.status = ApiStatus::kDeleted;
  deleted.deleted_at = Ms(kT0 + 77);
  deleted.active = true;
  deleted.internal = false;
  deleted.versions = {};
  deleted.auth_mechanisms = {};
  deleted.oas_document_json = "";
  deleted.extra_json = "";
  STORAGE_ASSERT_OK(InsertApis({active, deleted}));

  for (const ApiRecord& want : {active, deleted}) {
    auto got = Get([&](Store& s) { return s.GetApi(want.id); });
    ASSERT_TRUE(got.ok() && got->has_value()) << want.id << " " << got.status();
    EXPECT_EQ(Dump(**got), Dump(want));
  }
  auto missing = Get([](Store& s) { return s.GetApi("nope"); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
  auto update_missing = Get([](Store& s) { return s.UpdateApi(MakeApi("nope", "a", "p", "e")); });
  ASSERT_TRUE(update_missing.ok()) << update_missing.status();
  EXPECT_FALSE(*update_missing);
}

TEST_P(StorageContractTest, ApiIdAndProviderExternalIdAreUnique) {
  STORAGE_ASSERT_OK(InsertApis({MakeApi("x1", "a1", "edge", "e1")}));
  EXPECT_EQ(InsertApis({MakeApi("x1", "a1", "edge", "e9")}).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(InsertApis({MakeApi("x2", "a1", "edge", "e1")}).code(),
            absl::StatusCode::kAlreadyExists);
  // The same external id under another provider or agent is another API.
  STORAGE_ASSERT_OK(
      InsertApis({MakeApi("x3", "a1", "west", "e1"), MakeApi("x4", "a2", "edge", "e1")}));
}

TEST_P(StorageContractTest, UpdateApiReplacesFields) {
  STORAGE_ASSERT_OK(InsertApis({MakeApi("x1", "a1", "edge", "e1")}));
  ApiRecord changed = MakeApi("x1", "a1", "edge", "e1");
  changed.name = "new name";
  changed.versions = {"v3"};
  changed.definition_json = R"({"changed":true})";
  changed.content_hash = "new-hash";
  changed.status = ApiStatus::kDeleted;
  changed.deleted_at = Ms(kT0 + 500);
  changed.updated_at = Ms(kT0 + 500);
  changed.last_sync_id = "sync-2";
  auto updated = Get([&](Store& s) { return s.UpdateApi(changed); });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_TRUE(*updated);
  auto got = Get([](Store& s) { return s.GetApi("x1"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ(Dump(**got), Dump(changed));

  // Restoration clears deleted_at again.
  changed.status = ApiStatus::kActive;
  changed.deleted_at = std::nullopt;
  STORAGE_ASSERT_OK(Do([&](Store& s) { return s.UpdateApi(changed).status(); }));
  got = Get([](Store& s) { return s.GetApi("x1"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ(Dump(**got), Dump(changed));
}

TEST_P(StorageContractTest, ListProviderApisReturnsEveryStatusOfThatProviderOnly) {
  ApiRecord deleted = MakeApi("x2", "a1", "edge", "e2", kT0 + 5);
  deleted.status = ApiStatus::kDeleted;
  deleted.deleted_at = Ms(kT0 + 50);
  STORAGE_ASSERT_OK(
      InsertApis({deleted, MakeApi("x1", "a1", "edge", "e1", kT0),
                  MakeApi("x3", "a1", "west", "e3"), MakeApi("x4", "a2", "edge", "e4")}));
  auto got = Get([](Store& s) { return s.ListProviderApis("a1", "edge"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(Ids(*got), (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(Dump((*got)[1]), Dump(deleted));  // full records, documents included
  auto none = Get([](Store& s) { return s.ListProviderApis("a1", "nope"); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

TEST_P(StorageContractTest, ListApisFiltersAndCountsTotals) {
  ApiRecord gone = MakeApi("x3", "a1", "west", "e3", kT0 + 3);
  gone.status = ApiStatus::kDeleted;
  gone.deleted_at = Ms(kT0 + 30);
  STORAGE_ASSERT_OK(InsertApis(
      {MakeApi("x1", "a1", "edge", "e1", kT0 + 1), MakeApi("x2", "a1", "edge", "e2", kT0 + 2), gone,
       MakeApi("x4", "a2", "edge", "e4", kT0 + 4), MakeApi("x5", "a2", "west", "e5", kT0 + 5)}));
  struct Case {
    std::string what;
    ApiFilter filter;
    std::vector<std::string> ids;
  };
  ApiFilter all, active, deleted, edge, a2, a1_west_active;
  active.status = ApiStatus::kActive;
  deleted.status = ApiStatus::kDeleted;
  edge.provider = "edge";
  a2.agent_id = "a2";
  a1_west_active.agent_id = "a1";
  a1_west_active.provider = "west";
  a1_west_active.status = ApiStatus::kActive;
  for (const Case& c : std::vector<Case>{
           {"no filter", all, {"x1", "x2", "x3", "x4", "x5"}},
           {"active", active, {"x1", "x2", "x4", "x5"}},
           {"deleted", deleted, {"x3"}},
           {"provider", edge, {"x1", "x2", "x4"}},
           {"agent", a2, {"x4", "x5"}},
           {"combined", a1_west_active, {}},
       }) {
    SCOPED_TRACE(c.what);
    auto page = ListApis(c.filter);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(Ids(page->items), c.ids);
    EXPECT_EQ(page->total, static_cast<int64_t>(c.ids.size()));
  }
}

TEST_P(StorageContractTest, ListApisIsOrderedByCreationThenIdAndPaged) {
  STORAGE_ASSERT_OK(InsertApis(
      {MakeApi("c", "a1", "p", "e-c", kT0 + 10), MakeApi("a", "a1", "p", "e-a", kT0 + 20),
       MakeApi("b", "a1", "p", "e-b", kT0 + 10), MakeApi("d", "a1", "p", "e-d", kT0)}));
  ApiFilter f;
  f.page_size = 3;
  auto first = ListApis(f);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Ids(first->items), (std::vector<std::string>{"d", "b", "c"}));
  EXPECT_EQ(first->total, 4);
  f.page = 2;
  auto second = ListApis(f);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(Ids(second->items), (std::vector<std::string>{"a"}));
  EXPECT_EQ(second->total, 4);
  f.page = 3;
  auto beyond = ListApis(f);
  ASSERT_TRUE(beyond.ok()) << beyond.status();
  EXPECT_TRUE(beyond->items.empty());
  EXPECT_EQ(beyond->total, 4);
}

TEST_P(StorageContractTest, ListApisCursorNeitherSkipsNorRepeatsWhileASyncChangesThings) {
  // Six ACTIVE APIs; a reader pages them two at a time with the cursor while a sync
  // deletes one it has read, deletes one it has not, and creates one.
  std::vector<ApiRecord> apis;
  for (int i = 0; i < 6; ++i) {
    apis.push_back(MakeApi(absl::StrCat("api", i), "a1", "p", absl::StrCat("e", i), kT0 + i));
  }
  STORAGE_ASSERT_OK(InsertApis(apis));
  ApiFilter f;
  f.status = ApiStatus::kActive;
  f.page_size = 2;
  auto first = ListApis(f);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Ids(first->items), (std::vector<std::string>{"api0", "api1"}));

  STORAGE_ASSERT_OK(Do([&](Store& s) -> absl::Status {
    for (const char* id : {"api0", "api3"}) {
      ApiRecord gone = apis[id[3] - '0'];
      gone.status = ApiStatus::kDeleted;
      gone.deleted_at = Ms(kT0 + 100);
      GOV_RETURN_IF_ERROR(s.UpdateApi(gone).status());
    }
    return s.InsertApi(MakeApi("api6", "a1", "p", "e6", kT0 + 100));
  }));

  std::vector<std::string> rest;
  f.after = first->items.back().id;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = ListApis(f);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total, 5) << "total counts every match of the filter";
    if (page->items.empty()) break;
    for (const auto& a : page->items) rest.push_back(a.id);
    f.after = page->items.back().id;
  }
  // api0 was read before it went; api3 went before it was read; api6 is new.
  EXPECT_EQ(rest, (std::vector<std::string>{"api2", "api4", "api5", "api6"}));

  f.after = "no-such-api";
  auto unknown = ListApis(f);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()), ::testing::HasSubstr("no-such-api"));
}

TEST_P(StorageContractTest, ListApisItemsOmitTheDocumentsOnly) {
  const ApiRecord api = MakeApi("x1", "a1", "edge", "e1");
  STORAGE_ASSERT_OK(InsertApis({api}));
  auto page = ListApis(ApiFilter{});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  ApiRecord want = api;
  want.definition_json.clear();
  want.oas_document_json.clear();
  EXPECT_EQ(Dump(page->items[0]), Dump(want));
}

TEST_P(StorageContractTest, ListApisQueryMatchesNameListenPathOrExternalIdIgnoringCase) {
  ApiRecord by_name = MakeApi("x1", "a1", "p", "ext-1", kT0 + 1);
  by_name.name = "Payments Service";
  ApiRecord by_path = MakeApi("x2", "a1", "p", "ext-2", kT0 + 2);
  by_path.listen_path = "/PAYMENTS/v2/";
  ApiRecord by_ext = MakeApi("x3", "a1", "p", "arn:payments-3", kT0 + 3);
  ApiRecord unrelated = MakeApi("x4", "a1", "p", "ext-4", kT0 + 4);
  unrelated.description = "payments mentioned only in the description";
  STORAGE_ASSERT_OK(InsertApis({by_name, by_path, by_ext, unrelated}));

  ApiFilter f;
  f.q = "pAyMeNtS";
  auto page = ListApis(f);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(Ids(page->items), (std::vector<std::string>{"x1", "x2", "x3"}));
  EXPECT_EQ(page->total, 3);

  f.q = "ment";  // a substring, not a prefix
  f.status = ApiStatus::kActive;
  page = ListApis(f);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total, 3);
}

TEST_P(StorageContractTest, ListApisQueryTakesWildcardCharactersLiterally) {
  std::vector<ApiRecord> apis;
  const std::vector<std::pair<std::string, std::string>> names = {
      {"pct", "100% uptime"},   {"digits", "1000 uptime"},    {"underscore", "user_api"},
      {"userxapi", "userXapi"}, {"backslash", "back\\slash"}, {"plain", "backslash"}};
  int64_t t = kT0;
  for (const auto& [id, name] : names) {
    ApiRecord a = MakeApi(id, "a1", "p", "ext-" + id, ++t);
    a.name = name;
    a.listen_path = std::string("/");  // not = "/": GCC 12 -Wrestrict false positive
    apis.push_back(a);
  }
  STORAGE_ASSERT_OK(InsertApis(apis));
  for (const auto& [q, ids] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"%", {"pct"}},
           {"0% u", {"pct"}},
           {"_", {"underscore"}},
           {"r_a", {"underscore"}},
           {"\\", {"backslash"}},
           {"k\\s", {"backslash"}},
           {"'", {}},
       }) {
    SCOPED_TRACE("q=" + q);
    ApiFilter f;
    f.q = q;
    auto page = ListApis(f);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(Ids(page->items), ids);
    EXPECT_EQ(page->total, static_cast<int64_t>(ids.size()));
  }
}

// ---- lifecycle events ----------------------------------------------------------------------

TEST_P(StorageContractTest, EventsRoundTripOldestFirstWithAssignedIds) {
  STORAGE_ASSERT_OK(InsertApis({MakeApi("x1", "a1", "p", "e1"), MakeApi("x2", "a1", "p", "e2")}));
  std::vector<ApiEvent> want = {MakeEvent("x1", EventType::kCreated, kT0),
                                MakeEvent("x1", EventType::kUpdated, kT0 + 1),
                                MakeEvent("x1", EventType::kDeleted, kT0 + 2),
                                MakeEvent("x1", EventType::kRestored, kT0 + 3)};
  want[0].changed_fields = {};
  STORAGE_ASSERT_OK(Do([&](Store& s) {
    GOV_RETURN_IF_ERROR(s.InsertEvent(want[0]));
    GOV_RETURN_IF_ERROR(s.InsertEvent(MakeEvent("x2", EventType::kCreated, kT0)));
    for (size_t i = 1; i < want.size(); ++i) GOV_RETURN_IF_ERROR(s.InsertEvent(want[i]));
    return absl::OkStatus();
  }));

  auto got = Get([](Store& s) { return s.ListEvents("x1"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), want.size());
  int64_t previous_id = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_GT((*got)[i].id, previous_id) << "ids increase in insertion order";
    previous_id = (*got)[i].id;
    want[i].id = (*got)[i].id;
    EXPECT_EQ(Dump((*got)[i]), Dump(want[i]));
  }
  auto none = Get([](Store& s) { return s.ListEvents("unknown"); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

// ---- transactions ------------------------------------------------------------------------

TEST_P(StorageContractTest, ErrorStatusRollsBackTheWholeTransaction) {
  const absl::Status failure = absl::AbortedError("listing interrupted");
  absl::Status got = Do([&](Store& s) {
    GOV_RETURN_IF_ERROR(s.InsertAgent(MakeAgent("a1")));
    GOV_RETURN_IF_ERROR(s.PutSetting("k", "v"));
    GOV_RETURN_IF_ERROR(s.InsertApi(MakeApi("x1", "a1", "p", "e1")));
    return failure;
  });
  EXPECT_EQ(got, failure) << "the callback's status is returned unchanged";

  auto agent = Get([](Store& s) { return s.GetAgent("a1"); });
  ASSERT_TRUE(agent.ok()) << agent.status();
  EXPECT_FALSE(agent->has_value());
  auto setting = Get([](Store& s) { return s.GetSetting("k"); });
  ASSERT_TRUE(setting.ok()) << setting.status();
  EXPECT_FALSE(setting->has_value());
  auto api = Get([](Store& s) { return s.GetApi("x1"); });
  ASSERT_TRUE(api.ok()) << api.status();
  EXPECT_FALSE(api->has_value());
}

TEST_P(StorageContractTest, FailedStatementRollsBackEarlierWritesOfTheTransaction) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("existing")}));
  absl::Status got = Do([](Store& s) {
    GOV_RETURN_IF_ERROR(s.InsertAgent(MakeAgent("new")));
    return s.InsertAgent(MakeAgent("existing"));
  });
  EXPECT_EQ(got.code(), absl::StatusCode::kAlreadyExists) << got;
  auto agent = Get([](Store& s) { return s.GetAgent("new"); });
  ASSERT_TRUE(agent.ok()) << agent.status();
  EXPECT_FALSE(agent->has_value());
  // The storage is usable afterwards.
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("later")}));
}

TEST_P(StorageContractTest, ConcurrentTransactionsAreSerialisedAndAllCommit) {
  constexpr int kThreads = 6;
  constexpr int kPerThread = 20;
  STORAGE_ASSERT_OK(Do([](Store& s) { return s.PutSetting("counter", "0"); }));
  std::vector<absl::Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread && results[t].ok(); ++i) {
        results[t] = storage_->Transact([&](Store& s) -> absl::Status {
          // Read-modify-write: lost updates would show if transactions interleaved.
          GOV_ASSIGN_OR_RETURN(std::optional<std::string> counter, s.GetSetting("counter"));
          if (!counter.has_value()) return absl::InternalError("counter missing");
          GOV_RETURN_IF_ERROR(s.PutSetting("counter", std::to_string(std::stoi(*counter) + 1)));
          return s.InsertAgent(MakeAgent(absl::StrCat("t", t, "-", i), kT0 + i));
        });
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;

  auto counter = Get([](Store& s) { return s.GetSetting("counter"); });
  ASSERT_TRUE(counter.ok()) << counter.status();
  EXPECT_EQ(*counter, std::optional<std::string>(std::to_string(kThreads * kPerThread)));
  auto agents = Get([](Store& s) { return s.ListAgents(1, 1000); });
  ASSERT_TRUE(agents.ok()) << agents.status();
  EXPECT_EQ(agents->total, kThreads * kPerThread);
}

// ---- schema ------------------------------------------------------------------------------

TEST_P(StorageContractTest, MigrateIsIdempotentAndKeepsData) {
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1")}));
  STORAGE_ASSERT_OK(storage_->Migrate());
  STORAGE_ASSERT_OK(storage_->Migrate());
  auto agent = Get([](Store& s) { return s.GetAgent("a1"); });
  ASSERT_TRUE(agent.ok() && agent->has_value()) << agent.status();
  EXPECT_EQ(Dump(**agent), Dump(MakeAgent("a1")));
}

TEST_P(StorageContractTest, ReopeningKeepsEveryRecord) {
  if (!backend_->Persistent()) GTEST_SKIP() << "the database does not outlive its Storage";
  STORAGE_ASSERT_OK(Do([](Store& s) {
    GOV_RETURN_IF_ERROR(s.PutSetting("jwt_secret", "s3cr3t"));
    GOV_RETURN_IF_ERROR(s.InsertApiKey({"k1", "bootstrap", "h1", Ms(kT0)}));
    GOV_RETURN_IF_ERROR(s.InsertAgent(MakeAgent("a1")));
    GOV_RETURN_IF_ERROR(s.InsertToken(MakeToken("t1", "a1")));
    GOV_RETURN_IF_ERROR(s.UpsertProvider(MakeProvider("a1", "edge")));
    GOV_RETURN_IF_ERROR(s.InsertSync(MakeSync("s1", "a1", kT0)));
    GOV_RETURN_IF_ERROR(s.InsertApi(MakeApi("x1", "a1", "edge", "e1")));
    return s.InsertEvent(MakeEvent("x1", EventType::kCreated, kT0));
  }));
  storage_.reset();
  ASSERT_NO_FATAL_FAILURE(OpenMigrated());

  auto setting = Get([](Store& s) { return s.GetSetting("jwt_secret"); });
  ASSERT_TRUE(setting.ok()) << setting.status();
  EXPECT_EQ(*setting, std::optional<std::string>("s3cr3t"));
  auto keys = Get([](Store& s) { return s.CountApiKeys(); });
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(*keys, 1);
  auto agent = Get([](Store& s) { return s.GetAgent("a1"); });
  ASSERT_TRUE(agent.ok() && agent->has_value()) << agent.status();
  EXPECT_EQ(Dump(**agent), Dump(MakeAgent("a1")));
  auto token = Get([](Store& s) { return s.GetToken("t1"); });
  ASSERT_TRUE(token.ok() && token->has_value()) << token.status();
  EXPECT_EQ(Dump(**token), Dump(MakeToken("t1", "a1")));
  auto provider = Get([](Store& s) { return s.GetProvider("a1", "edge"); });
  ASSERT_TRUE(provider.ok() && provider->has_value()) << provider.status();
  EXPECT_EQ(Dump(**provider), Dump(MakeProvider("a1", "edge")));
  auto sync = Get([](Store& s) { return s.GetSync("s1"); });
  ASSERT_TRUE(sync.ok() && sync->has_value()) << sync.status();
  EXPECT_EQ(Dump(**sync), Dump(MakeSync("s1", "a1", kT0)));
  auto api = Get([](Store& s) { return s.GetApi("x1"); });
  ASSERT_TRUE(api.ok() && api->has_value()) << api.status();
  EXPECT_EQ(Dump(**api), Dump(MakeApi("x1", "a1", "edge", "e1")));
  auto events = Get([](Store& s) { return s.ListEvents("x1"); });
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->size(), 1u);
}

TEST_P(StorageContractTest, DatabaseFromANewerBinaryIsRefused) {
  if (!backend_->Persistent()) GTEST_SKIP() << "the database does not outlive its Storage";
  STORAGE_ASSERT_OK(InsertAgents({MakeAgent("a1")}));
  storage_.reset();
  STORAGE_ASSERT_OK(backend_->SimulateNewerSchema());
  auto reopened = backend_->Open();
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  const absl::Status migrated = (*reopened)->Migrate();
  EXPECT_EQ(migrated.code(), absl::StatusCode::kFailedPrecondition) << migrated;
  EXPECT_NE(migrated.message().find("newer"), absl::string_view::npos) << migrated;
}

}  // namespace gov::storage::testing
