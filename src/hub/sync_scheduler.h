// SyncScheduler: the hub-side sync schedules ("sync-jobs" of the user's document). A
// schedule of an agent (all its providers, or one) is due at start_from + k * repeat_every
// for k >= 0; each due time is handled once:
//
//   - TRIGGERED: a HUB_SCHEDULE sync was started on the agent;
//   - COALESCED: a sync of the agent that covers the schedule's providers was already
//     running, so it stands for this one (a running sync of other providers only does not:
//     the schedule then waits for it to finish and runs after it, once);
//   - MISSED: the agent was not connected (the run records the reason);
//   - FAILED: the hub could not start it (provider no longer configured, storage error).
//
// After an outage of the hub spanning several due times, the schedule runs once, for the
// latest of them, and the run records how many earlier due times it skipped. During a
// start-up grace period (agents need a moment to reconnect to a restarted hub) a due
// schedule whose agent is not connected yet waits instead of being recorded as missed.
//
// Schedules live in storage, so they survive a restart. Tick() is driven by the hub's
// housekeeping loop; tests call it under a FakeClock.
//
// Thread-safety: Tick is called from one thread at a time; Create from any.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/hub/metrics.h"
#include "src/storage/storage.h"

namespace gov::hub {

// What the scheduler needs from the rest of the hub (SyncManager implements it).
class SyncStarter {
 public:
  virtual ~SyncStarter() = default;
  // As SyncManager::Trigger: NotFound, FailedPrecondition (not connected), AlreadyExists
  // (a sync runs), InvalidArgument (unknown provider).
  virtual absl::StatusOr<storage::Sync> Trigger(const std::string& agent_id,
                                                const std::string& provider,
                                                storage::SyncTrigger trigger) = 0;
  // Folds `trigger` into the agent's running sync (recorded on it) when that sync lists
  // `provider` (empty: every provider, so only a sync of every provider does); returns
  // that sync's id, or nothing when no sync runs any more or it does not cover `provider`.
  virtual std::optional<std::string> Coalesce(const std::string& agent_id,
                                              const std::string& provider,
                                              const storage::CoalescedTrigger& trigger) = 0;
  virtual bool IsConnected(const std::string& agent_id) const = 0;
};

struct SchedulerOptions {
  // The smallest repeat_every a schedule may have. Production: 5 minutes, as the agent's
  // own schedule; only tests lower it (there is no configuration key for it).
  absl::Duration min_repeat_every = absl::Minutes(5);
  // After the scheduler starts, how long a due schedule waits for its agent to connect
  // (longer than the agent's longest reconnect backoff, 30 s plus jitter).
  absl::Duration startup_grace = absl::Seconds(60);
};

// A schedule as a user asks for it (POST /api/agents/{id}/sync-jobs), before validation.
struct SyncJobRequest {
  std::string agent_id;
  std::string repeat_every;  // Go duration, with "d" for days
  std::string provider;      // empty: all providers
  std::string start_from;    // RFC 3339; empty: now
};

class SyncScheduler {
 public:
  // `metrics` (may be null) counts runs: governance_sync_job_runs_total{outcome}.
  SyncScheduler(storage::Storage* storage, SyncStarter* starter, Clock* clock, Random* random,
                SchedulerOptions options, Metrics* metrics = nullptr);

  // Validates and stores a schedule. InvalidArgument (400) for text that does not parse,
  // naming the field; OutOfRange (422) for values that parse but cannot be used
  // (not positive, below the minimum, provider the agent does not have); NotFound for an
  // unknown agent.
  absl::StatusOr<storage::SyncJob> Create(const SyncJobRequest& request);

  // Handles every schedule due now.
  void Tick();

  // The first due time of `job` at or after `t`.
  static absl::Time FirstDueAtOrAfter(const storage::SyncJob& job, absl::Time t);
  // The last due time of `job` at or before `t` (t >= job.start_from).
  static absl::Time LastDueAtOrBefore(const storage::SyncJob& job, absl::Time t);

 private:
  absl::Status RunDue(const storage::SyncJob& job, absl::Time now);

  storage::Storage* storage_;
  SyncStarter* starter_;
  Clock* clock_;
  Random* random_;
  SchedulerOptions options_;
  Metrics* metrics_;
  absl::Time started_at_;
};

}  // namespace gov::hub
