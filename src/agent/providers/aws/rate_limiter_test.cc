#include "src/agent/providers/aws/rate_limiter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stop_token>
#include <vector>

namespace gov::agent::aws {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;

TEST(RateLimiter, BurstIsFreeThenRequestsAreSpacedByTheRate) {
  FakeClock clock;
  FakeSleeper sleeper(&clock);
  RateLimiter limiter(10, 10, &clock, &sleeper);
  const absl::Time start = clock.Now();
  std::vector<absl::Duration> at;
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(limiter.Acquire({}).ok());
    at.push_back(clock.Now() - start);
  }
  for (int i = 0; i < 10; ++i) EXPECT_EQ(at[i], absl::ZeroDuration()) << i;
  for (int i = 10; i < 25; ++i) EXPECT_EQ(at[i], absl::Milliseconds(100) * (i - 9)) << i;
  EXPECT_EQ(sleeper.sleeps().size(), 15u);
  EXPECT_THAT(sleeper.sleeps(), Each(absl::Milliseconds(100)));
  EXPECT_EQ(sleeper.total(), absl::Milliseconds(1500));
}

TEST(RateLimiter, IdleTimeRefillsUpToTheBurstOnly) {
  FakeClock clock;
  FakeSleeper sleeper(&clock);
  RateLimiter limiter(2, 3, &clock, &sleeper);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.Acquire({}).ok());
  EXPECT_TRUE(sleeper.sleeps().empty());
  clock.Advance(absl::Minutes(10));  // refills 3, not 1200
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.Acquire({}).ok());
  EXPECT_TRUE(sleeper.sleeps().empty());
  ASSERT_TRUE(limiter.Acquire({}).ok());
  EXPECT_THAT(sleeper.sleeps(), ElementsAre(absl::Milliseconds(500)));
}

TEST(RateLimiter, PartialTokenWaitsOnlyForTheRest) {
  FakeClock clock;
  FakeSleeper sleeper(&clock);
  RateLimiter limiter(4, 1, &clock, &sleeper);
  ASSERT_TRUE(limiter.Acquire({}).ok());
  clock.Advance(absl::Milliseconds(100));  // 0.4 of a token
  ASSERT_TRUE(limiter.Acquire({}).ok());
  EXPECT_THAT(sleeper.sleeps(), ElementsAre(absl::Milliseconds(150)));
}

TEST(RateLimiter, StopEndsTheWaitWithCancelled) {
  FakeClock clock;
  FakeSleeper sleeper(&clock);
  RateLimiter limiter(1, 1, &clock, &sleeper);
  ASSERT_TRUE(limiter.Acquire({}).ok());
  std::stop_source stop;
  stop.request_stop();
  absl::Status status = limiter.Acquire(stop.get_token());
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
}

TEST(RateLimiter, AClockSteppingBackAddsNoTokens) {
  FakeClock clock;
  FakeSleeper sleeper(&clock);
  RateLimiter limiter(1, 1, &clock, &sleeper);
  ASSERT_TRUE(limiter.Acquire({}).ok());
  clock.Advance(-absl::Hours(1));
  ASSERT_TRUE(limiter.Acquire({}).ok());
  // A full second must pass again after the step back.
  EXPECT_THAT(sleeper.sleeps(), ElementsAre(absl::Seconds(1)));
}

TEST(RealSleeper, ReturnsAtOnceWhenStopIsRequested) {
  std::stop_source stop;
  stop.request_stop();
  const absl::Time before = absl::Now();
  RealSleeper()->SleepFor(absl::Hours(1), stop.get_token());
  EXPECT_LT(absl::Now() - before, absl::Seconds(5));
}

}  // namespace
}  // namespace gov::agent::aws
