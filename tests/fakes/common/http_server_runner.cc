#include "tests/fakes/common/http_server_runner.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace gov::fake {
namespace {

// The local port of socket `fd`, or -1 when it is no TCP socket.
int LocalPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return -1;
}

}  // namespace

void ShutDownAcceptedConnections(int port) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &fd) || LocalPort(fd) != port) {
      continue;
    }
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;  // listener
    shutdown(fd, SHUT_RDWR);
  }
}

absl::StatusOr<int> HttpServerRunner::Start(httplib::Server* server, const std::string& host,
                                            int port) {
  server_ = server;
  // httplib also sets SO_REUSEPORT, which would let a second server share a port that is
  // in use; a fake must fail instead of silently splitting the traffic.
  server_->set_socket_options([](auto sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
  } else {
    port_ = server_->bind_to_port(host, port) ? port : -1;
  }
  if (port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", host, ":", port, " (address in use or invalid)"));
  }
  auto exited = std::make_shared<std::atomic<bool>>(false);
  thread_ = std::thread([this, exited] {
    server_->listen_after_bind();
    exited->store(true);
  });
  // stop() only works once the accept loop runs, so wait for it.
  while (!server_->is_running() && !exited->load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (exited->load()) {
    thread_.join();
    return absl::InternalError(absl::StrCat("the server on port ", port_, " stopped at once"));
  }
  return port_;
}

void HttpServerRunner::Stop() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) {
    ShutDownAcceptedConnections(port_);
    thread_.join();
  }
}

}  // namespace gov::fake
