#include "src/agent/config/validate.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "src/common/duration.h"

namespace gov::agent {
namespace {

constexpr char kUrl[] = "governanceDashboard.server.url";
constexpr char kToken[] = "governanceDashboard.auth.token";
constexpr char kTls[] = "governanceDashboard.server.tls";
constexpr char kLease[] = "leaderElection.leaseDuration";
constexpr char kRenew[] = "leaderElection.renewDeadline";
constexpr char kRetry[] = "leaderElection.retryPeriod";
// The hub's default TYK_GOV_AGENT_HEARTBEAT_TIMEOUT.
constexpr absl::Duration kHubHeartbeatTimeout = absl::Seconds(30);

// Where the value at `path` came from, or the nearest written section when it has its
// default.
Origin Where(const LoadState& state, const std::string& path) {
  if (const Origin* o = state.OriginOf(path)) return *o;
  return state.NearestWritten(path);
}

// Empty when `path` names a readable regular file, else why not.
std::string CheckReadableFile(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return absl::StrCat("file \"", path, "\" does not exist");
  }
  if (std::filesystem::is_directory(status)) {
    return absl::StrCat("\"", path, "\" is a directory, not a file");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::StrCat("file \"", path, "\" cannot be read: ", std::strerror(errno));
  }
  ::close(fd);
  return "";
}

void Required(LoadState* state, const std::string& path, const std::string& what) {
  if (state->Rejected(path)) return;  // its bad value is already reported
  const Setting* setting = FindSettingByPath(path);
  if (const Origin* o = state->OriginOf(path)) {
    state->Error(*o, absl::StrCat("is empty; ", what, " is required"));
    return;
  }
  state->Error(state->NearestWritten(path), absl::StrCat("missing: ", what, " is required; set `",
                                                         path, "` or ", setting->env_name));
}

void CheckTls(LoadState* state) {
  const TlsConfig& tls = state->config().tls;
  const std::string ca = absl::StrCat(kTls, ".caCertPath");
  const std::string cert = absl::StrCat(kTls, ".clientCertPath");
  const std::string key = absl::StrCat(kTls, ".clientKeyPath");
  const std::string skip = absl::StrCat(kTls, ".insecureSkipVerify");
  if (!tls.enabled) {
    for (const auto& [path, set] :
         {std::pair{ca, !tls.ca_cert_path.empty()}, std::pair{cert, !tls.client_cert_path.empty()},
          std::pair{key, !tls.client_key_path.empty()},
          std::pair{skip, tls.insecure_skip_verify}}) {
      if (!set) continue;
      state->Warning(Where(*state, path),
                     absl::StrCat("TLS is off (", kTls, ".enabled is false), so `",
                                  path.substr(path.rfind('.') + 1), "` is ignored"));
    }
    return;
  }
  for (const auto& [path, value] :
       {std::pair{ca, tls.ca_cert_path}, std::pair{cert, tls.client_cert_path},
        std::pair{key, tls.client_key_path}}) {
    if (value.empty()) continue;
    std::string why = CheckReadableFile(value);
    if (!why.empty()) state->Error(Where(*state, path), why);
  }
  if (tls.client_cert_path.empty() != tls.client_key_path.empty()) {
    const bool has_cert = !tls.client_cert_path.empty();
    Origin at = Where(*state, has_cert ? cert : key);
    at.key = has_cert ? key : cert;
    state->Error(at, has_cert ? "clientCertPath is set but clientKeyPath is not; mutual TLS needs "
                                "both (or neither)"
                              : "clientKeyPath is set but clientCertPath is not; mutual TLS needs "
                                "both (or neither)");
  }
  if (tls.insecure_skip_verify) {
    state->Warning(Where(*state, skip),
                   "the hub's certificate is not verified; use this only for testing");
  }
}

void CheckLeaderElection(LoadState* state) {
  const AgentConfig::LeaderElection& le = state->config().leader_election;
  // client-go's rules: leaseDuration > renewDeadline > 1.2 * retryPeriod.
  if (!state->Rejected(kLease) && !state->Rejected(kRenew) &&
      le.renew_deadline >= le.lease_duration) {
    state->Error(Where(*state, state->OriginOf(kRenew) ? kRenew : kLease),
                 absl::StrCat("renewDeadline (", FormatGoDuration(le.renew_deadline),
                              ") must be shorter than leaseDuration (",
                              FormatGoDuration(le.lease_duration), ")"));
  }
  if (!state->Rejected(kRenew) && !state->Rejected(kRetry)) {
    if (le.retry_period >= le.renew_deadline) {
      state->Error(Where(*state, state->OriginOf(kRetry) ? kRetry : kRenew),
                   absl::StrCat("retryPeriod (", FormatGoDuration(le.retry_period),
                                ") must be shorter than renewDeadline (",
                                FormatGoDuration(le.renew_deadline), ")"));
    } else if (le.renew_deadline <= le.retry_period * 1.2) {
      state->Error(
          Where(*state, state->OriginOf(kRetry) ? kRetry : kRenew),
          absl::StrCat("renewDeadline (", FormatGoDuration(le.renew_deadline),
                       ") must be more than 1.2 x retryPeriod (", FormatGoDuration(le.retry_period),
                       "), as Kubernetes leader election requires"));
    }
  }
  if (!le.enabled) return;
  const Origin enabled_at = Where(*state, "leaderElection.enabled");
  const std::string where =
      enabled_at.file == kEnvironmentFile
          ? absl::StrCat(" (by ", enabled_at.key, ")")
          : (enabled_at.line > 0
                 ? absl::StrCat(" (leaderElection.enabled, line ", enabled_at.line, ")")
                 : "");
  if (state->config().pod_name.empty()) {
    state->Error(Origin{kEnvironmentFile, 0, 0, "POD_NAME"},
                 absl::StrCat("leader election is enabled", where,
                              " but POD_NAME is not set; set it to the pod's name "
                              "(Kubernetes downward API, fieldPath metadata.name)"));
  }
  if (state->config().pod_namespace.empty()) {
    state->Error(Origin{kEnvironmentFile, 0, 0, "POD_NAMESPACE"},
                 absl::StrCat("leader election is enabled", where,
                              " but POD_NAMESPACE is not set; set it to the pod's namespace "
                              "(Kubernetes downward API, fieldPath metadata.namespace)"));
  }
}

// An interval of zero or less: an error while scheduled sync is on; while it is off the
// value is ignored (and the default kept), with a warning.
void CheckSyncSchedule(LoadState* state) {
  AgentConfig::SyncSchedule& sched = state->config().sync_schedule;
  if (sched.interval_minutes > 0) return;
  const Origin at = Where(*state, "syncSchedule.intervalMinutes");
  if (sched.enabled) {
    state->Error(at, absl::StrCat("must be a positive number of minutes (at least ",
                                  kMinIntervalMinutes, "), got ", sched.interval_minutes,
                                  "; to turn scheduled sync off set syncSchedule.enabled to "
                                  "false"));
    return;
  }
  state->Warning(at, absl::StrCat("intervalMinutes ", sched.interval_minutes,
                                  " is ignored while syncSchedule.enabled is false"));
  sched.interval_minutes = AgentConfig::SyncSchedule{}.interval_minutes;
}

}  // namespace

void ValidateConfig(LoadState* state) {
  const AgentConfig& config = state->config();
  if (config.server_url.empty()) {
    Required(state, kUrl, "the hub's gRPC address (host:port)");
  }
  if (config.auth_token.empty()) Required(state, kToken, "the agent's access token");
  if (config.instances.empty() && !state->instances_rejected()) {
    state->Error(state->NearestWritten("instances"),
                 "no provider instances: list at least one under `instances` (type tyk or aws)");
  }
  CheckTls(state);
  CheckLeaderElection(state);
  CheckSyncSchedule(state);
  if (config.heartbeat_interval >= kHubHeartbeatTimeout) {
    state->Warning(Where(*state, "heartbeat.interval"),
                   absl::StrCat("heartbeat.interval ", FormatGoDuration(config.heartbeat_interval),
                                " is not shorter than the hub's default heartbeat timeout (30s); "
                                "the hub may mark the agent INACTIVE between heartbeats"));
  }
}

}  // namespace gov::agent
