#include "src/agent/config/env_reader.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/common/suggest.h"

namespace gov::agent {
namespace {

constexpr char kPrefix[] = "TYK_AGENT_";

std::string TrimSpace(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

void ReadEnvironment(const std::map<std::string, std::string>& env, LoadState* state) {
  std::vector<std::string> known;
  for (const Setting& s : AllSettings()) known.push_back(s.env_name);

  for (const auto& [name, value] : env) {
    if (name == "POD_NAME") state->config().pod_name = value;
    if (name == "POD_NAMESPACE") state->config().pod_namespace = value;
    if (!absl::StartsWith(name, kPrefix)) continue;
    const Origin at{kEnvironmentFile, 0, 0, name};
    if (const Setting* setting = FindSettingByEnv(name)) {
      if (value.empty()) continue;
      // Typed values forgive surrounding blanks (e.g. a newline from a mounted file);
      // strings are taken as they are.
      state->ApplySetting(*setting, setting->is_string ? value : TrimSpace(value), at);
      continue;
    }
    if (absl::StartsWith(name, "TYK_AGENT_INSTANCES")) {
      state->Warning(at,
                     "provider instances cannot be set through variables; list them under "
                     "`instances` in the config file (this variable is ignored)");
      continue;
    }
    std::string message = "unknown variable, ignored";
    if (auto s = SuggestClosest(name, known)) absl::StrAppend(&message, "; did you mean ", *s, "?");
    state->Warning(at, message);
  }
}

}  // namespace gov::agent
