#include "src/agent/sync_schedule.h"

#include <utility>

#include "src/common/logging.h"
#include "src/common/time_format.h"
#include "src/common/time_grid.h"

namespace gov::agent {

std::string_view ToString(SyncRequestOutcome::Kind kind) {
  switch (kind) {
    case SyncRequestOutcome::Kind::kQueued:
      return "queued";
    case SyncRequestOutcome::Kind::kCoalesced:
      return "coalesced";
    case SyncRequestOutcome::Kind::kNotConnected:
      return "not connected";
  }
  return "unknown";
}

AgentSyncSchedule::AgentSyncSchedule(AgentSyncScheduleOptions options, Clock* clock,
                                     SyncRequester request)
    : clock_(clock),
      request_(std::move(request)),
      enabled_(options.enabled && options.interval > absl::ZeroDuration()),
      interval_(options.interval),
      start_(clock->Now()),
      next_due_(start_ + options.interval) {}

AgentSyncSchedule::~AgentSyncSchedule() { Stop(); }

absl::Time AgentSyncSchedule::FirstDueAfter(absl::Time t) const {
  return GridPointAtOrBefore(start_, interval_, t) + interval_;
}

bool AgentSyncSchedule::Tick() {
  if (!enabled_) return false;
  auto logger = GetLogger("agent.schedule");
  const absl::Time now = clock_->Now();
  int64_t missed = 0;
  absl::Time next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now < next_due_) {
      // Not due. A clock set back by more than an interval would leave the next due time
      // far ahead: put it back on the grid.
      if (next_due_ - now > interval_) {
        next_due_ = FirstDueAfter(now);
        logger->warn("the clock went back; next scheduled sync at {}", FormatRfc3339(next_due_));
      }
      return false;
    }
    // Due times in (next_due_, now] that get no request of their own.
    missed = FloorSteps(now - next_due_, interval_);
    next_due_ = FirstDueAfter(now);
    next = next_due_;
  }
  if (missed > 0) {
    logger->info(
        "{} scheduled sync(s) came due while the agent was not running them (suspended, or "
        "the clock jumped); running one",
        missed + 1);
  }
  // Outside the lock: the requester takes the hub client's locks and may write to the hub.
  const SyncRequestOutcome outcome = request_();
  if (outcome.kind == SyncRequestOutcome::Kind::kQueued) {
    logger->info("scheduled sync queued; next at {}", FormatRfc3339(next));
  } else {
    logger->debug("scheduled sync {}; next at {}", ToString(outcome.kind), FormatRfc3339(next));
  }
  return true;
}

std::optional<absl::Time> AgentSyncSchedule::NextDue() const {
  if (!enabled_) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  return next_due_;
}

governance::v1::AgentSchedule AgentSyncSchedule::ToProto() const {
  governance::v1::AgentSchedule out;
  out.set_enabled(enabled_);
  if (interval_ > absl::ZeroDuration()) {
    out.set_interval_minutes(static_cast<int32_t>(absl::ToInt64Minutes(interval_)));
  }
  std::optional<absl::Time> next = NextDue();
  out.set_next_at_unix_ms(next ? absl::ToUnixMillis(*next) : 0);
  return out;
}

void AgentSyncSchedule::Start(absl::Duration period) {
  if (!enabled_ || driver_.joinable()) return;
  driver_ = std::jthread([this, period](std::stop_token st) { Drive(st, period); });
}

void AgentSyncSchedule::Stop() {
  if (!driver_.joinable()) return;
  // request_stop wakes the wait below (condition_variable_any with a stop_token).
  driver_.request_stop();
  driver_.join();
}

void AgentSyncSchedule::Drive(std::stop_token stop, absl::Duration period) {
  const auto wait = absl::ToChronoMilliseconds(period);
  while (!stop.stop_requested()) {
    Tick();
    std::unique_lock<std::mutex> lock(driver_mu_);
    // Returns at once when stop is requested, also when it was requested before the wait.
    driver_cv_.wait_for(lock, stop, wait, [] { return false; });
  }
}

}  // namespace gov::agent
