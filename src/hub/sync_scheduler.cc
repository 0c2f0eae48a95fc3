#include "src/hub/sync_scheduler.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/duration.h"
#include "src/common/logging.h"
#include "src/common/status_details.h"
#include "src/common/status_macros.h"
#include "src/common/time_format.h"
#include "src/common/time_grid.h"

namespace gov::hub {

using storage::JobRunOutcome;
using storage::SyncJob;
using storage::SyncJobRun;

SyncScheduler::SyncScheduler(storage::Storage* storage, SyncStarter* starter, Clock* clock,
                             Random* random, SchedulerOptions options, Metrics* metrics)
    : storage_(storage),
      starter_(starter),
      clock_(clock),
      random_(random),
      options_(options),
      metrics_(metrics),
      started_at_(clock->Now()) {}

absl::Time SyncScheduler::FirstDueAtOrAfter(const SyncJob& job, absl::Time t) {
  if (t <= job.start_from) return job.start_from;
  return GridPointAtOrAfter(job.start_from, job.repeat_every, t);
}

absl::Time SyncScheduler::LastDueAtOrBefore(const SyncJob& job, absl::Time t) {
  if (t <= job.start_from) return job.start_from;
  return GridPointAtOrBefore(job.start_from, job.repeat_every, t);
}

absl::StatusOr<SyncJob> SyncScheduler::Create(const SyncJobRequest& req) {
  const DurationSyntax days{true};
  if (req.repeat_every.empty()) {
    return absl::InvalidArgumentError(
        "field \"repeat_every\" is required (a Go duration such as \"12h\", or days: \"7d\")");
  }
  absl::StatusOr<absl::Duration> every = ParseGoDuration(req.repeat_every, days);
  if (!every.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("field \"repeat_every\": ", every.status().message()));
  }
  if (*every <= absl::ZeroDuration()) {
    return absl::OutOfRangeError(
        absl::StrCat("field \"repeat_every\" must be positive, got \"", req.repeat_every, "\""));
  }
  if (*every < options_.min_repeat_every) {
    return absl::OutOfRangeError(
        absl::StrCat("field \"repeat_every\" is ", req.repeat_every, ", below the minimum of ",
                     FormatCompactDuration(options_.min_repeat_every, days)));
  }
  if (*every % absl::Milliseconds(1) != absl::ZeroDuration()) {
    return absl::OutOfRangeError(absl::StrCat(
        "field \"repeat_every\" must be whole milliseconds, got \"", req.repeat_every, "\""));
  }
  const absl::Time now = clock_->Now();
  absl::Time start = now;
  if (!req.start_from.empty()) {
    absl::StatusOr<absl::Time> parsed = ParseRfc3339(req.start_from);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("field \"start_from\": ", parsed.status().message()));
    }
    start = *parsed;
  }
  start = absl::FromUnixMillis(absl::ToUnixMillis(start));  // storage keeps milliseconds

  SyncJob job;
  job.id = random_->Uuid4();
  job.agent_id = req.agent_id;
  job.provider = req.provider;
  job.repeat_every = *every;
  job.start_from = start;
  job.created_at = now;
  job.next_run_at = FirstDueAtOrAfter(job, now);

  absl::Status problem;
  GOV_RETURN_IF_ERROR(storage_->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(std::optional<storage::Agent> agent, s.GetAgent(req.agent_id));
    if (!agent) {
      problem = absl::NotFoundError(absl::StrCat("agent \"", req.agent_id, "\" not found"));
      return absl::OkStatus();
    }
    if (!req.provider.empty()) {
      GOV_ASSIGN_OR_RETURN(std::vector<storage::Provider> providers, s.ListProviders(req.agent_id));
      std::vector<std::string> names;
      bool known = false;
      for (const auto& p : providers) {
        names.push_back(p.name);
        known = known || p.name == req.provider;
      }
      if (!known) {
        problem = absl::OutOfRangeError(
            absl::StrCat("field \"provider\": agent \"", agent->name, "\" has no provider \"",
                         req.provider, "\" (its providers: ",
                         names.empty() ? "none reported yet - start the agent first"
                                       : absl::StrJoin(names, ", "),
                         ")"));
        return absl::OkStatus();
      }
    }
    GOV_ASSIGN_OR_RETURN(std::vector<SyncJob> existing, s.ListSyncJobs(req.agent_id));
    for (const SyncJob& other : existing) {
      if (other.provider == job.provider && other.repeat_every == job.repeat_every &&
          other.start_from == job.start_from) {
        problem = WithDetails(absl::AlreadyExistsError(absl::StrCat(
                                  "the same schedule exists already: sync job ", other.id)),
                              absl::StrCat("{\"sync_job_id\": \"", other.id, "\"}"));
        return absl::OkStatus();
      }
    }
    return s.InsertSyncJob(job);
  }));
  GOV_RETURN_IF_ERROR(problem);
  GetLogger("hub.scheduler")
      ->info("sync job {} created for agent {} ({}): every {} from {}, next run {}", job.id,
             job.agent_id, job.provider.empty() ? "all providers" : job.provider,
             FormatCompactDuration(job.repeat_every, days), FormatRfc3339(job.start_from),
             FormatRfc3339(job.next_run_at));
  return job;
}

void SyncScheduler::Tick() {
  const absl::Time now = clock_->Now();
  std::vector<SyncJob> due;
  absl::Status st = storage_->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(due, s.ListDueSyncJobs(now));
    return absl::OkStatus();
  });
  auto logger = GetLogger("hub.scheduler");
  if (!st.ok()) {
    logger->error("cannot read due sync jobs: {}", st.ToString());
    return;
  }
  for (const SyncJob& job : due) {
    absl::Status ran = RunDue(job, now);
    if (!ran.ok()) logger->error("sync job {}: {}", job.id, ran.ToString());
  }
}

absl::Status SyncScheduler::RunDue(const SyncJob& job, absl::Time now) {
  auto logger = GetLogger("hub.scheduler");
  const bool connected = starter_->IsConnected(job.agent_id);
  if (!connected && now < started_at_ + options_.startup_grace) {
    return absl::OkStatus();  // a restarted hub: give the agent time to reconnect
  }
  SyncJobRun run;
  run.job_id = job.id;
  run.due_at = LastDueAtOrBefore(job, now);
  run.ran_at = now;
  run.skipped = FloorSteps(run.due_at - job.next_run_at, job.repeat_every);

  absl::StatusOr<storage::Sync> sync =
      starter_->Trigger(job.agent_id, job.provider, storage::SyncTrigger::kHubSchedule);
  if (sync.ok()) {
    run.outcome = JobRunOutcome::kTriggered;
    run.sync_id = sync->id;
  } else if (sync.status().code() == absl::StatusCode::kAlreadyExists) {
    std::optional<std::string> into =
        starter_->Coalesce(job.agent_id, job.provider,
                           storage::CoalescedTrigger{storage::SyncTrigger::kHubSchedule, now,
                                                     absl::StrCat("sync job ", job.id)});
    if (!into) {
      // The running sync does not list what this schedule asks for: run after it.
      logger->debug("sync job {} of agent {}: waiting for the running sync to finish", job.id,
                    job.agent_id);
      return absl::OkStatus();
    }
    run.outcome = JobRunOutcome::kCoalesced;
    run.sync_id = *into;
  } else if (sync.status().code() == absl::StatusCode::kFailedPrecondition ||
             sync.status().code() == absl::StatusCode::kUnavailable) {
    run.outcome = JobRunOutcome::kMissed;
    run.error = std::string(sync.status().message());
  } else {
    run.outcome = JobRunOutcome::kFailed;
    run.error = std::string(sync.status().message());
  }
  const absl::Time next = run.due_at + job.repeat_every;
  GOV_RETURN_IF_ERROR(storage_->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(bool exists, s.UpdateSyncJobNextRun(job.id, next));
    if (!exists) return absl::OkStatus();  // deleted meanwhile
    return s.InsertSyncJobRun(run);
  }));
  if (metrics_ != nullptr) {
    metrics_->Inc("governance_sync_job_runs_total",
                  absl::StrCat("outcome=\"", std::string(storage::ToString(run.outcome)), "\""));
  }
  const std::string skipped =
      run.skipped > 0 ? absl::StrCat(" (", run.skipped, " earlier due times skipped)") : "";
  if (run.outcome == JobRunOutcome::kTriggered) {
    logger->info("sync job {} of agent {}: started sync {}{}; next run {}", job.id, job.agent_id,
                 run.sync_id, skipped, FormatRfc3339(next));
  } else {
    logger->warn("sync job {} of agent {}: {}: {}{}; next run {}", job.id, job.agent_id,
                 storage::ToString(run.outcome), run.error, skipped, FormatRfc3339(next));
  }
  return absl::OkStatus();
}

}  // namespace gov::hub
