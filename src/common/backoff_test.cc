#include "src/common/backoff.h"

#include <gtest/gtest.h>

namespace gov {
namespace {

class FixedRandom : public Random {
 public:
  explicit FixedRandom(uint64_t v) : v_(v) {}
  uint64_t Next() override { return v_; }

 private:
  uint64_t v_;
};

TEST(Backoff, GrowsExponentiallyUpToMaxWithJitterInUpperHalf) {
  FixedRandom top(~0ULL);  // fraction ~1.0
  Backoff b({absl::Seconds(1), absl::Seconds(10), 2.0}, &top);
  EXPECT_NEAR(absl::ToDoubleSeconds(b.Next()), 1.0, 1e-6);
  EXPECT_NEAR(absl::ToDoubleSeconds(b.Next()), 2.0, 1e-6);
  EXPECT_NEAR(absl::ToDoubleSeconds(b.Next()), 4.0, 1e-6);
  EXPECT_NEAR(absl::ToDoubleSeconds(b.Next()), 8.0, 1e-6);
  EXPECT_NEAR(absl::ToDoubleSeconds(b.Next()), 10.0, 1e-6);
  EXPECT_NEAR(absl::ToDoubleSeconds(b.Next()), 10.0, 1e-6);
  b.Reset();
  EXPECT_NEAR(absl::ToDoubleSeconds(b.Next()), 1.0, 1e-6);
}

TEST(Backoff, LowestJitterIsHalfTheBase) {
  FixedRandom bottom(0);
  Backoff b({absl::Seconds(2), absl::Seconds(30), 2.0}, &bottom);
  EXPECT_EQ(b.Next(), absl::Seconds(1));
  EXPECT_EQ(b.Next(), absl::Seconds(2));
}

TEST(Backoff, RealRandomStaysWithinBounds) {
  StdRandom r(42);
  Backoff b({absl::Milliseconds(100), absl::Seconds(5), 2.0}, &r);
  for (int i = 0; i < 100; ++i) {
    absl::Duration d = b.Next();
    EXPECT_GE(d, absl::Milliseconds(50));
    EXPECT_LE(d, absl::Seconds(5));
  }
}

}  // namespace
}  // namespace gov
