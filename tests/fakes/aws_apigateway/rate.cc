#include "tests/fakes/aws_apigateway/rate.h"

#include <algorithm>
#include <cmath>

namespace gov::fake::aws {

void RateMeter::Record(absl::Time t) {
  ++total_;
  recent_.push_back(t);
  while (!recent_.empty() && recent_.front() <= t - window_) recent_.pop_front();
  if (recent_.size() > max_) {
    max_ = recent_.size();
    max_at_ = t;
  }
}

void RateMeter::Reset() {
  recent_.clear();
  total_ = 0;
  max_ = 0;
  max_at_ = absl::InfinitePast();
}

TokenBucket::TokenBucket(double rate, double burst, absl::Time now)
    : rate_(rate), burst_(std::max(1.0, burst)), tokens_(std::max(1.0, burst)), last_(now) {}

void TokenBucket::Refill(absl::Time now) {
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * rate_);
    last_ = now;
  }
}

namespace {

// Refills add fractions of a token; a tolerance keeps rounding from losing one.
constexpr double kEpsilon = 1e-9;

}  // namespace

bool TokenBucket::TryTake(absl::Time now) {
  Refill(now);
  if (tokens_ < 1.0 - kEpsilon) return false;
  tokens_ -= 1.0;
  return true;
}

int TokenBucket::SecondsUntilToken() const {
  if (tokens_ >= 1.0 - kEpsilon || rate_ <= 0) return 1;
  return std::max(1, static_cast<int>(std::ceil((1.0 - tokens_) / rate_)));
}

}  // namespace gov::fake::aws
