// AgentConfig: the agent's typed configuration, read from the YAML file of the user's
// document and the TYK_AGENT_* environment variables (variables win over the file).
//
// LoadAgentConfig never stops at the first problem: it returns every problem found, each
// naming the file, line, key path and what is wrong, so `--validate-config` can list them.
//
// Thread-safety: plain data; the loader is a pure function of its inputs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"

namespace gov::agent {

struct TlsConfig {
  bool enabled = false;
  std::string ca_cert_path;
  std::string client_cert_path;
  std::string client_key_path;
  bool insecure_skip_verify = false;
};

struct TykProviderConfig {
  std::string host;  // http:// or https:// base URL of the Tyk Dashboard
  std::string auth;  // Dashboard API key (secret)
};

struct AwsProviderConfig {
  std::string access_key_id;
  std::string access_key_secret;  // secret
  std::string region;
  std::string session_token;  // secret, optional
  std::string endpoint;       // optional base URL override
};

struct ProviderInstanceConfig {
  std::string name;
  std::string type;  // "tyk" or "aws"
  std::variant<TykProviderConfig, AwsProviderConfig> config;
  int line = 0;  // where the instance starts in the file (0 when unknown)
};

struct AgentConfig {
  // governanceDashboard
  std::string server_url;  // host:port of the hub's gRPC endpoint
  TlsConfig tls;
  std::string auth_token;
  std::string license_key;
  std::string log_level = "info";
  std::string log_format = "text";  // TYK_AGENT_LOGFORMAT: text or json (extension)
  int health_probe_port = 5959;
  std::vector<ProviderInstanceConfig> instances;

  struct SyncSchedule {
    bool enabled = false;
    int interval_minutes = 60;
  } sync_schedule;

  struct Keepalive {
    bool enabled = true;
    absl::Duration time = absl::Seconds(30);
    absl::Duration timeout = absl::Seconds(20);
    bool permit_without_stream = true;
  } keepalive;

  struct LeaderElection {
    bool enabled = false;
    std::string lease_name = "governance-agent-lock";
    std::string lease_namespace;  // empty: the pod's namespace
    absl::Duration lease_duration = absl::Seconds(15);
    absl::Duration renew_deadline = absl::Seconds(10);
    absl::Duration retry_period = absl::Seconds(2);
  } leader_election;

  absl::Duration heartbeat_interval = absl::Seconds(10);  // heartbeat.interval
  // Per-request timeout towards providers (TYK_AGENT_PROVIDERS_TIMEOUT, extension).
  absl::Duration provider_timeout = absl::Seconds(30);
  // Client-side limit of each aws provider's calls (TYK_AGENT_PROVIDERS_AWSREQUESTSPERSECOND,
  // extension): AWS shares about 10 control-plane requests/s per account and region.
  int aws_requests_per_second = 10;

  // From the environment when leader election is on.
  std::string pod_name;
  std::string pod_namespace;
};

struct ConfigProblem {
  std::string file;  // path as given, or "environment"
  int line = 0;      // 1-based, 0 when not applicable
  int column = 0;    // 1-based, 0 when not applicable
  std::string key;   // dotted path, e.g. "instances[0].config.host", or the variable name
  std::string message;
  bool warning = false;  // true: reported, but the config is still usable
  // "file:line:column: key: message" (parts omitted when unknown).
  std::string ToString() const;
};

struct ConfigLoadResult {
  AgentConfig config;
  std::vector<ConfigProblem> problems;  // errors and warnings, in file order
  bool ok() const;                      // no problem that is an error
};

// `path` may be empty: then only the environment is read. `env` is the environment
// (name -> value); pass CurrentEnvironment() in production.
ConfigLoadResult LoadAgentConfig(const std::string& path,
                                 const std::map<std::string, std::string>& env);

std::map<std::string, std::string> CurrentEnvironment();

}  // namespace gov::agent
