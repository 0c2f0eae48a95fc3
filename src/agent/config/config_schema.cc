#include "src/agent/config/config_schema.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "src/agent/config/config_values.h"
#include "src/common/duration.h"
#include "src/common/suggest.h"

namespace gov::agent {
namespace {

std::string Quote(const std::string& text) { return absl::StrCat("\"", text, "\""); }

ParsedSetting Ok(SettingValue v, std::string warning = "") {
  ParsedSetting p;
  p.ok = true;
  p.value = std::move(v);
  p.warning = std::move(warning);
  return p;
}

ParsedSetting Bad(std::string error) {
  ParsedSetting p;
  p.error = std::move(error);
  return p;
}

ParsedSetting AnyString(const std::string& text) { return Ok(text); }

ParsedSetting Bool(const std::string& text) {
  if (auto b = ParseBoolText(text)) return Ok(*b);
  return Bad(absl::StrCat("expected true or false (yes/no and 1/0 also work), got ", Quote(text)));
}

ParsedSetting Port(const std::string& text) {
  auto n = ParseIntText(text);
  if (!n) return Bad(absl::StrCat("expected a port number, got ", Quote(text)));
  if (*n < 0 || *n > 65535) {
    return Bad(absl::StrCat("port ", *n, " is out of range (1-65535, or 0 for any free port)"));
  }
  return Ok(static_cast<int>(*n));
}

ParsedSetting IntervalMinutes(const std::string& text) {
  auto n = ParseIntText(text);
  if (!n) return Bad(absl::StrCat("expected a whole number of minutes, got ", Quote(text)));
  if (*n > std::numeric_limits<int>::max() || *n < std::numeric_limits<int>::min()) {
    return Bad(absl::StrCat("intervalMinutes ", *n, " is too large"));
  }
  // Zero or less is judged with syncSchedule.enabled (ValidateConfig): an error while
  // scheduled sync is on, ignored while it is off.
  if (*n > 0 && *n < kMinIntervalMinutes) {
    return Ok(kMinIntervalMinutes,
              absl::StrCat("intervalMinutes ", *n, " is below the minimum of ", kMinIntervalMinutes,
                           "; using ", kMinIntervalMinutes));
  }
  return Ok(static_cast<int>(*n));
}

ParsedSetting RequestsPerSecond(const std::string& text) {
  auto n = ParseIntText(text);
  if (!n || *n < 1 || *n > 1000) {
    return Bad(absl::StrCat("expected a whole number of requests per second from 1 to 1000, got ",
                            Quote(text)));
  }
  return Ok(static_cast<int>(*n));
}

ParsedSetting PositiveDuration(const std::string& text) {
  auto d = ParseGoDuration(text);
  if (!d.ok()) return Bad(std::string(d.status().message()));
  if (*d <= absl::ZeroDuration()) {
    return Bad(absl::StrCat("must be a positive duration, got ", Quote(text)));
  }
  return Ok(*d);
}

ParsedSetting Choice(const std::string& text, const std::vector<std::string>& choices,
                     const std::string& what) {
  const std::string lower = absl::AsciiStrToLower(text);
  for (const std::string& c : choices) {
    if (c == lower) return Ok(c);
  }
  std::string list;
  for (size_t i = 0; i < choices.size(); ++i) {
    absl::StrAppend(&list, i == 0 ? "" : (i + 1 == choices.size() ? " or " : ", "), choices[i]);
  }
  std::string message = absl::StrCat("unknown ", what, " ", Quote(text), "; use ", list);
  if (auto s = SuggestClosest(text, choices))
    absl::StrAppend(&message, " (did you mean ", *s, "?)");
  return Bad(message);
}

ParsedSetting LogLevel(const std::string& text) {
  return Choice(text, {"debug", "info", "warn", "error"}, "log level");
}

ParsedSetting LogFormat(const std::string& text) {
  return Choice(text, {"text", "json"}, "log format");
}

ParsedSetting ServerAddress(const std::string& text) {
  std::string why = CheckServerAddress(text);
  if (!why.empty()) return Bad(why);
  return Ok(text);
}

ParsedSetting LeaseName(const std::string& text) {
  std::string why = CheckKubernetesName(text);
  if (!why.empty()) return Bad(why);
  return Ok(text);
}

ParsedSetting LeaseNamespace(const std::string& text) {
  if (text.empty()) return Ok(text);  // the pod's namespace
  std::string why = CheckKubernetesNamespace(text);
  if (!why.empty()) return Bad(why);
  return Ok(text);
}

const std::string& S(const SettingValue& v) { return std::get<std::string>(v); }
bool B(const SettingValue& v) { return std::get<bool>(v); }
int I(const SettingValue& v) { return std::get<int>(v); }
absl::Duration D(const SettingValue& v) { return std::get<absl::Duration>(v); }

constexpr char kBool[] = "true or false";
constexpr char kString[] = "a string";
constexpr char kDuration[] = "a duration such as \"30s\" or \"1h30m\"";

std::vector<Setting> BuildTable() {
  using C = AgentConfig;
  using V = SettingValue;
  std::vector<Setting> t = {
      {"licenseKey", "", kString, "-", true, true, AnyString,
       [](C& c, const V& v) { c.license_key = S(v); }},
      {"logLevel", "", "one of debug, info, warn, error", "info", false, true, LogLevel,
       [](C& c, const V& v) { c.log_level = S(v); }},
      {"logFormat", "", "text or json", "text", false, true, LogFormat,
       [](C& c, const V& v) { c.log_format = S(v); }},
      {"governanceDashboard.server.url", "", "host:port", "-", false, true, ServerAddress,
       [](C& c, const V& v) { c.server_url = S(v); }},
      {"governanceDashboard.server.tls.enabled", "", kBool, "false", false, false, Bool,
       [](C& c, const V& v) { c.tls.enabled = B(v); }},
      {"governanceDashboard.server.tls.caCertPath", "", "a file path", "-", false, true, AnyString,
       [](C& c, const V& v) { c.tls.ca_cert_path = S(v); }},
      {"governanceDashboard.server.tls.clientCertPath", "", "a file path", "-", false, true,
       AnyString, [](C& c, const V& v) { c.tls.client_cert_path = S(v); }},
      {"governanceDashboard.server.tls.clientKeyPath", "", "a file path", "-", false, true,
       AnyString, [](C& c, const V& v) { c.tls.client_key_path = S(v); }},
      {"governanceDashboard.server.tls.insecureSkipVerify", "", kBool, "false", false, false, Bool,
       [](C& c, const V& v) { c.tls.insecure_skip_verify = B(v); }},
      {"governanceDashboard.auth.token", "", kString, "-", true, true, AnyString,
       [](C& c, const V& v) { c.auth_token = S(v); }},
      {"healthProbe.server.port", "", "a port number (0-65535)", "5959", false, false, Port,
       [](C& c, const V& v) { c.health_probe_port = I(v); }},
      {"syncSchedule.enabled", "", kBool, "false", false, false, Bool,
       [](C& c, const V& v) { c.sync_schedule.enabled = B(v); }},
      {"syncSchedule.intervalMinutes", "", "a whole number of minutes (at least 5)", "60", false,
       false, IntervalMinutes, [](C& c, const V& v) { c.sync_schedule.interval_minutes = I(v); }},
      {"rpc.keepalive.enabled", "", kBool, "true", false, false, Bool,
       [](C& c, const V& v) { c.keepalive.enabled = B(v); }},
      {"rpc.keepalive.time", "", kDuration, "30s", false, false, PositiveDuration,
       [](C& c, const V& v) { c.keepalive.time = D(v); }},
      {"rpc.keepalive.timeout", "", kDuration, "20s", false, false, PositiveDuration,
       [](C& c, const V& v) { c.keepalive.timeout = D(v); }},
      {"rpc.keepalive.permitWithoutStream", "", kBool, "true", false, false, Bool,
       [](C& c, const V& v) { c.keepalive.permit_without_stream = B(v); }},
      {"leaderElection.enabled", "", kBool, "false", false, false, Bool,
       [](C& c, const V& v) { c.leader_election.enabled = B(v); }},
      {"leaderElection.leaseName", "", "a Kubernetes object name", "governance-agent-lock", false,
       true, LeaseName, [](C& c, const V& v) { c.leader_election.lease_name = S(v); }},
      {"leaderElection.leaseNamespace", "", "a Kubernetes namespace", "the pod's namespace", false,
       true, LeaseNamespace, [](C& c, const V& v) { c.leader_election.lease_namespace = S(v); }},
      {"leaderElection.leaseDuration", "", kDuration, "15s", false, false, PositiveDuration,
       [](C& c, const V& v) { c.leader_election.lease_duration = D(v); }},
      {"leaderElection.renewDeadline", "", kDuration, "10s", false, false, PositiveDuration,
       [](C& c, const V& v) { c.leader_election.renew_deadline = D(v); }},
      {"leaderElection.retryPeriod", "", kDuration, "2s", false, false, PositiveDuration,
       [](C& c, const V& v) { c.leader_election.retry_period = D(v); }},
      {"heartbeat.interval", "", kDuration, "10s", false, false, PositiveDuration,
       [](C& c, const V& v) { c.heartbeat_interval = D(v); }},
      {"providers.timeout", "", kDuration, "30s", false, false, PositiveDuration,
       [](C& c, const V& v) { c.provider_timeout = D(v); }},
      {"providers.awsRequestsPerSecond", "", "requests per second (1-1000)", "10", false, false,
       RequestsPerSecond, [](C& c, const V& v) { c.aws_requests_per_second = I(v); }},
  };
  for (Setting& s : t) s.env_name = EnvNameForPath(s.path);
  return t;
}

}  // namespace

std::string EnvNameForPath(const std::string& path) {
  return absl::StrCat("TYK_AGENT_", absl::AsciiStrToUpper(absl::StrReplaceAll(path, {{".", "_"}})));
}

const std::vector<Setting>& AllSettings() {
  static const std::vector<Setting>* table = new std::vector<Setting>(BuildTable());
  return *table;
}

const Setting* FindSettingByPath(const std::string& path) {
  for (const Setting& s : AllSettings()) {
    if (s.path == path) return &s;
  }
  return nullptr;
}

const Setting* FindSettingByEnv(const std::string& name) {
  for (const Setting& s : AllSettings()) {
    if (s.env_name == name) return &s;
  }
  return nullptr;
}

std::vector<std::string> KeysUnder(const std::string& prefix) {
  std::vector<std::string> keys;
  auto add = [&keys](const std::string& k) {
    for (const std::string& existing : keys) {
      if (existing == k) return;
    }
    keys.push_back(k);
  };
  const std::string dotted = prefix.empty() ? "" : absl::StrCat(prefix, ".");
  for (const Setting& s : AllSettings()) {
    if (!absl::StartsWith(s.path, dotted)) continue;
    const std::string rest = s.path.substr(dotted.size());
    add(rest.substr(0, rest.find('.')));
  }
  if (prefix.empty()) add("instances");
  return keys;
}

bool IsSection(const std::string& path) {
  const std::string dotted = absl::StrCat(path, ".");
  for (const Setting& s : AllSettings()) {
    if (absl::StartsWith(s.path, dotted)) return true;
  }
  return false;
}

std::vector<std::string> PathsEndingWith(const std::string& key) {
  std::vector<std::string> out;
  const std::string lower = absl::AsciiStrToLower(key);
  for (const Setting& s : AllSettings()) {
    // The setting itself and every section above it.
    for (size_t end = s.path.size(); end != std::string::npos && end > 0;
         end = s.path.rfind('.', end - 1)) {
      const std::string path = s.path.substr(0, end);
      const size_t dot = path.rfind('.');
      const std::string last = dot == std::string::npos ? path : path.substr(dot + 1);
      if (absl::AsciiStrToLower(last) != lower) continue;
      bool seen = false;
      for (const std::string& o : out) seen = seen || o == path;
      if (!seen) out.push_back(path);
    }
  }
  return out;
}

}  // namespace gov::agent
