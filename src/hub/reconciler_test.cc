// Reconciler: what a listing does to the API repository and its lifecycle events, on the
// real SQLite storage.
#include "src/hub/reconciler.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/hub/testing/hub_test_util.h"

namespace gov::hub {
namespace {

using storage::ApiEvent;
using storage::ApiRecord;
using storage::ApiStatus;
using storage::EventType;
using storage::SyncCounts;
using testing::CountsText;
using ::testing::ElementsAre;
using testing::InTx;
using ::testing::IsEmpty;

constexpr char kAgent[] = "agent-1";
constexpr char kProvider[] = "tyk-a";

// An API as an agent sends it: the hash stands for the content.
IncomingApi Api(const std::string& external_id, const std::string& name,
                const std::string& hash = "") {
  IncomingApi in;
  in.record.external_id = external_id;
  in.record.name = name;
  in.record.listen_path = "/" + external_id + "/";
  in.record.upstream_url = "http://upstream/" + external_id;
  in.record.protocol = "http";
  in.record.versions = {"v1"};
  in.record.definition_json = "{\"api_id\":\"" + external_id + "\"}";
  in.record.content_hash = hash.empty() ? "hash-" + external_id + "-" + name : hash;
  return in;
}

IncomingApi Broken(const std::string& external_id, const std::string& name) {
  IncomingApi in = Api(external_id, name, "hash-broken-" + external_id);
  in.error = "OAS document could not be downloaded";
  return in;
}

std::string CountsOf(int64_t seen, int64_t created, int64_t updated, int64_t unchanged,
                     int64_t deleted, int64_t restored, int64_t failed) {
  SyncCounts c;
  c.seen = seen;
  c.created = created;
  c.updated = updated;
  c.unchanged = unchanged;
  c.deleted = deleted;
  c.restored = restored;
  c.failed = failed;
  return CountsText(c);
}

class ReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = testing::MemoryStorage();
    ASSERT_TRUE(opened.ok()) << opened.status();
    storage_ = std::move(*opened);
  }

  Listing MakeListing(const std::string& sync_id, std::vector<IncomingApi> apis, bool complete,
                      const std::string& agent = kAgent, const std::string& provider = kProvider) {
    Listing l;
    l.sync_id = sync_id;
    l.agent_id = agent;
    l.provider = provider;
    l.provider_type = "tyk";
    l.apis = std::move(apis);
    l.complete = complete;
    return l;
  }

  // Applies in one transaction, as the SyncManager does.
  ApplyResult ApplyWith(const Reconciler& reconciler, const Listing& listing) {
    absl::StatusOr<ApplyResult> result = absl::InternalError("not run");
    absl::Status st = storage_->Transact([&](storage::Store& s) -> absl::Status {
      result = reconciler.Apply(s, listing, clock_.Now());
      return result.status();
    });
    EXPECT_TRUE(st.ok()) << st;
    return result.ok() ? *result : ApplyResult{};
  }
  // Applies with the default guard; returns the counts as text.
  std::string Apply(const Listing& listing) {
    return CountsText(ApplyWith(reconciler_, listing).counts);
  }

  std::vector<ApiRecord> Stored(const std::string& agent = kAgent,
                                const std::string& provider = kProvider) {
    return InTx(*storage_, [&](storage::Store& s) { return s.ListProviderApis(agent, provider); });
  }

  ApiRecord ByExternalId(const std::string& external_id, const std::string& agent = kAgent,
                         const std::string& provider = kProvider) {
    for (const ApiRecord& a : Stored(agent, provider)) {
      if (a.external_id == external_id) return a;
    }
    ADD_FAILURE() << "no stored API with external id " << external_id;
    return ApiRecord{};
  }

  std::vector<ApiEvent> Events(const std::string& api_id) {
    return InTx(*storage_, [&](storage::Store& s) { return s.ListEvents(api_id); });
  }

  std::vector<EventType> EventTypes(const std::string& api_id) {
    std::vector<EventType> out;
    for (const auto& e : Events(api_id)) out.push_back(e.type);
    return out;
  }

  FakeClock clock_;
  StdRandom random_{7};
  Reconciler reconciler_{&random_};
  std::unique_ptr<storage::Storage> storage_;
};

TEST_F(ReconcilerTest, NewApisAreCreatedWithFreshIdsAndEvents) {
  const absl::Time t0 = clock_.Now();
  IncomingApi users = Api("users", "Users API");
  users.record.id = "id-chosen-by-the-agent";  // ignored: the hub assigns ids
  users.record.status = ApiStatus::kDeleted;   // ignored: a new API is active
  EXPECT_EQ(Apply(MakeListing("sync-1", {users, Api("orders", "Orders API")}, true)),
            CountsOf(2, 2, 0, 0, 0, 0, 0));

  ApiRecord u = ByExternalId("users");
  ApiRecord o = ByExternalId("orders");
  EXPECT_TRUE(testing::IsUuid4(u.id)) << u.id;
  EXPECT_TRUE(testing::IsUuid4(o.id)) << o.id;
  EXPECT_NE(u.id, o.id);
  EXPECT_EQ(u.name, "Users API");
  EXPECT_EQ(u.agent_id, kAgent);
  EXPECT_EQ(u.provider, kProvider);
  EXPECT_EQ(u.provider_type, "tyk");
  EXPECT_EQ(u.listen_path, "/users/");
  EXPECT_EQ(u.definition_json, "{\"api_id\":\"users\"}");
  EXPECT_EQ(u.status, ApiStatus::kActive);
  EXPECT_EQ(u.created_at, t0);
  EXPECT_EQ(u.updated_at, t0);
  EXPECT_FALSE(u.deleted_at.has_value());
  EXPECT_EQ(u.last_sync_id, "sync-1");

  std::vector<ApiEvent> events = Events(u.id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kCreated);
  EXPECT_EQ(events[0].sync_id, "sync-1");
  EXPECT_EQ(events[0].at, t0);
  EXPECT_EQ(events[0].api_id, u.id);
  EXPECT_THAT(events[0].changed_fields, IsEmpty());
}

TEST_F(ReconcilerTest, SameHashIsUnchangedAndWritesNothing) {
  const absl::Time t0 = clock_.Now();
  Apply(MakeListing("sync-1", {Api("users", "Users API", "h1")}, true));
  clock_.Advance(absl::Minutes(5));
  // Same hash: nothing is written, even a field the hash would have covered.
  IncomingApi again = Api("users", "Users API", "h1");
  EXPECT_EQ(Apply(MakeListing("sync-2", {again}, true)), CountsOf(1, 0, 0, 1, 0, 0, 0));

  ApiRecord u = ByExternalId("users");
  EXPECT_EQ(u.updated_at, t0);
  EXPECT_EQ(u.last_sync_id, "sync-1");
  EXPECT_THAT(EventTypes(u.id), ElementsAre(EventType::kCreated));
}

TEST_F(ReconcilerTest, ChangedHashUpdatesWithTheExactChangedFields) {
  const absl::Time t0 = clock_.Now();
  Apply(MakeListing("sync-1", {Api("users", "Users API", "h1")}, true));
  const std::string id = ByExternalId("users").id;
  clock_.Advance(absl::Minutes(5));
  const absl::Time t1 = clock_.Now();

  IncomingApi changed = Api("users", "Users API v2", "h2");
  changed.record.upstream_url = "http://new-upstream";
  changed.record.auth_mechanisms = {"authToken"};
  EXPECT_EQ(Apply(MakeListing("sync-2", {changed}, true)), CountsOf(1, 0, 1, 0, 0, 0, 0));

  ApiRecord u = ByExternalId("users");
  EXPECT_EQ(u.id, id);
  EXPECT_EQ(u.name, "Users API v2");
  EXPECT_EQ(u.upstream_url, "http://new-upstream");
  EXPECT_EQ(u.content_hash, "h2");
  EXPECT_EQ(u.created_at, t0);
  EXPECT_EQ(u.updated_at, t1);
  EXPECT_EQ(u.last_sync_id, "sync-2");

  std::vector<ApiEvent> events = Events(id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type, EventType::kUpdated);
  EXPECT_EQ(events[1].sync_id, "sync-2");
  EXPECT_EQ(events[1].at, t1);
  EXPECT_THAT(events[1].changed_fields, ElementsAre("name", "upstream_url", "auth_mechanisms"));
}

TEST_F(ReconcilerTest, ChangedFieldsNamesEveryNormalizedField) {
  ApiRecord a = Api("x", "X").record;
  ApiRecord b = a;
  EXPECT_THAT(Reconciler::ChangedFields(a, b), IsEmpty());
  b.description = "d";
  b.versions = {"v1", "v2"};
  b.listen_path = "/other/";
  b.protocol = "https";
  b.active = false;
  b.internal = true;
  b.oas_document_json = "{}";
  b.definition_json = "{\"changed\":true}";
  b.extra_json = "{\"tags\":[]}";
  EXPECT_THAT(Reconciler::ChangedFields(a, b),
              ElementsAre("description", "versions", "listen_path", "protocol", "active",
                          "internal", "oas_document", "definition", "extra"));
}

TEST_F(ReconcilerTest, IncompleteListingDeletesNothing) {
  Apply(MakeListing("sync-1", {Api("a", "A"), Api("b", "B"), Api("c", "C")}, true));
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(Apply(MakeListing("sync-2", {Api("a", "A")}, false)), CountsOf(1, 0, 0, 1, 0, 0, 0));
  for (const ApiRecord& api : Stored()) {
    EXPECT_EQ(api.status, ApiStatus::kActive) << api.external_id;
    EXPECT_FALSE(api.deleted_at.has_value()) << api.external_id;
    EXPECT_THAT(EventTypes(api.id), ElementsAre(EventType::kCreated)) << api.external_id;
  }
}

TEST_F(ReconcilerTest, CompleteListingDeletesExactlyTheAbsentApis) {
  Apply(MakeListing("sync-1", {Api("a", "A"), Api("b", "B"), Api("c", "C"), Api("d", "D")}, true));
  clock_.Advance(absl::Minutes(1));
  const absl::Time t1 = clock_.Now();
  EXPECT_EQ(Apply(MakeListing("sync-2", {Api("a", "A"), Api("d", "D")}, true)),
            CountsOf(2, 0, 0, 2, 2, 0, 0));

  ApiRecord a = ByExternalId("a");
  EXPECT_EQ(a.status, ApiStatus::kActive);
  EXPECT_THAT(EventTypes(a.id), ElementsAre(EventType::kCreated));
  for (const char* gone : {"b", "c"}) {
    ApiRecord api = ByExternalId(gone);
    EXPECT_EQ(api.status, ApiStatus::kDeleted) << gone;
    ASSERT_TRUE(api.deleted_at.has_value()) << gone;
    EXPECT_EQ(*api.deleted_at, t1);
    EXPECT_EQ(api.updated_at, t1);
    EXPECT_EQ(api.last_sync_id, "sync-2");
    std::vector<ApiEvent> events = Events(api.id);
    ASSERT_EQ(events.size(), 2u) << gone;
    EXPECT_EQ(events[1].type, EventType::kDeleted);
    EXPECT_EQ(events[1].sync_id, "sync-2");
    EXPECT_EQ(events[1].at, t1);
  }

  // Already deleted APIs are not deleted again.
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(Apply(MakeListing("sync-3", {Api("a", "A"), Api("d", "D")}, true)),
            CountsOf(2, 0, 0, 2, 0, 0, 0));
  EXPECT_EQ(*ByExternalId("b").deleted_at, t1);
  EXPECT_EQ(Events(ByExternalId("b").id).size(), 2u);
}

TEST_F(ReconcilerTest, ReappearingApiIsRestoredUnderItsOldId) {
  Apply(MakeListing("sync-1", {Api("a", "A", "h1"), Api("keep", "Keep")}, true));
  const std::string id = ByExternalId("a").id;
  clock_.Advance(absl::Minutes(1));
  Apply(MakeListing("sync-2", {Api("keep", "Keep")}, true));
  ASSERT_EQ(ByExternalId("a").status, ApiStatus::kDeleted);
  clock_.Advance(absl::Minutes(1));
  const absl::Time t2 = clock_.Now();

  EXPECT_EQ(Apply(MakeListing("sync-3", {Api("a", "A", "h1"), Api("keep", "Keep")}, true)),
            CountsOf(2, 0, 0, 1, 0, 1, 0));
  ApiRecord a = ByExternalId("a");
  EXPECT_EQ(a.id, id);
  EXPECT_EQ(a.status, ApiStatus::kActive);
  EXPECT_FALSE(a.deleted_at.has_value());
  EXPECT_EQ(a.updated_at, t2);
  EXPECT_EQ(a.last_sync_id, "sync-3");
  EXPECT_EQ(Stored().size(), 2u);  // no second record

  std::vector<ApiEvent> events = Events(id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, EventType::kCreated);
  EXPECT_EQ(events[1].type, EventType::kDeleted);
  EXPECT_EQ(events[2].type, EventType::kRestored);
  EXPECT_EQ(events[2].sync_id, "sync-3");
  EXPECT_EQ(events[2].at, t2);
  EXPECT_THAT(events[2].changed_fields, IsEmpty());
}

TEST_F(ReconcilerTest, RestoredApiWithNewContentNamesTheChangedFields) {
  Apply(MakeListing("sync-1", {Api("a", "A", "h1"), Api("keep", "Keep")}, true));
  Apply(MakeListing("sync-2", {Api("keep", "Keep")}, true));
  EXPECT_EQ(Apply(MakeListing("sync-3", {Api("a", "A renamed", "h2"), Api("keep", "Keep")}, true)),
            CountsOf(2, 0, 0, 1, 0, 1, 0));
  ApiRecord a = ByExternalId("a");
  EXPECT_EQ(a.name, "A renamed");
  EXPECT_EQ(a.content_hash, "h2");
  std::vector<ApiEvent> events = Events(a.id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].type, EventType::kRestored);
  EXPECT_THAT(events[2].changed_fields, ElementsAre("name"));
}

TEST_F(ReconcilerTest, ApiWithErrorIsCountedFailedAndKeptWithItsOldVersion) {
  const absl::Time t0 = clock_.Now();
  Apply(MakeListing("sync-1", {Api("a", "A", "h1"), Api("b", "B")}, true));
  clock_.Advance(absl::Minutes(1));

  // A complete listing in which "a" could not be read whole: it must not be deleted and
  // its stored version must stay; a new unreadable API is not created.
  EXPECT_EQ(Apply(MakeListing(
                "sync-2", {Broken("a", "A broken"), Api("b", "B"), Broken("new", "New")}, true)),
            CountsOf(3, 0, 0, 1, 0, 0, 2));
  ApiRecord a = ByExternalId("a");
  EXPECT_EQ(a.status, ApiStatus::kActive);
  EXPECT_EQ(a.name, "A");
  EXPECT_EQ(a.content_hash, "h1");
  EXPECT_EQ(a.updated_at, t0);
  EXPECT_THAT(EventTypes(a.id), ElementsAre(EventType::kCreated));
  EXPECT_EQ(Stored().size(), 2u);
}

TEST_F(ReconcilerTest, DuplicateExternalIdsCountOnceAndTheFirstWins) {
  EXPECT_EQ(
      Apply(MakeListing("sync-1",
                        {Api("a", "First", "h1"), Api("a", "Second", "h2"), Api("b", "B")}, true)),
      CountsOf(2, 2, 0, 0, 0, 0, 0));
  EXPECT_EQ(Stored().size(), 2u);
  EXPECT_EQ(ByExternalId("a").name, "First");
  EXPECT_EQ(Events(ByExternalId("a").id).size(), 1u);
}

TEST_F(ReconcilerTest, ApisOfOtherProvidersAndAgentsAreUntouched) {
  Apply(MakeListing("s1", {Api("x", "X"), Api("x2", "X2")}, true, "agent-1", "tyk-a"));
  Apply(MakeListing("s2", {Api("y", "Y")}, true, "agent-1", "tyk-b"));
  Apply(MakeListing("s3", {Api("x", "X elsewhere")}, true, "agent-2", "tyk-a"));
  EXPECT_NE(ByExternalId("x", "agent-1", "tyk-a").id, ByExternalId("x", "agent-2", "tyk-a").id);

  // agent-1/tyk-a now lists only x2, completely.
  EXPECT_EQ(Apply(MakeListing("s4", {Api("x2", "X2")}, true, "agent-1", "tyk-a")),
            CountsOf(1, 0, 0, 1, 1, 0, 0));
  EXPECT_EQ(ByExternalId("x", "agent-1", "tyk-a").status, ApiStatus::kDeleted);
  EXPECT_EQ(ByExternalId("y", "agent-1", "tyk-b").status, ApiStatus::kActive);
  ApiRecord other = ByExternalId("x", "agent-2", "tyk-a");
  EXPECT_EQ(other.status, ApiStatus::kActive);
  EXPECT_EQ(other.name, "X elsewhere");
  EXPECT_THAT(EventTypes(other.id), ElementsAre(EventType::kCreated));
}

TEST_F(ReconcilerTest, CountsOfAMixedListingAreExact) {
  Apply(MakeListing(
      "sync-1",
      {Api("same", "Same", "h-same"), Api("mod", "Mod", "h-mod1"), Api("back", "Back", "h-back"),
       Api("gone", "Gone", "h-gone"), Api("err", "Err", "h-err")},
      true));
  Apply(MakeListing("sync-2",
                    {Api("same", "Same", "h-same"), Api("mod", "Mod", "h-mod1"),
                     Api("gone", "Gone", "h-gone"), Api("err", "Err", "h-err")},
                    true));  // "back" deleted
  ASSERT_EQ(ByExternalId("back").status, ApiStatus::kDeleted);

  EXPECT_EQ(Apply(MakeListing("sync-3",
                              {Api("same", "Same", "h-same"), Api("mod", "Mod 2", "h-mod2"),
                               Api("back", "Back", "h-back"), Broken("err", "Err"),
                               Api("new", "New"), Api("new", "New again")},
                              true)),
            CountsOf(/*seen=*/5, /*created=*/1, /*updated=*/1, /*unchanged=*/1, /*deleted=*/1,
                     /*restored=*/1, /*failed=*/1));
  EXPECT_EQ(ByExternalId("gone").status, ApiStatus::kDeleted);
  EXPECT_EQ(ByExternalId("err").status, ApiStatus::kActive);
}

// ---- the mass-deletion guard -----------------------------------------------------------

class DeletionGuardTest : public ReconcilerTest {
 protected:
  // Applies a listing of sync `sync_id` as the SyncManager does: the sync is recorded
  // first (held deletions refer to it), then its provider entry says what the guard did.
  ApplyResult Run(const Reconciler& reconciler, const std::string& sync_id,
                  std::vector<IncomingApi> apis, bool complete) {
    storage::Sync sync;
    sync.id = sync_id;
    sync.agent_id = kAgent;
    sync.state = storage::SyncState::kRunning;
    sync.started_at = clock_.Now();
    absl::Status st = storage_->Transact([&](storage::Store& s) { return s.InsertSync(sync); });
    EXPECT_TRUE(st.ok()) << st;
    ApplyResult result = ApplyWith(reconciler, MakeListing(sync_id, std::move(apis), complete));
    storage::ProviderSync p;
    p.name = kProvider;
    p.type = "tyk";
    p.state = storage::SyncState::kSucceeded;
    p.counts = result.counts;
    if (!result.held_api_ids.empty()) {
      p.state = storage::SyncState::kPartial;
      p.error = result.held_reason;
      p.held.state = storage::HoldState::kHeld;
      p.held.count = static_cast<int64_t>(result.held_api_ids.size());
      p.held.reason = result.held_reason;
    }
    sync.providers.push_back(p);
    sync.state = p.state;
    sync.finished_at = clock_.Now();
    st = storage_->Transact([&](storage::Store& s) { return s.UpdateSync(sync).status(); });
    EXPECT_TRUE(st.ok()) << st;
    return result;
  }
  ApplyResult Run(const std::string& sync_id, std::vector<IncomingApi> apis, bool complete) {
    return Run(reconciler_, sync_id, std::move(apis), complete);
  }

  absl::StatusOr<storage::Sync> ApplyHeld(const std::string& sync_id,
                                          const std::string& provider = "") {
    absl::StatusOr<storage::Sync> out = absl::InternalError("not run");
    (void)storage_->Transact([&](storage::Store& s) -> absl::Status {
      out = Reconciler::ApplyHeld(s, sync_id, provider, clock_.Now());
      return out.status();
    });
    return out;
  }

  std::vector<IncomingApi> Apis(int n) {
    std::vector<IncomingApi> out;
    for (int i = 0; i < n; ++i) out.push_back(Api("api-" + std::to_string(i), "API"));
    return out;
  }
};

TEST_F(DeletionGuardTest, MoreThanHalfDeletedIsHeldAndNothingIsDeleted) {
  Apply(MakeListing("sync-1", Apis(4), true));
  clock_.Advance(absl::Minutes(1));
  ApplyResult r = Run("sync-2", Apis(1), true);
  EXPECT_EQ(CountsText(r.counts), CountsOf(1, 0, 0, 1, 0, 0, 0));
  EXPECT_EQ(r.held_api_ids.size(), 3u);
  EXPECT_EQ(r.held_reason,
            "3 of 4 APIs (75%) would be deleted, more than the 50% the deletion guard allows: "
            "the deletions are held (apply them with POST /api/syncs/sync-2/held-deletions/apply, "
            "or raise sync.deletionGuard.maxPercent / TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT)");
  for (const ApiRecord& api : Stored()) {
    EXPECT_EQ(api.status, ApiStatus::kActive) << api.external_id;
    EXPECT_THAT(EventTypes(api.id), ElementsAre(EventType::kCreated)) << api.external_id;
  }
  auto held = InTx(*storage_, [](storage::Store& s) { return s.ListHeldDeletions("sync-2", ""); });
  std::vector<std::string> held_ids;
  for (const auto& h : held) held_ids.push_back(h.api_id);
  std::vector<std::string> want = r.held_api_ids;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(held_ids, want);
  EXPECT_EQ(std::count(held_ids.begin(), held_ids.end(), ByExternalId("api-0").id), 0);
}

TEST_F(DeletionGuardTest, ExactlyTheShareIsStillDeleted) {
  Apply(MakeListing("sync-1", Apis(4), true));
  ApplyResult r = ApplyWith(reconciler_, MakeListing("sync-2", Apis(2), true));
  EXPECT_EQ(CountsText(r.counts), CountsOf(2, 0, 0, 2, 2, 0, 0));
  EXPECT_TRUE(r.held_api_ids.empty());
  EXPECT_EQ(ByExternalId("api-3").status, ApiStatus::kDeleted);
}

TEST_F(DeletionGuardTest, TheThresholdIsConfigurable) {
  Apply(MakeListing("sync-1", Apis(10), true));
  Reconciler strict(&random_, DeletionGuard{0.1});
  ApplyResult held = Run(strict, "sync-2", Apis(8), true);
  EXPECT_EQ(held.held_api_ids.size(), 2u);
  EXPECT_THAT(held.held_reason, ::testing::StartsWith("2 of 10 APIs (20%) would be deleted, "
                                                      "more than the 10% the deletion guard"));
  Reconciler off(&random_, DeletionGuard{1.0});
  ApplyResult done = Run(off, "sync-3", Apis(1), true);
  EXPECT_TRUE(done.held_api_ids.empty());
  EXPECT_EQ(done.counts.deleted, 9);
}

TEST_F(DeletionGuardTest, EmptyListingIsHeldEvenWithTheShareCheckOff) {
  Apply(MakeListing("sync-1", Apis(2), true));
  Reconciler off(&random_, DeletionGuard{1.0});
  ApplyResult r = Run(off, "sync-2", {}, true);
  EXPECT_EQ(r.held_api_ids.size(), 2u);
  EXPECT_THAT(r.held_reason,
              ::testing::StartsWith("the listing came back empty where there were 2 APIs: the "
                                    "deletions are held"));
  for (const ApiRecord& api : Stored()) EXPECT_EQ(api.status, ApiStatus::kActive);
  // A provider that never had APIs may list none.
  ApplyResult fresh = ApplyWith(off, MakeListing("sync-3", {}, true, kAgent, "brand-new-provider"));
  EXPECT_TRUE(fresh.held_api_ids.empty());
}

TEST_F(DeletionGuardTest, AnOperatorAppliesHeldDeletionsOnce) {
  Apply(MakeListing("sync-1", Apis(4), true));
  clock_.Advance(absl::Minutes(1));
  ApplyResult r = Run("sync-2", Apis(1), true);
  ASSERT_EQ(r.held_api_ids.size(), 3u);
  clock_.Advance(absl::Minutes(5));
  const absl::Time t_apply = clock_.Now();

  absl::StatusOr<storage::Sync> applied = ApplyHeld("sync-2");
  ASSERT_TRUE(applied.ok()) << applied.status();
  ASSERT_EQ(applied->providers.size(), 1u);
  EXPECT_EQ(applied->providers[0].held.state, storage::HoldState::kApplied);
  EXPECT_EQ(applied->providers[0].held.resolved_at, t_apply);
  EXPECT_EQ(applied->providers[0].counts.deleted, 3);
  EXPECT_EQ(ByExternalId("api-0").status, ApiStatus::kActive);
  for (const char* gone : {"api-1", "api-2", "api-3"}) {
    ApiRecord api = ByExternalId(gone);
    EXPECT_EQ(api.status, ApiStatus::kDeleted) << gone;
    EXPECT_EQ(api.deleted_at, t_apply) << gone;
    std::vector<ApiEvent> events = Events(api.id);
    ASSERT_EQ(events.size(), 2u) << gone;
    EXPECT_EQ(events[1].type, EventType::kDeleted);
    EXPECT_EQ(events[1].sync_id, "sync-2");
  }
  auto stored = InTx(*storage_, [](storage::Store& s) { return s.GetSync("sync-2"); });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->providers[0].held.state, storage::HoldState::kApplied);
  // Done as the listing asked: the provider and the sync succeeded; the reason stays.
  EXPECT_EQ(stored->providers[0].state, storage::SyncState::kSucceeded);
  EXPECT_EQ(stored->providers[0].error, "");
  EXPECT_THAT(stored->providers[0].held.reason, ::testing::HasSubstr("3 of 4 APIs (75%)"));
  EXPECT_EQ(stored->state, storage::SyncState::kSucceeded);
  EXPECT_EQ(stored->error, "");

  absl::StatusOr<storage::Sync> again = ApplyHeld("sync-2");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(again.status().message()), ::testing::HasSubstr("already applied"));
  EXPECT_EQ(ApplyHeld("no-such-sync").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ApplyHeld("sync-2", "other-provider").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DeletionGuardTest, ALaterCompleteListingSupersedesWhatWasHeld) {
  Apply(MakeListing("sync-1", Apis(4), true));
  ApplyResult r = Run("sync-2", Apis(1), true);
  ASSERT_EQ(r.held_api_ids.size(), 3u);
  clock_.Advance(absl::Minutes(1));
  // The provider is whole again: nothing to delete, and the old hold is void.
  ApplyResult next = Run("sync-3", Apis(4), true);
  EXPECT_TRUE(next.held_api_ids.empty());
  auto stored = InTx(*storage_, [](storage::Store& s) { return s.GetSync("sync-2"); });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->providers[0].held.state, storage::HoldState::kSuperseded);
  EXPECT_EQ(stored->providers[0].held.resolved_at, clock_.Now());

  absl::StatusOr<storage::Sync> late = ApplyHeld("sync-2");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(late.status().message()), ::testing::HasSubstr("superseded"));
  for (const ApiRecord& api : Stored()) EXPECT_EQ(api.status, ApiStatus::kActive);
}

TEST_F(DeletionGuardTest, AnIncompleteListingNeitherHoldsNorSupersedes) {
  Apply(MakeListing("sync-1", Apis(4), true));
  ApplyResult r = Run("sync-2", Apis(1), true);
  ASSERT_EQ(r.held_api_ids.size(), 3u);
  ApplyResult partial = Run("sync-3", {}, false);
  EXPECT_TRUE(partial.held_api_ids.empty());
  auto stored = InTx(*storage_, [](storage::Store& s) { return s.GetSync("sync-2"); });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->providers[0].held.state, storage::HoldState::kHeld);
}

}  // namespace
}  // namespace gov::hub
