#include "src/hub/agent_registry.h"

namespace gov::hub {

AgentRegistry::ConnId AgentRegistry::HealthOpened(const std::string& agent_id,
                                                  std::shared_ptr<HealthChannel> channel) {
  std::lock_guard<std::mutex> lock(mu_);
  ConnId id = next_id_++;
  agents_[agent_id].health[id] = HealthConn{std::move(channel), clock_->Now(), std::nullopt, {}};
  return id;
}

void AgentRegistry::Heartbeat(const std::string& agent_id, ConnId conn,
                              const governance::v1::Heartbeat& hb) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) return;
  auto h = it->second.health.find(conn);
  if (h == it->second.health.end()) return;
  h->second.last_heartbeat = clock_->Now();
  h->second.last = hb;
}

void AgentRegistry::HealthClosed(const std::string& agent_id, ConnId conn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) return;
  it->second.health.erase(conn);
  if (it->second.health.empty() && it->second.sync.empty()) agents_.erase(it);
}

AgentRegistry::ConnId AgentRegistry::SyncOpened(const std::string& agent_id,
                                                const std::string& replica_id,
                                                std::shared_ptr<SyncChannel> channel) {
  std::lock_guard<std::mutex> lock(mu_);
  ConnId id = next_id_++;
  agents_[agent_id].sync[id] = SyncConn{replica_id, std::move(channel), clock_->Now()};
  return id;
}

void AgentRegistry::SyncClosed(const std::string& agent_id, ConnId conn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) return;
  it->second.sync.erase(conn);
  if (it->second.health.empty() && it->second.sync.empty()) agents_.erase(it);
}

std::optional<AgentRegistry::SyncTarget> AgentRegistry::SyncTargetFor(
    const std::string& agent_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = agents_.find(agent_id);
  if (it == agents_.end() || it->second.sync.empty()) return std::nullopt;
  AgentLiveView view = ViewLocked(agent_id);
  const SyncConn* best = nullptr;
  ConnId best_id = 0;
  for (const auto& [id, c] : it->second.sync) {
    bool is_leader = !view.leader.empty() && c.replica_id == view.leader;
    if (is_leader || best == nullptr ||
        (best->replica_id != view.leader && c.connected_at >= best->connected_at)) {
      best = &c;
      best_id = id;
      if (is_leader) break;
    }
  }
  return SyncTarget{best_id, best->channel};
}

AgentLiveView AgentRegistry::ViewLocked(const std::string& agent_id) const {
  AgentLiveView view;
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) return view;
  absl::Time now = clock_->Now();
  std::map<std::string, ReplicaView> replicas;
  std::optional<absl::Time> leader_at;  // heartbeat time of the chosen leader claim
  for (const auto& [id, h] : it->second.health) {
    const std::string& rid = h.last.replica_id();
    ReplicaView& r = replicas[rid];
    r.replica_id = rid;
    r.connected_at = h.connected_at;
    if (h.last_heartbeat) {
      r.last_heartbeat = h.last_heartbeat;
      r.leader = h.last.leader();
      r.version = h.last.agent_version();
      const bool live = now - *h.last_heartbeat <= heartbeat_timeout_;
      if (live) view.active = true;
      if (!view.last_heartbeat || *h.last_heartbeat >= *view.last_heartbeat) {
        view.last_heartbeat = h.last_heartbeat;
        view.version = h.last.agent_version();
        view.last = h.last;
        view.has_heartbeat_data = true;
      }
      // During a hand-over two replicas may claim the lease: the newest live claim wins;
      // a silent replica's old claim does not count.
      if (live && h.last.leader() && (!leader_at || *h.last_heartbeat >= *leader_at)) {
        view.leader = rid;
        leader_at = h.last_heartbeat;
      }
    }
  }
  for (const auto& [id, s] : it->second.sync) {
    if (replicas.count(s.replica_id)) replicas[s.replica_id].sync_stream_open = true;
  }
  for (auto& [rid, r] : replicas) view.replicas.push_back(r);
  return view;
}

AgentLiveView AgentRegistry::View(const std::string& agent_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return ViewLocked(agent_id);
}

std::vector<std::string> AgentRegistry::ActiveAgents() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, e] : agents_) {
    if (ViewLocked(id).active) out.push_back(id);
  }
  return out;
}

size_t AgentRegistry::OpenStreams() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [id, e] : agents_) n += e.health.size() + e.sync.size();
  return n;
}

void AgentRegistry::Disconnect(const std::string& agent_id, const absl::Status& status) {
  std::vector<std::shared_ptr<HealthChannel>> health;
  std::vector<std::shared_ptr<SyncChannel>> sync;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = agents_.find(agent_id);
    if (it == agents_.end()) return;
    for (auto& [id, h] : it->second.health) health.push_back(h.channel);
    for (auto& [id, s] : it->second.sync) sync.push_back(s.channel);
  }
  for (auto& h : health) h->Close(status);
  for (auto& s : sync) s->Close(status);
}

}  // namespace gov::hub
