#include "src/agent/config/load_state.h"

#include <algorithm>
#include <cstdint>

namespace gov::agent {

void LoadState::Add(const Origin& at, std::string message, bool warning) {
  ConfigProblem p;
  p.file = at.file;
  p.line = at.line;
  p.column = at.column;
  p.key = at.key;
  p.message = std::move(message);
  p.warning = warning;
  problems_.push_back(std::move(p));
  dropped_.push_back(false);
}

void LoadState::Error(const Origin& at, std::string message) { Add(at, std::move(message), false); }

void LoadState::Warning(const Origin& at, std::string message) {
  Add(at, std::move(message), true);
}

void LoadState::ApplySetting(const Setting& setting, const std::string& text, const Origin& at) {
  ParsedSetting parsed = setting.parse(text);
  if (!parsed.ok) {
    Error(at, parsed.error);
    rejected_.insert(setting.path);
    return;
  }
  // This value replaces any earlier one: so do its warnings.
  for (size_t i : raised_[setting.path]) dropped_[i] = true;
  raised_[setting.path].clear();
  if (!parsed.warning.empty()) {
    raised_[setting.path].push_back(problems_.size());
    Warning(at, parsed.warning);
  }
  setting.assign(config_, parsed.value);
  origins_[setting.path] = at;
}

const Origin* LoadState::OriginOf(const std::string& path) const {
  auto it = origins_.find(path);
  return it == origins_.end() ? nullptr : &it->second;
}

Origin LoadState::NearestWritten(const std::string& path) const {
  std::string p = path;
  while (!p.empty()) {
    auto it = keys_.find(p);
    if (it != keys_.end()) {
      Origin o = it->second;
      o.key = path;
      return o;
    }
    const size_t dot = p.rfind('.');
    p = dot == std::string::npos ? "" : p.substr(0, dot);
  }
  return Origin{file_label_, 0, 0, path};
}

std::vector<ConfigProblem> LoadState::TakeProblems() {
  std::vector<ConfigProblem> kept;
  for (size_t i = 0; i < problems_.size(); ++i) {
    if (!dropped_[i]) kept.push_back(std::move(problems_[i]));
  }
  problems_ = std::move(kept);
  dropped_.clear();
  raised_.clear();
  // File problems in file order (those without a line after the rest of their file),
  // then the environment's, in the order found.
  auto rank = [](const ConfigProblem& p) { return p.file == kEnvironmentFile ? 1 : 0; };
  std::stable_sort(problems_.begin(), problems_.end(),
                   [&](const ConfigProblem& a, const ConfigProblem& b) {
                     if (rank(a) != rank(b)) return rank(a) < rank(b);
                     if (rank(a) == 1) return false;
                     const int la = a.line == 0 ? INT32_MAX : a.line;
                     const int lb = b.line == 0 ? INT32_MAX : b.line;
                     if (la != lb) return la < lb;
                     return a.column < b.column;
                   });
  return std::move(problems_);
}

}  // namespace gov::agent
