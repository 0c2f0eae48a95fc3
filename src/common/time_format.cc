#include "src/common/time_format.h"

#include "absl/strings/str_cat.h"

namespace gov {

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%E4Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string FormatRfc3339OrZero(const std::optional<absl::Time>& t) {
  return t ? FormatRfc3339(*t) : std::string(kZeroTime);
}

absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid RFC 3339 time \"", std::string(text),
                                                   "\" (expected e.g. 2023-06-01T12:00:00Z)"));
  }
  return t;
}

}  // namespace gov
