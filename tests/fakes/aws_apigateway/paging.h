// Paging: the limit/position (v1) and maxResults/nextToken (v2) pagination of the fake's
// list calls. Page size 25 unless asked; a size above 500 is served as 500 (AWS accepts
// such a limit and documents 500 as the maximum page); below 1, or not a number, is a
// BadRequestException.
//
// Tokens are base64 and always hold '+', '/' and '=' (so a client that does not encode
// them in the query is caught); each names its listing, so a token from one listing is
// refused by another.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace gov::fake::aws {

inline constexpr size_t kDefaultPageSize = 25;
inline constexpr size_t kMaxPageSize = 500;

// `scope` names the listing ("restapis", "v2/apis/a1b2c3/routes").
std::string EncodePageToken(const std::string& scope, size_t offset);
// The offset of a token of listing `scope`; nullopt for anything else.
std::optional<size_t> DecodePageToken(const std::string& token, const std::string& scope);

// The page size a request asks for with query parameter `name` (absent: nullopt).
absl::StatusOr<size_t> ParsePageSize(const std::optional<std::string>& value,
                                     const std::string& name);

// How the fake shortens pages (a server may return fewer items than asked).
struct PageShape {
  size_t max_items = 0;      // > 0: no page holds more than this
  bool empty_first = false;  // a listing's first page is empty (with a token to go on)
};

struct Page {
  size_t begin = 0;  // items [begin, end) of the listing
  size_t end = 0;
  std::string next_token;  // empty on the last page
};

// The page of a listing of `total` items; `token` is the request's position/nextToken
// (named `token_name` in errors). An unknown token or one past the end is
// InvalidArgument.
absl::StatusOr<Page> SlicePage(size_t total, const std::string& scope,
                               const std::optional<std::string>& token, size_t page_size,
                               const PageShape& shape, const std::string& token_name);

}  // namespace gov::fake::aws
