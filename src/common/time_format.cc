#include "src/common/time_format.h"

#include <regex>

#include "absl/strings/str_cat.h"

namespace gov {

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%E4Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string FormatRfc3339OrZero(const std::optional<absl::Time>& t) {
  return t ? FormatRfc3339(*t) : std::string(kZeroTime);
}

absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text) {
  // The shape first: absl::ParseTime also takes "infinite-future", surrounding spaces and
  // years outside 0000-9999, none of which is RFC 3339.
  static const std::regex kShape(
      R"(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))");
  absl::Time t;
  std::string err;
  const std::string s(text);
  if (!std::regex_match(s, kShape) || !absl::ParseTime(absl::RFC3339_full, s, &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid RFC 3339 time \"", s, "\" (expected e.g. 2023-06-01T12:00:00Z)"));
  }
  // An offset can carry 9999-12-31 or 0000-01-01 past the years RFC 3339 can write in UTC.
  const int64_t year = absl::ToCivilSecond(t, absl::UTCTimeZone()).year();
  if (year < 0 || year > 9999) {
    return absl::InvalidArgumentError(absl::StrCat(
        "RFC 3339 time \"", s, "\" is outside the years 0000-9999 once converted to UTC"));
  }
  return t;
}

}  // namespace gov
