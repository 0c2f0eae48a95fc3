// RestApi: the hub's REST API (contract.md, "REST API"), on cpp-httplib.
//
// Every /api/ route requires a valid X-API-Key (401 JSON error otherwise). Paths work
// with and without a trailing slash. Errors are {"error": "...", "details": ...} with the
// status from ToHttpStatus; a handler that throws answers 500 JSON, never HTML.
//
// Thread-safety: handlers run on httplib's thread pool; every dependency is thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/hub/agent_registry.h"
#include "src/hub/api_keys.h"
#include "src/hub/metrics.h"
#include "src/hub/sync_manager.h"
#include "src/hub/sync_scheduler.h"
#include "src/hub/token_service.h"
#include "src/storage/storage.h"

namespace httplib {
class Server;
}

namespace gov::hub {

struct RestDeps {
  storage::Storage* storage;
  ApiKeys* api_keys;
  TokenService* tokens;
  AgentRegistry* registry;
  SyncManager* syncs;
  SyncScheduler* scheduler;
  Metrics* metrics;
  Clock* clock;
  Random* random;
};

class RestApi {
 public:
  explicit RestApi(RestDeps deps);
  ~RestApi();

  // Binds host:port (port 0 = any free port) and returns the bound port.
  absl::StatusOr<int> Bind(const std::string& host, int port, const std::string& cert_path,
                           const std::string& key_path);
  // Serves until Stop(); blocks.
  void Serve();
  void Stop();

 private:
  void Routes();
  RestDeps deps_;
  std::unique_ptr<httplib::Server> server_;
};

}  // namespace gov::hub
