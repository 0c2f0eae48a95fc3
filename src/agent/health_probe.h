// HealthProbe: the agent's HTTP probe server (healthProbe.server.port, 5959).
//   GET /health -> 200 while the process works.
//   GET /live   -> 200 once connected to the hub and ready, 503 otherwise (with why).
//
// Thread-safety: Start/Stop from the owning thread; the readiness callback is called
// from the server's threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace gov::agent {

struct Readiness {
  bool ready = false;
  std::string reason;  // why not ready
};

class HealthProbe {
 public:
  explicit HealthProbe(std::function<Readiness()> readiness);
  ~HealthProbe();
  // Binds 0.0.0.0:port (0 = any free port) and serves in the background; returns the port.
  absl::StatusOr<int> Start(const std::string& host, int port);
  void Stop();

 private:
  std::function<Readiness()> readiness_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace gov::agent
