#include "src/agent/agent.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "src/agent/providers/aws/aws_provider.h"
#include "src/agent/providers/tyk/tyk_provider.h"
#include "src/common/logging.h"
#include "src/common/status_macros.h"
#include "src/common/time_format.h"

namespace gov::agent {

namespace {
constexpr char kVersion[] = "0.2.0";
}

std::string ReplicaId(const AgentConfig& config) {
  if (!config.pod_name.empty()) return config.pod_name;
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, "-", getpid());
}

absl::StatusOr<std::vector<std::unique_ptr<Provider>>> MakeProviders(const AgentConfig& config,
                                                                     HttpClient* http, Clock* clock,
                                                                     Random* random) {
  std::vector<std::unique_ptr<Provider>> out;
  for (const auto& inst : config.instances) {
    if (inst.type == "tyk") {
      out.push_back(std::make_unique<tyk::TykProvider>(
          inst.name, std::get<TykProviderConfig>(inst.config), config.provider_timeout, http));
    } else if (inst.type == "aws") {
      aws::AwsProviderOptions options;
      options.requests_per_second = config.aws_requests_per_second;
      // Evenly spaced calls: no one-second window holds more than the limit (plus one).
      options.burst = 1;
      out.push_back(std::make_unique<aws::AwsProvider>(
          inst.name, std::get<AwsProviderConfig>(inst.config), config.provider_timeout, http, clock,
          random, options));
    } else {
      return absl::UnimplementedError(absl::StrCat("provider \"", inst.name, "\": type \"",
                                                   inst.type, "\" is not supported by this build"));
    }
  }
  return out;
}

Agent::Agent(AgentConfig config, std::vector<std::string> warnings, Clock* clock, Random* random)
    : config_(std::move(config)), warnings_(std::move(warnings)), clock_(clock), random_(random) {}

Agent::~Agent() { Shutdown(); }

absl::Status Agent::Start() {
  auto logger = GetLogger("agent");
  // 1. Providers.
  http_ = NewCurlHttpClient();
  GOV_ASSIGN_OR_RETURN(providers_, MakeProviders(config_, http_.get(), clock_, random_));
  std::vector<Provider*> raw;
  for (auto& p : providers_) {
    board_.Register(*p);
    raw.push_back(p.get());
    std::string details;
    for (const auto& [k, v] : p->Details()) absl::StrAppend(&details, " ", k, "=", v);
    logger->info("provider {} ({}){}", p->name(), p->type(), details);
  }
  runner_ = std::make_unique<SyncRunner>(raw, &board_);

  // 2. Hub client (created before the probe so /live can ask it).
  HubClientOptions opts;
  opts.target = config_.server_url;
  opts.tls = config_.tls;
  opts.token = config_.auth_token;
  opts.keepalive = config_.keepalive;
  opts.heartbeat_interval = config_.heartbeat_interval;
  opts.replica_id = ReplicaId(config_);
  opts.version = kVersion;
  opts.warnings = warnings_;
  opts.clock = clock_;
  // schedule_ is set below, before hub_->Start() starts the thread that calls this.
  opts.sync_schedule = [this] {
    return schedule_ ? schedule_->ToProto() : governance::v1::AgentSchedule();
  };
  hub_ = std::make_unique<HubClient>(opts, runner_.get(), &board_, random_);

  // 3. The agent's own sync schedule: asks the hub client for syncs.
  AgentSyncScheduleOptions sched;
  sched.enabled = config_.sync_schedule.enabled;
  sched.interval = absl::Minutes(config_.sync_schedule.interval_minutes);
  HubClient* hub = hub_.get();
  schedule_ = std::make_unique<AgentSyncSchedule>(sched, clock_, [hub] {
    return hub->RequestSync(governance::v1::SYNC_TRIGGER_AGENT_SCHEDULE);
  });
  auto schedule_logger = GetLogger("agent.schedule");
  if (std::optional<absl::Time> next = schedule_->NextDue()) {
    schedule_logger->info("sync schedule: every {} minutes, next at {}",
                          config_.sync_schedule.interval_minutes, FormatRfc3339(*next));
  } else {
    schedule_logger->info("sync schedule: off");
  }

  // 4. Health probe.
  probe_ = std::make_unique<HealthProbe>([hub] {
    Readiness r;
    r.ready = hub->Ready();
    if (!r.ready) {
      std::string err = hub->LastError();
      r.reason =
          err.empty() ? "connecting to the hub" : absl::StrCat("not connected to the hub: ", err);
    }
    return r;
  });
  GOV_ASSIGN_OR_RETURN(health_port_, probe_->Start("0.0.0.0", config_.health_probe_port));
  logger->info("health probe listening on 0.0.0.0:{} (/health, /live)", health_port_);

  // 5. Connect, then run the schedule.
  hub_->Start();
  schedule_->Start();
  logger->info("agent started: hub {}, {} provider(s)", config_.server_url, providers_.size());
  return absl::OkStatus();
}

void Agent::Shutdown() {
  if (schedule_) schedule_->Stop();
  if (hub_) hub_->Stop();
  if (probe_) probe_->Stop();
  hub_.reset();  // before schedule_: its heartbeats read the schedule
  schedule_.reset();
  probe_.reset();
}

}  // namespace gov::agent
