// AgentRegistry: ACTIVE/INACTIVE as the contract defines it, replicas and the leader,
// which stream carries sync requests, and disconnecting an agent.
#include "src/hub/agent_registry.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/common/clock.h"
#include "src/hub/testing/hub_test_util.h"

namespace gov::hub {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::MakeHeartbeat;
using testing::RecordingHealthChannel;
using testing::RecordingSyncChannel;

constexpr absl::Duration kTimeout = absl::Seconds(30);

class AgentRegistryTest : public ::testing::Test {
 protected:
  AgentRegistry::ConnId OpenHealth(const std::string& agent) {
    auto ch = std::make_shared<RecordingHealthChannel>();
    health_.push_back(ch);
    return registry_.HealthOpened(agent, ch);
  }
  AgentRegistry::ConnId OpenSync(const std::string& agent, const std::string& replica,
                                 std::shared_ptr<RecordingSyncChannel>* out = nullptr) {
    auto ch = std::make_shared<RecordingSyncChannel>();
    sync_.push_back(ch);
    if (out != nullptr) *out = ch;
    return registry_.SyncOpened(agent, replica, ch);
  }

  FakeClock clock_;
  AgentRegistry registry_{&clock_, kTimeout};
  std::vector<std::shared_ptr<RecordingHealthChannel>> health_;
  std::vector<std::shared_ptr<RecordingSyncChannel>> sync_;
};

TEST_F(AgentRegistryTest, UnknownAgentIsInactiveWithoutHeartbeat) {
  AgentLiveView view = registry_.View("nobody");
  EXPECT_FALSE(view.active);
  EXPECT_FALSE(view.last_heartbeat.has_value());
  EXPECT_THAT(view.replicas, IsEmpty());
  EXPECT_EQ(view.leader, "");
  EXPECT_FALSE(registry_.SyncTargetFor("nobody").has_value());
}

TEST_F(AgentRegistryTest, OpenStreamWithoutHeartbeatIsNotActive) {
  OpenHealth("a1");
  EXPECT_FALSE(registry_.IsActive("a1"));
  EXPECT_FALSE(registry_.View("a1").last_heartbeat.has_value());
  EXPECT_FALSE(registry_.View("a1").has_heartbeat_data);
  EXPECT_THAT(registry_.ActiveAgents(), IsEmpty());
  EXPECT_EQ(registry_.OpenStreams(), 1u);
}

TEST_F(AgentRegistryTest, HeartbeatMakesActiveUntilTheTimeoutPasses) {
  auto conn = OpenHealth("a1");
  clock_.Advance(absl::Seconds(3));
  const absl::Time beat = clock_.Now();
  registry_.Heartbeat("a1", conn, MakeHeartbeat("r1", true, {{"tyk-a", "tyk"}}, "1.2.3"));

  AgentLiveView view = registry_.View("a1");
  EXPECT_TRUE(view.active);
  ASSERT_TRUE(view.last_heartbeat.has_value());
  EXPECT_EQ(*view.last_heartbeat, beat);
  EXPECT_EQ(view.version, "1.2.3");
  EXPECT_TRUE(view.has_heartbeat_data);
  ASSERT_EQ(view.last.providers_size(), 1);
  EXPECT_EQ(view.last.providers(0).name(), "tyk-a");
  EXPECT_THAT(registry_.ActiveAgents(), ElementsAre("a1"));

  clock_.Advance(kTimeout);
  EXPECT_TRUE(registry_.IsActive("a1")) << "exactly the timeout of silence is still active";
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_FALSE(registry_.IsActive("a1"));
  EXPECT_THAT(registry_.ActiveAgents(), IsEmpty());
  // The last heartbeat is still reported while inactive.
  EXPECT_EQ(*registry_.View("a1").last_heartbeat, beat);

  // A new heartbeat brings it back.
  registry_.Heartbeat("a1", conn, MakeHeartbeat("r1", true));
  EXPECT_TRUE(registry_.IsActive("a1"));
}

TEST_F(AgentRegistryTest, ClosingTheHealthStreamMakesInactiveAtOnce) {
  auto conn = OpenHealth("a1");
  registry_.Heartbeat("a1", conn, MakeHeartbeat("r1", true));
  ASSERT_TRUE(registry_.IsActive("a1"));
  registry_.HealthClosed("a1", conn);
  EXPECT_FALSE(registry_.IsActive("a1"));
  EXPECT_THAT(registry_.ActiveAgents(), IsEmpty());
  EXPECT_EQ(registry_.OpenStreams(), 0u);
  EXPECT_THAT(registry_.View("a1").replicas, IsEmpty());
}

TEST_F(AgentRegistryTest, HeartbeatOnAClosedOrForeignConnectionIsIgnored) {
  auto conn = OpenHealth("a1");
  registry_.HealthClosed("a1", conn);
  registry_.Heartbeat("a1", conn, MakeHeartbeat("r1", true));
  EXPECT_FALSE(registry_.IsActive("a1"));

  auto other = OpenHealth("a2");
  registry_.Heartbeat("a1", other, MakeHeartbeat("r1", true));  // wrong agent for the conn
  EXPECT_FALSE(registry_.IsActive("a1"));
  EXPECT_FALSE(registry_.IsActive("a2"));
}

TEST_F(AgentRegistryTest, OneLiveReplicaKeepsTheAgentActive) {
  auto c1 = OpenHealth("a1");
  auto c2 = OpenHealth("a1");
  registry_.Heartbeat("a1", c1, MakeHeartbeat("r1", true));
  registry_.Heartbeat("a1", c2, MakeHeartbeat("r2", false));
  registry_.HealthClosed("a1", c1);
  EXPECT_TRUE(registry_.IsActive("a1"));
  AgentLiveView view = registry_.View("a1");
  ASSERT_EQ(view.replicas.size(), 1u);
  EXPECT_EQ(view.replicas[0].replica_id, "r2");
}

TEST_F(AgentRegistryTest, ReplicasShowLeaderVersionAndSyncStream) {
  const absl::Time t0 = clock_.Now();
  auto c1 = OpenHealth("a1");
  auto c2 = OpenHealth("a1");
  OpenSync("a1", "r2");
  clock_.Advance(absl::Seconds(1));
  registry_.Heartbeat("a1", c1, MakeHeartbeat("r1", false, {}, "0.2.0"));
  clock_.Advance(absl::Seconds(1));
  registry_.Heartbeat("a1", c2, MakeHeartbeat("r2", true, {}, "0.2.1"));

  AgentLiveView view = registry_.View("a1");
  EXPECT_TRUE(view.active);
  EXPECT_EQ(view.leader, "r2");
  EXPECT_EQ(view.version, "0.2.1");  // of the newest heartbeat
  EXPECT_EQ(*view.last_heartbeat, t0 + absl::Seconds(2));
  ASSERT_EQ(view.replicas.size(), 2u);
  EXPECT_EQ(view.replicas[0].replica_id, "r1");
  EXPECT_FALSE(view.replicas[0].leader);
  EXPECT_EQ(view.replicas[0].version, "0.2.0");
  EXPECT_EQ(view.replicas[0].connected_at, t0);
  EXPECT_EQ(*view.replicas[0].last_heartbeat, t0 + absl::Seconds(1));
  EXPECT_FALSE(view.replicas[0].sync_stream_open);
  EXPECT_EQ(view.replicas[1].replica_id, "r2");
  EXPECT_TRUE(view.replicas[1].leader);
  EXPECT_TRUE(view.replicas[1].sync_stream_open);
  EXPECT_EQ(registry_.OpenStreams(), 3u);
}

TEST_F(AgentRegistryTest, LeaderIsTheNewestLiveClaim) {
  // r2's health stream is older, r1's newer. r1 led first; then r2 took over the lease.
  auto c_r2 = OpenHealth("a1");
  auto c_r1 = OpenHealth("a1");
  registry_.Heartbeat("a1", c_r1, MakeHeartbeat("r1", true));
  clock_.Advance(absl::Seconds(5));
  registry_.Heartbeat("a1", c_r2, MakeHeartbeat("r2", true));
  EXPECT_EQ(registry_.View("a1").leader, "r2");

  // A claim older than the heartbeat timeout does not count.
  clock_.Advance(kTimeout + absl::Seconds(1));
  registry_.Heartbeat("a1", c_r1, MakeHeartbeat("r1", false));
  EXPECT_EQ(registry_.View("a1").leader, "");
}

TEST_F(AgentRegistryTest, SyncTargetPrefersTheLeaderReplicaElseTheNewestStream) {
  auto c1 = OpenHealth("a1");
  auto c2 = OpenHealth("a1");
  std::shared_ptr<RecordingSyncChannel> leader_ch;
  std::shared_ptr<RecordingSyncChannel> standby_ch;
  auto leader_conn = OpenSync("a1", "r-leader", &leader_ch);
  clock_.Advance(absl::Seconds(1));
  auto standby_conn = OpenSync("a1", "r-standby", &standby_ch);  // newer

  // No heartbeats yet: nobody is known as leader, the newest stream wins.
  auto target = registry_.SyncTargetFor("a1");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->conn, standby_conn);
  EXPECT_EQ(target->channel.get(), standby_ch.get());

  registry_.Heartbeat("a1", c1, MakeHeartbeat("r-leader", true));
  registry_.Heartbeat("a1", c2, MakeHeartbeat("r-standby", false));
  target = registry_.SyncTargetFor("a1");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->conn, leader_conn);
  EXPECT_EQ(target->channel.get(), leader_ch.get());

  // The leader's sync stream closes: the standby's is used.
  registry_.SyncClosed("a1", leader_conn);
  target = registry_.SyncTargetFor("a1");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->conn, standby_conn);

  registry_.SyncClosed("a1", standby_conn);
  EXPECT_FALSE(registry_.SyncTargetFor("a1").has_value());
}

TEST_F(AgentRegistryTest, DisconnectClosesEveryChannelOfTheAgentWithTheStatus) {
  OpenHealth("a1");
  OpenHealth("a1");
  OpenSync("a1", "r1");
  OpenSync("a1", "r2");
  OpenHealth("a2");
  OpenSync("a2", "x");
  const absl::Status why = absl::UnauthenticatedError("agent token has been revoked");
  registry_.Disconnect("a1", why);

  for (int i : {0, 1}) {
    ASSERT_TRUE(health_[i]->closed().has_value()) << i;
    EXPECT_EQ(*health_[i]->closed(), why);
    ASSERT_TRUE(sync_[i]->closed().has_value()) << i;
    EXPECT_EQ(*sync_[i]->closed(), why);
  }
  EXPECT_FALSE(health_[2]->closed().has_value());
  EXPECT_FALSE(sync_[2]->closed().has_value());

  registry_.Disconnect("nobody", why);  // no-op
}

}  // namespace
}  // namespace gov::hub
