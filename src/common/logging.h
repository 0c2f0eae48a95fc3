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
#include "spdlog/spdlog.h"

namespace gov {

enum class LogFormat { kText, kJson };

// Parses "debug", "info", "warn"/"warning", "error".
absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(std::string_view text);
absl::StatusOr<LogFormat> ParseLogFormat(std::string_view text);

void InitLogging(spdlog::level::level_enum level, LogFormat format);

// Returns the component's logger, creating it on first use.
std::shared_ptr<spdlog::logger> GetLogger(const std::string& name);

}  // namespace gov
