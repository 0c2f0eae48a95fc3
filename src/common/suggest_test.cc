#include "src/common/suggest.h"

#include <gtest/gtest.h>

namespace gov {
namespace {

TEST(EditDistance, CountsEditsAndSwaps) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("abc", "abc"), 0);
  EXPECT_EQ(EditDistance("abc", "ab"), 1);
  EXPECT_EQ(EditDistance("abc", "abd"), 1);
  EXPECT_EQ(EditDistance("abcd", "abdc"), 1);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
}

TEST(SuggestClosest, FindsWhatWasMeant) {
  const std::vector<std::string> keys = {"enabled", "intervalMinutes"};
  EXPECT_EQ(SuggestClosest("intervalMinute", keys), "intervalMinutes");
  EXPECT_EQ(SuggestClosest("IntervalMinutes", keys), "intervalMinutes");
  EXPECT_EQ(SuggestClosest("enabeld", keys), "enabled");
  EXPECT_EQ(SuggestClosest("interval_minutes", keys), "intervalMinutes");
  EXPECT_EQ(SuggestClosest("URL", {"url", "tls"}), "url");
  EXPECT_EQ(SuggestClosest("warning", {"debug", "info", "warn", "error"}), "warn");
  EXPECT_EQ(SuggestClosest("inter", keys), "intervalMinutes");
}

TEST(SuggestClosest, StaysQuietWhenNothingIsClose) {
  EXPECT_EQ(SuggestClosest("schedule", {"enabled", "intervalMinutes"}), std::nullopt);
  EXPECT_EQ(SuggestClosest("port", {"host", "auth"}), std::nullopt);
  EXPECT_EQ(SuggestClosest("x", {}), std::nullopt);
}

}  // namespace
}  // namespace gov
