// The hub's gRPC agent service refuses every stream whose token is not a live token of
// an existing agent, on both streams, with UNAUTHENTICATED and a message saying which
// check failed; and a token revoked while its streams are open closes them.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/hub_harness.h"

namespace gov::integration {
namespace {

namespace pb = governance::v1;
using ::testing::HasSubstr;

class AgentServiceAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(hub_.Start().ok());
    auto id = hub_.CreateAgent("auth-agent");
    ASSERT_TRUE(id.ok()) << id.status();
    agent_id_ = *id;
    stub_ = hub_.NewStub();
  }

  // Opens a Health stream with `token`, sends a heartbeat and returns how the call ended;
  // the hub must not acknowledge anything.
  grpc::Status HealthOutcome(const std::string& token) {
    auto call = OpenHealth(*stub_, token, absl::Seconds(10));
    call->stream->Write(Heartbeat("replica-1"));  // may fail: the hub may have finished already
    pb::HealthDownstream in;
    EXPECT_FALSE(call->stream->Read(&in))
        << "the hub answered a rejected stream: " << in.ShortDebugString();
    call->stream->WritesDone();
    return call->stream->Finish();
  }

  // Same for the Sync stream, starting with SyncHello.
  grpc::Status SyncOutcome(const std::string& token) {
    auto call = OpenSync(*stub_, token, absl::Seconds(10));
    pb::SyncUpstream hello;
    hello.mutable_hello()->set_replica_id("replica-1");
    call->stream->Write(hello);
    pb::SyncDownstream in;
    EXPECT_FALSE(call->stream->Read(&in))
        << "the hub answered a rejected stream: " << in.ShortDebugString();
    call->stream->WritesDone();
    return call->stream->Finish();
  }

  void ExpectRejected(const std::string& token, const std::string& reason) {
    grpc::Status health = HealthOutcome(token);
    EXPECT_EQ(health.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << "Health: " << health.error_message();
    EXPECT_THAT(health.error_message(), HasSubstr(reason)) << "Health";
    grpc::Status sync = SyncOutcome(token);
    EXPECT_EQ(sync.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << "Sync: " << sync.error_message();
    EXPECT_THAT(sync.error_message(), HasSubstr(reason)) << "Sync";
  }

  HubHarness hub_;
  std::string agent_id_;
  std::unique_ptr<pb::AgentService::Stub> stub_;
};

TEST_F(AgentServiceAuthTest, NoMetadataIsRejectedAsMissingToken) {
  ExpectRejected("", "missing agent token");
  // The message tells the operator what to send.
  EXPECT_THAT(HealthOutcome("").error_message(), HasSubstr("authorization: Bearer"));
}

TEST_F(AgentServiceAuthTest, MalformedTokensAreRejectedAsMalformed) {
  ExpectRejected("abc", "malformed agent token");
  ExpectRejected("a.b", "malformed agent token");
  ExpectRejected("a.b.c.d", "malformed agent token");
  ExpectRejected("not base64!.x.y", "malformed agent token");
}

TEST_F(AgentServiceAuthTest, TokenSignedWithAnotherSecretIsRejectedAsBadSignature) {
  std::string forged = ForeignJwt(agent_id_, "some-other-hub-secret");
  ASSERT_FALSE(forged.empty());
  ExpectRejected(forged, "signature verification failed");
}

TEST_F(AgentServiceAuthTest, TokenRevokedByANewerOneIsRejectedAsRevoked) {
  auto first = hub_.IssueToken(agent_id_);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = hub_.IssueToken(agent_id_);
  ASSERT_TRUE(second.ok()) << second.status();

  ExpectRejected(*first, "agent token has been revoked");

  // The newer token works.
  auto call = OpenHealth(*stub_, *second);
  ASSERT_TRUE(call->stream->Write(Heartbeat("replica-1")));
  pb::HealthDownstream ack;
  ASSERT_TRUE(call->stream->Read(&ack)) << call->stream->Finish().error_message();
  EXPECT_EQ(ack.ack().agent_id(), agent_id_);
  call->stream->WritesDone();
  EXPECT_TRUE(call->stream->Finish().ok());
}

TEST_F(AgentServiceAuthTest, TokenOfDeletedAgentIsRejectedAsAgentGone) {
  auto token = hub_.IssueToken(agent_id_);
  ASSERT_TRUE(token.ok()) << token.status();
  HttpReply deleted = hub_.Delete("/api/agents/" + agent_id_);
  ASSERT_EQ(deleted.status, 200) << deleted.text;

  ExpectRejected(*token, "the agent of this token no longer exists");
}

TEST_F(AgentServiceAuthTest, IssuingANewTokenClosesStreamsOpenedWithTheOldOne) {
  auto token = hub_.IssueToken(agent_id_);
  ASSERT_TRUE(token.ok()) << token.status();
  auto health = OpenHealth(*stub_, *token);
  ASSERT_TRUE(health->stream->Write(Heartbeat("replica-1")));
  pb::HealthDownstream ack;
  ASSERT_TRUE(health->stream->Read(&ack));
  auto sync = OpenSync(*stub_, *token);
  pb::SyncUpstream hello;
  hello.mutable_hello()->set_replica_id("replica-1");
  ASSERT_TRUE(sync->stream->Write(hello));
  ASSERT_TRUE(WaitUntil(absl::Seconds(10), [&] {
    HttpReply a = hub_.Get("/api/agents/" + agent_id_);
    return a.body.is_object() && !a.body["replicas"].empty() &&
           a.body["replicas"][0]["sync_stream"] == true;
  })) << "the hub never registered the sync stream";

  ASSERT_TRUE(hub_.IssueToken(agent_id_).ok());

  pb::HealthDownstream more;
  EXPECT_FALSE(health->stream->Read(&more));
  grpc::Status hs = health->stream->Finish();
  EXPECT_EQ(hs.error_code(), grpc::StatusCode::UNAUTHENTICATED) << hs.error_message();
  EXPECT_THAT(hs.error_message(), HasSubstr("a new token was issued"));
  pb::SyncDownstream request;
  EXPECT_FALSE(sync->stream->Read(&request));
  grpc::Status ss = sync->stream->Finish();
  EXPECT_EQ(ss.error_code(), grpc::StatusCode::UNAUTHENTICATED) << ss.error_message();
  EXPECT_THAT(ss.error_message(), HasSubstr("a new token was issued"));
}

TEST_F(AgentServiceAuthTest, DeletingTheAgentClosesItsOpenStreams) {
  auto token = hub_.IssueToken(agent_id_);
  ASSERT_TRUE(token.ok()) << token.status();
  auto health = OpenHealth(*stub_, *token);
  ASSERT_TRUE(health->stream->Write(Heartbeat("replica-1")));
  pb::HealthDownstream ack;
  ASSERT_TRUE(health->stream->Read(&ack));

  ASSERT_EQ(hub_.Delete("/api/agents/" + agent_id_).status, 200);

  pb::HealthDownstream more;
  EXPECT_FALSE(health->stream->Read(&more));
  grpc::Status hs = health->stream->Finish();
  EXPECT_EQ(hs.error_code(), grpc::StatusCode::UNAUTHENTICATED) << hs.error_message();
  EXPECT_THAT(hs.error_message(), HasSubstr("deleted"));
}

}  // namespace
}  // namespace gov::integration
