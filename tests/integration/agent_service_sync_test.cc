// The Sync stream end to end inside one process: a manual sync triggered over REST
// reaches the agent's stream as a SyncRequest; the agent's batches, completion marker and
// end become a SUCCEEDED sync with the reconciler's counts; a failed listing, a count that
// does not add up, or a stream closed mid-sync fail the sync and delete nothing.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/hub_harness.h"

namespace gov::integration {
namespace {

namespace pb = governance::v1;
using nlohmann::json;
using ::testing::HasSubstr;

pb::ApiDefinition Api(const std::string& external_id, const std::string& revision = "1") {
  pb::ApiDefinition d;
  d.set_external_id(external_id);
  d.set_name("API " + external_id);
  d.set_listen_path("/" + external_id + "/");
  d.set_upstream_url("http://upstream.internal/" + external_id);
  d.set_protocol("http");
  d.add_auth_mechanisms("authToken");
  d.set_active(true);
  d.set_definition_json(json{{"api_id", external_id}, {"revision", revision}}.dump());
  d.set_content_hash("hash-" + external_id + "-" + revision);
  return d;
}

class AgentServiceSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(hub_.Start().ok());
    auto id = hub_.CreateAgent("sync-agent");
    ASSERT_TRUE(id.ok()) << id.status();
    agent_id_ = *id;
    auto token = hub_.IssueToken(agent_id_);
    ASSERT_TRUE(token.ok()) << token.status();
    token_ = *token;
    stub_ = hub_.NewStub();

    // An agent as the real one connects: heartbeat listing provider p1, then SyncHello.
    health_ = OpenHealth(*stub_, token_, absl::Seconds(60));
    ASSERT_TRUE(health_->stream->Write(Heartbeat("replica-1", {{"p1", "tyk"}})));
    pb::HealthDownstream ack;
    ASSERT_TRUE(health_->stream->Read(&ack));
    OpenSyncStream();
  }

  void TearDown() override {
    if (sync_) {
      sync_->ctx.TryCancel();
      sync_->stream->Finish();
    }
    if (health_) {
      health_->stream->WritesDone();
      health_->stream->Finish();
    }
  }

  void OpenSyncStream() {
    sync_ = OpenSync(*stub_, token_, absl::Seconds(60));
    pb::SyncUpstream hello;
    hello.mutable_hello()->set_replica_id("replica-1");
    hello.mutable_hello()->set_agent_version("integration-test");
    ASSERT_TRUE(sync_->stream->Write(hello));
    json agent;
    ASSERT_TRUE(WaitUntil(absl::Seconds(10),
                          [&] {
                            agent = hub_.Get("/api/agents/" + agent_id_).body;
                            return agent.is_object() && agent["replicas"].size() == 1 &&
                                   agent["replicas"][0]["sync_stream"] == true;
                          }))
        << "the hub never registered the sync stream: " << agent.dump();
  }

  // POST /api/agents/{id}/sync, then the SyncRequest the stream receives for it.
  std::string TriggerAndReceive(const std::string& body = "") {
    HttpReply r = hub_.Post("/api/agents/" + agent_id_ + "/sync", body);
    EXPECT_EQ(r.status, 202) << r.text;
    if (r.status != 202) return "";
    std::string id = r.body["id"];
    EXPECT_EQ(r.body["state"], "RUNNING") << r.text;
    EXPECT_EQ(r.body["trigger"], "MANUAL") << r.text;
    pb::SyncDownstream in;
    EXPECT_TRUE(sync_->stream->Read(&in)) << "no SyncRequest on the stream";
    EXPECT_TRUE(in.has_request()) << in.ShortDebugString();
    EXPECT_EQ(in.request().sync_id(), id);
    EXPECT_EQ(in.request().trigger(), pb::SYNC_TRIGGER_MANUAL);
    return id;
  }

  void SendBatch(const std::string& sync_id, const std::vector<pb::ApiDefinition>& apis) {
    pb::SyncUpstream m;
    pb::ApiBatch* b = m.mutable_batch();
    b->set_sync_id(sync_id);
    b->set_provider("p1");
    b->set_provider_type("tyk");
    for (const auto& a : apis) *b->add_apis() = a;
    ASSERT_TRUE(sync_->stream->Write(m));
  }

  void SendComplete(const std::string& sync_id, bool ok, int64_t count,
                    const std::string& error = "") {
    pb::SyncUpstream m;
    pb::ProviderComplete* c = m.mutable_provider_complete();
    c->set_sync_id(sync_id);
    c->set_provider("p1");
    c->set_provider_type("tyk");
    c->set_ok(ok);
    c->set_count(count);
    c->set_error(error);
    ASSERT_TRUE(sync_->stream->Write(m));
  }

  void SendEnd(const std::string& sync_id) {
    pb::SyncUpstream m;
    m.mutable_end()->set_sync_id(sync_id);
    ASSERT_TRUE(sync_->stream->Write(m));
  }

  // GET /api/syncs/{id} once it has finished (bounded wait).
  json FinishedSync(const std::string& sync_id) {
    json sync;
    bool done = WaitUntil(absl::Seconds(15), [&] {
      sync = hub_.Get("/api/syncs/" + sync_id).body;
      return sync.is_object() && sync.contains("finished_at") && !sync["finished_at"].is_null();
    });
    EXPECT_TRUE(done) << "sync " << sync_id << " did not finish: " << sync.dump();
    return sync;
  }

  int64_t ApiTotal(const std::string& status) {
    return hub_.Get("/api/apis?status=" + status + "&agent_id=" + agent_id_).body["total"];
  }

  // The counts of provider p1 as [seen, created, updated, unchanged, deleted, restored, failed].
  static std::vector<int64_t> Counts(const json& sync) {
    const json& p = sync["providers"][0];
    return {p["seen"],    p["created"],  p["updated"], p["unchanged"],
            p["deleted"], p["restored"], p["failed"]};
  }

  // A first, successful sync of a1..a3 (two batches).
  void SyncThreeApis() {
    std::string id = TriggerAndReceive();
    ASSERT_FALSE(id.empty());
    SendBatch(id, {Api("a1"), Api("a2")});
    SendBatch(id, {Api("a3")});
    SendComplete(id, true, 3);
    SendEnd(id);
    json sync = FinishedSync(id);
    ASSERT_EQ(sync["state"], "SUCCEEDED") << sync.dump();
  }

  HubHarness hub_;
  std::string agent_id_;
  std::string token_;
  std::unique_ptr<pb::AgentService::Stub> stub_;
  std::unique_ptr<HealthCall> health_;
  std::unique_ptr<SyncCall> sync_;
};

TEST_F(AgentServiceSyncTest, ManualSyncOfTwoBatchesSucceedsWithCreatedCount) {
  std::string id = TriggerAndReceive();
  ASSERT_FALSE(id.empty());
  SendBatch(id, {Api("a1"), Api("a2")});
  SendBatch(id, {Api("a3")});
  SendComplete(id, true, 3);
  SendEnd(id);

  json sync = FinishedSync(id);
  EXPECT_EQ(sync["state"], "SUCCEEDED") << sync.dump();
  EXPECT_EQ(sync["agent_id"], agent_id_);
  EXPECT_TRUE(sync["error"].is_null()) << sync.dump();
  ASSERT_EQ(sync["providers"].size(), 1u) << sync.dump();
  EXPECT_EQ(sync["providers"][0]["name"], "p1");
  EXPECT_EQ(sync["providers"][0]["state"], "SUCCEEDED");
  EXPECT_EQ(Counts(sync), (std::vector<int64_t>{3, 3, 0, 0, 0, 0, 0})) << sync.dump();
  EXPECT_EQ(ApiTotal("ACTIVE"), 3);

  json apis = hub_.Get("/api/apis?agent_id=" + agent_id_).body;
  for (const json& a : apis["apis"]) {
    EXPECT_EQ(a["provider"], "p1");
    EXPECT_EQ(a["provider_type"], "tyk");
    EXPECT_EQ(a["last_sync_id"], id);
  }
  json providers = hub_.Get("/api/agents/" + agent_id_ + "/providers").body;
  ASSERT_EQ(providers["providers"].size(), 1u) << providers.dump();
  EXPECT_EQ(providers["providers"][0]["api_count"], 3);
  EXPECT_EQ(providers["providers"][0]["connection_status"], "CONNECTED");

  // The agent view reports it as its last sync.
  EXPECT_EQ(hub_.Get("/api/agents/" + agent_id_).body["last_sync"]["id"], id);
}

TEST_F(AgentServiceSyncTest, SecondSyncListingFewerApisDeletesTheMissingOne) {
  SyncThreeApis();

  // Of one provider this time; a2 is gone, a3 changed.
  std::string id = TriggerAndReceive(R"({"provider": "p1"})");
  ASSERT_FALSE(id.empty());
  SendBatch(id, {Api("a1"), Api("a3", "2")});
  SendComplete(id, true, 2);
  SendEnd(id);

  json sync = FinishedSync(id);
  EXPECT_EQ(sync["state"], "SUCCEEDED") << sync.dump();
  EXPECT_EQ(sync["provider"], "p1");
  EXPECT_EQ(Counts(sync), (std::vector<int64_t>{2, 0, 1, 1, 1, 0, 0})) << sync.dump();
  EXPECT_EQ(ApiTotal("ACTIVE"), 2);
  json deleted = hub_.Get("/api/apis?status=DELETED&agent_id=" + agent_id_).body;
  ASSERT_EQ(deleted["total"], 1) << deleted.dump();
  EXPECT_EQ(deleted["apis"][0]["external_id"], "a2");
  EXPECT_FALSE(deleted["apis"][0]["deleted_at"].is_null());
}

TEST_F(AgentServiceSyncTest, FailedListingFailsTheSyncAndDeletesNothing) {
  SyncThreeApis();

  std::string id = TriggerAndReceive();
  ASSERT_FALSE(id.empty());
  SendBatch(id, {Api("a1")});  // page 1 only: page 2 failed at the provider
  SendComplete(id, false, 1, "GET /api/apis?p=2: HTTP 500");
  SendEnd(id);

  json sync = FinishedSync(id);
  EXPECT_EQ(sync["state"], "FAILED") << sync.dump();
  EXPECT_EQ(sync["providers"][0]["state"], "FAILED");
  EXPECT_THAT(sync["providers"][0]["error"].dump(), HasSubstr("HTTP 500"));
  EXPECT_THAT(sync["error"].dump(), HasSubstr("HTTP 500"));
  EXPECT_EQ(sync["providers"][0]["deleted"], 0) << sync.dump();
  EXPECT_EQ(ApiTotal("ACTIVE"), 3);
  EXPECT_EQ(ApiTotal("DELETED"), 0);

  json providers = hub_.Get("/api/agents/" + agent_id_ + "/providers").body;
  EXPECT_EQ(providers["providers"][0]["connection_status"], "ERROR") << providers.dump();
  EXPECT_THAT(providers["providers"][0]["error"].dump(), HasSubstr("HTTP 500"));
}

TEST_F(AgentServiceSyncTest, CountThatDoesNotMatchWhatArrivedFailsAndDeletesNothing) {
  SyncThreeApis();

  std::string id = TriggerAndReceive();
  ASSERT_FALSE(id.empty());
  SendBatch(id, {Api("a1")});
  SendComplete(id, true, 3);  // claims 3, sent 1: a batch went missing
  SendEnd(id);

  json sync = FinishedSync(id);
  EXPECT_EQ(sync["state"], "FAILED") << sync.dump();
  EXPECT_THAT(sync["providers"][0]["error"].dump(), HasSubstr("reported 3 APIs"));
  EXPECT_THAT(sync["providers"][0]["error"].dump(), HasSubstr("received 1"));
  EXPECT_EQ(ApiTotal("ACTIVE"), 3);
  EXPECT_EQ(ApiTotal("DELETED"), 0);
}

TEST_F(AgentServiceSyncTest, StreamClosedMidSyncFailsTheSyncAndDeletesNothing) {
  SyncThreeApis();

  std::string id = TriggerAndReceive();
  ASSERT_FALSE(id.empty());
  SendBatch(id, {Api("a1")});
  // The agent goes away before the completion marker.
  sync_->ctx.TryCancel();
  sync_->stream->Finish();
  sync_.reset();

  json sync = FinishedSync(id);
  EXPECT_EQ(sync["state"], "FAILED") << sync.dump();
  EXPECT_EQ(sync["providers"][0]["state"], "FAILED");
  EXPECT_THAT(sync["providers"][0]["error"].dump(), HasSubstr("stream closed"));
  EXPECT_EQ(ApiTotal("ACTIVE"), 3);
  EXPECT_EQ(ApiTotal("DELETED"), 0);

  // The agent is still connected (health stream) but cannot sync until it reopens Sync.
  HttpReply again = hub_.Post("/api/agents/" + agent_id_ + "/sync");
  EXPECT_EQ(again.status, 409) << again.text;
  EXPECT_THAT(again.raw, HasSubstr("no open sync stream"));

  OpenSyncStream();
  std::string next = TriggerAndReceive();
  ASSERT_FALSE(next.empty());
  SendBatch(next, {Api("a1"), Api("a2"), Api("a3")});
  SendComplete(next, true, 3);
  SendEnd(next);
  json ok = FinishedSync(next);
  EXPECT_EQ(ok["state"], "SUCCEEDED") << ok.dump();
  EXPECT_EQ(Counts(ok), (std::vector<int64_t>{3, 0, 0, 3, 0, 0, 0})) << ok.dump();
}

TEST_F(AgentServiceSyncTest, SecondTriggerWhileRunningIsAConflictNamingTheRunningSync) {
  std::string id = TriggerAndReceive();
  ASSERT_FALSE(id.empty());
  HttpReply second = hub_.Post("/api/agents/" + agent_id_ + "/sync");
  EXPECT_EQ(second.status, 409) << second.text;
  EXPECT_THAT(second.raw, HasSubstr(id));
  SendComplete(id, true, 0);
  SendEnd(id);
  EXPECT_EQ(FinishedSync(id)["state"], "SUCCEEDED");
}

TEST_F(AgentServiceSyncTest, AgentInitiatedSyncIsRecordedUnderTheAgentsId) {
  const std::string id = "0b5d7c43-2f44-4c4f-9e57-2f1bfb2cf001";
  pb::SyncUpstream begin;
  begin.mutable_begin()->set_sync_id(id);
  begin.mutable_begin()->set_trigger(pb::SYNC_TRIGGER_INITIAL);
  begin.mutable_begin()->add_providers("p1");
  ASSERT_TRUE(sync_->stream->Write(begin));
  SendBatch(id, {Api("a1"), Api("a2")});
  SendComplete(id, true, 2);
  SendEnd(id);

  json sync = FinishedSync(id);
  EXPECT_EQ(sync["state"], "SUCCEEDED") << sync.dump();
  EXPECT_EQ(sync["trigger"], "INITIAL");
  EXPECT_EQ(Counts(sync), (std::vector<int64_t>{2, 2, 0, 0, 0, 0, 0})) << sync.dump();
}

}  // namespace
}  // namespace gov::integration
