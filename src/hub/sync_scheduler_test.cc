// SyncScheduler: validation of the schedules users post, and when (and how often) the
// hub starts their syncs - all under a FakeClock, without sleeping.
#include "src/hub/sync_scheduler.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/status_details.h"
#include "src/common/time_format.h"
#include "src/hub/testing/hub_test_util.h"

namespace gov::hub {
namespace {

using storage::JobRunOutcome;
using storage::SyncJob;
using storage::SyncJobRun;
using storage::SyncTrigger;
using ::testing::HasSubstr;
using testing::InTx;

constexpr char kAgent[] = "agent-1";

// Stands in for the SyncManager and answers as it does: not connected is
// FailedPrecondition, a running sync is AlreadyExists (and only a sync of every provider,
// or of the same one, takes a coalesced trigger); `refusal` stands for its other errors
// (e.g. a provider the agent no longer has).
class FakeStarter : public SyncStarter {
 public:
  struct Call {
    std::string agent_id;
    std::string provider;
    SyncTrigger trigger;
  };

  absl::StatusOr<storage::Sync> Trigger(const std::string& agent_id, const std::string& provider,
                                        SyncTrigger trigger) override {
    calls.push_back({agent_id, provider, trigger});
    if (!refusal.ok()) return refusal;
    if (!connected) {
      return absl::FailedPreconditionError(
          "agent \"edge agent\" is not connected (status INACTIVE)");
    }
    if (running) {
      return absl::AlreadyExistsError(
          absl::StrCat("a sync is already running on this agent: ", *running));
    }
    storage::Sync s;
    s.id = absl::StrCat("sync-", calls.size());
    s.agent_id = agent_id;
    s.trigger = trigger;
    return s;
  }
  std::optional<std::string> Coalesce(const std::string& agent_id, const std::string& provider,
                                      const storage::CoalescedTrigger& trigger) override {
    if (!running || (!running_provider.empty() && running_provider != provider)) {
      return std::nullopt;
    }
    coalesced.push_back(trigger);
    return running;
  }
  bool IsConnected(const std::string&) const override { return connected; }

  std::vector<Call> calls;
  std::vector<storage::CoalescedTrigger> coalesced;
  absl::Status refusal;
  std::optional<std::string> running;  // the id of the agent's running sync
  std::string running_provider;        // the running sync's provider (empty: every provider)
  bool connected = true;
};

class SyncSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = testing::MemoryStorage();
    ASSERT_TRUE(opened.ok()) << opened.status();
    storage_ = std::move(*opened);
    testing::InsertAgent(*storage_, kAgent, "edge agent", clock_.Now());
    storage::Provider p;
    p.agent_id = kAgent;
    p.name = "tyk-provider";
    p.type = "tyk";
    p.updated_at = clock_.Now();
    ASSERT_TRUE(storage_->Transact([&](storage::Store& s) { return s.UpsertProvider(p); }).ok());
    NewScheduler();
  }

  // A scheduler starting now, as a (re)started hub makes one.
  void NewScheduler(absl::Duration grace = absl::ZeroDuration()) {
    SchedulerOptions options;
    options.startup_grace = grace;
    scheduler_ = std::make_unique<SyncScheduler>(storage_.get(), &starter_, &clock_, &random_,
                                                 options, &metrics_);
  }

  SyncJob MustCreate(const std::string& every, const std::string& start_from,
                     const std::string& provider = "") {
    auto job = scheduler_->Create({kAgent, every, provider, start_from});
    EXPECT_TRUE(job.ok()) << job.status();
    return job.value_or(SyncJob{});
  }

  std::vector<SyncJobRun> Runs(const std::string& job_id) {
    return InTx(*storage_, [&](storage::Store& s) { return s.ListSyncJobRuns(job_id, 1, 100); })
        .items;
  }
  SyncJob Stored(const std::string& job_id) {
    return InTx(*storage_, [&](storage::Store& s) { return s.GetSyncJob(job_id); })
        .value_or(SyncJob{});
  }

  absl::Time At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

  FakeClock clock_{absl::FromUnixSeconds(1750000000)};  // 2025-06-15T15:06:40Z
  StdRandom random_{7};
  std::unique_ptr<storage::Storage> storage_;
  FakeStarter starter_;
  Metrics metrics_;
  std::unique_ptr<SyncScheduler> scheduler_;
};

// ---- validation ------------------------------------------------------------------------

TEST_F(SyncSchedulerTest, TheDocumentsExampleIsAcceptedAsWritten) {
  SyncJob job = MustCreate("12h", "2023-06-01T12:00:00Z", "tyk-provider");
  EXPECT_TRUE(testing::IsUuid4(job.id)) << job.id;
  EXPECT_EQ(job.agent_id, kAgent);
  EXPECT_EQ(job.provider, "tyk-provider");
  EXPECT_EQ(job.repeat_every, absl::Hours(12));
  EXPECT_EQ(FormatRfc3339(job.start_from), "2023-06-01T12:00:00Z");
  // The first due time on the 12h grid at or after now (2025-06-15T15:06:40Z).
  EXPECT_EQ(FormatRfc3339(job.next_run_at), "2025-06-16T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(Stored(job.id).next_run_at), "2025-06-16T00:00:00Z");
}

TEST_F(SyncSchedulerTest, DaysAreAcceptedAndAMissingStartMeansNow) {
  EXPECT_EQ(MustCreate("7d", "").repeat_every, absl::Hours(7 * 24));
  SyncJob job = MustCreate("1d12h", "");
  EXPECT_EQ(job.repeat_every, absl::Hours(36));
  EXPECT_EQ(job.start_from, clock_.Now());
  EXPECT_EQ(job.next_run_at, clock_.Now());
  EXPECT_EQ(job.provider, "");
}

TEST_F(SyncSchedulerTest, AFutureStartIsTheFirstDueTime) {
  SyncJob job = MustCreate("1h", "2030-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(job.next_run_at), "2030-01-01T00:00:00Z");
}

TEST_F(SyncSchedulerTest, BadInputIsRefusedNamingTheField) {
  struct Case {
    SyncJobRequest request;
    absl::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{kAgent, "", "", ""}, absl::StatusCode::kInvalidArgument, "\"repeat_every\" is required"},
      {{kAgent, "12", "", ""}, absl::StatusCode::kInvalidArgument, "field \"repeat_every\""},
      {{kAgent, "12x", "", ""}, absl::StatusCode::kInvalidArgument, "unknown unit \"x\""},
      {{kAgent, "every day", "", ""}, absl::StatusCode::kInvalidArgument, "field \"repeat_every\""},
      {{kAgent, "0s", "", ""}, absl::StatusCode::kOutOfRange, "must be positive"},
      {{kAgent, "-1h", "", ""}, absl::StatusCode::kOutOfRange, "must be positive"},
      {{kAgent, "1m", "", ""}, absl::StatusCode::kOutOfRange, "1m, below the minimum of 5m"},
      {{kAgent, "12h", "", "yesterday"},
       absl::StatusCode::kInvalidArgument,
       "field \"start_from\""},
      {{kAgent, "12h", "", "2023-06-01 12:00"},
       absl::StatusCode::kInvalidArgument,
       "field \"start_from\": invalid RFC 3339 time \"2023-06-01 12:00\" (expected e.g. "
       "2023-06-01T12:00:00Z)"},
      {{kAgent, "12h", "", "infinite-future"},
       absl::StatusCode::kInvalidArgument,
       "invalid RFC 3339 time"},
      {{kAgent, "5µs", "", ""},
       absl::StatusCode::kOutOfRange,
       "field \"repeat_every\" is 5µs, below the minimum of 5m"},
      {{kAgent, "5m0.0001s", "", ""}, absl::StatusCode::kOutOfRange, "whole milliseconds"},
      {{kAgent, "12h", "aws-nowhere", ""},
       absl::StatusCode::kOutOfRange,
       "field \"provider\": agent \"edge agent\" has no provider \"aws-nowhere\" (its providers: "
       "tyk-provider)"},
      {{"no-such-agent", "12h", "", ""},
       absl::StatusCode::kNotFound,
       "agent \"no-such-agent\" not found"},
  };
  for (const Case& c : cases) {
    auto job = scheduler_->Create(c.request);
    ASSERT_FALSE(job.ok()) << c.request.repeat_every << " / " << c.request.start_from;
    EXPECT_EQ(job.status().code(), c.code) << job.status();
    EXPECT_THAT(std::string(job.status().message()), HasSubstr(c.message));
  }
  auto jobs = InTx(*storage_, [](storage::Store& s) { return s.ListSyncJobs(kAgent); });
  EXPECT_TRUE(jobs.empty()) << "a refused schedule must not be stored";
}

TEST_F(SyncSchedulerTest, TheSameScheduleTwiceIsAConflictNamingTheFirst) {
  SyncJob first = MustCreate("12h", "2023-06-01T12:00:00Z", "tyk-provider");
  auto again = scheduler_->Create({kAgent, "12h", "tyk-provider", "2023-06-01T12:00:00Z"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr(first.id));
  EXPECT_EQ(DetailsOf(again.status()), absl::StrCat("{\"sync_job_id\": \"", first.id, "\"}"));
  // Another period, start or provider is another schedule.
  MustCreate("6h", "2023-06-01T12:00:00Z", "tyk-provider");
  MustCreate("12h", "2023-06-01T13:00:00Z", "tyk-provider");
  MustCreate("12h", "2023-06-01T12:00:00Z");
}

TEST_F(SyncSchedulerTest, TheMinimumIsAnOptionForTestsOnly) {
  SchedulerOptions options;
  options.min_repeat_every = absl::Seconds(1);
  SyncScheduler fast(storage_.get(), &starter_, &clock_, &random_, options);
  auto job = fast.Create({kAgent, "2s", "", ""});
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->repeat_every, absl::Seconds(2));
  EXPECT_EQ(SchedulerOptions{}.min_repeat_every, absl::Minutes(5));
  EXPECT_EQ(SchedulerOptions{}.startup_grace, absl::Seconds(60));
}

// ---- firing ----------------------------------------------------------------------------

TEST_F(SyncSchedulerTest, FiresAtStartFromPlusMultiplesOfRepeatEvery) {
  SyncJob job = MustCreate("1h", "2025-06-15T16:00:00Z", "tyk-provider");
  clock_.Set(At("2025-06-15T15:59:59Z"));
  scheduler_->Tick();
  EXPECT_TRUE(starter_.calls.empty());

  clock_.Set(At("2025-06-15T16:00:00Z"));
  scheduler_->Tick();
  ASSERT_EQ(starter_.calls.size(), 1u);
  EXPECT_EQ(starter_.calls[0].agent_id, kAgent);
  EXPECT_EQ(starter_.calls[0].provider, "tyk-provider");
  EXPECT_EQ(starter_.calls[0].trigger, SyncTrigger::kHubSchedule);
  EXPECT_EQ(FormatRfc3339(Stored(job.id).next_run_at), "2025-06-15T17:00:00Z");

  clock_.Set(At("2025-06-15T16:30:00Z"));
  scheduler_->Tick();
  scheduler_->Tick();
  EXPECT_EQ(starter_.calls.size(), 1u) << "a due time is handled once";

  clock_.Set(At("2025-06-15T17:00:00.500Z"));
  scheduler_->Tick();
  EXPECT_EQ(starter_.calls.size(), 2u);

  auto runs = Runs(job.id);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_THAT(metrics_.Render(),
              HasSubstr("governance_sync_job_runs_total{outcome=\"TRIGGERED\"} 2"));
  EXPECT_EQ(FormatRfc3339(runs[0].due_at), "2025-06-15T17:00:00Z");  // newest first
  EXPECT_EQ(runs[0].outcome, JobRunOutcome::kTriggered);
  EXPECT_EQ(runs[0].sync_id, "sync-2");
  EXPECT_EQ(runs[0].skipped, 0);
  EXPECT_EQ(FormatRfc3339(runs[1].due_at), "2025-06-15T16:00:00Z");
  EXPECT_EQ(runs[1].sync_id, "sync-1");
}

TEST_F(SyncSchedulerTest, AfterAnOutageSpanningSeveralDueTimesItRunsOnce) {
  SyncJob job = MustCreate("1h", "2025-06-15T16:00:00Z");
  // The hub is down from 15:30 to 20:10: due times 16:00 .. 20:00 passed (five).
  clock_.Set(At("2025-06-15T20:10:00Z"));
  NewScheduler();
  scheduler_->Tick();
  scheduler_->Tick();
  ASSERT_EQ(starter_.calls.size(), 1u);
  auto runs = Runs(job.id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(FormatRfc3339(runs[0].due_at), "2025-06-15T20:00:00Z");
  EXPECT_EQ(FormatRfc3339(runs[0].ran_at), "2025-06-15T20:10:00Z");
  EXPECT_EQ(runs[0].skipped, 4);
  EXPECT_EQ(FormatRfc3339(Stored(job.id).next_run_at), "2025-06-15T21:00:00Z");

  clock_.Set(At("2025-06-15T21:00:00Z"));
  scheduler_->Tick();
  EXPECT_EQ(starter_.calls.size(), 2u) << "back on the grid";
}

TEST_F(SyncSchedulerTest, SchedulesSurviveARestartOfTheHub) {
  SyncJob job = MustCreate("2h", "2025-06-15T16:00:00Z");
  scheduler_.reset();  // the hub stops; the schedule is in storage
  NewScheduler();
  clock_.Set(At("2025-06-15T16:00:00Z"));
  scheduler_->Tick();
  ASSERT_EQ(starter_.calls.size(), 1u);
  EXPECT_EQ(Runs(job.id).size(), 1u);
}

TEST_F(SyncSchedulerTest, AnAgentThatIsNotConnectedIsRecordedAsMissedWithTheReason) {
  SyncJob job = MustCreate("1h", "2025-06-15T16:00:00Z");
  starter_.connected = false;
  clock_.Set(At("2025-06-15T16:00:01Z"));
  scheduler_->Tick();
  auto runs = Runs(job.id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].outcome, JobRunOutcome::kMissed);
  EXPECT_EQ(runs[0].error, "agent \"edge agent\" is not connected (status INACTIVE)");
  EXPECT_EQ(runs[0].sync_id, "");
  EXPECT_EQ(FormatRfc3339(Stored(job.id).next_run_at), "2025-06-15T17:00:00Z");
}

TEST_F(SyncSchedulerTest, ARestartedHubGivesAgentsTheGracePeriodToReconnect) {
  SyncJob job = MustCreate("1h", "2025-06-15T16:00:00Z");
  clock_.Set(At("2025-06-15T16:20:00Z"));
  NewScheduler(absl::Seconds(30));
  starter_.connected = false;
  scheduler_->Tick();
  clock_.Advance(absl::Seconds(10));
  scheduler_->Tick();
  EXPECT_TRUE(Runs(job.id).empty()) << "waiting for the agent, not missed yet";

  starter_.connected = true;  // the agent is back within the grace period
  clock_.Advance(absl::Seconds(5));
  scheduler_->Tick();
  auto runs = Runs(job.id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].outcome, JobRunOutcome::kTriggered);
  EXPECT_EQ(FormatRfc3339(runs[0].due_at), "2025-06-15T16:00:00Z");
}

TEST_F(SyncSchedulerTest, AfterTheGracePeriodAnAbsentAgentIsMissed) {
  SyncJob job = MustCreate("1h", "2025-06-15T16:00:00Z");
  clock_.Set(At("2025-06-15T16:20:00Z"));
  NewScheduler(absl::Seconds(30));
  starter_.connected = false;
  clock_.Advance(absl::Seconds(31));
  scheduler_->Tick();
  auto runs = Runs(job.id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].outcome, JobRunOutcome::kMissed);
}

TEST_F(SyncSchedulerTest, ASyncAlreadyRunningIsCoalescedNotDoubled) {
  SyncJob job = MustCreate("1h", "2025-06-15T16:00:00Z");
  starter_.running = "s-9";
  clock_.Set(At("2025-06-15T16:00:00Z"));
  scheduler_->Tick();
  auto runs = Runs(job.id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].outcome, JobRunOutcome::kCoalesced);
  EXPECT_EQ(runs[0].sync_id, "s-9");
  ASSERT_EQ(starter_.coalesced.size(), 1u);
  EXPECT_EQ(starter_.coalesced[0].trigger, SyncTrigger::kHubSchedule);
  EXPECT_EQ(starter_.coalesced[0].at, clock_.Now());
  EXPECT_EQ(starter_.coalesced[0].source, absl::StrCat("sync job ", job.id));
}

TEST_F(SyncSchedulerTest, ARunningSyncOfAnotherProviderIsWaitedForNotCoalesced) {
  SyncJob job = MustCreate("1h", "2025-06-15T16:00:00Z", "tyk-provider");
  starter_.running = "s-9";
  starter_.running_provider = "aws-provider";
  clock_.Set(At("2025-06-15T16:00:00Z"));
  scheduler_->Tick();
  clock_.Advance(absl::Seconds(1));
  scheduler_->Tick();
  EXPECT_TRUE(Runs(job.id).empty()) << "not recorded while it waits";
  EXPECT_TRUE(starter_.coalesced.empty());
  EXPECT_EQ(FormatRfc3339(Stored(job.id).next_run_at), "2025-06-15T16:00:00Z") << "still due";

  starter_.running.reset();  // the aws sync finished
  clock_.Advance(absl::Seconds(20));
  scheduler_->Tick();
  auto runs = Runs(job.id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].outcome, JobRunOutcome::kTriggered);
  EXPECT_EQ(FormatRfc3339(runs[0].due_at), "2025-06-15T16:00:00Z");
  EXPECT_EQ(starter_.calls.back().provider, "tyk-provider");
  EXPECT_EQ(FormatRfc3339(Stored(job.id).next_run_at), "2025-06-15T17:00:00Z");
}

TEST_F(SyncSchedulerTest, AProviderNoLongerConfiguredIsAFailedRunAndTheScheduleGoesOn) {
  SyncJob job = MustCreate("1h", "2025-06-15T16:00:00Z", "tyk-provider");
  starter_.refusal =
      absl::InvalidArgumentError("provider \"tyk-provider\" is not configured on agent");
  clock_.Set(At("2025-06-15T16:00:00Z"));
  scheduler_->Tick();
  auto runs = Runs(job.id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].outcome, JobRunOutcome::kFailed);
  EXPECT_THAT(runs[0].error, HasSubstr("not configured"));
  EXPECT_EQ(FormatRfc3339(Stored(job.id).next_run_at), "2025-06-15T17:00:00Z");
}

TEST_F(SyncSchedulerTest, ADeletedScheduleNeverFires) {
  SyncJob job = MustCreate("1h", "2025-06-15T16:00:00Z");
  InTx(*storage_, [&](storage::Store& s) { return s.DeleteSyncJob(job.id); });
  clock_.Set(At("2025-06-15T18:00:00Z"));
  scheduler_->Tick();
  EXPECT_TRUE(starter_.calls.empty());
}

TEST_F(SyncSchedulerTest, SchedulesOfOneAgentAreIndependent) {
  SyncJob hourly = MustCreate("1h", "2025-06-15T16:00:00Z", "tyk-provider");
  SyncJob all = MustCreate("30m", "2025-06-15T16:00:00Z");
  clock_.Set(At("2025-06-15T16:30:00Z"));
  scheduler_->Tick();
  EXPECT_EQ(Runs(hourly.id).size(), 1u);
  EXPECT_EQ(Runs(all.id).size(), 1u);
  clock_.Set(At("2025-06-15T17:00:00Z"));
  scheduler_->Tick();
  EXPECT_EQ(Runs(hourly.id).size(), 2u);
  EXPECT_EQ(Runs(all.id).size(), 2u);
  EXPECT_EQ(starter_.calls.size(), 4u);
}

TEST(SyncSchedulerGrid, DueTimesAreOnTheGridOfStartFrom) {
  SyncJob job;
  job.start_from = absl::FromUnixSeconds(1000);
  job.repeat_every = absl::Seconds(60);
  EXPECT_EQ(SyncScheduler::FirstDueAtOrAfter(job, absl::FromUnixSeconds(10)),
            absl::FromUnixSeconds(1000));
  EXPECT_EQ(SyncScheduler::FirstDueAtOrAfter(job, absl::FromUnixSeconds(1060)),
            absl::FromUnixSeconds(1060));
  EXPECT_EQ(SyncScheduler::FirstDueAtOrAfter(job, absl::FromUnixSeconds(1061)),
            absl::FromUnixSeconds(1120));
  EXPECT_EQ(SyncScheduler::LastDueAtOrBefore(job, absl::FromUnixSeconds(1119)),
            absl::FromUnixSeconds(1060));
  EXPECT_EQ(SyncScheduler::LastDueAtOrBefore(job, absl::FromUnixSeconds(1120)),
            absl::FromUnixSeconds(1120));
}

}  // namespace
}  // namespace gov::hub
