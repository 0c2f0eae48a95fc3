// Hub: the governance hub process, assembled in order and torn down in reverse.
//
// Start-up: storage (open, migrate, fail interrupted syncs) -> secrets and bootstrap API
// key -> registry, sync manager and scheduler -> gRPC agent service -> REST API ->
// housekeeping (sync timeouts, due sync jobs, once a second). Shutdown: REST -> gRPC
// (streams cancelled) -> housekeeping -> executor drained -> storage closed.
//
// Thread-safety: Start, Wait and Shutdown are called from the main thread; Shutdown may
// also be called from a signal-watching thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/hub/hub_config.h"

namespace grpc {
class Server;
}

namespace gov {
class SerialExecutor;
namespace storage {
class Storage;
}
namespace hub {

class AgentRegistry;
class AgentService;
class ApiKeys;
class Metrics;
class RestApi;
class SyncManager;
class SyncScheduler;
class TokenService;

class Hub {
 public:
  Hub(HubConfig config, Clock* clock, Random* random);
  ~Hub();

  absl::Status Start();
  // Blocks until Shutdown is called.
  void Wait();
  void Shutdown();

  int http_port() const { return http_port_; }
  int grpc_port() const { return grpc_port_; }

 private:
  void Housekeeping();

  HubConfig config_;
  Clock* clock_;
  Random* random_;

  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<ApiKeys> api_keys_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<AgentRegistry> registry_;
  std::unique_ptr<SerialExecutor> executor_;
  std::unique_ptr<SyncManager> syncs_;
  std::unique_ptr<SyncScheduler> scheduler_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<AgentService> service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<RestApi> rest_;
  std::thread rest_thread_;
  std::thread housekeeping_thread_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool stopped_ = false;
  int http_port_ = 0;
  int grpc_port_ = 0;
};

}  // namespace hub
}  // namespace gov
