// Metrics: a few counters and gauges, rendered in the Prometheus text format at /metrics.
//
// Thread-safety: counters are atomics; Render is safe from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace gov::hub {

class Metrics {
 public:
  void Inc(const std::string& name, const std::string& labels = "", int64_t by = 1);
  // A gauge computed when scraped.
  void Gauge(const std::string& name, const std::string& help, std::function<double()> fn);
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, int64_t>> counters_;
  std::map<std::string, std::pair<std::string, std::function<double()>>> gauges_;
};

}  // namespace gov::hub
