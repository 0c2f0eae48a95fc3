#include "src/agent/config/agent_config.h"

#include "absl/strings/str_cat.h"
#include "src/agent/config/env_reader.h"
#include "src/agent/config/load_state.h"
#include "src/agent/config/validate.h"
#include "src/agent/config/yaml_reader.h"
#include "src/common/environment.h"

namespace gov::agent {

std::string ConfigProblem::ToString() const {
  std::string out = warning ? "warning: " : "";
  if (!file.empty()) {
    absl::StrAppend(&out, file);
    if (line > 0) {
      absl::StrAppend(&out, ":", line);
      if (column > 0) absl::StrAppend(&out, ":", column);
    }
    absl::StrAppend(&out, ": ");
  }
  if (!key.empty()) absl::StrAppend(&out, key, ": ");
  absl::StrAppend(&out, message);
  return out;
}

bool ConfigLoadResult::ok() const {
  for (const ConfigProblem& p : problems) {
    if (!p.warning) return false;
  }
  return true;
}

ConfigLoadResult LoadAgentConfig(const std::string& path,
                                 const std::map<std::string, std::string>& env) {
  LoadState state(path.empty() ? kEnvironmentFile : path);
  // A file that cannot be read leaves nothing to check the whole configuration against;
  // its problem plus the variables' problems are reported.
  const bool file_usable = path.empty() || ReadConfigFile(path, &state);
  ReadEnvironment(env, &state);
  if (file_usable) ValidateConfig(&state);
  ConfigLoadResult result;
  result.config = state.config();
  result.problems = state.TakeProblems();
  return result;
}

std::map<std::string, std::string> CurrentEnvironment() { return gov::ReadEnvironment(); }

}  // namespace gov::agent
