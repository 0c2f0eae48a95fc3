#include "src/common/logging.h"

#include <mutex>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace gov {
namespace {

std::mutex g_mu;
spdlog::level::level_enum g_level = spdlog::level::info;
LogFormat g_format = LogFormat::kText;

spdlog::sink_ptr Sink() {
  static spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return sink;
}

// One JSON object per line; the message is escaped properly.
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::json j;
    auto secs = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch());
    j["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(secs.count()),
                                 absl::UTCTimeZone());
    j["level"] = std::string(spdlog::level::to_string_view(msg.level).data(),
                             spdlog::level::to_string_view(msg.level).size());
    j["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
    j["msg"] = std::string(msg.payload.data(), msg.payload.size());
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

void Configure(spdlog::logger& logger) {
  logger.set_level(g_level);
  if (g_format == LogFormat::kJson) {
    logger.set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger.set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%n] %v", spdlog::pattern_time_type::utc);
  }
}

}  // namespace

absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(std::string_view text) {
  std::string t = absl::AsciiStrToLower(std::string(text));
  if (t == "debug") return spdlog::level::debug;
  if (t == "info") return spdlog::level::info;
  if (t == "warn" || t == "warning") return spdlog::level::warn;
  if (t == "error") return spdlog::level::err;
  return absl::InvalidArgumentError(absl::StrCat("invalid log level \"", std::string(text),
                                                 "\" (expected debug, info, warn or error)"));
}

absl::StatusOr<LogFormat> ParseLogFormat(std::string_view text) {
  std::string t = absl::AsciiStrToLower(std::string(text));
  if (t == "text" || t.empty()) return LogFormat::kText;
  if (t == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid log format \"", std::string(text), "\" (expected text or json)"));
}

void InitLogging(spdlog::level::level_enum level, LogFormat format) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_level = level;
  g_format = format;
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { Configure(*l); });
}

std::shared_ptr<spdlog::logger> GetLogger(const std::string& name) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = std::make_shared<spdlog::logger>(name, Sink());
  Configure(*logger);
  logger->flush_on(spdlog::level::trace);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace gov
