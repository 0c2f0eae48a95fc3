#include "src/common/duration.h"

#include <gtest/gtest.h>

namespace gov {
namespace {

TEST(ParseGoDuration, AcceptsGoSyntax) {
  EXPECT_EQ(*ParseGoDuration("15s"), absl::Seconds(15));
  EXPECT_EQ(*ParseGoDuration("1h30m"), absl::Minutes(90));
  EXPECT_EQ(*ParseGoDuration("300ms"), absl::Milliseconds(300));
  EXPECT_EQ(*ParseGoDuration("1.5h"), absl::Minutes(90));
  EXPECT_EQ(*ParseGoDuration("-2s"), absl::Seconds(-2));
  EXPECT_EQ(*ParseGoDuration("0"), absl::ZeroDuration());
  EXPECT_EQ(*ParseGoDuration("2us"), absl::Microseconds(2));
  EXPECT_EQ(*ParseGoDuration("1h2m3s4ms"),
            absl::Hours(1) + absl::Minutes(2) + absl::Seconds(3) + absl::Milliseconds(4));
}

TEST(ParseGoDuration, DaysOnlyWhenAllowed) {
  EXPECT_FALSE(ParseGoDuration("7d").ok());
  EXPECT_EQ(*ParseGoDuration("7d", {.allow_days = true}), absl::Hours(24 * 7));
  EXPECT_EQ(*ParseGoDuration("1d12h", {.allow_days = true}), absl::Hours(36));
}

TEST(ParseGoDuration, RejectsGarbageWithAClearMessage) {
  for (const char* bad : {"", "10", "s", "1x", "abc", "1h-2m", "--1s", "1.s.", "1e3s"}) {
    auto d = ParseGoDuration(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_NE(d.status().message().find("invalid duration"), std::string::npos);
  }
  EXPECT_NE(ParseGoDuration("5y").status().message().find("unknown unit \"y\""), std::string::npos);
}

TEST(FormatCompactDuration, IsTheShortestTextThatParsesBack) {
  const DurationSyntax days{true};
  EXPECT_EQ(FormatCompactDuration(absl::Hours(12), days), "12h");
  EXPECT_EQ(FormatCompactDuration(absl::Hours(24 * 7), days), "7d");
  EXPECT_EQ(FormatCompactDuration(absl::Hours(36), days), "1d12h");
  EXPECT_EQ(FormatCompactDuration(absl::Hours(36)), "36h");
  EXPECT_EQ(FormatCompactDuration(absl::Minutes(90)), "1h30m");
  EXPECT_EQ(FormatCompactDuration(absl::Seconds(90)), "1m30s");
  EXPECT_EQ(FormatCompactDuration(absl::Milliseconds(1250)), "1s250ms");
  EXPECT_EQ(FormatCompactDuration(absl::ZeroDuration()), "0s");
  EXPECT_EQ(FormatCompactDuration(-absl::Minutes(5)), "-5m");
  EXPECT_EQ(FormatCompactDuration(absl::Microseconds(5)), "5us") << "never empty";
  EXPECT_EQ(FormatCompactDuration(absl::Seconds(1) + absl::Microseconds(1)), "1.000001s");
  for (absl::Duration d : {absl::Hours(49), absl::Minutes(61), absl::Milliseconds(86400001)}) {
    auto back = ParseGoDuration(FormatCompactDuration(d, days), days);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, d);
  }
}

TEST(FormatGoDuration, MatchesGo) {
  EXPECT_EQ(FormatGoDuration(absl::Minutes(90)), "1h30m0s");
  EXPECT_EQ(FormatGoDuration(absl::Seconds(15)), "15s");
  EXPECT_EQ(FormatGoDuration(absl::Milliseconds(250)), "250ms");
  EXPECT_EQ(FormatGoDuration(absl::ZeroDuration()), "0s");
  EXPECT_EQ(FormatGoDuration(absl::Milliseconds(1500)), "1.5s");
}

}  // namespace
}  // namespace gov
