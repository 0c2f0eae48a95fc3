// Tests of the fake API Gateway's pagination tokens and page slicing.
#include "tests/fakes/aws_apigateway/paging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gov::fake::aws {
namespace {

using ::testing::HasSubstr;

TEST(PagingTest, TokensHoldCharactersThatNeedEncodingAndRoundTrip) {
  for (size_t offset : {0u, 25u, 500u, 123456u}) {
    const std::string token = EncodePageToken("restapis", offset);
    EXPECT_NE(token.find('+'), std::string::npos) << token;
    EXPECT_NE(token.find('/'), std::string::npos) << token;
    EXPECT_NE(token.find('='), std::string::npos) << token;
    EXPECT_EQ(DecodePageToken(token, "restapis"), offset);
  }
}

TEST(PagingTest, TokensBelongToTheirListing) {
  const std::string token = EncodePageToken("v2/apis", 25);
  EXPECT_EQ(DecodePageToken(token, "restapis"), std::nullopt);
  EXPECT_EQ(DecodePageToken(token, "v2/apis/a/routes"), std::nullopt);
  EXPECT_EQ(DecodePageToken("garbage", "v2/apis"), std::nullopt);
  EXPECT_EQ(DecodePageToken("", "v2/apis"), std::nullopt);
  // A token whose "+" turned into a space on the way (sent unencoded) is not recognized.
  std::string mangled = token;
  mangled[0] = ' ';
  EXPECT_EQ(DecodePageToken(mangled, "v2/apis"), std::nullopt);
}

TEST(PagingTest, PageSizeDefaultsTo25AndIsCappedAt500) {
  EXPECT_EQ(*ParsePageSize(std::nullopt, "limit"), 25u);
  EXPECT_EQ(*ParsePageSize("1", "limit"), 1u);
  EXPECT_EQ(*ParsePageSize("500", "limit"), 500u);
  EXPECT_EQ(*ParsePageSize("501", "limit"), 500u);
  EXPECT_EQ(*ParsePageSize("100000", "maxResults"), 500u);
  absl::StatusOr<size_t> zero = ParsePageSize("0", "limit");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().message(),
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1");
  absl::StatusOr<size_t> word = ParsePageSize("ten", "maxResults");
  ASSERT_FALSE(word.ok());
  EXPECT_EQ(word.status().message(),
            "1 validation error detected: Value 'ten' at 'maxResults' failed to satisfy "
            "constraint: Member must be an integer");
}

TEST(PagingTest, SlicesFollowTheTokens) {
  absl::StatusOr<Page> first = SlicePage(60, "restapis", std::nullopt, 25, {}, "position");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->begin, 0u);
  EXPECT_EQ(first->end, 25u);
  absl::StatusOr<Page> second = SlicePage(60, "restapis", first->next_token, 25, {}, "position");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->begin, 25u);
  EXPECT_EQ(second->end, 50u);
  absl::StatusOr<Page> last = SlicePage(60, "restapis", second->next_token, 25, {}, "position");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->begin, 50u);
  EXPECT_EQ(last->end, 60u);
  EXPECT_EQ(last->next_token, "");
  // An exactly full last page has no token either.
  absl::StatusOr<Page> exact = SlicePage(25, "restapis", std::nullopt, 25, {}, "position");
  EXPECT_EQ(exact->next_token, "");
  absl::StatusOr<Page> empty = SlicePage(0, "restapis", std::nullopt, 25, {}, "position");
  EXPECT_EQ(empty->end, 0u);
  EXPECT_EQ(empty->next_token, "");
}

TEST(PagingTest, ShortPagesStillLeadToEveryItem) {
  PageShape shape;
  shape.max_items = 7;
  shape.empty_first = true;
  std::optional<std::string> token;
  size_t seen = 0;
  int pages = 0;
  while (true) {
    absl::StatusOr<Page> page = SlicePage(30, "v2/apis", token, 25, shape, "nextToken");
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->end - page->begin, 7u);
    EXPECT_EQ(page->begin, seen);
    seen = page->end;
    ++pages;
    if (page->next_token.empty()) break;
    token = page->next_token;
  }
  EXPECT_EQ(seen, 30u);
  EXPECT_EQ(pages, 1 + 5);  // the empty first page, then 7+7+7+7+2
}

TEST(PagingTest, ForeignOrStaleTokensAreRefused) {
  absl::StatusOr<Page> foreign =
      SlicePage(60, "restapis", EncodePageToken("apikeys", 25), 25, {}, "position");
  ASSERT_FALSE(foreign.ok());
  EXPECT_THAT(foreign.status().message(), HasSubstr("Invalid position \""));
  EXPECT_THAT(foreign.status().message(), HasSubstr("not a token this listing returned"));
  absl::StatusOr<Page> beyond =
      SlicePage(10, "restapis", EncodePageToken("restapis", 25), 25, {}, "position");
  EXPECT_FALSE(beyond.ok());
}

}  // namespace
}  // namespace gov::fake::aws
