#include "src/common/time_format.h"

#include <gtest/gtest.h>

namespace gov {
namespace {

TEST(TimeFormat, FormatsUtcSeconds) {
  EXPECT_EQ(FormatRfc3339(absl::FromUnixSeconds(1752669296)), "2025-07-16T12:34:56Z");
  EXPECT_EQ(FormatRfc3339OrZero(std::nullopt), "0001-01-01T00:00:00Z");
}

TEST(TimeFormat, YearsAlwaysHaveFourDigits) {
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("0001-01-01T00:00:00Z")), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("0999-12-31T23:59:59Z")), "0999-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("9999-12-31T23:59:59Z")), "9999-12-31T23:59:59Z");
}

TEST(TimeFormat, ParsesOffsetsAndFractions) {
  EXPECT_EQ(*ParseRfc3339("2023-06-01T12:00:00Z"), absl::FromUnixSeconds(1685620800));
  EXPECT_EQ(*ParseRfc3339("2023-06-01T14:00:00+02:00"), absl::FromUnixSeconds(1685620800));
  EXPECT_EQ(*ParseRfc3339("2023-06-01t12:00:00z"), absl::FromUnixSeconds(1685620800));
  EXPECT_EQ(*ParseRfc3339("2023-06-01T12:00:00.5Z"),
            absl::FromUnixSeconds(1685620800) + absl::Milliseconds(500));
}

TEST(TimeFormat, RejectsNonRfc3339) {
  for (const char* bad :
       {"", "yesterday", "2023-06-01", "2023-06-01 12:00:00", "infinite-future", "infinite-past",
        " 2023-06-01T12:00:00Z", "2023-06-01T12:00:00Z\n", "10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z", "2023-06-01T12:00:00", "2023-13-01T12:00:00Z",
        "2023-06-01T12:00:00+0200", "9999-12-31T23:59:59-00:01", "0000-01-01T00:00:00+00:01"}) {
    auto t = ParseRfc3339(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find("RFC 3339"), std::string::npos);
  }
}

}  // namespace
}  // namespace gov
