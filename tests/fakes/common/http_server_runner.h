// HttpServerRunner: starts and stops a fake's cpp-httplib server the way every fake here
// needs it - bound to host:port (0 = any free port) without SO_REUSEPORT (a busy port
// must fail, not be shared), served on a background thread, ready when Start returns,
// and stopped at once (idle keep-alive connections are shut down instead of waiting out
// httplib's 5 s keep-alive timeout).
//
// Thread-safety: Start and Stop from the owning thread; Start at most once per Stop.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace gov::fake {

class HttpServerRunner {
 public:
  // Binds and serves `server` (routes already registered). Returns the bound port.
  absl::StatusOr<int> Start(httplib::Server* server, const std::string& host, int port);
  void Stop();
  int port() const { return port_; }

 private:
  httplib::Server* server_ = nullptr;
  std::thread thread_;
  int port_ = -1;
};

// Shuts down every connection this process accepted on `port` (Linux: /proc/self/fd).
void ShutDownAcceptedConnections(int port);

}  // namespace gov::fake
