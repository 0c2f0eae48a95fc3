// The hub's scheduler under load: what one housekeeping tick costs with many schedules
// (all due, or none due), and what creating a schedule costs. Real SQLite file storage,
// a FakeClock and a starter that answers at once (the sync itself is not measured).
//
//   cmake --preset bench && cmake --build --preset bench --target scheduler_bench
//   build/bench/bin/scheduler_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "src/common/clock.h"
#include "src/common/logging.h"
#include "src/common/random.h"
#include "src/hub/sync_scheduler.h"
#include "src/storage/storage.h"

namespace gov::hub {
namespace {

class InstantStarter : public SyncStarter {
 public:
  absl::StatusOr<storage::Sync> Trigger(const std::string& agent_id, const std::string&,
                                        storage::SyncTrigger trigger) override {
    storage::Sync s;
    s.id = absl::StrCat("sync-", ++n_);
    s.agent_id = agent_id;
    s.trigger = trigger;
    return s;
  }
  std::optional<std::string> Coalesce(const std::string&, const std::string&,
                                      const storage::CoalescedTrigger&) override {
    return std::nullopt;
  }
  bool IsConnected(const std::string&) const override { return true; }

 private:
  int64_t n_ = 0;
};

struct World {
  explicit World(int jobs) {
    path = absl::StrCat("/tmp/gov-scheduler-bench-", getpid(), ".db");
    std::remove(path.c_str());
    storage = *storage::OpenStorage("sqlite://" + path);
    (void)storage->Migrate();
    const absl::Time now = clock.Now();
    (void)storage->Transact([&](storage::Store& s) -> absl::Status {
      for (int a = 0; a < 100; ++a) {
        storage::Agent agent;
        agent.id = absl::StrCat("agent-", a);
        agent.name = agent.id;
        agent.created_at = agent.updated_at = now;
        absl::Status st = s.InsertAgent(agent);
        if (!st.ok()) return st;
      }
      return absl::OkStatus();
    });
    SchedulerOptions options;
    options.startup_grace = absl::ZeroDuration();
    scheduler = std::make_unique<SyncScheduler>(storage.get(), &starter, &clock, &random, options);
    for (int i = 0; i < jobs; ++i) {
      (void)scheduler->Create({absl::StrCat("agent-", i % 100), "1h", "", ""});
    }
  }
  ~World() {
    scheduler.reset();
    storage.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  }
  std::string path;
  FakeClock clock;
  StdRandom random{1};
  InstantStarter starter;
  std::unique_ptr<storage::Storage> storage;
  std::unique_ptr<SyncScheduler> scheduler;
};

// Every schedule is due on every tick (the clock moves one period each time).
void BM_TickAllDue(benchmark::State& state) {
  World w(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    w.scheduler->Tick();
    w.clock.Advance(absl::Hours(1));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TickAllDue)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// The common case: many schedules, none due (one indexed query per second).
void BM_TickNoneDue(benchmark::State& state) {
  World w(static_cast<int>(state.range(0)));
  w.scheduler->Tick();  // handle the first due times
  for (auto _ : state) w.scheduler->Tick();
}
BENCHMARK(BM_TickNoneDue)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_CreateSchedule(benchmark::State& state) {
  World w(0);
  int64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        w.scheduler->Create({absl::StrCat("agent-", i++ % 100), "12h", "", ""}));
  }
}
BENCHMARK(BM_CreateSchedule)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace gov::hub

int main(int argc, char** argv) {
  gov::InitLogging(*gov::ParseLogLevel("error"), *gov::ParseLogFormat("text"));
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
