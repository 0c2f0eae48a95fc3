// ConfigSchema: the table of every single-value setting of the agent. Each has its YAML
// key path (as the user's document spells it), its TYK_AGENT_* variable (the path upper-
// cased with '_' between the parts), how its text is read and checked, and where the value
// goes in AgentConfig. The YAML reader and the environment reader both go through it, so
// a value means the same wherever it is written. Provider instances (a list) are not here.
//
// Thread-safety: the table is immutable after first use; all functions are thread-safe.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "src/agent/config/agent_config.h"

namespace gov::agent {

using SettingValue = std::variant<std::string, bool, int, absl::Duration>;

// The outcome of reading one value's text.
struct ParsedSetting {
  bool ok = false;
  SettingValue value;
  std::string error;    // when !ok: what is wrong (quotes the text unless the setting is secret)
  std::string warning;  // when ok: the value was accepted after an adjustment
};

struct Setting {
  std::string path;          // "governanceDashboard.server.tls.enabled"
  std::string env_name;      // "TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_TLS_ENABLED"
  std::string expected;      // "true or false", for messages: "expected <expected>"
  std::string default_text;  // as documented; "-" when none
  bool secret = false;       // never quoted in any message
  bool is_string = false;    // a YAML null means "" rather than a missing value
  ParsedSetting (*parse)(const std::string& text) = nullptr;
  void (*assign)(AgentConfig& config, const SettingValue& value) = nullptr;
};

const std::vector<Setting>& AllSettings();
const Setting* FindSettingByPath(const std::string& path);
const Setting* FindSettingByEnv(const std::string& name);

// "syncSchedule.intervalMinutes" -> "TYK_AGENT_SYNCSCHEDULE_INTERVALMINUTES".
std::string EnvNameForPath(const std::string& path);

// The keys allowed directly under the mapping at `prefix` ("" for the top level),
// in table order. Includes "instances" at the top level.
std::vector<std::string> KeysUnder(const std::string& prefix);

// True when `path` is a mapping (section) of the schema, e.g. "governanceDashboard.server".
bool IsSection(const std::string& path);

// Every known path ending in `.key` (case-insensitive); used to say where a key belongs.
std::vector<std::string> PathsEndingWith(const std::string& key);

inline constexpr int kMinIntervalMinutes = 5;

}  // namespace gov::agent
