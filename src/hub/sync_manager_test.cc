// SyncManager: hub-triggered and agent-initiated syncs, from the request on the agent's
// stream to the states, counts and repository changes users see - and every way a sync
// fails without deleting anything.
#include "src/hub/sync_manager.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/hub/testing/hub_test_util.h"

namespace gov::hub {
namespace {

namespace pb = governance::v1;
using storage::ApiRecord;
using storage::ApiStatus;
using storage::SyncState;
using storage::SyncTrigger;
using testing::CountsText;
using ::testing::HasSubstr;
using testing::InTx;
using testing::RecordingSyncChannel;

constexpr char kAgent[] = "agent-1";
constexpr absl::Duration kHeartbeatTimeout = absl::Seconds(30);
constexpr absl::Duration kSyncTimeout = absl::Minutes(10);

pb::ApiDefinition Def(const std::string& external_id, const std::string& name) {
  pb::ApiDefinition d;
  d.set_external_id(external_id);
  d.set_name(name);
  d.set_listen_path("/" + external_id + "/");
  d.set_content_hash("hash-" + external_id + "-" + name);
  d.set_definition_json("{}");
  return d;
}

pb::ApiBatch Batch(const std::string& sync_id, const std::string& provider,
                   const std::vector<pb::ApiDefinition>& apis) {
  pb::ApiBatch b;
  b.set_sync_id(sync_id);
  b.set_provider(provider);
  b.set_provider_type(provider == "aws-b" ? "aws" : "tyk");
  for (const auto& d : apis) *b.add_apis() = d;
  return b;
}

pb::ProviderComplete Done(const std::string& sync_id, const std::string& provider, int64_t count,
                          const std::string& error = "") {
  pb::ProviderComplete c;
  c.set_sync_id(sync_id);
  c.set_provider(provider);
  c.set_provider_type(provider == "aws-b" ? "aws" : "tyk");
  c.set_ok(error.empty());
  c.set_count(count);
  c.set_error(error);
  return c;
}

pb::SyncEnd End(const std::string& sync_id) {
  pb::SyncEnd e;
  e.set_sync_id(sync_id);
  return e;
}

std::string Counts(int64_t seen, int64_t created, int64_t updated, int64_t unchanged,
                   int64_t deleted, int64_t restored, int64_t failed) {
  storage::SyncCounts c{seen, created, updated, unchanged, deleted, restored, failed};
  return CountsText(c);
}

class SyncManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = testing::MemoryStorage();
    ASSERT_TRUE(opened.ok()) << opened.status();
    storage_ = std::move(*opened);
    testing::InsertAgent(*storage_, kAgent, "Agent One", clock_.Now());
    syncs_ =
        std::make_unique<SyncManager>(storage_.get(), &registry_, &clock_, &random_, kSyncTimeout);
  }

  // The agent connects: health stream, one heartbeat with two providers, a sync stream.
  void Connect() {
    health_conn_ =
        registry_.HealthOpened(kAgent, std::make_shared<testing::RecordingHealthChannel>());
    registry_.Heartbeat(kAgent, health_conn_,
                        testing::MakeHeartbeat("r1", true, {{"tyk-a", "tyk"}, {"aws-b", "aws"}}));
    channel_ = std::make_shared<RecordingSyncChannel>();
    sync_conn_ = registry_.SyncOpened(kAgent, "r1", channel_);
  }

  storage::Sync MustTrigger(const std::string& provider = "") {
    auto sync = syncs_->Trigger(kAgent, provider, SyncTrigger::kManual);
    EXPECT_TRUE(sync.ok()) << sync.status();
    return sync.ok() ? *sync : storage::Sync{};
  }

  storage::Sync Stored(const std::string& id) {
    auto sync = InTx(*storage_, [&](storage::Store& s) { return s.GetSync(id); });
    EXPECT_TRUE(sync.has_value()) << "sync " << id << " not stored";
    return sync.value_or(storage::Sync{});
  }

  int64_t StoredSyncCount() {
    return InTx(*storage_, [&](storage::Store& s) { return s.ListSyncs("", 1, 100); }).total;
  }

  std::vector<ApiRecord> Apis(const std::string& provider) {
    return InTx(*storage_, [&](storage::Store& s) { return s.ListProviderApis(kAgent, provider); });
  }

  ApiStatus StatusOf(const std::string& provider, const std::string& external_id) {
    for (const auto& a : Apis(provider)) {
      if (a.external_id == external_id) return a.status;
    }
    ADD_FAILURE() << "no API " << external_id;
    return ApiStatus::kDeleted;
  }

  const storage::ProviderSync* Entry(const storage::Sync& sync, const std::string& name) {
    for (const auto& p : sync.providers) {
      if (p.name == name) return &p;
    }
    ADD_FAILURE() << "sync has no provider entry " << name;
    return nullptr;
  }

  // A whole successful sync of tyk-a listing `apis` (aws-b lists nothing).
  std::string SyncTykA(const std::vector<pb::ApiDefinition>& apis) {
    storage::Sync s = MustTrigger();
    EXPECT_TRUE(syncs_->OnBatch(kAgent, Batch(s.id, "tyk-a", apis)).ok());
    EXPECT_TRUE(
        syncs_->OnProviderComplete(kAgent, Done(s.id, "tyk-a", static_cast<int64_t>(apis.size())))
            .ok());
    EXPECT_TRUE(syncs_->OnProviderComplete(kAgent, Done(s.id, "aws-b", 0)).ok());
    EXPECT_TRUE(syncs_->OnEnd(kAgent, End(s.id)).ok());
    EXPECT_EQ(Stored(s.id).state, SyncState::kSucceeded);
    return s.id;
  }

  FakeClock clock_;
  StdRandom random_{3};
  AgentRegistry registry_{&clock_, kHeartbeatTimeout};
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<SyncManager> syncs_;
  AgentRegistry::ConnId health_conn_ = 0;
  AgentRegistry::ConnId sync_conn_ = 0;
  std::shared_ptr<RecordingSyncChannel> channel_;
};

TEST_F(SyncManagerTest, TriggerRecordsTheSyncAndSendsTheRequest) {
  Connect();
  const absl::Time t0 = clock_.Now();
  storage::Sync sync = MustTrigger();
  EXPECT_TRUE(testing::IsUuid4(sync.id)) << sync.id;
  EXPECT_EQ(sync.agent_id, kAgent);
  EXPECT_EQ(sync.trigger, SyncTrigger::kManual);
  EXPECT_EQ(sync.state, SyncState::kRunning);
  EXPECT_EQ(sync.started_at, t0);
  EXPECT_FALSE(sync.finished_at.has_value());
  ASSERT_EQ(sync.providers.size(), 2u);
  EXPECT_EQ(sync.providers[0].name, "tyk-a");
  EXPECT_EQ(sync.providers[0].type, "tyk");
  EXPECT_EQ(sync.providers[0].state, SyncState::kPending);
  EXPECT_EQ(sync.providers[1].name, "aws-b");

  std::vector<pb::SyncDownstream> sent = channel_->sent();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(sent[0].has_request());
  EXPECT_EQ(sent[0].request().sync_id(), sync.id);
  EXPECT_EQ(sent[0].request().provider(), "");
  EXPECT_EQ(sent[0].request().trigger(), pb::SYNC_TRIGGER_MANUAL);

  storage::Sync stored = Stored(sync.id);
  EXPECT_EQ(stored.state, SyncState::kRunning);
  EXPECT_EQ(stored.providers.size(), 2u);
  EXPECT_EQ(syncs_->RunningSyncOf(kAgent), sync.id);
}

TEST_F(SyncManagerTest, TriggerOfOneProviderNamesItInTheRequest) {
  Connect();
  auto sync = syncs_->Trigger(kAgent, "aws-b", SyncTrigger::kHubSchedule);
  ASSERT_TRUE(sync.ok()) << sync.status();
  EXPECT_EQ(sync->provider_filter, "aws-b");
  EXPECT_EQ(sync->trigger, SyncTrigger::kHubSchedule);
  ASSERT_EQ(sync->providers.size(), 1u);
  EXPECT_EQ(sync->providers[0].name, "aws-b");
  ASSERT_EQ(channel_->sent().size(), 1u);
  EXPECT_EQ(channel_->sent()[0].request().provider(), "aws-b");
  EXPECT_EQ(channel_->sent()[0].request().trigger(), pb::SYNC_TRIGGER_HUB_SCHEDULE);
  EXPECT_EQ(Stored(sync->id).provider_filter, "aws-b");
}

TEST_F(SyncManagerTest, TriggerRefusesUnknownAndUnconnectedAgents) {
  auto unknown = syncs_->Trigger("no-such-agent", "", SyncTrigger::kManual);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);

  // Never connected.
  auto never = syncs_->Trigger(kAgent, "", SyncTrigger::kManual);
  EXPECT_EQ(never.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(never.status().message()), HasSubstr("not connected"));

  // Connected, then silent past the heartbeat timeout.
  Connect();
  clock_.Advance(kHeartbeatTimeout + absl::Seconds(1));
  auto silent = syncs_->Trigger(kAgent, "", SyncTrigger::kManual);
  EXPECT_EQ(silent.status().code(), absl::StatusCode::kFailedPrecondition);

  // Heartbeating but without a sync stream.
  registry_.Heartbeat(kAgent, health_conn_, testing::MakeHeartbeat("r1", true, {{"tyk-a", "tyk"}}));
  registry_.SyncClosed(kAgent, sync_conn_);
  auto no_stream = syncs_->Trigger(kAgent, "", SyncTrigger::kManual);
  EXPECT_EQ(no_stream.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(no_stream.status().message()), HasSubstr("sync stream"));

  EXPECT_EQ(StoredSyncCount(), 0);
  EXPECT_TRUE(channel_->sent().empty());
  EXPECT_FALSE(syncs_->RunningSyncOf(kAgent).has_value());
}

TEST_F(SyncManagerTest, TriggerOfAnUnknownProviderListsTheKnownOnes) {
  Connect();
  auto sync = syncs_->Trigger(kAgent, "nope", SyncTrigger::kManual);
  ASSERT_EQ(sync.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(sync.status().message()), HasSubstr("\"nope\""));
  EXPECT_THAT(std::string(sync.status().message()), HasSubstr("tyk-a, aws-b"));
  EXPECT_TRUE(channel_->sent().empty());
}

TEST_F(SyncManagerTest, SecondTriggerWhileRunningIsAlreadyExists) {
  Connect();
  storage::Sync first = MustTrigger();
  auto second = syncs_->Trigger(kAgent, "", SyncTrigger::kManual);
  ASSERT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(first.id));
  EXPECT_EQ(channel_->sent().size(), 1u);
  EXPECT_EQ(StoredSyncCount(), 1);
}

TEST_F(SyncManagerTest, BatchesAndCompletionApplyTheListing) {
  Connect();
  storage::Sync sync = MustTrigger();
  ASSERT_TRUE(
      syncs_->OnBatch(kAgent, Batch(sync.id, "tyk-a", {Def("a", "A"), Def("b", "B")})).ok());
  ASSERT_TRUE(syncs_->OnBatch(kAgent, Batch(sync.id, "tyk-a", {Def("c", "C")})).ok());
  EXPECT_TRUE(Apis("tyk-a").empty()) << "nothing is applied before the provider completes";

  clock_.Advance(absl::Seconds(2));
  const absl::Time done_at = clock_.Now();
  ASSERT_TRUE(syncs_->OnProviderComplete(kAgent, Done(sync.id, "tyk-a", 3)).ok());
  std::vector<ApiRecord> apis = Apis("tyk-a");
  ASSERT_EQ(apis.size(), 3u);
  for (const auto& a : apis) {
    EXPECT_EQ(a.status, ApiStatus::kActive);
    EXPECT_EQ(a.provider_type, "tyk");
    EXPECT_EQ(a.last_sync_id, sync.id);
    EXPECT_EQ(a.created_at, done_at);
  }
  storage::Sync stored = Stored(sync.id);
  EXPECT_EQ(stored.state, SyncState::kRunning);
  const storage::ProviderSync* tyk = Entry(stored, "tyk-a");
  ASSERT_NE(tyk, nullptr);
  EXPECT_EQ(tyk->state, SyncState::kSucceeded);
  EXPECT_EQ(tyk->error, "");
  EXPECT_EQ(CountsText(tyk->counts), Counts(3, 3, 0, 0, 0, 0, 0));

  auto provider =
      InTx(*storage_, [&](storage::Store& s) { return s.GetProvider(kAgent, "tyk-a"); });
  ASSERT_TRUE(provider.has_value());
  EXPECT_EQ(provider->type, "tyk");
  EXPECT_EQ(provider->connection_status, "CONNECTED");
  EXPECT_EQ(provider->last_sync_at, done_at);

  ASSERT_TRUE(syncs_->OnProviderComplete(kAgent, Done(sync.id, "aws-b", 0)).ok());
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(syncs_->OnEnd(kAgent, End(sync.id)).ok());
  stored = Stored(sync.id);
  EXPECT_EQ(stored.state, SyncState::kSucceeded);
  EXPECT_EQ(stored.error, "");
  EXPECT_EQ(stored.finished_at, clock_.Now());
  EXPECT_EQ(Entry(stored, "aws-b")->state, SyncState::kSucceeded);
  EXPECT_FALSE(syncs_->RunningSyncOf(kAgent).has_value());
  EXPECT_FALSE(syncs_->Live(sync.id).has_value());

  // The next sync sees them unchanged, one updated, and deletes the absent one.
  storage::Sync next = MustTrigger();
  ASSERT_TRUE(
      syncs_->OnBatch(kAgent, Batch(next.id, "tyk-a", {Def("a", "A"), Def("b", "B2")})).ok());
  ASSERT_TRUE(syncs_->OnProviderComplete(kAgent, Done(next.id, "tyk-a", 2)).ok());
  EXPECT_EQ(CountsText(Entry(Stored(next.id), "tyk-a")->counts), Counts(2, 0, 1, 1, 1, 0, 0));
  EXPECT_EQ(StatusOf("tyk-a", "c"), ApiStatus::kDeleted);
}

TEST_F(SyncManagerTest, ProviderErrorFailsItAndDeletesNothing) {
  Connect();
  SyncTykA({Def("a", "A"), Def("b", "B")});

  storage::Sync sync = MustTrigger();
  ASSERT_TRUE(syncs_->OnBatch(kAgent, Batch(sync.id, "tyk-a", {Def("a", "A")})).ok());
  ASSERT_TRUE(
      syncs_->OnProviderComplete(kAgent, Done(sync.id, "tyk-a", 1, "dashboard answered 500")).ok());
  EXPECT_EQ(StatusOf("tyk-a", "b"), ApiStatus::kActive);
  storage::Sync stored = Stored(sync.id);
  EXPECT_EQ(Entry(stored, "tyk-a")->state, SyncState::kFailed);
  EXPECT_EQ(Entry(stored, "tyk-a")->error, "dashboard answered 500");
  EXPECT_EQ(Entry(stored, "tyk-a")->counts.deleted, 0);

  auto provider =
      InTx(*storage_, [&](storage::Store& s) { return s.GetProvider(kAgent, "tyk-a"); });
  ASSERT_TRUE(provider.has_value());
  EXPECT_EQ(provider->connection_status, "ERROR");
  EXPECT_EQ(provider->error, "dashboard answered 500");

  // aws-b never reports; the agent ends the sync: every provider failed -> FAILED.
  ASSERT_TRUE(syncs_->OnEnd(kAgent, End(sync.id)).ok());
  stored = Stored(sync.id);
  EXPECT_EQ(stored.state, SyncState::kFailed);
  EXPECT_EQ(stored.error, "tyk-a: dashboard answered 500");
  EXPECT_EQ(Entry(stored, "aws-b")->state, SyncState::kFailed);
  EXPECT_THAT(Entry(stored, "aws-b")->error, HasSubstr("without this provider's result"));
}

TEST_F(SyncManagerTest, CountMismatchFailsTheProviderAndDeletesNothing) {
  Connect();
  SyncTykA({Def("a", "A"), Def("b", "B"), Def("c", "C")});

  storage::Sync sync = MustTrigger();
  ASSERT_TRUE(
      syncs_->OnBatch(kAgent, Batch(sync.id, "tyk-a", {Def("a", "A"), Def("b", "B")})).ok());
  ASSERT_TRUE(syncs_->OnProviderComplete(kAgent, Done(sync.id, "tyk-a", 3)).ok());
  storage::Sync stored = Stored(sync.id);
  const storage::ProviderSync* tyk = Entry(stored, "tyk-a");
  ASSERT_NE(tyk, nullptr);
  EXPECT_EQ(tyk->state, SyncState::kFailed);
  EXPECT_EQ(tyk->error, "the agent reported 3 APIs but the hub received 2");
  EXPECT_EQ(StatusOf("tyk-a", "c"), ApiStatus::kActive);
}

TEST_F(SyncManagerTest, OneFailedProviderOfTwoIsPartial) {
  Connect();
  storage::Sync sync = MustTrigger();
  ASSERT_TRUE(syncs_->OnBatch(kAgent, Batch(sync.id, "tyk-a", {Def("a", "A")})).ok());
  ASSERT_TRUE(syncs_->OnProviderComplete(kAgent, Done(sync.id, "tyk-a", 1)).ok());
  ASSERT_TRUE(syncs_->OnProviderComplete(kAgent, Done(sync.id, "aws-b", 0, "AccessDenied")).ok());
  ASSERT_TRUE(syncs_->OnEnd(kAgent, End(sync.id)).ok());
  storage::Sync stored = Stored(sync.id);
  EXPECT_EQ(stored.state, SyncState::kPartial);
  EXPECT_EQ(stored.error, "aws-b: AccessDenied");
  EXPECT_EQ(Entry(stored, "tyk-a")->state, SyncState::kSucceeded);
  EXPECT_EQ(Entry(stored, "aws-b")->state, SyncState::kFailed);
}

TEST_F(SyncManagerTest, StreamClosedMidSyncFailsItAndDeletesNothing) {
  Connect();
  SyncTykA({Def("a", "A"), Def("b", "B")});

  storage::Sync sync = MustTrigger();
  ASSERT_TRUE(syncs_->OnBatch(kAgent, Batch(sync.id, "tyk-a", {Def("a", "A")})).ok());
  syncs_->OnStreamClosed(kAgent, sync_conn_ + 1000);  // some other stream: no effect
  ASSERT_EQ(syncs_->RunningSyncOf(kAgent), sync.id);

  clock_.Advance(absl::Seconds(4));
  registry_.SyncClosed(kAgent, sync_conn_);
  syncs_->OnStreamClosed(kAgent, sync_conn_);
  storage::Sync stored = Stored(sync.id);
  EXPECT_EQ(stored.state, SyncState::kFailed);
  EXPECT_EQ(stored.finished_at, clock_.Now());
  for (const auto& p : stored.providers) {
    EXPECT_EQ(p.state, SyncState::kFailed) << p.name;
    EXPECT_THAT(p.error, HasSubstr("sync stream closed")) << p.name;
  }
  EXPECT_EQ(StatusOf("tyk-a", "b"), ApiStatus::kActive);
  EXPECT_EQ(Apis("tyk-a").size(), 2u);

  // Late messages of the dead sync are refused and change nothing.
  EXPECT_EQ(syncs_->OnProviderComplete(kAgent, Done(sync.id, "tyk-a", 1)).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(StatusOf("tyk-a", "b"), ApiStatus::kActive);

  // The agent reconnects and can sync again.
  auto fresh = std::make_shared<RecordingSyncChannel>();
  registry_.SyncOpened(kAgent, "r1", fresh);
  storage::Sync again = MustTrigger();
  EXPECT_NE(again.id, sync.id);
  ASSERT_EQ(fresh->sent().size(), 1u);
  EXPECT_EQ(fresh->sent()[0].request().sync_id(), again.id);
}

TEST_F(SyncManagerTest, SweepFailsSyncsOlderThanTheTimeout) {
  Connect();
  storage::Sync sync = MustTrigger();
  ASSERT_TRUE(syncs_->OnBatch(kAgent, Batch(sync.id, "tyk-a", {Def("a", "A")})).ok());
  clock_.Advance(kSyncTimeout);
  syncs_->Sweep();
  EXPECT_EQ(syncs_->RunningSyncOf(kAgent), sync.id) << "exactly the timeout is not over";

  clock_.Advance(absl::Milliseconds(1));
  syncs_->Sweep();
  EXPECT_FALSE(syncs_->RunningSyncOf(kAgent).has_value());
  storage::Sync stored = Stored(sync.id);
  EXPECT_EQ(stored.state, SyncState::kFailed);
  EXPECT_THAT(stored.error, HasSubstr("timed out"));
  EXPECT_EQ(Entry(stored, "tyk-a")->state, SyncState::kFailed);
  EXPECT_THAT(Entry(stored, "tyk-a")->error, HasSubstr("timed out after 10m"));
  EXPECT_TRUE(Apis("tyk-a").empty());
}

TEST_F(SyncManagerTest, AgentInitiatedSyncIsRecordedUnderItsId) {
  Connect();
  pb::SyncBegin begin;
  begin.set_sync_id("0b7c6a70-3d0e-4c89-9f4e-2b0c1d2e3f40");
  begin.set_trigger(pb::SYNC_TRIGGER_INITIAL);
  begin.add_providers("tyk-a");
  begin.add_providers("aws-b");
  ASSERT_TRUE(syncs_->OnBegin(kAgent, sync_conn_, begin).ok());
  const std::string id = begin.sync_id();

  storage::Sync stored = Stored(id);
  EXPECT_EQ(stored.trigger, SyncTrigger::kInitial);
  EXPECT_EQ(stored.state, SyncState::kRunning);
  EXPECT_EQ(stored.agent_id, kAgent);
  ASSERT_EQ(stored.providers.size(), 2u);
  EXPECT_EQ(stored.providers[0].state, SyncState::kPending);
  EXPECT_EQ(syncs_->RunningSyncOf(kAgent), id);
  EXPECT_TRUE(channel_->sent().empty()) << "the hub sends no request for it";

  EXPECT_EQ(syncs_->OnBegin(kAgent, sync_conn_, begin).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(syncs_->OnBegin(kAgent, sync_conn_, pb::SyncBegin{}).code(),
            absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(syncs_->OnBatch(kAgent, Batch(id, "tyk-a", {Def("a", "A")})).ok());
  ASSERT_TRUE(syncs_->OnProviderComplete(kAgent, Done(id, "tyk-a", 1)).ok());
  ASSERT_TRUE(syncs_->OnProviderComplete(kAgent, Done(id, "aws-b", 0)).ok());
  ASSERT_TRUE(syncs_->OnEnd(kAgent, End(id)).ok());
  stored = Stored(id);
  EXPECT_EQ(stored.state, SyncState::kSucceeded);
  EXPECT_EQ(Entry(stored, "tyk-a")->type, "tyk");
  EXPECT_EQ(Entry(stored, "aws-b")->type, "aws");
  EXPECT_EQ(Apis("tyk-a").size(), 1u);
}

TEST_F(SyncManagerTest, MessagesOfAnotherAgentsSyncAreRefused) {
  Connect();
  storage::Sync sync = MustTrigger();
  EXPECT_EQ(syncs_->OnBatch("agent-2", Batch(sync.id, "tyk-a", {Def("a", "A")})).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(syncs_->OnProviderComplete("agent-2", Done(sync.id, "tyk-a", 1)).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(syncs_->OnEnd("agent-2", End(sync.id)).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(syncs_->RunningSyncOf(kAgent), sync.id);
  EXPECT_EQ(syncs_->Live(sync.id)->providers[0].counts.seen, 0);
}

TEST_F(SyncManagerTest, LiveShowsProgressWhileRunning) {
  Connect();
  storage::Sync sync = MustTrigger();
  ASSERT_TRUE(
      syncs_->OnBatch(kAgent, Batch(sync.id, "tyk-a", {Def("a", "A"), Def("b", "B")})).ok());
  auto live = syncs_->Live(sync.id);
  ASSERT_TRUE(live.has_value());
  EXPECT_EQ(live->state, SyncState::kRunning);
  const storage::ProviderSync* tyk = Entry(*live, "tyk-a");
  ASSERT_NE(tyk, nullptr);
  EXPECT_EQ(tyk->state, SyncState::kRunning);
  EXPECT_EQ(tyk->counts.seen, 2);
  EXPECT_EQ(Entry(*live, "aws-b")->state, SyncState::kPending);

  ASSERT_TRUE(syncs_->OnBatch(kAgent, Batch(sync.id, "tyk-a", {Def("c", "C")})).ok());
  EXPECT_EQ(Entry(*syncs_->Live(sync.id), "tyk-a")->counts.seen, 3);
  EXPECT_FALSE(syncs_->Live("unknown").has_value());
}

TEST_F(SyncManagerTest, RequestThatCannotBeSentFailsTheSync) {
  Connect();
  channel_->RefuseSends();
  auto sync = syncs_->Trigger(kAgent, "", SyncTrigger::kManual);
  ASSERT_EQ(sync.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(syncs_->RunningSyncOf(kAgent).has_value());
  auto all = InTx(*storage_, [&](storage::Store& s) { return s.ListSyncs(kAgent, 1, 10); });
  ASSERT_EQ(all.items.size(), 1u);
  EXPECT_EQ(all.items[0].state, SyncState::kFailed);
  ASSERT_TRUE(all.items[0].finished_at.has_value());
}

TEST_F(SyncManagerTest, FailInterruptedFailsLeftoverRunningSyncs) {
  auto insert = [&](const std::string& id, SyncState state, absl::Duration ago) {
    storage::Sync s;
    s.id = id;
    s.agent_id = kAgent;
    s.state = state;
    s.started_at = clock_.Now() - ago;
    if (state == SyncState::kSucceeded) s.finished_at = clock_.Now() - ago + absl::Seconds(1);
    storage::ProviderSync p;
    p.name = "tyk-a";
    p.state = state == SyncState::kSucceeded ? SyncState::kSucceeded : SyncState::kRunning;
    s.providers.push_back(p);
    absl::Status st =
        storage_->Transact([&](storage::Store& store) { return store.InsertSync(s); });
    ASSERT_TRUE(st.ok()) << st;
  };
  insert("running", SyncState::kRunning, absl::Minutes(3));
  insert("pending", SyncState::kPending, absl::Minutes(2));
  insert("done", SyncState::kSucceeded, absl::Minutes(1));

  ASSERT_TRUE(syncs_->FailInterrupted().ok());
  for (const char* id : {"running", "pending"}) {
    storage::Sync s = Stored(id);
    EXPECT_EQ(s.state, SyncState::kFailed) << id;
    EXPECT_EQ(s.error, "the hub restarted while this sync was running") << id;
    EXPECT_EQ(s.finished_at, clock_.Now()) << id;
    EXPECT_EQ(s.providers[0].state, SyncState::kFailed) << id;
    EXPECT_EQ(s.providers[0].error, "the hub restarted while this sync was running") << id;
  }
  storage::Sync done = Stored("done");
  EXPECT_EQ(done.state, SyncState::kSucceeded);
  EXPECT_EQ(done.error, "");
  EXPECT_EQ(done.providers[0].state, SyncState::kSucceeded);
}

TEST_F(SyncManagerTest, AnAgentScheduleThatCameDueMidSyncIsRecordedOnThatSync) {
  Connect();
  storage::Sync sync = MustTrigger();
  clock_.Advance(absl::Seconds(3));
  pb::SyncCoalesced msg;
  msg.set_sync_id(sync.id);
  msg.set_trigger(pb::SYNC_TRIGGER_AGENT_SCHEDULE);
  msg.set_at_unix_ms(absl::ToUnixMillis(clock_.Now()));
  ASSERT_TRUE(syncs_->OnCoalesced(kAgent, msg).ok());

  auto live = syncs_->Live(sync.id);
  ASSERT_TRUE(live.has_value());
  ASSERT_EQ(live->coalesced.size(), 1u);
  EXPECT_EQ(live->coalesced[0].trigger, SyncTrigger::kAgentSchedule);
  EXPECT_EQ(live->coalesced[0].at, clock_.Now());
  EXPECT_EQ(live->coalesced[0].source, "agent schedule");
  ASSERT_EQ(Stored(sync.id).coalesced.size(), 1u) << "stored at once";

  // Finishing keeps it; no second sync was recorded.
  ASSERT_TRUE(syncs_->OnProviderComplete(kAgent, Done(sync.id, "tyk-a", 0)).ok());
  ASSERT_TRUE(syncs_->OnProviderComplete(kAgent, Done(sync.id, "aws-b", 0)).ok());
  ASSERT_TRUE(syncs_->OnEnd(kAgent, End(sync.id)).ok());
  EXPECT_EQ(Stored(sync.id).coalesced.size(), 1u);
  EXPECT_EQ(StoredSyncCount(), 1);
}

TEST_F(SyncManagerTest, ACoalescedTriggerNamingNoOrAnUnknownSyncRecordsNothing) {
  Connect();
  storage::Sync sync = MustTrigger();
  pb::SyncCoalesced not_begun;  // into a sync the agent has queued but not begun
  not_begun.set_trigger(pb::SYNC_TRIGGER_AGENT_SCHEDULE);
  EXPECT_TRUE(syncs_->OnCoalesced(kAgent, not_begun).ok());
  EXPECT_TRUE(Stored(sync.id).coalesced.empty()) << "not credited to another sync";

  pb::SyncCoalesced unknown;
  unknown.set_sync_id("not-a-sync");
  unknown.set_trigger(pb::SYNC_TRIGGER_AGENT_SCHEDULE);
  EXPECT_EQ(syncs_->OnCoalesced(kAgent, unknown).code(), absl::StatusCode::kNotFound);
  pb::SyncCoalesced foreign = unknown;
  foreign.set_sync_id(sync.id);
  EXPECT_EQ(syncs_->OnCoalesced("agent-2", foreign).code(), absl::StatusCode::kNotFound)
      << "another agent's sync";
  EXPECT_TRUE(Stored(sync.id).coalesced.empty());
}

TEST_F(SyncManagerTest, AHubScheduleCoalescedIntoARunningSyncIsRecordedOnIt) {
  Connect();
  storage::Sync sync = MustTrigger();  // every provider
  const storage::CoalescedTrigger t{SyncTrigger::kHubSchedule, clock_.Now(), "sync job j1"};
  auto id = syncs_->Coalesce(kAgent, "tyk-a", t);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(*id, sync.id);
  EXPECT_EQ(syncs_->Coalesce(kAgent, "", t), sync.id) << "a sync of every provider covers all";
  ASSERT_EQ(Stored(sync.id).coalesced.size(), 2u);
  EXPECT_EQ(Stored(sync.id).coalesced[0].source, "sync job j1");
  EXPECT_FALSE(syncs_->Coalesce("agent-2", "", t).has_value());
}

TEST_F(SyncManagerTest, ASyncOfOneProviderDoesNotStandForAScheduleOfAnother) {
  Connect();
  storage::Sync sync = MustTrigger("aws-b");
  const storage::CoalescedTrigger t{SyncTrigger::kHubSchedule, clock_.Now(), "sync job j1"};
  EXPECT_FALSE(syncs_->Coalesce(kAgent, "tyk-a", t).has_value());
  EXPECT_FALSE(syncs_->Coalesce(kAgent, "", t).has_value()) << "nor for one of every provider";
  EXPECT_EQ(syncs_->Coalesce(kAgent, "aws-b", t), sync.id);
  EXPECT_EQ(Stored(sync.id).coalesced.size(), 1u);
}

}  // namespace
}  // namespace gov::hub
