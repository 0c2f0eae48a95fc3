#include "src/common/time_grid.h"

#include "gtest/gtest.h"

namespace gov {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1000);
const absl::Duration kStep = absl::Seconds(60);

absl::Time T(int64_t s) { return absl::FromUnixSeconds(s); }

TEST(FloorSteps, RoundsTowardMinusInfinity) {
  EXPECT_EQ(FloorSteps(absl::Seconds(119), kStep), 1);
  EXPECT_EQ(FloorSteps(absl::Seconds(120), kStep), 2);
  EXPECT_EQ(FloorSteps(absl::ZeroDuration(), kStep), 0);
  EXPECT_EQ(FloorSteps(absl::Seconds(-1), kStep), -1);
  EXPECT_EQ(FloorSteps(absl::Seconds(-60), kStep), -1);
  EXPECT_EQ(FloorSteps(absl::Seconds(-61), kStep), -2);
}

TEST(GridPoints, AreStartPlusWholeSteps) {
  EXPECT_EQ(GridPointAtOrBefore(kStart, kStep, T(1000)), T(1000));
  EXPECT_EQ(GridPointAtOrBefore(kStart, kStep, T(1119)), T(1060));
  EXPECT_EQ(GridPointAtOrBefore(kStart, kStep, T(999)), T(940)) << "before start too";
  EXPECT_EQ(GridPointAtOrAfter(kStart, kStep, T(1060)), T(1060));
  EXPECT_EQ(GridPointAtOrAfter(kStart, kStep, T(1061)), T(1120));
  EXPECT_EQ(GridPointAtOrAfter(kStart, kStep, T(10)), T(40));
  EXPECT_EQ(GridPointAtOrAfter(kStart, absl::Hours(24 * 7), kStart + absl::Milliseconds(1)),
            kStart + absl::Hours(24 * 7));
}

}  // namespace
}  // namespace gov
