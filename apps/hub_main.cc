// governance-hub: the central service. Thin main: flags, config, logging, signals; the
// Hub class does the rest.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <thread>

#include "apps/signals.h"
#include "apps/version.h"
#include "src/common/clock.h"
#include "src/common/environment.h"
#include "src/common/logging.h"
#include "src/common/random.h"
#include "src/hub/hub.h"
#include "src/hub/hub_config.h"

#ifdef GOV_TESTING_HOOKS
#include "src/common/duration.h"

namespace {
// governance-hub-testing only (tests/e2e): lets end-to-end tests run schedules at
// seconds scale. The production binary has no such code.
bool ApplyTestingOverrides(gov::hub::HubConfig& config) {
  const auto env = gov::ReadEnvironment();
  for (auto [name, target] :
       {std::pair<const char*, absl::Duration*>{"GOV_TESTING_MIN_REPEAT_EVERY",
                                                &config.testing.min_repeat_every},
        {"GOV_TESTING_SCHEDULER_STARTUP_GRACE", &config.testing.scheduler_startup_grace}}) {
    auto it = env.find(name);
    if (it == env.end()) continue;
    auto d = gov::ParseGoDuration(it->second);
    if (!d.ok()) {
      std::fprintf(stderr, "governance-hub-testing: %s: %s\n", name,
                   std::string(d.status().message()).c_str());
      return false;
    }
    *target = *d;
  }
  return true;
}
}  // namespace
#endif

int main(int argc, char** argv) {
  CLI::App app{"governance-hub: the central API governance service (REST API, agent gRPC)"};
  std::string config_path;
  bool version = false;
  app.add_option("--config", config_path, "YAML config file (TYK_GOV_* variables win)");
  app.add_flag("--version", version, "print the version and exit");
  app.footer(
      "Environment: TYK_GOV_HTTP_ADDR (0.0.0.0:8080), TYK_GOV_GRPC_ADDR (0.0.0.0:50051),\n"
      "TYK_GOV_DATABASE_URL (sqlite://./governance.db), TYK_GOV_API_KEY, "
      "TYK_GOV_SECURITY_JWTSECRET,\nTYK_GOV_AGENT_HEARTBEAT_TIMEOUT (30s), TYK_GOV_TLS_CERTPATH, "
      "TYK_GOV_TLS_KEYPATH,\nTYK_GOV_TLS_CLIENTCAPATH, TYK_GOV_LOGLEVEL (info), TYK_GOV_LOGFORMAT "
      "(text|json),\nTYK_GOV_SYNC_TIMEOUT (30m), TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT (50). "
      "See README.md.");
  CLI11_PARSE(app, argc, argv);
  if (version) {
    std::printf("governance-hub %s\n", gov::kVersion);
    return 0;
  }

  gov::BlockTerminationSignals();
  auto loaded = gov::hub::LoadHubConfig(config_path, gov::ReadEnvironment());
  if (!loaded.ok()) {
    std::fprintf(stderr, "governance-hub: invalid configuration:\n");
    for (const auto& e : loaded.errors) std::fprintf(stderr, "  %s\n", e.c_str());
    return 2;
  }
#ifdef GOV_TESTING_HOOKS
  if (!ApplyTestingOverrides(loaded.config)) return 2;
#endif
  gov::InitLogging(*gov::ParseLogLevel(loaded.config.log_level),
                   *gov::ParseLogFormat(loaded.config.log_format));
  auto logger = gov::GetLogger("hub");
  logger->info("governance-hub {} starting", gov::kVersion);
  for (const auto& w : loaded.warnings) logger->warn("configuration warning: {}", w);

  gov::hub::Hub hub(loaded.config, gov::RealClock(), gov::DefaultRandom());
  absl::Status st = hub.Start();
  if (!st.ok()) {
    logger->error("start-up failed: {}", st.message());
    hub.Shutdown();
    return 1;
  }
  std::thread signals([&hub] {
    int sig = gov::WaitForTerminationSignal();
    gov::GetLogger("hub")->info("received signal {}", sig);
    hub.Shutdown();
  });
  hub.Wait();
  gov::InterruptSignalWait();
  signals.join();
  return 0;
}
