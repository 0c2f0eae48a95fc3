// The hub serves agent streams on gRPC's callback API: 200 open Health streams (20
// agents, 10 replicas each) cost far fewer than 200 threads. Client and hub share this
// process, so the count below covers both sides; the client's synchronous streams add no
// thread per call either.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/hub_harness.h"

namespace gov::integration {
namespace {

namespace pb = governance::v1;
using nlohmann::json;
using ::testing::HasSubstr;

constexpr int kAgents = 20;
constexpr int kStreams = 200;
// Far fewer than one per stream: a handful of pool threads is expected.
constexpr int kMaxExtraThreads = 40;

TEST(AgentServiceThreadsTest, TwoHundredHealthStreamsDoNotTakeAThreadEach) {
  HubHarness hub;
  ASSERT_TRUE(hub.Start().ok());
  std::vector<std::string> ids;
  std::vector<std::string> tokens;
  std::vector<std::unique_ptr<pb::AgentService::Stub>> stubs;
  for (int i = 0; i < kAgents; ++i) {
    auto id = hub.CreateAgent(absl::StrCat("agent-", i));
    ASSERT_TRUE(id.ok()) << id.status();
    auto token = hub.IssueToken(*id);
    ASSERT_TRUE(token.ok()) << token.status();
    ids.push_back(*id);
    tokens.push_back(*token);
    stubs.push_back(hub.NewStub());
  }

  // Warm up: one full round trip, so both sides' gRPC pools exist before the baseline.
  {
    auto warm = OpenHealth(*stubs[0], tokens[0]);
    ASSERT_TRUE(warm->stream->Write(Heartbeat("warm-up")));
    pb::HealthDownstream ack;
    ASSERT_TRUE(warm->stream->Read(&ack));
    warm->stream->WritesDone();
    ASSERT_TRUE(warm->stream->Finish().ok());
  }
  const int before = ThreadCount();

  std::vector<std::unique_ptr<HealthCall>> calls;
  int peak = before;
  for (int i = 0; i < kStreams; ++i) {
    const int agent = i % kAgents;
    auto call = OpenHealth(*stubs[agent], tokens[agent], absl::Seconds(120));
    ASSERT_TRUE(call->stream->Write(Heartbeat(absl::StrCat("replica-", i), {{"p1", "tyk"}})))
        << "stream " << i;
    pb::HealthDownstream ack;
    ASSERT_TRUE(call->stream->Read(&ack))
        << "stream " << i << ": " << call->stream->Finish().error_message();
    ASSERT_EQ(ack.ack().agent_id(), ids[agent]) << "stream " << i;
    calls.push_back(std::move(call));
    peak = std::max(peak, ThreadCount());
  }

  // Every stream is open on the hub, every agent ACTIVE with its ten replicas.
  HttpReply metrics = hub.Get("/metrics");
  EXPECT_THAT(metrics.raw, HasSubstr(absl::StrCat("governance_agent_streams_open ", kStreams)));
  EXPECT_THAT(metrics.raw, HasSubstr(absl::StrCat("governance_agents_active ", kAgents)));
  json agent = hub.Get("/api/agents/" + ids[7]).body;
  EXPECT_EQ(agent["status"], "ACTIVE");
  EXPECT_EQ(agent["replicas"].size(), static_cast<size_t>(kStreams / kAgents));

  const int open = ThreadCount();
  peak = std::max(peak, open);
  std::cout << "[threads] before: " << before << ", with " << kStreams
            << " open health streams: " << open << ", peak: " << peak
            << ", growth: " << (peak - before) << std::endl;
  ::testing::Test::RecordProperty("threads_before", before);
  ::testing::Test::RecordProperty("threads_open", open);
  ::testing::Test::RecordProperty("threads_peak", peak);
  EXPECT_LT(peak - before, kMaxExtraThreads)
      << "opening " << kStreams << " streams grew the process from " << before << " to " << peak
      << " threads";

  // A second heartbeat on every stream is still acknowledged (they are live, not parked).
  for (int i = 0; i < kStreams; ++i) {
    ASSERT_TRUE(calls[i]->stream->Write(Heartbeat(absl::StrCat("replica-", i), {{"p1", "tyk"}})));
    pb::HealthDownstream ack;
    ASSERT_TRUE(calls[i]->stream->Read(&ack)) << "stream " << i;
  }
  peak = std::max(peak, ThreadCount());
  EXPECT_LT(peak - before, kMaxExtraThreads);

  for (auto& call : calls) {
    call->stream->WritesDone();
    EXPECT_TRUE(call->stream->Finish().ok());
  }
  EXPECT_TRUE(WaitUntil(absl::Seconds(15), [&] {
    return hub.Get("/metrics").raw.find("governance_agents_active 0\n") != std::string::npos;
  })) << hub.Get("/metrics").raw;
  std::cout << "[threads] after closing: " << ThreadCount() << std::endl;
}

}  // namespace
}  // namespace gov::integration
