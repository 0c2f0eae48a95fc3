// Logging: one named spdlog logger per component ("hub.grpc", "agent.tyk", ...), all
// writing to stderr through one sink, as plain text or one JSON object per line.
//
// Thread-safety: InitLogging must run once at start-up before other threads log;
// GetLogger and the loggers themselves are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "spdlog/spdlog.h"

// Lets loggers print absl::string_view (Debian's abseil has its own, not std's), e.g.
// status.message().
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  template <typename FormatContext>
  auto format(absl::string_view s, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s.data(), s.size()), ctx);
  }
};

namespace gov {

enum class LogFormat { kText, kJson };

// Parses "debug", "info", "warn"/"warning", "error".
absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(std::string_view text);
absl::StatusOr<LogFormat> ParseLogFormat(std::string_view text);

void InitLogging(spdlog::level::level_enum level, LogFormat format);

// Returns the component's logger, creating it on first use.
std::shared_ptr<spdlog::logger> GetLogger(const std::string& name);

}  // namespace gov
