#include "src/agent/health_probe.h"

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace gov::agent {

HealthProbe::HealthProbe(std::function<Readiness()> readiness)
    : readiness_(std::move(readiness)), server_(std::make_unique<httplib::Server>()) {}

HealthProbe::~HealthProbe() { Stop(); }

absl::StatusOr<int> HealthProbe::Start(const std::string& host, int port) {
  server_->Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  server_->Get("/live", [this](const httplib::Request&, httplib::Response& res) {
    Readiness r = readiness_();
    nlohmann::json body = {{"status", r.ready ? "ok" : "not ready"}};
    if (!r.ready) body["reason"] = r.reason;
    res.status = r.ready ? 200 : 503;
    res.set_content(body.dump(), "application/json");
  });
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
  } else if (!server_->bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for the health probe on ", host, ":",
                                               port, " (address in use?)"));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return bound;
}

void HealthProbe::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace gov::agent
