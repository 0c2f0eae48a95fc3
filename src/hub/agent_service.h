// AgentService: the hub's gRPC endpoint for agents, on the callback API (no thread per
// stream). Each call is authenticated from its "authorization: Bearer <jwt>" metadata;
// a bad token finishes the call with UNAUTHENTICATED and the reason.
//
// Health stream: each heartbeat updates the AgentRegistry at once (so status is exact)
// and is persisted on the serial executor; the hub acknowledges every heartbeat.
// Sync stream: messages are handed to the SyncManager on the serial executor in stream
// order; the next read starts only after a message is handled (natural backpressure).
//
// Thread-safety: gRPC calls the reactors from its own threads; shared state lives in
// the registry and sync manager, which are thread-safe.
#pragma once

#include "governance/v1/agent.grpc.pb.h"
#include "src/common/clock.h"
#include "src/common/serial_executor.h"
#include "src/hub/agent_registry.h"
#include "src/hub/sync_manager.h"
#include "src/hub/token_service.h"
#include "src/storage/storage.h"

namespace gov::hub {

class AgentService final : public governance::v1::AgentService::CallbackService {
 public:
  AgentService(TokenService* tokens, AgentRegistry* registry, SyncManager* syncs,
               storage::Storage* storage, SerialExecutor* executor, Clock* clock)
      : tokens_(tokens),
        registry_(registry),
        syncs_(syncs),
        storage_(storage),
        executor_(executor),
        clock_(clock) {}

  grpc::ServerBidiReactor<governance::v1::HealthUpstream, governance::v1::HealthDownstream>* Health(
      grpc::CallbackServerContext* context) override;
  grpc::ServerBidiReactor<governance::v1::SyncUpstream, governance::v1::SyncDownstream>* Sync(
      grpc::CallbackServerContext* context) override;

  // Persists a heartbeat: agent version/last heartbeat and its providers' status.
  void PersistHeartbeat(const std::string& agent_id, const governance::v1::Heartbeat& hb);

  TokenService* tokens() const { return tokens_; }
  AgentRegistry* registry() const { return registry_; }
  SyncManager* syncs() const { return syncs_; }
  SerialExecutor* executor() const { return executor_; }
  Clock* clock() const { return clock_; }

 private:
  TokenService* tokens_;
  AgentRegistry* registry_;
  SyncManager* syncs_;
  storage::Storage* storage_;
  SerialExecutor* executor_;
  Clock* clock_;
};

}  // namespace gov::hub
