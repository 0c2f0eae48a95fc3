#include "src/agent/providers/aws/rate_limiter.h"

#include <algorithm>
#include <condition_variable>

namespace gov::agent::aws {
namespace {

class RealSleeperImpl : public Sleeper {
 public:
  void SleepFor(absl::Duration d, std::stop_token stop) override {
    if (d <= absl::ZeroDuration()) return;
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, stop, absl::ToChronoNanoseconds(d), [] { return false; });
  }
};

}  // namespace

Sleeper* RealSleeper() {
  static Sleeper* const sleeper = new RealSleeperImpl();
  return sleeper;
}

RateLimiter::RateLimiter(double rate, int burst, Clock* clock, Sleeper* sleeper)
    : rate_(rate > 0 ? rate : 1.0),
      burst_(std::max(1, burst)),
      clock_(clock),
      sleeper_(sleeper),
      tokens_(burst_),
      last_(clock->Now()) {}

void RateLimiter::Refill() {
  const absl::Time now = clock_->Now();
  if (now > last_) {
    tokens_ = std::min<double>(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * rate_);
  }
  last_ = now;  // a clock that steps back adds nothing, and counts on from where it is
}

absl::Status RateLimiter::Acquire(std::stop_token stop) {
  while (true) {
    if (stop.stop_requested())
      return absl::CancelledError("stopped while waiting for the rate limit");
    Refill();
    if (tokens_ >= 1.0) {
      tokens_ -= 1.0;
      return absl::OkStatus();
    }
    // Round up to a whole microsecond so that the wait always yields a full token.
    const absl::Duration wait =
        absl::Ceil(absl::Seconds((1.0 - tokens_) / rate_), absl::Microseconds(1));
    sleeper_->SleepFor(wait, stop);
  }
}

}  // namespace gov::agent::aws
