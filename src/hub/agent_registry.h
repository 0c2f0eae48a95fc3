// AgentRegistry: the hub's live view of connected agents - which replicas have a health
// stream open, when each last sent a heartbeat, what it reported (version, leader,
// providers), and which sync streams are open.
//
// An agent is ACTIVE while at least one replica's health stream is open and its last
// heartbeat is younger than the heartbeat timeout (judged by the injected clock).
//
// Thread-safety: every method is safe from any thread (one internal mutex). Channels are
// never called while the mutex is held.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "governance/v1/agent.pb.h"
#include "src/common/clock.h"
#include "src/hub/channels.h"

namespace gov::hub {

struct ReplicaView {
  std::string replica_id;
  bool leader = false;
  std::string version;
  absl::Time connected_at;
  std::optional<absl::Time> last_heartbeat;
  bool sync_stream_open = false;
};

struct AgentLiveView {
  bool active = false;
  std::optional<absl::Time> last_heartbeat;  // newest over all replicas
  std::string version;                       // of the newest heartbeat
  std::vector<ReplicaView> replicas;
  std::string leader;  // replica of the newest live leader claim, if any
  bool has_heartbeat_data = false;
  governance::v1::Heartbeat last;  // the newest heartbeat (providers, warnings)
};

class AgentRegistry {
 public:
  AgentRegistry(Clock* clock, absl::Duration heartbeat_timeout)
      : clock_(clock), heartbeat_timeout_(heartbeat_timeout) {}

  using ConnId = uint64_t;

  ConnId HealthOpened(const std::string& agent_id, std::shared_ptr<HealthChannel> channel);
  void Heartbeat(const std::string& agent_id, ConnId conn, const governance::v1::Heartbeat& hb);
  void HealthClosed(const std::string& agent_id, ConnId conn);

  ConnId SyncOpened(const std::string& agent_id, const std::string& replica_id,
                    std::shared_ptr<SyncChannel> channel);
  void SyncClosed(const std::string& agent_id, ConnId conn);
  // The channel to send sync requests on: the leader's sync stream, else the newest one.
  struct SyncTarget {
    ConnId conn = 0;
    std::shared_ptr<SyncChannel> channel;
  };
  std::optional<SyncTarget> SyncTargetFor(const std::string& agent_id) const;

  AgentLiveView View(const std::string& agent_id) const;
  bool IsActive(const std::string& agent_id) const { return View(agent_id).active; }
  std::vector<std::string> ActiveAgents() const;
  size_t OpenStreams() const;

  // Closes every stream of the agent (deleted agent, revoked token).
  void Disconnect(const std::string& agent_id, const absl::Status& status);

  absl::Duration heartbeat_timeout() const { return heartbeat_timeout_; }

 private:
  struct HealthConn {
    std::shared_ptr<HealthChannel> channel;
    absl::Time connected_at;
    std::optional<absl::Time> last_heartbeat;
    governance::v1::Heartbeat last;
  };
  struct SyncConn {
    std::string replica_id;
    std::shared_ptr<SyncChannel> channel;
    absl::Time connected_at;
  };
  struct Entry {
    std::map<ConnId, HealthConn> health;
    std::map<ConnId, SyncConn> sync;
  };

  AgentLiveView ViewLocked(const std::string& agent_id) const;

  Clock* clock_;
  absl::Duration heartbeat_timeout_;
  mutable std::mutex mu_;
  ConnId next_id_ = 1;
  std::map<std::string, Entry> agents_;
};

}  // namespace gov::hub
