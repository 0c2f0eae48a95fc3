// The Health stream: every heartbeat is acknowledged with the agent's id; the agent is
// ACTIVE with the providers it reported while the stream is open, INACTIVE once it closes.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/hub_harness.h"

namespace gov::integration {
namespace {

namespace pb = governance::v1;
using nlohmann::json;

class AgentServiceHealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(hub_.Start().ok());
    auto id = hub_.CreateAgent("health-agent");
    ASSERT_TRUE(id.ok()) << id.status();
    agent_id_ = *id;
    auto token = hub_.IssueToken(agent_id_);
    ASSERT_TRUE(token.ok()) << token.status();
    token_ = *token;
    stub_ = hub_.NewStub();
  }

  json Agent() const { return hub_.Get("/api/agents/" + agent_id_).body; }

  HubHarness hub_;
  std::string agent_id_;
  std::string token_;
  std::unique_ptr<pb::AgentService::Stub> stub_;
};

TEST_F(AgentServiceHealthTest, EveryHeartbeatIsAcknowledgedWithTheAgentId) {
  auto call = OpenHealth(*stub_, token_);
  for (int i = 0; i < 3; ++i) {
    absl::Time before = absl::Now();
    ASSERT_TRUE(call->stream->Write(Heartbeat("replica-1", {{"p1", "tyk"}})));
    pb::HealthDownstream in;
    ASSERT_TRUE(call->stream->Read(&in)) << call->stream->Finish().error_message();
    ASSERT_TRUE(in.has_ack()) << in.ShortDebugString();
    EXPECT_EQ(in.ack().agent_id(), agent_id_);
    // The hub's own clock: within the round trip (a second of slack).
    EXPECT_GE(in.ack().server_time_unix_ms(), absl::ToUnixMillis(before) - 1000);
    EXPECT_LE(in.ack().server_time_unix_ms(), absl::ToUnixMillis(absl::Now()) + 1000);
  }
  call->stream->WritesDone();
  EXPECT_TRUE(call->stream->Finish().ok());
}

TEST_F(AgentServiceHealthTest, ActiveWithReportedProviderWhileOpenInactiveOnceClosed) {
  EXPECT_EQ(Agent()["status"], "INACTIVE") << "before any stream";

  auto call = OpenHealth(*stub_, token_);
  ASSERT_TRUE(call->stream->Write(Heartbeat("replica-1", {{"p1", "tyk"}})));
  pb::HealthDownstream ack;
  ASSERT_TRUE(call->stream->Read(&ack));

  // Status is immediate; the providers are stored right after (poll, bounded).
  json agent;
  bool shown = WaitUntil(absl::Seconds(10), [&] {
    agent = Agent();
    return agent["status"] == "ACTIVE" && agent["providers"].is_array() &&
           !agent["providers"].empty();
  });
  ASSERT_TRUE(shown) << agent.dump();
  EXPECT_EQ(agent["providers"][0]["name"], "p1");
  EXPECT_EQ(agent["providers"][0]["type"], "tyk");
  EXPECT_EQ(agent["providers"][0]["connection_status"], "CONNECTED");
  EXPECT_EQ(agent["version"], "integration-test");
  ASSERT_EQ(agent["replicas"].size(), 1u);
  EXPECT_EQ(agent["replicas"][0]["id"], "replica-1");
  EXPECT_EQ(agent["leader"], "replica-1");

  call->stream->WritesDone();
  EXPECT_TRUE(call->stream->Finish().ok());
  bool inactive = WaitUntil(absl::Seconds(10), [&] {
    agent = Agent();
    return agent["status"] == "INACTIVE";
  });
  EXPECT_TRUE(inactive) << agent.dump();
  // Nothing vouches for the provider any more.
  EXPECT_EQ(agent["providers"][0]["connection_status"], "UNKNOWN");
}

TEST_F(AgentServiceHealthTest, CancelledStreamMakesTheAgentInactive) {
  auto call = OpenHealth(*stub_, token_);
  ASSERT_TRUE(call->stream->Write(Heartbeat("replica-1", {{"p1", "tyk"}})));
  pb::HealthDownstream ack;
  ASSERT_TRUE(call->stream->Read(&ack));
  ASSERT_TRUE(WaitUntil(absl::Seconds(10), [&] { return Agent()["status"] == "ACTIVE"; }));

  // An agent that vanishes without closing politely (process killed, network cut).
  call->ctx.TryCancel();
  EXPECT_EQ(call->stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  json agent;
  EXPECT_TRUE(WaitUntil(absl::Seconds(10), [&] {
    agent = Agent();
    return agent["status"] == "INACTIVE";
  })) << agent.dump();
}

TEST_F(AgentServiceHealthTest, AgentStaysActiveWhileOneOfTwoReplicasIsConnected) {
  auto first = OpenHealth(*stub_, token_);
  auto second = OpenHealth(*stub_, token_);
  pb::HealthDownstream ack;
  ASSERT_TRUE(first->stream->Write(Heartbeat("replica-1", {{"p1", "tyk"}})));
  ASSERT_TRUE(first->stream->Read(&ack));
  ASSERT_TRUE(second->stream->Write(Heartbeat("replica-2", {{"p1", "tyk"}})));
  ASSERT_TRUE(second->stream->Read(&ack));
  json agent;
  ASSERT_TRUE(WaitUntil(absl::Seconds(10), [&] {
    agent = Agent();
    return agent["replicas"].size() == 2;
  })) << agent.dump();

  first->stream->WritesDone();
  ASSERT_TRUE(first->stream->Finish().ok());
  ASSERT_TRUE(WaitUntil(absl::Seconds(10), [&] {
    agent = Agent();
    return agent["replicas"].size() == 1;
  })) << agent.dump();
  EXPECT_EQ(agent["status"], "ACTIVE");
  EXPECT_EQ(agent["replicas"][0]["id"], "replica-2");

  second->stream->WritesDone();
  ASSERT_TRUE(second->stream->Finish().ok());
  EXPECT_TRUE(WaitUntil(absl::Seconds(10), [&] { return Agent()["status"] == "INACTIVE"; }));
}

}  // namespace
}  // namespace gov::integration
