#include "tests/fakes/aws_apigateway/paging.h"

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/common/hash.h"

namespace gov::fake::aws {
namespace {

// Bytes that base64-encode to "+/": every token starts with them.
constexpr char kMagic[] = "\xfb\xff";
constexpr char kVersion[] = "v1";

// Tokens name their listing by a hash, so any scope text fits.
std::string ScopeTag(const std::string& scope) { return Sha256Hex(scope).substr(0, 8); }

}  // namespace

std::string EncodePageToken(const std::string& scope, size_t offset) {
  std::string raw = absl::StrCat(kMagic, kVersion, "|", ScopeTag(scope), "|", offset, "|");
  // A length of 3n+1 bytes ends the base64 text in "==".
  while (raw.size() % 3 != 1) raw.push_back('.');
  return absl::Base64Escape(raw);
}

std::optional<size_t> DecodePageToken(const std::string& token, const std::string& scope) {
  std::string raw;
  if (!absl::Base64Unescape(token, &raw) || !absl::StartsWith(raw, kMagic)) return std::nullopt;
  const std::vector<std::string> parts = absl::StrSplit(raw.substr(2), '|');
  size_t offset = 0;
  if (parts.size() != 4 || parts[0] != kVersion || parts[1] != ScopeTag(scope) ||
      !absl::SimpleAtoi(parts[2], &offset) ||
      parts[3].find_first_not_of('.') != std::string::npos) {
    return std::nullopt;
  }
  return offset;
}

absl::StatusOr<size_t> ParsePageSize(const std::optional<std::string>& value,
                                     const std::string& name) {
  if (!value.has_value()) return kDefaultPageSize;
  int64_t n = 0;
  if (!absl::SimpleAtoi(*value, &n)) {
    return absl::InvalidArgumentError(absl::StrCat("1 validation error detected: Value '", *value,
                                                   "' at '", name,
                                                   "' failed to satisfy constraint: Member must be "
                                                   "an integer"));
  }
  if (n < 1) {
    return absl::InvalidArgumentError(absl::StrCat("1 validation error detected: Value '", *value,
                                                   "' at '", name,
                                                   "' failed to satisfy constraint: Member must "
                                                   "have value greater than or equal to 1"));
  }
  return std::min<size_t>(static_cast<size_t>(n), kMaxPageSize);
}

absl::StatusOr<Page> SlicePage(size_t total, const std::string& scope,
                               const std::optional<std::string>& token, size_t page_size,
                               const PageShape& shape, const std::string& token_name) {
  Page page;
  if (!token.has_value()) {
    if (shape.empty_first && total > 0) {
      page.next_token = EncodePageToken(scope, 0);
      return page;
    }
  } else {
    std::optional<size_t> offset = DecodePageToken(*token, scope);
    if (!offset.has_value() || *offset > total) {
      return absl::InvalidArgumentError(absl::StrCat("Invalid ", token_name, " \"", *token,
                                                     "\": not a token this listing returned"));
    }
    page.begin = *offset;
  }
  size_t size = page_size;
  if (shape.max_items > 0) size = std::min(size, shape.max_items);
  page.end = std::min(total, page.begin + size);
  if (page.end < total) page.next_token = EncodePageToken(scope, page.end);
  return page;
}

}  // namespace gov::fake::aws
