// AgentSyncSchedule: when the agent starts a sync on its own (one interval after start,
// on a fixed grid, once after a gap), what it reports in heartbeats, and what the hub
// client decides for a scheduled sync (queued, coalesced, skipped when not connected) -
// as a pure decision, and end to end against a fake hub on the loopback interface.
#include "src/agent/sync_schedule.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "src/agent/hub_client.h"
#include "src/agent/provider.h"
#include "src/agent/provider_status.h"
#include "src/agent/sync_runner.h"
#include "src/common/clock.h"
#include "src/common/random.h"

namespace gov::agent {
namespace {

namespace pb = governance::v1;
using Kind = SyncRequestOutcome::Kind;

const absl::Time kStart = absl::FromUnixSeconds(1750000000);

// The requester: records when it was called and answers the next outcome of `answers`
// (kQueued once they run out).
class FakeRequester {
 public:
  SyncRequester AsRequester() {
    return [this] {
      calls.push_back(clock->Now());
      if (answers.empty()) return SyncRequestOutcome{};
      SyncRequestOutcome out = answers.front();
      answers.pop_front();
      return out;
    };
  }
  FakeClock* clock = nullptr;
  std::deque<SyncRequestOutcome> answers;
  std::vector<absl::Time> calls;
};

struct Fixture {
  explicit Fixture(bool enabled = true, absl::Duration interval = absl::Minutes(60))
      : clock(kStart) {
    requester.clock = &clock;
    AgentSyncScheduleOptions options;
    options.enabled = enabled;
    options.interval = interval;
    schedule = std::make_unique<AgentSyncSchedule>(options, &clock, requester.AsRequester());
  }
  FakeClock clock;
  FakeRequester requester;
  std::unique_ptr<AgentSyncSchedule> schedule;
};

TEST(AgentSyncSchedule, FirstRunOneIntervalAfterStartNotBefore) {
  Fixture f(true, absl::Minutes(15));
  EXPECT_EQ(f.schedule->NextDue(), kStart + absl::Minutes(15));
  EXPECT_FALSE(f.schedule->Tick());  // at start: the INITIAL sync covers start-up
  f.clock.Advance(absl::Minutes(15) - absl::Milliseconds(1));
  EXPECT_FALSE(f.schedule->Tick());
  EXPECT_TRUE(f.requester.calls.empty());

  f.clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(f.schedule->Tick());
  ASSERT_EQ(f.requester.calls.size(), 1u);
  EXPECT_EQ(f.requester.calls[0], kStart + absl::Minutes(15));
  EXPECT_EQ(f.schedule->NextDue(), kStart + absl::Minutes(30));
  // Ticking again at the same time does not fire again.
  EXPECT_FALSE(f.schedule->Tick());
  EXPECT_EQ(f.requester.calls.size(), 1u);
}

TEST(AgentSyncSchedule, DueTimesStayOnTheGrid) {
  Fixture f(true, absl::Minutes(10));
  // Ticks arrive late (a second or so, as the driver's do): the grid does not drift.
  for (int k = 1; k <= 5; ++k) {
    f.clock.Set(kStart + absl::Minutes(10) * k + absl::Seconds(1) * k);
    EXPECT_TRUE(f.schedule->Tick()) << k;
    EXPECT_EQ(f.schedule->NextDue(), kStart + absl::Minutes(10) * (k + 1)) << k;
  }
  EXPECT_EQ(f.requester.calls.size(), 5u) << "one request per due time";
}

TEST(AgentSyncSchedule, GapSpanningSeveralDueTimesFiresOnceThenResumesOnTheGrid) {
  Fixture f(true, absl::Minutes(5));
  // Suspended from just after start until 3.5 intervals later: due times at 5, 10 and 15
  // minutes passed.
  f.clock.Advance(absl::Minutes(17) + absl::Seconds(30));
  EXPECT_TRUE(f.schedule->Tick());
  EXPECT_FALSE(f.schedule->Tick());
  EXPECT_EQ(f.requester.calls.size(), 1u);
  EXPECT_EQ(f.schedule->NextDue(), kStart + absl::Minutes(20));

  f.clock.Set(kStart + absl::Minutes(20) - absl::Seconds(1));
  EXPECT_FALSE(f.schedule->Tick());
  f.clock.Set(kStart + absl::Minutes(20));
  EXPECT_TRUE(f.schedule->Tick());
  EXPECT_EQ(f.requester.calls.size(), 2u);
  EXPECT_EQ(f.schedule->NextDue(), kStart + absl::Minutes(25));
}

TEST(AgentSyncSchedule, ExactlyOnADueTimeAfterAGapTheNextIsStrictlyLater) {
  Fixture f(true, absl::Minutes(5));
  f.clock.Set(kStart + absl::Minutes(10));  // due times 5 and 10 passed (10 is now)
  EXPECT_TRUE(f.schedule->Tick());
  EXPECT_EQ(f.schedule->NextDue(), kStart + absl::Minutes(15));
  EXPECT_EQ(f.requester.calls.size(), 1u) << "one request for both due times";
}

TEST(AgentSyncSchedule, DisabledNeverFires) {
  Fixture f(false, absl::Minutes(5));
  for (int i = 0; i < 10; ++i) {
    f.clock.Advance(absl::Hours(1));
    EXPECT_FALSE(f.schedule->Tick());
  }
  EXPECT_TRUE(f.requester.calls.empty());
  EXPECT_EQ(f.schedule->NextDue(), std::nullopt);
  f.schedule->Start(absl::Milliseconds(1));  // no driver for a disabled schedule
  f.schedule->Stop();
  EXPECT_TRUE(f.requester.calls.empty());
}

TEST(AgentSyncSchedule, NonPositiveIntervalIsDisabled) {
  Fixture f(true, absl::ZeroDuration());
  EXPECT_FALSE(f.schedule->enabled());
  f.clock.Advance(absl::Hours(1));
  EXPECT_FALSE(f.schedule->Tick());
  EXPECT_EQ(f.schedule->NextDue(), std::nullopt);
}

TEST(AgentSyncSchedule, WhateverTheOutcomeTheScheduleMovesOn) {
  Fixture f(true, absl::Minutes(5));
  f.requester.answers = {
      {Kind::kQueued, "", false},
      {Kind::kCoalesced, "sync-running", true},
      {Kind::kNotConnected, "", false},
      {Kind::kCoalesced, "", false},
  };
  for (int k = 1; k <= 4; ++k) {
    f.clock.Set(kStart + absl::Minutes(5) * k);
    ASSERT_TRUE(f.schedule->Tick());
    // A coalesced or skipped sync is not asked for again before the next due time.
    f.clock.Advance(absl::Minutes(4));
    EXPECT_FALSE(f.schedule->Tick());
    EXPECT_EQ(f.schedule->NextDue(), kStart + absl::Minutes(5) * (k + 1)) << k;
  }
  EXPECT_EQ(f.requester.calls.size(), 4u);
  EXPECT_TRUE(f.requester.answers.empty());
}

TEST(AgentSyncSchedule, ReportedInHeartbeats) {
  Fixture f(true, absl::Minutes(30));
  pb::AgentSchedule p = f.schedule->ToProto();
  EXPECT_TRUE(p.enabled());
  EXPECT_EQ(p.interval_minutes(), 30);
  EXPECT_EQ(p.next_at_unix_ms(), absl::ToUnixMillis(kStart + absl::Minutes(30)));
  f.clock.Advance(absl::Minutes(31));
  f.schedule->Tick();
  EXPECT_EQ(f.schedule->ToProto().next_at_unix_ms(),
            absl::ToUnixMillis(kStart + absl::Minutes(60)));

  Fixture off(false, absl::Minutes(60));
  pb::AgentSchedule q = off.schedule->ToProto();
  EXPECT_FALSE(q.enabled());
  EXPECT_EQ(q.interval_minutes(), 60);
  EXPECT_EQ(q.next_at_unix_ms(), 0);
}

TEST(AgentSyncSchedule, ClockSetBackPutsTheNextDueTimeBackOnTheGrid) {
  Fixture f(true, absl::Minutes(10));
  f.clock.Set(kStart + absl::Minutes(10));
  EXPECT_TRUE(f.schedule->Tick());          // next: +20
  f.clock.Set(kStart - absl::Minutes(25));  // set back 35 minutes
  EXPECT_FALSE(f.schedule->Tick());
  EXPECT_EQ(f.schedule->NextDue(), kStart - absl::Minutes(20));
  f.clock.Set(kStart - absl::Minutes(20));
  EXPECT_TRUE(f.schedule->Tick());
  EXPECT_EQ(f.schedule->NextDue(), kStart - absl::Minutes(10));
  // A small step back (the next due time stays within an interval) changes nothing.
  f.clock.Advance(absl::Minutes(5));
  EXPECT_FALSE(f.schedule->Tick());
  f.clock.Advance(-absl::Minutes(3));
  EXPECT_FALSE(f.schedule->Tick());
  EXPECT_EQ(f.schedule->NextDue(), kStart - absl::Minutes(10));
}

TEST(AgentSyncSchedule, DriverTicksAndStopsPromptly) {
  FakeClock clock(kStart);
  std::promise<void> called;
  std::future<void> called_future = called.get_future();
  int calls = 0;  // the driver is the only caller until Stop()
  AgentSyncScheduleOptions options;
  options.enabled = true;
  options.interval = absl::Minutes(5);
  AgentSyncSchedule schedule(options, &clock, [&] {
    if (++calls == 1) called.set_value();
    return SyncRequestOutcome{};
  });
  clock.Advance(absl::Minutes(5));
  // A period far longer than the test: the driver's first Tick runs at once, and Stop must
  // not wait for the period to end.
  const absl::Time real_start = absl::Now();
  schedule.Start(absl::Hours(1));
  ASSERT_EQ(called_future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  schedule.Stop();
  EXPECT_LT(absl::Now() - real_start, absl::Seconds(30));
  EXPECT_EQ(calls, 1);
  schedule.Stop();  // idempotent
}

// ---- what the hub client decides for an agent-initiated sync ----------------------------

SyncWork Hub(const std::string& id, const std::string& provider = "") {
  return SyncWork{id, provider, pb::SYNC_TRIGGER_MANUAL};
}
SyncWork Agent(pb::SyncTrigger trigger) { return SyncWork{"", "", trigger}; }

constexpr pb::SyncTrigger kScheduled = pb::SYNC_TRIGGER_AGENT_SCHEDULE;

TEST(DecideSyncRequest, IdleAndConnectedQueues) {
  SyncRequestOutcome o = DecideSyncRequest(kScheduled, true, nullptr, {});
  EXPECT_EQ(o.kind, Kind::kQueued);
}

TEST(DecideSyncRequest, NotConnectedQueuesNothing) {
  SyncWork running = Hub("s1");
  EXPECT_EQ(DecideSyncRequest(kScheduled, false, nullptr, {}).kind, Kind::kNotConnected);
  EXPECT_EQ(DecideSyncRequest(kScheduled, false, &running, {}).kind, Kind::kNotConnected);
}

TEST(DecideSyncRequest, CoalescedIntoTheRunningSyncWithItsId) {
  SyncWork running = Hub("sync-42");
  SyncRequestOutcome o = DecideSyncRequest(kScheduled, true, &running, {});
  EXPECT_EQ(o.kind, Kind::kCoalesced);
  EXPECT_EQ(o.sync_id, "sync-42");
  EXPECT_TRUE(o.running);

  // An agent-initiated sync whose SyncBegin is not sent yet has no id to report.
  SyncWork starting = Agent(pb::SYNC_TRIGGER_INITIAL);
  o = DecideSyncRequest(kScheduled, true, &starting, {});
  EXPECT_EQ(o.kind, Kind::kCoalesced);
  EXPECT_EQ(o.sync_id, "");
  EXPECT_TRUE(o.running);
}

TEST(DecideSyncRequest, CoalescedIntoAWaitingSyncRatherThanTheRunningOne) {
  SyncWork running = Hub("sync-1");
  std::deque<SyncWork> waiting = {Hub("sync-2", "tyk-only"), Hub("sync-3")};
  SyncRequestOutcome o = DecideSyncRequest(kScheduled, true, &running, waiting);
  EXPECT_EQ(o.kind, Kind::kCoalesced);
  EXPECT_EQ(o.sync_id, "sync-3");
  EXPECT_FALSE(o.running);

  o = DecideSyncRequest(kScheduled, true, nullptr, {Agent(pb::SYNC_TRIGGER_INITIAL)});
  EXPECT_EQ(o.kind, Kind::kCoalesced);
  EXPECT_EQ(o.sync_id, "");
  EXPECT_FALSE(o.running);
}

TEST(DecideSyncRequest, ASyncOfOneProviderDoesNotStandForAScheduledSync) {
  SyncWork running = Hub("sync-1", "aws-us-east");
  EXPECT_EQ(DecideSyncRequest(kScheduled, true, &running, {}).kind, Kind::kQueued);
  EXPECT_EQ(DecideSyncRequest(kScheduled, true, nullptr, {Hub("sync-2", "tyk")}).kind,
            Kind::kQueued);
}

TEST(DecideSyncRequest, InitialKeepsItsBehaviour) {
  // Queued on each connection, connected or not (it is asked for as the connection opens).
  EXPECT_EQ(DecideSyncRequest(pb::SYNC_TRIGGER_INITIAL, false, nullptr, {}).kind, Kind::kQueued);
  SyncWork running = Hub("sync-1");
  EXPECT_EQ(DecideSyncRequest(pb::SYNC_TRIGGER_INITIAL, true, &running, {Hub("sync-2")}).kind,
            Kind::kQueued);
  // Dropped when an agent-initiated sync already waits.
  EXPECT_EQ(DecideSyncRequest(pb::SYNC_TRIGGER_INITIAL, true, nullptr, {Agent(kScheduled)}).kind,
            Kind::kCoalesced);
}

TEST(HubClientRequestSync, ScheduledSyncSkippedWhenNotConnected) {
  // Never started: not connected, and nothing may be queued for the next connection.
  ProviderStatusBoard board;
  SyncRunner runner({}, &board);
  FakeClock clock(kStart);
  HubClientOptions options;
  options.target = "127.0.0.1:1";
  options.clock = &clock;
  HubClient hub(options, &runner, &board, DefaultRandom());
  SyncRequestOutcome o = hub.RequestSync(kScheduled);
  EXPECT_EQ(o.kind, Kind::kNotConnected);
  EXPECT_FALSE(hub.Ready());
}

// ---- end to end: the real HubClient against a fake hub ---------------------------------

// Acknowledges heartbeats and records what the agent sends on both streams.
class FakeHub final : public pb::AgentService::Service {
 public:
  grpc::Status Health(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<pb::HealthDownstream, pb::HealthUpstream>* stream) override {
    pb::HealthUpstream in;
    while (stream->Read(&in)) {
      Record([&] { heartbeats.push_back(in.heartbeat()); });
      pb::HealthDownstream ack;
      ack.mutable_ack()->set_agent_id("agent-1");
      if (!stream->Write(ack)) break;
    }
    return grpc::Status::OK;
  }
  grpc::Status Sync(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<pb::SyncDownstream, pb::SyncUpstream>* stream) override {
    pb::SyncUpstream in;
    while (stream->Read(&in)) Record([&] { sync.push_back(in); });
    return grpc::Status::OK;
  }

  // Waits (without sleeping) until `pred` holds, called under the lock; false on timeout.
  bool WaitFor(const std::function<bool()>& pred) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(30), pred);
  }
  // The messages of `kind` received so far.
  std::vector<pb::SyncUpstream> Sync(pb::SyncUpstream::MsgCase kind) {
    std::vector<pb::SyncUpstream> out;
    for (const auto& m : sync) {
      if (m.msg_case() == kind) out.push_back(m);
    }
    return out;
  }

  std::mutex mu;
  std::condition_variable cv;
  std::vector<pb::Heartbeat> heartbeats;  // guarded by mu
  std::vector<pb::SyncUpstream> sync;     // guarded by mu

 private:
  void Record(const std::function<void()>& f) {
    std::lock_guard<std::mutex> lock(mu);
    f();
    cv.notify_all();
  }
};

// A provider whose listing waits until Release() (or the sync is cancelled).
class GatedProvider : public Provider {
 public:
  const std::string& name() const override { return name_; }
  const std::string& type() const override { return type_; }
  std::map<std::string, std::string> Details() const override { return {}; }
  absl::Status ListApis(const ApiEmitter&, std::stop_token stop) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, stop, [&] { return released_; });
    if (!released_) return absl::CancelledError("sync cancelled");
    return absl::OkStatus();
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::string name_ = "tyk-a";
  std::string type_ = "tyk";
  std::mutex mu_;
  std::condition_variable_any cv_;
  bool released_ = false;
};

TEST(HubClientRequestSync, CoalescedIntoTheRunningSyncAndReportedToTheHub) {
  FakeHub fake;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&fake);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_GT(port, 0);

  GatedProvider provider;
  ProviderStatusBoard board;
  board.Register(provider);
  SyncRunner runner({&provider}, &board);
  FakeClock clock(kStart);
  HubClientOptions options;
  options.target = absl::StrCat("127.0.0.1:", port);
  options.replica_id = "replica-1";
  options.clock = &clock;
  options.sync_schedule = [] {
    pb::AgentSchedule s;
    s.set_enabled(true);
    s.set_interval_minutes(15);
    s.set_next_at_unix_ms(absl::ToUnixMillis(kStart + absl::Minutes(15)));
    return s;
  };
  StdRandom random(7);
  HubClient hub(options, &runner, &board, &random);
  hub.Start();

  // The INITIAL sync starts and stays running (the provider waits).
  ASSERT_TRUE(fake.WaitFor([&] { return !fake.Sync(pb::SyncUpstream::kBegin).empty(); }));
  std::string initial_id;
  {
    std::lock_guard<std::mutex> lock(fake.mu);
    pb::SyncBegin begin = fake.Sync(pb::SyncUpstream::kBegin)[0].begin();
    EXPECT_EQ(begin.trigger(), pb::SYNC_TRIGGER_INITIAL);
    initial_id = begin.sync_id();
    ASSERT_FALSE(fake.heartbeats.empty());
    const pb::AgentSchedule& reported = fake.heartbeats[0].sync_schedule();
    EXPECT_TRUE(reported.enabled());
    EXPECT_EQ(reported.interval_minutes(), 15);
    EXPECT_EQ(reported.next_at_unix_ms(), absl::ToUnixMillis(kStart + absl::Minutes(15)));
  }

  // The schedule comes due: no second sync, the hub is told which sync stands for it.
  clock.Advance(absl::Minutes(15));
  SyncRequestOutcome o = hub.RequestSync(kScheduled);
  EXPECT_EQ(o.kind, Kind::kCoalesced);
  EXPECT_EQ(o.sync_id, initial_id);
  EXPECT_TRUE(o.running);
  ASSERT_TRUE(fake.WaitFor([&] { return !fake.Sync(pb::SyncUpstream::kCoalesced).empty(); }));
  {
    std::lock_guard<std::mutex> lock(fake.mu);
    pb::SyncCoalesced c = fake.Sync(pb::SyncUpstream::kCoalesced)[0].coalesced();
    EXPECT_EQ(c.sync_id(), initial_id);
    EXPECT_EQ(c.trigger(), pb::SYNC_TRIGGER_AGENT_SCHEDULE);
    EXPECT_EQ(c.at_unix_ms(), absl::ToUnixMillis(kStart + absl::Minutes(15)));
    EXPECT_EQ(fake.Sync(pb::SyncUpstream::kBegin).size(), 1u);
  }

  // Once the sync ends, the next due time queues a sync of its own.
  provider.Release();
  ASSERT_TRUE(fake.WaitFor([&] { return !fake.Sync(pb::SyncUpstream::kEnd).empty(); }));
  // The worker clears its running sync just after writing SyncEnd.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (hub.Busy() && absl::Now() < deadline) std::this_thread::yield();
  ASSERT_FALSE(hub.Busy());
  SyncRequestOutcome next = hub.RequestSync(kScheduled);
  EXPECT_EQ(next.kind, Kind::kQueued);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.Sync(pb::SyncUpstream::kBegin).size() == 2; }));
  {
    std::lock_guard<std::mutex> lock(fake.mu);
    pb::SyncBegin begin = fake.Sync(pb::SyncUpstream::kBegin)[1].begin();
    EXPECT_EQ(begin.trigger(), pb::SYNC_TRIGGER_AGENT_SCHEDULE);
    EXPECT_NE(begin.sync_id(), initial_id);
  }

  hub.Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

}  // namespace
}  // namespace gov::agent
