// Go duration syntax ("300ms", "1h30m", "-2.5s"), used by every config file and
// variable. With `allow_days`, the unit "d" (24h) is accepted as well ("7d", "1d12h").
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gov {

struct DurationSyntax {
  bool allow_days = false;
};

// Parses `text`. Errors say what is wrong with the text and quote it.
absl::StatusOr<absl::Duration> ParseGoDuration(std::string_view text, DurationSyntax syntax = {});

// Formats like Go's time.Duration.String(): "1h30m0s", "250ms", "0s".
std::string FormatGoDuration(absl::Duration d);

// The shortest text ParseGoDuration reads back as `d` (whole milliseconds): "12h",
// "1h30m", "7d" and "1d12h" (with days), "90s", "250ms", "0s".
std::string FormatCompactDuration(absl::Duration d, DurationSyntax syntax = {});

}  // namespace gov
