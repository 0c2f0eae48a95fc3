// HubClient: the agent's side of the agent-hub protocol. It keeps the two streams of
// proto/governance/v1/agent.proto open - Health (heartbeats every interval) and Sync
// (requests in, API batches out) - and reconnects with jittered exponential backoff when
// the hub is away, rejects the token, or a stream breaks.
//
// Syncs run one at a time on a worker thread, in arrival order: requests from the hub,
// the initial sync after each connection, and syncs the agent schedules itself
// (AgentSyncSchedule, which asks through RequestSync). A scheduled sync is never a second
// sync of everything: when one is already running or waiting it is coalesced into it and
// the hub is told with SyncCoalesced; when the hub is not connected it is skipped.
// Ready() is true while both streams are open and the hub has acknowledged a heartbeat;
// the health probe's /live reports it.
//
// Thread-safety: Start/Stop from the owning thread; every other method from any thread.
#pragma once

#include <grpcpp/security/credentials.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "governance/v1/agent.grpc.pb.h"
#include "src/agent/config/agent_config.h"
#include "src/agent/provider_status.h"
#include "src/agent/sync_runner.h"
#include "src/agent/sync_schedule.h"
#include "src/common/backoff.h"
#include "src/common/clock.h"
#include "src/common/random.h"

namespace gov::agent {

struct HubClientOptions {
  std::string target;  // host:port
  TlsConfig tls;
  std::string token;
  AgentConfig::Keepalive keepalive;
  absl::Duration heartbeat_interval = absl::Seconds(10);
  std::string replica_id;
  std::string version;
  std::vector<std::string> warnings;  // config warnings, reported in heartbeats
  bool initial_sync = true;
  BackoffPolicy backoff;
  // The agent's own schedule as reported in each heartbeat (Heartbeat.sync_schedule); unset:
  // not reported. Called from the connection thread.
  std::function<governance::v1::AgentSchedule()> sync_schedule;
  Clock* clock = RealClock();  // heartbeat and SyncCoalesced timestamps
};

// A sync on the worker: running, or waiting in the queue.
struct SyncWork {
  std::string sync_id;   // empty: agent-initiated, an id is made when it starts
  std::string provider;  // empty: every provider
  governance::v1::SyncTrigger trigger = governance::v1::SYNC_TRIGGER_MANUAL;
};

// What RequestSync decides for an agent-initiated `trigger`, without doing it (pure, so
// tests check it without a hub). `running` is the sync on the worker (null when idle; an
// agent-initiated one has no sync_id until its SyncBegin is being sent), `waiting` the queue in
// order.
//  - INITIAL: queued unless an agent-initiated sync already waits (then kCoalesced, which
//    RequestSync drops silently), connected or not.
//  - otherwise: kNotConnected when the hub is not connected; kCoalesced into the first
//    waiting sync of every provider, else into the running one when it is of every
//    provider (a sync of one provider does not stand for a sync of all); else kQueued.
SyncRequestOutcome DecideSyncRequest(governance::v1::SyncTrigger trigger, bool connected,
                                     const SyncWork* running, const std::deque<SyncWork>& waiting);

class HubClient {
 public:
  HubClient(HubClientOptions options, SyncRunner* runner, ProviderStatusBoard* board,
            Random* random);
  ~HubClient();

  void Start();
  void Stop();

  bool Ready() const { return ready_.load(); }
  std::string LastError() const;
  // True while a sync is running on the worker or waiting for it.
  bool Busy() const;
  // Asks for a sync the agent starts itself (AGENT_SCHEDULE, INITIAL), as DecideSyncRequest
  // says: kQueued queues it; kCoalesced (not INITIAL) sends SyncCoalesced to the hub and
  // logs it; kNotConnected queues nothing and logs a warning.
  SyncRequestOutcome RequestSync(governance::v1::SyncTrigger trigger);

 private:
  using Work = SyncWork;

  void ConnectionLoop(std::stop_token stop);
  // Sets *established once both streams are open and the hub acknowledged a heartbeat.
  absl::Status RunConnection(std::stop_token stop, bool* established);
  void SyncWorker(std::stop_token stop);
  bool WriteSync(const governance::v1::SyncUpstream& msg);
  governance::v1::HealthUpstream MakeHeartbeat() const;
  void SetError(const std::string& e);

  HubClientOptions options_;
  SyncRunner* runner_;
  ProviderStatusBoard* board_;
  Random* random_;

  std::atomic<bool> ready_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string last_error_;
  bool broken_ = false;  // a stream of the current connection failed
  std::deque<Work> queue_;
  std::optional<Work> running_;  // the sync on the worker (an agent id set as it is announced)
  std::stop_source sync_stop_;   // cancels the running sync when the connection drops

  std::mutex stream_mu_;
  std::shared_ptr<
      grpc::ClientReaderWriter<governance::v1::SyncUpstream, governance::v1::SyncDownstream>>
      sync_stream_;

  std::jthread connection_thread_;
  std::jthread worker_thread_;
};

// The gRPC channel credentials for the agent's TLS settings.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(const TlsConfig& tls);

}  // namespace gov::agent
