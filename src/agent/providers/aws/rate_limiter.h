// Waiting for the aws provider, behind seams so that tests never sleep.
//
// Sleeper: waits for a duration or until a stop is requested. RealSleeper() blocks the
// calling thread; FakeSleeper (tests) advances a FakeClock and records each wait.
//
// RateLimiter: a token bucket driven by a Clock. `rate` tokens per second are added up to
// `burst`; each request takes one token and waits (through the Sleeper) when none is left.
// The aws provider uses it to stay under API Gateway's control-plane limit, which AWS
// shares between every caller of one account and region (about 10 requests per second).
//
// Thread-safety: RealSleeper() and FakeSleeper are safe from any thread. A RateLimiter is
// not: one provider's listing (one thread at a time) owns it.
#pragma once

#include <mutex>
#include <stop_token>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/common/clock.h"

namespace gov::agent::aws {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Returns after `d`, or earlier as soon as `stop` is requested.
  virtual void SleepFor(absl::Duration d, std::stop_token stop) = 0;
};

// The process's real sleeper. Never null, never destroyed.
Sleeper* RealSleeper();

// For tests: every wait advances `clock` by the duration at once and is recorded.
class FakeSleeper : public Sleeper {
 public:
  explicit FakeSleeper(FakeClock* clock) : clock_(clock) {}
  void SleepFor(absl::Duration d, std::stop_token stop) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      sleeps_.push_back(d);
    }
    if (!stop.stop_requested() && d > absl::ZeroDuration()) clock_->Advance(d);
  }
  std::vector<absl::Duration> sleeps() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }
  absl::Duration total() const {
    absl::Duration sum;
    for (absl::Duration d : sleeps()) sum += d;
    return sum;
  }

 private:
  FakeClock* clock_;
  mutable std::mutex mu_;
  std::vector<absl::Duration> sleeps_;
};

class RateLimiter {
 public:
  // `rate` > 0 tokens per second, `burst` >= 1 tokens at most; the bucket starts full.
  RateLimiter(double rate, int burst, Clock* clock, Sleeper* sleeper);

  // Takes one token, waiting until one is available. CANCELLED when `stop` is requested
  // before a token could be taken.
  absl::Status Acquire(std::stop_token stop);

  double rate() const { return rate_; }
  int burst() const { return burst_; }

 private:
  void Refill();

  const double rate_;
  const int burst_;
  Clock* const clock_;
  Sleeper* const sleeper_;
  double tokens_;
  absl::Time last_;
};

}  // namespace gov::agent::aws
