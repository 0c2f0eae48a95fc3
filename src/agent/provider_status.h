// ProviderStatusBoard: the last known state of each provider on this agent (OK after a
// complete listing, ERROR with the message after a failed one, UNKNOWN before any),
// reported to the hub in every heartbeat.
//
// Thread-safety: every method is safe from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "governance/v1/agent.pb.h"
#include "src/agent/provider.h"

namespace gov::agent {

class ProviderStatusBoard {
 public:
  void Register(const Provider& p) {
    std::lock_guard<std::mutex> lock(mu_);
    governance::v1::ProviderStatus& s = status_[p.name()];
    s.set_name(p.name());
    s.set_type(p.type());
    s.set_status("UNKNOWN");
    for (const auto& [k, v] : p.Details()) (*s.mutable_details())[k] = v;
    order_.push_back(p.name());
  }
  void Record(const std::string& name, const absl::Status& result) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = status_.find(name);
    if (it == status_.end()) return;
    it->second.set_status(result.ok() ? "OK" : "ERROR");
    it->second.set_error(result.ok() ? "" : std::string(result.message()));
  }
  std::vector<governance::v1::ProviderStatus> Snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<governance::v1::ProviderStatus> out;
    for (const auto& name : order_) out.push_back(status_.at(name));
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> order_;
  std::map<std::string, governance::v1::ProviderStatus> status_;
};

}  // namespace gov::agent
