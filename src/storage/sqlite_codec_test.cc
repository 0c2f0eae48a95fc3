// Column codecs and paging checks of the SQLite store.
#include "gtest/gtest.h"
#include "src/storage/sqlite/codec.h"
#include "src/storage/sqlite/query.h"
#include "src/storage/types.h"

namespace gov::storage::sqlite {
namespace {

TEST(CodecTest, ContainsPatternEscapesLikeWildcards) {
  EXPECT_EQ(ContainsPattern("pay"), "%pay%");
  EXPECT_EQ(ContainsPattern("100%"), "%100\\%%");
  EXPECT_EQ(ContainsPattern("a_b"), "%a\\_b%");
  EXPECT_EQ(ContainsPattern("c:\\x"), "%c:\\\\x%");
}

TEST(CodecTest, ListsAndMapsRoundTrip) {
  const std::vector<std::string> list = {"a", "", "quote\"d", "ünï"};
  EXPECT_EQ(EncodeList(list), R"(["a","","quote\"d","ünï"])");
  auto decoded = DecodeList(EncodeList(list), "t.c");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, list);
  EXPECT_EQ(EncodeList({}), "[]");

  const std::map<std::string, std::string> map = {{"host", "h"}, {"region", "r"}};
  EXPECT_EQ(EncodeMap(map), R"({"host":"h","region":"r"})");
  auto decoded_map = DecodeMap(EncodeMap(map), "t.c");
  ASSERT_TRUE(decoded_map.ok()) << decoded_map.status();
  EXPECT_EQ(*decoded_map, map);
}

TEST(CodecTest, InvalidUtf8IsReplacedInsteadOfFailing) {
  const std::string encoded = EncodeList({std::string("bad\xff") + "byte"});
  EXPECT_EQ(encoded,
            "[\"bad\xEF\xBF\xBD"
            "byte\"]");
}

TEST(CodecTest, UnreadableValuesAreDataLossNamingTheColumn) {
  for (const std::string text : {"", "{", "{}", "[1]", "[\"a\", null]"}) {
    SCOPED_TRACE(text);
    auto list = DecodeList(text, "apis.versions");
    ASSERT_FALSE(list.ok());
    EXPECT_EQ(list.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(list.status().message(),
              "stored column apis.versions holds an unreadable value: \"" + text + "\"");
  }
  EXPECT_EQ(DecodeMap("[]", "providers.details").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeMap(R"({"a":1})", "providers.details").status().code(),
            absl::StatusCode::kDataLoss);
  auto state = DecodeEnum<SyncState>("HALF_DONE", "syncs.state", ParseSyncState);
  EXPECT_EQ(state.status().code(), absl::StatusCode::kDataLoss);
  auto ok = DecodeEnum<SyncState>("PARTIAL", "syncs.state", ParseSyncState);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, SyncState::kPartial);
}

TEST(CodecTest, CheckPageExplainsTheLimits) {
  EXPECT_TRUE(CheckPage(1, 1).ok());
  EXPECT_TRUE(CheckPage(7, 1000).ok());
  EXPECT_EQ(CheckPage(0, 50).message(), "page must be 1 or more, got 0");
  EXPECT_EQ(CheckPage(1, 0).message(), "page_size must be between 1 and 1000, got 0");
  EXPECT_EQ(CheckPage(1, 1001).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace gov::storage::sqlite
