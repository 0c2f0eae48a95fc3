// AgentSyncSchedule: the agent's own sync schedule (syncSchedule.enabled,
// syncSchedule.intervalMinutes) - the "pull" model of the user's document, where the agent
// decides when to sync, regardless of any schedule on the hub.
//
// The schedule starts when it is constructed (time S). Its due times are S + k * interval
// for k = 1, 2, ... : the first run comes one interval after start-up, because the INITIAL
// sync of each connection covers start-up, and due times never drift however long a sync
// or a tick takes. Tick() looks at the clock: when a due time has passed it asks for a sync
// once - even if several due times passed (the process was suspended, the clock jumped
// forward) - and the next due time becomes the first one strictly after now. When the clock
// goes backwards the next due time is put back on the grid (the first grid point after
// now), so a clock set back does not stop the schedule for the length of the jump.
// A disabled schedule (or a non-positive interval) never asks.
//
// The class is pure logic driven by Tick() and an injected Clock, so tests drive it with
// FakeClock and never sleep. Start() runs a small driver thread calling Tick() about once
// a second; Stop() ends it at once (a condition-variable wait, not a sleep).
//
// What a request leads to is the requester's business (HubClient::RequestSync): a sync is
// queued, or folded into one already running or waiting (coalesced), or skipped because
// the hub is not connected; the requester logs and reports it.
//
// Thread-safety: Tick, NextDue and ToProto are safe from any thread. Start and Stop
// are called from the owning thread; the destructor stops the driver. The requester is
// called without the schedule's lock held, from the thread calling Tick.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "absl/time/time.h"
#include "governance/v1/agent.pb.h"
#include "src/common/clock.h"

namespace gov::agent {

// What became of a request for an agent-initiated sync.
struct SyncRequestOutcome {
  enum class Kind {
    kQueued,        // a sync was queued on the worker
    kCoalesced,     // a sync already running or waiting stands for it; none was started
    kNotConnected,  // the hub is not connected: nothing was queued
  };
  Kind kind = Kind::kQueued;
  // kCoalesced: the id of the sync that stands for this request; empty while that sync has
  // not started (its id is made when it starts).
  std::string sync_id;
  // kCoalesced: true when that sync is the one running, false when it is waiting.
  bool running = false;
};

std::string_view ToString(SyncRequestOutcome::Kind kind);

// Asks for an agent-initiated sync (AGENT_SCHEDULE) and says what became of it.
using SyncRequester = std::function<SyncRequestOutcome()>;

struct AgentSyncScheduleOptions {
  bool enabled = false;
  absl::Duration interval = absl::Minutes(60);
};

class AgentSyncSchedule {
 public:
  // The schedule starts now (clock->Now()). `clock` must outlive the schedule.
  AgentSyncSchedule(AgentSyncScheduleOptions options, Clock* clock, SyncRequester request);
  ~AgentSyncSchedule();

  AgentSyncSchedule(const AgentSyncSchedule&) = delete;
  AgentSyncSchedule& operator=(const AgentSyncSchedule&) = delete;

  // Handles "now": when the next due time has passed, calls the requester once and moves
  // the next due time to the first grid point strictly after now. Returns true when it
  // called the requester.
  bool Tick();

  bool enabled() const { return enabled_; }
  // When the schedule will next ask for a sync; nullopt when it is disabled.
  std::optional<absl::Time> NextDue() const;
  // The schedule as reported in heartbeats (next_at_unix_ms 0 when disabled).
  governance::v1::AgentSchedule ToProto() const;

  // Starts the driver thread: Tick() now and then every `period` until Stop(). Does nothing
  // for a disabled schedule or when already started.
  void Start(absl::Duration period = absl::Seconds(1));
  // Stops the driver thread, waiting for a Tick in progress. Idempotent.
  void Stop();

 private:
  // The first time S + k * interval (k any integer) strictly after `t`.
  absl::Time FirstDueAfter(absl::Time t) const;
  void Drive(std::stop_token stop, absl::Duration period);

  Clock* const clock_;
  const SyncRequester request_;
  const bool enabled_;
  const absl::Duration interval_;
  const absl::Time start_;

  mutable std::mutex mu_;
  absl::Time next_due_;  // guarded by mu_

  std::mutex driver_mu_;  // for the driver's wait
  std::condition_variable_any driver_cv_;
  std::jthread driver_;
};

}  // namespace gov::agent
