// governance-agent: discovers APIs from the configured providers and streams them to the
// hub. Thin main: flags, config, logging, signals; the Agent class does the rest.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <string_view>

#include "apps/signals.h"
#include "apps/version.h"
#include "src/agent/agent.h"
#include "src/agent/config/agent_config.h"
#include "src/common/clock.h"
#include "src/common/environment.h"
#include "src/common/logging.h"
#include "src/common/random.h"

int main(int argc, char** argv) {
  CLI::App app{"governance-agent: discovers APIs from providers and streams them to the hub"};
  std::string config_path;
  bool validate = false;
  bool version = false;
  app.add_option("--config", config_path,
                 "YAML config file (TYK_AGENT_* environment variables win over it)");
  app.add_flag("--validate-config", validate,
               "check the configuration, list every problem, exit 0 when it is usable");
  app.add_flag("--version", version, "print the version and exit");
  app.footer("Configuration keys and variables: see README.md and src/agent/config/README.md.");
  CLI11_PARSE(app, argc, argv);
  if (version) {
    std::printf("governance-agent %s\n", gov::kVersion);
    return 0;
  }

  gov::agent::ConfigLoadResult loaded =
      gov::agent::LoadAgentConfig(config_path, gov::ReadEnvironment());
  std::vector<std::string> warnings;
  for (const auto& p : loaded.problems) {
    if (!p.warning) continue;
    std::string w = p.ToString();  // "warning: file:line:col: key: message"
    constexpr std::string_view kPrefix = "warning: ";
    if (w.rfind(kPrefix, 0) == 0) w.erase(0, kPrefix.size());
    warnings.push_back(std::move(w));  // logged and shown on the hub without the prefix
  }
  if (validate) {
    for (const auto& p : loaded.problems) std::printf("%s\n", p.ToString().c_str());
    size_t errors = loaded.problems.size() - warnings.size();
    if (loaded.ok()) {
      std::printf("%s: configuration is valid (%zu warning%s)\n",
                  config_path.empty() ? "environment" : config_path.c_str(), warnings.size(),
                  warnings.size() == 1 ? "" : "s");
      return 0;
    }
    std::printf("%s: %zu error%s, %zu warning%s\n",
                config_path.empty() ? "environment" : config_path.c_str(), errors,
                errors == 1 ? "" : "s", warnings.size(), warnings.size() == 1 ? "" : "s");
    return 1;
  }
  if (!loaded.ok()) {
    std::fprintf(stderr, "governance-agent: invalid configuration:\n");
    for (const auto& p : loaded.problems) std::fprintf(stderr, "  %s\n", p.ToString().c_str());
    return 2;
  }

  gov::BlockTerminationSignals();
  auto level = gov::ParseLogLevel(loaded.config.log_level);
  auto format = gov::ParseLogFormat(loaded.config.log_format);
  gov::InitLogging(level.ok() ? *level : spdlog::level::info,
                   format.ok() ? *format : gov::LogFormat::kText);
  auto logger = gov::GetLogger("agent");
  logger->info("governance-agent {} starting", gov::kVersion);
  for (const auto& w : warnings) logger->warn("configuration {}", w);

  gov::agent::Agent agent(loaded.config, warnings, gov::RealClock(), gov::DefaultRandom());
  absl::Status st = agent.Start();
  if (!st.ok()) {
    logger->error("start-up failed: {}", st.message());
    agent.Shutdown();
    return 1;
  }
  int sig = gov::WaitForTerminationSignal();
  logger->info("received signal {}, shutting down", sig);
  agent.Shutdown();
  logger->info("stopped");
  return 0;
}
