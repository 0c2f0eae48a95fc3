#include "src/hub/agent_service.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/common/logging.h"
#include "src/hub/stream_core.h"

namespace gov::hub {

namespace pb = governance::v1;

namespace {

absl::StatusOr<VerifiedToken> Authenticate(TokenService* tokens, grpc::CallbackServerContext* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError(
        "missing agent token: send \"authorization: Bearer <token>\" metadata");
  }
  std::string value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "bearer ";
  if (value.size() > kBearer.size() && absl::StartsWithIgnoreCase(value, kBearer)) {
    value = value.substr(kBearer.size());
  }
  return tokens->Verify(value);
}

using HealthCore = StreamCore<pb::HealthUpstream, pb::HealthDownstream, HealthChannel>;
using SyncCore = StreamCore<pb::SyncUpstream, pb::SyncDownstream, SyncChannel>;

class HealthReactor : public grpc::ServerBidiReactor<pb::HealthUpstream, pb::HealthDownstream> {
 public:
  HealthReactor(AgentService* service, grpc::CallbackServerContext* ctx)
      : service_(service), core_(std::make_shared<HealthCore>(this)) {
    auto verified = Authenticate(service->tokens(), ctx);
    if (!verified.ok()) {
      GetLogger("hub.grpc")
          ->warn("health stream from {} rejected: {}", ctx->peer(), verified.status().message());
      core_->Finish(ToGrpcStatus(verified.status()));
      return;
    }
    agent_id_ = verified->agent_id;
    conn_ = service->registry()->HealthOpened(agent_id_, core_);
    GetLogger("hub.grpc")
        ->info("agent {} opened its health stream from {}", agent_id_, ctx->peer());
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      core_->Finish(grpc::Status::OK);
      return;
    }
    if (in_.has_heartbeat()) {
      const pb::Heartbeat& hb = in_.heartbeat();
      service_->registry()->Heartbeat(agent_id_, conn_, hb);
      pb::HealthDownstream ack;
      ack.mutable_ack()->set_server_time_unix_ms(absl::ToUnixMillis(service_->clock()->Now()));
      ack.mutable_ack()->set_agent_id(agent_id_);
      core_->Send(ack);
      AgentService* service = service_;
      std::string agent_id = agent_id_;
      service_->executor()->Post(
          [service, agent_id, hb] { service->PersistHeartbeat(agent_id, hb); });
    }
    core_->ResumeRead(&in_);
  }

  void OnWriteDone(bool ok) override { core_->WriteDone(ok); }

  void OnDone() override {
    if (conn_ != 0) {
      service_->registry()->HealthClosed(agent_id_, conn_);
      GetLogger("hub.grpc")->info("agent {} closed its health stream", agent_id_);
    }
    core_->Detach();
    delete this;
  }

 private:
  AgentService* service_;
  std::shared_ptr<HealthCore> core_;
  std::string agent_id_;
  AgentRegistry::ConnId conn_ = 0;
  pb::HealthUpstream in_;
};

class SyncReactor : public grpc::ServerBidiReactor<pb::SyncUpstream, pb::SyncDownstream> {
 public:
  SyncReactor(AgentService* service, grpc::CallbackServerContext* ctx)
      : service_(service), core_(std::make_shared<SyncCore>(this)) {
    auto verified = Authenticate(service->tokens(), ctx);
    if (!verified.ok()) {
      GetLogger("hub.grpc")
          ->warn("sync stream from {} rejected: {}", ctx->peer(), verified.status().message());
      core_->Finish(ToGrpcStatus(verified.status()));
      return;
    }
    state_ = std::make_shared<State>();
    state_->agent_id = verified->agent_id;
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      core_->Finish(grpc::Status::OK);
      return;
    }
    if (in_.has_hello() && state_->conn == 0) {
      state_->conn =
          service_->registry()->SyncOpened(state_->agent_id, in_.hello().replica_id(), core_);
      GetLogger("hub.grpc")
          ->info("agent {} opened its sync stream (replica {})", state_->agent_id,
                 in_.hello().replica_id());
      core_->ResumeRead(&in_);
      return;
    }
    if (state_->conn == 0) {
      core_->Finish(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                 "the first message on the sync stream must be SyncHello"));
      return;
    }
    // Handle on the executor, then read the next message: stream order is kept and a
    // slow database slows the agent down instead of piling messages up in memory.
    auto msg = std::make_shared<pb::SyncUpstream>(std::move(in_));
    in_.Clear();
    std::shared_ptr<SyncCore> core = core_;
    std::shared_ptr<State> state = state_;
    SyncManager* syncs = service_->syncs();
    pb::SyncUpstream* buffer = &in_;
    service_->executor()->Post([core, state, syncs, msg, buffer] {
      absl::Status st;
      switch (msg->msg_case()) {
        case pb::SyncUpstream::kBegin:
          st = syncs->OnBegin(state->agent_id, state->conn, msg->begin());
          break;
        case pb::SyncUpstream::kBatch:
          st = syncs->OnBatch(state->agent_id, msg->batch());
          break;
        case pb::SyncUpstream::kProviderComplete:
          st = syncs->OnProviderComplete(state->agent_id, msg->provider_complete());
          break;
        case pb::SyncUpstream::kEnd:
          st = syncs->OnEnd(state->agent_id, msg->end());
          break;
        case pb::SyncUpstream::kCoalesced:
          st = syncs->OnCoalesced(state->agent_id, msg->coalesced());
          break;
        default:
          break;
      }
      if (!st.ok()) {
        GetLogger("hub.grpc")
            ->warn("agent {}: sync message ignored: {}", state->agent_id, st.message());
      }
      // `buffer` belongs to the reactor; ResumeRead only touches it while the reactor lives.
      core->ResumeRead(buffer);
    });
  }

  void OnWriteDone(bool ok) override { core_->WriteDone(ok); }

  void OnDone() override {
    core_->Detach();
    if (state_ && state_->conn != 0) {
      service_->registry()->SyncClosed(state_->agent_id, state_->conn);
      std::shared_ptr<State> state = state_;
      SyncManager* syncs = service_->syncs();
      service_->executor()->Post(
          [state, syncs] { syncs->OnStreamClosed(state->agent_id, state->conn); });
      GetLogger("hub.grpc")->info("agent {} closed its sync stream", state_->agent_id);
    }
    delete this;
  }

 private:
  struct State {
    std::string agent_id;
    AgentRegistry::ConnId conn = 0;
  };
  AgentService* service_;
  std::shared_ptr<SyncCore> core_;
  std::shared_ptr<State> state_;
  pb::SyncUpstream in_;
};

}  // namespace

grpc::ServerBidiReactor<pb::HealthUpstream, pb::HealthDownstream>* AgentService::Health(
    grpc::CallbackServerContext* context) {
  return new HealthReactor(this, context);
}

grpc::ServerBidiReactor<pb::SyncUpstream, pb::SyncDownstream>* AgentService::Sync(
    grpc::CallbackServerContext* context) {
  return new SyncReactor(this, context);
}

void AgentService::PersistHeartbeat(const std::string& agent_id, const pb::Heartbeat& hb) {
  absl::Time now = clock_->Now();
  absl::Status st = storage_->Transact([&](storage::Store& s) -> absl::Status {
    auto agent = s.GetAgent(agent_id);
    if (!agent.ok()) return agent.status();
    if (!agent->has_value()) return absl::OkStatus();  // deleted meanwhile
    storage::Agent a = **agent;
    a.last_heartbeat = now;
    a.version = hb.agent_version();
    a.warnings.assign(hb.warnings().begin(), hb.warnings().end());
    auto updated = s.UpdateAgent(a);
    if (!updated.ok()) return updated.status();
    for (const auto& ps : hb.providers()) {
      auto existing = s.GetProvider(agent_id, ps.name());
      if (!existing.ok()) return existing.status();
      storage::Provider p = existing->value_or(storage::Provider{});
      p.agent_id = agent_id;
      p.name = ps.name();
      p.type = ps.type();
      p.details = {ps.details().begin(), ps.details().end()};
      if (ps.status() == "OK") {
        p.connection_status = "CONNECTED";
        p.error.clear();
      } else if (ps.status() == "ERROR") {
        p.connection_status = "ERROR";
        p.error = ps.error();
      }
      p.updated_at = now;
      absl::Status up = s.UpsertProvider(p);
      if (!up.ok()) return up;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) {
    GetLogger("hub.grpc")
        ->error("agent {}: could not store heartbeat: {}", agent_id, st.ToString());
  }
}

}  // namespace gov::hub
