// Request rates of the fake control plane: RateMeter measures the most requests seen in
// any one-second window (so a test can show a client stayed under AWS's ~10 requests/s);
// TokenBucket throttles like AWS's account-level limit (a steady rate plus a burst).
//
// Thread-safety: neither class is thread-safe; the server calls them under its lock.
// Times come from the caller (an injected Clock), so tests never sleep.
#pragma once

#include <cstddef>
#include <deque>

#include "absl/time/time.h"

namespace gov::fake::aws {

class RateMeter {
 public:
  explicit RateMeter(absl::Duration window = absl::Seconds(1)) : window_(window) {}

  // Counts a request arriving at `t` (times must not go backwards by more than a window).
  void Record(absl::Time t);
  void Reset();

  size_t total() const { return total_; }
  // The most requests in any window (t - window, t] that ended at a request.
  size_t max_in_window() const { return max_; }
  // The end of the first window that held max_in_window() requests.
  absl::Time max_window_end() const { return max_at_; }

 private:
  absl::Duration window_;
  std::deque<absl::Time> recent_;
  size_t total_ = 0;
  size_t max_ = 0;
  absl::Time max_at_ = absl::InfinitePast();
};

class TokenBucket {
 public:
  // `rate` tokens per second, at most `burst` (>= 1) stored; starts full.
  TokenBucket(double rate, double burst, absl::Time now);

  // Takes a token if one is there.
  bool TryTake(absl::Time now);
  // Seconds until the next token (at least 1, rounded up), for Retry-After.
  int SecondsUntilToken() const;

 private:
  void Refill(absl::Time now);

  double rate_;
  double burst_;
  double tokens_;
  absl::Time last_;
};

}  // namespace gov::fake::aws
