// Tests of the request-rate meter and the token bucket, on explicit times.
#include "tests/fakes/aws_apigateway/rate.h"

#include <gtest/gtest.h>

namespace gov::fake::aws {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1750000000);

TEST(RateMeterTest, CountsTheBusiestOneSecondWindow) {
  RateMeter meter;
  EXPECT_EQ(meter.max_in_window(), 0u);
  // 5 requests 100 ms apart, a pause, then 8 within 700 ms.
  for (int i = 0; i < 5; ++i) meter.Record(kStart + absl::Milliseconds(100 * i));
  EXPECT_EQ(meter.max_in_window(), 5u);
  const absl::Time burst = kStart + absl::Seconds(3);
  for (int i = 0; i < 8; ++i) meter.Record(burst + absl::Milliseconds(100 * i));
  EXPECT_EQ(meter.total(), 13u);
  EXPECT_EQ(meter.max_in_window(), 8u);
  EXPECT_EQ(meter.max_window_end(), burst + absl::Milliseconds(700));
}

TEST(RateMeterTest, WindowsSlideRatherThanAlignToSeconds) {
  RateMeter meter;
  // 6 requests at x.6 s .. x.9 s and 6 at (x+1).0 .. (x+1).3: 12 within 0.8 s although
  // no calendar second holds more than 6.
  for (int i = 0; i < 6; ++i) meter.Record(kStart + absl::Milliseconds(600 + 50 * i));
  for (int i = 0; i < 6; ++i) meter.Record(kStart + absl::Milliseconds(1000 + 50 * i));
  EXPECT_EQ(meter.max_in_window(), 12u);
}

TEST(RateMeterTest, RequestsExactlyOneSecondApartAreInDifferentWindows) {
  RateMeter meter;
  for (int i = 0; i < 10; ++i) meter.Record(kStart + absl::Seconds(i));
  EXPECT_EQ(meter.max_in_window(), 1u);
  meter.Reset();
  EXPECT_EQ(meter.total(), 0u);
  EXPECT_EQ(meter.max_in_window(), 0u);
}

TEST(TokenBucketTest, AllowsABurstThenTheSteadyRate) {
  TokenBucket bucket(10, 20, kStart);
  int taken = 0;
  while (bucket.TryTake(kStart)) ++taken;
  EXPECT_EQ(taken, 20);
  EXPECT_EQ(bucket.SecondsUntilToken(), 1);
  EXPECT_FALSE(bucket.TryTake(kStart + absl::Milliseconds(50)));
  EXPECT_TRUE(bucket.TryTake(kStart + absl::Milliseconds(100)));
  EXPECT_FALSE(bucket.TryTake(kStart + absl::Milliseconds(100)));
  // A second later there are 10 more, never more than the burst.
  taken = 0;
  while (bucket.TryTake(kStart + absl::Milliseconds(1100))) ++taken;
  EXPECT_EQ(taken, 10);
  taken = 0;
  while (bucket.TryTake(kStart + absl::Minutes(10))) ++taken;
  EXPECT_EQ(taken, 20);
}

TEST(TokenBucketTest, SlowRatesWaitSeveralSeconds) {
  TokenBucket bucket(0.25, 1, kStart);
  EXPECT_TRUE(bucket.TryTake(kStart));
  EXPECT_FALSE(bucket.TryTake(kStart));
  EXPECT_EQ(bucket.SecondsUntilToken(), 4);
  EXPECT_TRUE(bucket.TryTake(kStart + absl::Seconds(4)));
}

}  // namespace
}  // namespace gov::fake::aws
