// Agent: the governance agent process, assembled in order and torn down in reverse.
//
// Start-up: providers (from config) -> status board -> sync runner -> hub client (created)
// -> sync schedule (asks the hub client for syncs; the hub client reports it in heartbeats)
// -> health probe -> hub client started (connects, heartbeats, syncs) -> schedule driver.
// Shutdown in reverse: schedule driver stopped -> hub client (streams closed, running sync
// cancelled) -> health probe.
//
// Thread-safety: Start/Shutdown from the main thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "src/agent/config/agent_config.h"
#include "src/agent/health_probe.h"
#include "src/agent/hub_client.h"
#include "src/agent/provider.h"
#include "src/agent/provider_status.h"
#include "src/agent/sync_runner.h"
#include "src/agent/sync_schedule.h"
#include "src/common/clock.h"
#include "src/common/http_client.h"
#include "src/common/random.h"

namespace gov::agent {

class Agent {
 public:
  Agent(AgentConfig config, std::vector<std::string> warnings, Clock* clock, Random* random);
  ~Agent();

  absl::Status Start();
  void Shutdown();
  int health_port() const { return health_port_; }

 private:
  AgentConfig config_;
  std::vector<std::string> warnings_;
  Clock* clock_;
  Random* random_;
  std::unique_ptr<HttpClient> http_;
  std::vector<std::unique_ptr<Provider>> providers_;
  ProviderStatusBoard board_;
  std::unique_ptr<SyncRunner> runner_;
  std::unique_ptr<HubClient> hub_;
  std::unique_ptr<AgentSyncSchedule> schedule_;  // read by hub_'s heartbeats: outlives it
  std::unique_ptr<HealthProbe> probe_;
  int health_port_ = 0;
};

// Builds the providers of the config. Unknown types are an error naming the instance.
absl::StatusOr<std::vector<std::unique_ptr<Provider>>> MakeProviders(const AgentConfig& config,
                                                                     HttpClient* http, Clock* clock,
                                                                     Random* random);

// The replica identity: POD_NAME when set, else hostname-pid.
std::string ReplicaId(const AgentConfig& config);

}  // namespace gov::agent
