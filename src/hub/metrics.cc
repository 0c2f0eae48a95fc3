#include "src/hub/metrics.h"

#include "absl/strings/str_cat.h"

namespace gov::hub {

void Metrics::Inc(const std::string& name, const std::string& labels, int64_t by) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_[name][labels] += by;
}

void Metrics::Gauge(const std::string& name, const std::string& help, std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_[name] = {help, std::move(fn)};
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, series] : counters_) {
    absl::StrAppend(&out, "# TYPE ", name, " counter\n");
    for (const auto& [labels, v] : series) {
      absl::StrAppend(&out, name, labels.empty() ? "" : absl::StrCat("{", labels, "}"), " ", v,
                      "\n");
    }
  }
  for (const auto& [name, g] : gauges_) {
    absl::StrAppend(&out, "# HELP ", name, " ", g.first, "\n# TYPE ", name, " gauge\n", name, " ",
                    g.second(), "\n");
  }
  return out;
}

}  // namespace gov::hub
