// HubConfig: the hub's typed configuration, from an optional YAML file and TYK_GOV_*
// environment variables (variables win). Each variable is the YAML key path upper-cased
// and joined with '_' (http.addr <-> TYK_GOV_HTTP_ADDR).
//
// LoadHubConfig lists every problem (file:line: key: message), never just the first.
//
// Thread-safety: plain data; the loader is a pure function of its inputs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace gov::hub {

struct HubConfig {
  std::string http_addr = "0.0.0.0:8080";
  std::string grpc_addr = "0.0.0.0:50051";
  std::string database_url = "sqlite://./governance.db";
  std::string api_key;     // bootstrap key accepted in X-API-Key
  std::string jwt_secret;  // signs agent tokens; generated and persisted when empty
  absl::Duration heartbeat_timeout = absl::Seconds(30);
  std::string tls_cert_path;
  std::string tls_key_path;
  std::string tls_client_ca_path;
  std::string log_level = "info";
  std::string log_format = "text";
  // A sync that has not finished after this long is marked FAILED.
  absl::Duration sync_timeout = absl::Minutes(30);
  // The mass-deletion guard: a complete listing that would delete more than this share of
  // a provider's APIs has its deletions held for an operator (100 turns the share check
  // off; an empty listing where there were APIs is held whatever the share).
  int deletion_guard_max_percent = 50;

  // Not configuration: no YAML key or variable reaches these. Only the testing build of
  // the hub (governance-hub-testing, built with the tests) sets them.
  struct TestingOverrides {
    absl::Duration min_repeat_every = absl::Minutes(5);  // smallest sync-job repeat_every
    absl::Duration scheduler_startup_grace = absl::Seconds(60);
  } testing;

  bool tls_enabled() const { return !tls_cert_path.empty(); }
};

struct HubConfigResult {
  HubConfig config;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;  // e.g. unknown TYK_GOV_* variables (ignored)
  bool ok() const { return errors.empty(); }
};

HubConfigResult LoadHubConfig(const std::string& path,
                              const std::map<std::string, std::string>& env);

// Splits "host:port" ("[::1]:80" too); port 0 means any free port.
bool SplitHostPort(const std::string& addr, std::string* host, int* port);

}  // namespace gov::hub
