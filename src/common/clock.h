// Clock: the single source of "now" for product code, injected at the seams so that
// tests drive time with FakeClock and never sleep.
//
// Thread-safety: all implementations are safe to call from any thread.
#pragma once

#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gov {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (used for timestamps users see and for due times).
  virtual absl::Time Now() const = 0;
};

// The process's real clock. Never null, never destroyed.
Clock* RealClock();

// A manually advanced clock for tests.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1750000000)) : now_(start) {}
  absl::Time Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

}  // namespace gov
