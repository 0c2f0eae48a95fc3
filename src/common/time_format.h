// RFC 3339 timestamps as users see them ("2025-07-16T12:34:56Z"), always UTC.
// An absent time (never happened) is written as Go's zero time "0001-01-01T00:00:00Z",
// as the user's document shows for an agent that has not sent a heartbeat.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gov {

inline constexpr char kZeroTime[] = "0001-01-01T00:00:00Z";

std::string FormatRfc3339(absl::Time t);
std::string FormatRfc3339OrZero(const std::optional<absl::Time>& t);
absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text);

// Milliseconds since the Unix epoch, the storage representation.
inline int64_t ToUnixMillis(absl::Time t) { return absl::ToUnixMillis(t); }
inline absl::Time FromUnixMillis(int64_t ms) { return absl::FromUnixMillis(ms); }

}  // namespace gov
