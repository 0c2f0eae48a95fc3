// SyncManager: runs syncs on the hub side. It records each sync (trigger, state,
// per-provider counts), sends hub-initiated requests on the agent's sync stream,
// collects the agent's batches per provider, and applies a provider's listing through
// the Reconciler - in one transaction - when that provider's completion marker arrives.
//
// A provider whose completion marker reports an error, whose count disagrees with what
// arrived, or that never completes (stream closed, sync timed out) deletes nothing. A
// provider whose deletions the mass-deletion guard held is PARTIAL, as is its sync.
// One sync runs per agent at a time.
//
// Thread-safety: all methods are safe from any thread. Stream events of one agent must be
// delivered in stream order (the gRPC service does this).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "governance/v1/agent.pb.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/hub/agent_registry.h"
#include "src/hub/reconciler.h"
#include "src/hub/sync_scheduler.h"
#include "src/storage/storage.h"

namespace gov::hub {

class SyncManager : public SyncStarter {
 public:
  SyncManager(storage::Storage* storage, AgentRegistry* registry, Clock* clock, Random* random,
              absl::Duration sync_timeout, DeletionGuard guard = {});

  // Starts a hub-initiated sync of one agent (all providers, or `provider`).
  // NotFound: no such agent. FailedPrecondition: agent not connected. AlreadyExists: a
  // sync is running (its id is in the message). InvalidArgument: unknown provider.
  absl::StatusOr<storage::Sync> Trigger(const std::string& agent_id, const std::string& provider,
                                        storage::SyncTrigger trigger) override;
  bool IsConnected(const std::string& agent_id) const override {
    return registry_->IsActive(agent_id);
  }

  // Events from an agent's sync stream, in stream order.
  absl::Status OnBegin(const std::string& agent_id, AgentRegistry::ConnId conn,
                       const governance::v1::SyncBegin& begin);
  absl::Status OnBatch(const std::string& agent_id, const governance::v1::ApiBatch& batch);
  absl::Status OnProviderComplete(const std::string& agent_id,
                                  const governance::v1::ProviderComplete& done);
  absl::Status OnEnd(const std::string& agent_id, const governance::v1::SyncEnd& end);
  // The sync stream closed: any sync it carried fails (nothing deleted).
  void OnStreamClosed(const std::string& agent_id, AgentRegistry::ConnId conn);

  // Applies the deletions a finished sync held (Reconciler::ApplyHeld), for one provider
  // or every held one. FailedPrecondition while the sync still runs.
  absl::StatusOr<storage::Sync> ApplyHeldDeletions(const std::string& sync_id,
                                                   const std::string& provider);

  // Fails syncs running longer than the timeout. Called periodically.
  void Sweep();
  // Marks syncs left RUNNING/PENDING by an earlier hub process as FAILED.
  absl::Status FailInterrupted();

  // The live state of a running sync (progress counts), if it is running here.
  std::optional<storage::Sync> Live(const std::string& sync_id) const;
  std::optional<std::string> RunningSyncOf(const std::string& agent_id) const;
  std::optional<std::string> Coalesce(const std::string& agent_id, const std::string& provider,
                                      const storage::CoalescedTrigger& trigger) override;
  // The agent folded one of its own triggers into a sync (SyncCoalesced): recorded on
  // that sync; only logged when the message names none (a sync the agent has not begun).
  absl::Status OnCoalesced(const std::string& agent_id, const governance::v1::SyncCoalesced& msg);

 private:
  struct Active {
    storage::Sync record;
    AgentRegistry::ConnId conn = 0;
    std::map<std::string, std::vector<IncomingApi>> staged;  // provider -> APIs
    std::map<std::string, std::string> provider_types;
    int applying = 0;  // listings being written now; the sync cannot time out meanwhile
  };

  storage::ProviderSync& ProviderEntry(Active& a, const std::string& name, const std::string& type);
  absl::Status Persist(const storage::Sync& sync);
  // Appends `trigger` to sync `sync_id` of the agent (live or stored); false when the
  // agent has no such sync.
  absl::StatusOr<bool> AddCoalesced(const std::string& agent_id, const std::string& sync_id,
                                    const storage::CoalescedTrigger& trigger);
  // Finishes a sync: providers without completion fail with `reason`.
  void FinishLocked(const std::string& sync_id, const std::string& reason);

  storage::Storage* storage_;
  AgentRegistry* registry_;
  Clock* clock_;
  Random* random_;
  Reconciler reconciler_;
  absl::Duration sync_timeout_;

  mutable std::mutex mu_;
  std::map<std::string, Active> active_;         // sync id -> state
  std::map<std::string, std::string> by_agent_;  // agent id -> running sync id
};

// Converts a protocol ApiDefinition into a repository record (normalized fields only).
IncomingApi FromProto(const governance::v1::ApiDefinition& def);

}  // namespace gov::hub
