#include "src/agent/config/agent_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "absl/strings/str_cat.h"
#include "src/agent/config/config_schema.h"
#include "src/common/duration.h"

namespace gov::agent {
namespace {

using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  return absl::StrCat(GOV_AGENT_CONFIG_FIXTURES, "/", name);
}

// Writes `content` to a fresh file and returns its path.
std::string WriteTemp(const std::string& content, const std::string& name = "agent.yaml") {
  static int counter = 0;
  const std::string dir =
      absl::StrCat(::testing::TempDir(), "/agent_config_test_", ::getpid(), "_", counter++);
  std::filesystem::create_directories(dir);
  const std::string path = absl::StrCat(dir, "/", name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string Dump(const std::vector<ConfigProblem>& problems) {
  std::string out;
  for (const ConfigProblem& p : problems) absl::StrAppend(&out, "\n  ", p.ToString());
  return out.empty() ? " (no problems)" : out;
}

// What a hub connection needs, given by variables so cases can stay short.
std::map<std::string, std::string> BaseEnv() {
  return {{"TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_URL", "hub.example.com:50051"},
          {"TYK_AGENT_GOVERNANCEDASHBOARD_AUTH_TOKEN", "env-token"},
          {"POD_NAME", "agent-0"},
          {"POD_NAMESPACE", "governance"}};
}

// One valid provider instance; cases put it after the section under test.
constexpr char kInstances[] =
    "instances:\n"
    "  - name: \"tyk\"\n"
    "    type: \"tyk\"\n"
    "    config:\n"
    "      host: \"http://dashboard:3000\"\n"
    "      auth: \"key\"\n";

ConfigLoadResult LoadText(const std::string& yaml, std::map<std::string, std::string> env) {
  return LoadAgentConfig(WriteTemp(yaml), env);
}

// ---------------------------------------------------------------------------------------
// The document's own samples.

TEST(AgentConfigSamples, QuickstartAsDocumentedReportsTheMisindentedLine) {
  const std::string path = Fixture("quickstart-as-documented.yaml");
  ConfigLoadResult r = LoadAgentConfig(path, {});
  // The parser stops at line 15; the second instance repeats the slip on line 22.
  ASSERT_EQ(r.problems.size(), 2u) << Dump(r.problems);
  const ConfigProblem& p = r.problems[0];
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(p.file, path);
  EXPECT_EQ(p.line, 15);
  EXPECT_EQ(p.column, 8);
  EXPECT_THAT(p.message, HasSubstr("keys of one mapping must line up: `type` (column 8) is "
                                   "indented deeper than `name` (column 7) on line 14"));
  EXPECT_EQ(p.key, "instances[0].type");
  EXPECT_EQ(p.ToString().rfind(absl::StrCat(path, ":15:8: instances[0].type: invalid YAML: "), 0),
            0u)
      << p.ToString();
  EXPECT_EQ(r.problems[1].ToString(),
            absl::StrCat(path,
                         ":22:8: instances[1].type: invalid YAML: keys of one mapping must "
                         "line up: `type` (column 8) is indented deeper than `name` "
                         "(column 7) on line 21"));
}

TEST(AgentConfigSamples, QuickstartFixedLoads) {
  ConfigLoadResult r = LoadAgentConfig(Fixture("quickstart-fixed.yaml"), {});
  ASSERT_TRUE(r.ok()) << Dump(r.problems);
  EXPECT_TRUE(r.problems.empty()) << Dump(r.problems);
  EXPECT_EQ(r.config.server_url, "your-governance-instance.tyk.io:50051");
  EXPECT_EQ(r.config.auth_token, "your-agent-token");
  ASSERT_EQ(r.config.instances.size(), 2u);
  EXPECT_EQ(r.config.instances[0].name, "tyk-provider");
  EXPECT_EQ(r.config.instances[0].type, "tyk");
  EXPECT_EQ(r.config.instances[0].line, 16);
  const auto& tyk = std::get<TykProviderConfig>(r.config.instances[0].config);
  EXPECT_EQ(tyk.host, "http://your-tyk-dashboard:3000");
  EXPECT_EQ(tyk.auth, "your-tyk-dashboard-api-key");
  EXPECT_EQ(r.config.instances[1].name, "aws-provider");
  const auto& aws = std::get<AwsProviderConfig>(r.config.instances[1].config);
  EXPECT_EQ(aws.access_key_id, "your-aws-access-key-id");
  EXPECT_EQ(aws.access_key_secret, "your-aws-access-key-secret");
  EXPECT_EQ(aws.region, "us-east-1");
  EXPECT_EQ(aws.session_token, "");
}

TEST(AgentConfigSamples, MultiProviderExampleLoadsWithTheConnectionFromVariables) {
  ConfigLoadResult r = LoadAgentConfig(Fixture("multi-provider.yaml"), BaseEnv());
  ASSERT_TRUE(r.ok()) << Dump(r.problems);
  EXPECT_TRUE(r.problems.empty()) << Dump(r.problems);
  ASSERT_EQ(r.config.instances.size(), 3u);
  EXPECT_EQ(r.config.instances[2].name, "aws-eu-west");
  EXPECT_EQ(std::get<AwsProviderConfig>(r.config.instances[2].config).region, "eu-west-1");
}

TEST(AgentConfigSamples, MultiProviderExampleAloneNamesTheMissingConnection) {
  const std::string path = Fixture("multi-provider.yaml");
  ConfigLoadResult r = LoadAgentConfig(path, {});
  ASSERT_EQ(r.problems.size(), 2u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].ToString(),
            absl::StrCat(path,
                         ": governanceDashboard.server.url: missing: the hub's gRPC address "
                         "(host:port) is required; set `governanceDashboard.server.url` or "
                         "TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_URL"));
  EXPECT_EQ(r.problems[1].key, "governanceDashboard.auth.token");
}

TEST(AgentConfigSamples, CoreConfigurationExampleOnlyLacksInstances) {
  ConfigLoadResult r = LoadAgentConfig(Fixture("core-configuration.yaml"), {});
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].key, "instances");
  EXPECT_THAT(r.problems[0].message, HasSubstr("no provider instances"));
  EXPECT_EQ(r.config.server_url, "your-governance-instance.tyk.io:50051");
  EXPECT_EQ(r.config.log_level, "info");
  EXPECT_EQ(r.config.health_probe_port, 5959);
}

TEST(AgentConfigSamples, ProviderConfigurationExampleReadsTheSessionToken) {
  ConfigLoadResult r = LoadAgentConfig(Fixture("provider-configuration.yaml"), BaseEnv());
  ASSERT_TRUE(r.ok()) << Dump(r.problems);
  ASSERT_EQ(r.config.instances.size(), 2u);
  EXPECT_EQ(std::get<AwsProviderConfig>(r.config.instances[1].config).session_token,
            "your-aws-session-token");
}

TEST(AgentConfigSamples, AllConfigurationOptionsTogetherLoad) {
  ConfigLoadResult r = LoadAgentConfig(Fixture("configuration-options.yaml"), BaseEnv());
  ASSERT_TRUE(r.ok()) << Dump(r.problems);
  EXPECT_TRUE(r.problems.empty()) << Dump(r.problems);
  EXPECT_TRUE(r.config.sync_schedule.enabled);
  EXPECT_EQ(r.config.sync_schedule.interval_minutes, 60);
  EXPECT_TRUE(r.config.leader_election.enabled);
  EXPECT_EQ(r.config.leader_election.lease_name, "governance-agent-lock");
  EXPECT_EQ(r.config.leader_election.lease_namespace, "");
  EXPECT_EQ(r.config.pod_name, "agent-0");
  EXPECT_EQ(r.config.pod_namespace, "governance");
}

// ---------------------------------------------------------------------------------------
// Every key, from the file and from its variable (the variable wins).

std::string Str(bool b) { return b ? "true" : "false"; }

struct KeyCase {
  std::string path;
  std::string yaml_value;
  std::string env_value;
  std::string want_from_yaml;
  std::string want_from_env;
  std::function<std::string(const AgentConfig&)> read;
};

// One case per entry reads better than one field per line.
// clang-format off
std::vector<KeyCase> KeyCases() {
  using C = AgentConfig;
  auto dur = [](absl::Duration d) { return FormatGoDuration(d); };
  return {
      {"governanceDashboard.server.url", "\"a.example:1\"", "b.example:2", "a.example:1",
       "b.example:2", [](const C& c) { return c.server_url; }},
      {"governanceDashboard.server.tls.enabled", "true", "no", "true", "false",
       [](const C& c) { return Str(c.tls.enabled); }},
      {"governanceDashboard.server.tls.caCertPath", "/ca-yaml", "/ca-env", "/ca-yaml", "/ca-env",
       [](const C& c) { return c.tls.ca_cert_path; }},
      {"governanceDashboard.server.tls.clientCertPath", "/cert-yaml", "/cert-env", "/cert-yaml",
       "/cert-env", [](const C& c) { return c.tls.client_cert_path; }},
      {"governanceDashboard.server.tls.clientKeyPath", "/key-yaml", "/key-env", "/key-yaml",
       "/key-env", [](const C& c) { return c.tls.client_key_path; }},
      {"governanceDashboard.server.tls.insecureSkipVerify", "yes", "FALSE", "true", "false",
       [](const C& c) { return Str(c.tls.insecure_skip_verify); }},
      {"governanceDashboard.auth.token", "yaml-token", "env-token-2", "yaml-token", "env-token-2",
       [](const C& c) { return c.auth_token; }},
      {"licenseKey", "yaml-license", "env-license", "yaml-license", "env-license",
       [](const C& c) { return c.license_key; }},
      {"logLevel", "warn", "DEBUG", "warn", "debug", [](const C& c) { return c.log_level; }},
      {"logFormat", "json", "text", "json", "text", [](const C& c) { return c.log_format; }},
      {"healthProbe.server.port", "8081", "0", "8081", "0",
       [](const C& c) { return absl::StrCat(c.health_probe_port); }},
      {"syncSchedule.enabled", "1", "0", "true", "false",
       [](const C& c) { return Str(c.sync_schedule.enabled); }},
      {"syncSchedule.intervalMinutes", "\"7\"", " 120\n", "7", "120",
       [](const C& c) { return absl::StrCat(c.sync_schedule.interval_minutes); }},
      {"rpc.keepalive.enabled", "false", "Yes", "false", "true",
       [](const C& c) { return Str(c.keepalive.enabled); }},
      {"rpc.keepalive.time", "1m", "45s", "1m0s", "45s",
       [dur](const C& c) { return dur(c.keepalive.time); }},
      {"rpc.keepalive.timeout", "500ms", "1.5s", "500ms", "1.5s",
       [dur](const C& c) { return dur(c.keepalive.timeout); }},
      {"rpc.keepalive.permitWithoutStream", "no", "true", "false", "true",
       [](const C& c) { return Str(c.keepalive.permit_without_stream); }},
      {"leaderElection.enabled", "true", "false", "true", "false",
       [](const C& c) { return Str(c.leader_election.enabled); }},
      {"leaderElection.leaseName", "yaml-lock", "env-lock", "yaml-lock", "env-lock",
       [](const C& c) { return c.leader_election.lease_name; }},
      {"leaderElection.leaseNamespace", "yaml-ns", "env-ns", "yaml-ns", "env-ns",
       [](const C& c) { return c.leader_election.lease_namespace; }},
      {"leaderElection.leaseDuration", "20s", "1m", "20s", "1m0s",
       [dur](const C& c) { return dur(c.leader_election.lease_duration); }},
      {"leaderElection.renewDeadline", "12s", "3s", "12s", "3s",
       [dur](const C& c) { return dur(c.leader_election.renew_deadline); }},
      {"leaderElection.retryPeriod", "1s", "500ms", "1s", "500ms",
       [dur](const C& c) { return dur(c.leader_election.retry_period); }},
      {"heartbeat.interval", "5s", "2s", "5s", "2s",
       [dur](const C& c) { return dur(c.heartbeat_interval); }},
      {"providers.timeout", "1m30s", "10s", "1m30s", "10s",
       [dur](const C& c) { return dur(c.provider_timeout); }},
      {"providers.awsRequestsPerSecond", "25", "100", "25", "100",
       [](const C& c) { return std::to_string(c.aws_requests_per_second); }},
  };
}
// clang-format on

// "a.b.c" with value v -> "a:\n  b:\n    c: v\n".
std::string Nested(const std::string& path, const std::string& value) {
  std::string out;
  std::string indent;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    if (dot == std::string::npos) {
      absl::StrAppend(&out, indent, path.substr(start), ": ", value, "\n");
      return out;
    }
    absl::StrAppend(&out, indent, path.substr(start, dot - start), ":\n");
    indent += "  ";
    start = dot + 1;
  }
}

TEST(AgentConfigKeys, TheTableCoversEverySetting) {
  std::vector<KeyCase> cases = KeyCases();
  for (const Setting& s : AllSettings()) {
    bool covered = false;
    for (const KeyCase& c : cases) covered = covered || c.path == s.path;
    EXPECT_TRUE(covered) << s.path;
  }
  EXPECT_EQ(cases.size(), AllSettings().size());
}

TEST(AgentConfigKeys, EveryKeyFromTheFileAndFromItsVariable) {
  for (const KeyCase& c : KeyCases()) {
    SCOPED_TRACE(c.path);
    const Setting* setting = FindSettingByPath(c.path);
    ASSERT_NE(setting, nullptr);
    const std::string yaml = Nested(c.path, c.yaml_value) + kInstances;
    std::map<std::string, std::string> env = BaseEnv();
    env.erase(setting->env_name);

    ConfigLoadResult from_file = LoadText(yaml, env);
    EXPECT_TRUE(from_file.ok()) << Dump(from_file.problems);
    EXPECT_EQ(c.read(from_file.config), c.want_from_yaml);

    env[setting->env_name] = c.env_value;
    ConfigLoadResult from_env = LoadText(yaml, env);
    EXPECT_TRUE(from_env.ok()) << Dump(from_env.problems);
    EXPECT_EQ(c.read(from_env.config), c.want_from_env);
  }
}

TEST(AgentConfigKeys, VariableNamesFollowTheKeyPath) {
  EXPECT_EQ(FindSettingByPath("governanceDashboard.server.tls.caCertPath")->env_name,
            "TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_TLS_CACERTPATH");
  EXPECT_EQ(FindSettingByPath("syncSchedule.intervalMinutes")->env_name,
            "TYK_AGENT_SYNCSCHEDULE_INTERVALMINUTES");
  EXPECT_EQ(FindSettingByPath("leaderElection.leaseDuration")->env_name,
            "TYK_AGENT_LEADERELECTION_LEASEDURATION");
  EXPECT_EQ(FindSettingByPath("heartbeat.interval")->env_name, "TYK_AGENT_HEARTBEAT_INTERVAL");
  EXPECT_EQ(FindSettingByPath("licenseKey")->env_name, "TYK_AGENT_LICENSEKEY");
  EXPECT_EQ(FindSettingByPath("logFormat")->env_name, "TYK_AGENT_LOGFORMAT");
  EXPECT_EQ(FindSettingByPath("providers.timeout")->env_name, "TYK_AGENT_PROVIDERS_TIMEOUT");
  EXPECT_EQ(FindSettingByPath("rpc.keepalive.permitWithoutStream")->env_name,
            "TYK_AGENT_RPC_KEEPALIVE_PERMITWITHOUTSTREAM");
}

TEST(AgentConfigKeys, EveryKeyFixtureReadsEveryValue) {
  ConfigLoadResult r =
      LoadAgentConfig(Fixture("every-key.yaml"), {{"POD_NAME", "p"}, {"POD_NAMESPACE", "n"}});
  // TLS is off in the fixture, so its paths are only warned about.
  for (const ConfigProblem& p : r.problems) EXPECT_TRUE(p.warning) << p.ToString();
  const AgentConfig& c = r.config;
  EXPECT_EQ(c.server_url, "hub.example.com:50052");
  EXPECT_EQ(c.tls.ca_cert_path, "/etc/agent/ca.pem");
  EXPECT_EQ(c.tls.client_cert_path, "/etc/agent/client.pem");
  EXPECT_EQ(c.tls.client_key_path, "/etc/agent/client.key");
  EXPECT_EQ(c.auth_token, "file-token");
  EXPECT_EQ(c.license_key, "file-license");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(c.health_probe_port, 6060);
  ASSERT_EQ(c.instances.size(), 2u);
  const auto& aws = std::get<AwsProviderConfig>(c.instances[1].config);
  EXPECT_EQ(aws.session_token, "file-session");
  EXPECT_EQ(aws.endpoint, "http://127.0.0.1:4566");
  EXPECT_TRUE(c.sync_schedule.enabled);
  EXPECT_EQ(c.sync_schedule.interval_minutes, 15);
  EXPECT_FALSE(c.keepalive.enabled);
  EXPECT_EQ(c.keepalive.time, absl::Seconds(45));
  EXPECT_EQ(c.keepalive.timeout, absl::Seconds(5));
  EXPECT_FALSE(c.keepalive.permit_without_stream);
  EXPECT_TRUE(c.leader_election.enabled);
  EXPECT_EQ(c.leader_election.lease_name, "my-lock");
  EXPECT_EQ(c.leader_election.lease_namespace, "governance");
  EXPECT_EQ(c.leader_election.lease_duration, absl::Seconds(30));
  EXPECT_EQ(c.leader_election.renew_deadline, absl::Seconds(20));
  EXPECT_EQ(c.leader_election.retry_period, absl::Seconds(4));
  EXPECT_EQ(c.heartbeat_interval, absl::Seconds(5));
  EXPECT_EQ(c.provider_timeout, absl::Minutes(1));
  EXPECT_EQ(c.pod_name, "p");
  EXPECT_EQ(c.pod_namespace, "n");
}

TEST(AgentConfigKeys, DefaultsAreTheDocumentedOnes) {
  ConfigLoadResult r = LoadText(kInstances, BaseEnv());
  ASSERT_TRUE(r.ok()) << Dump(r.problems);
  const AgentConfig& c = r.config;
  EXPECT_FALSE(c.tls.enabled);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.log_format, "text");
  EXPECT_EQ(c.health_probe_port, 5959);
  EXPECT_FALSE(c.sync_schedule.enabled);
  EXPECT_EQ(c.sync_schedule.interval_minutes, 60);
  EXPECT_TRUE(c.keepalive.enabled);
  EXPECT_EQ(c.keepalive.time, absl::Seconds(30));
  EXPECT_EQ(c.keepalive.timeout, absl::Seconds(20));
  EXPECT_TRUE(c.keepalive.permit_without_stream);
  EXPECT_FALSE(c.leader_election.enabled);
  EXPECT_EQ(c.leader_election.lease_name, "governance-agent-lock");
  EXPECT_EQ(c.leader_election.lease_duration, absl::Seconds(15));
  EXPECT_EQ(c.leader_election.renew_deadline, absl::Seconds(10));
  EXPECT_EQ(c.leader_election.retry_period, absl::Seconds(2));
  EXPECT_EQ(c.heartbeat_interval, absl::Seconds(10));
  EXPECT_EQ(c.provider_timeout, absl::Seconds(30));
}

TEST(AgentConfigKeys, EnvironmentAloneIsEnoughExceptForInstances) {
  ConfigLoadResult r = LoadAgentConfig("", BaseEnv());
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].ToString(),
            "environment: instances: no provider instances: list at least one under `instances` "
            "(type tyk or aws)");
  EXPECT_EQ(r.config.server_url, "hub.example.com:50051");
}

TEST(AgentConfigKeys, AnEmptyVariableCountsAsUnset) {
  std::map<std::string, std::string> env = BaseEnv();
  env["TYK_AGENT_LOGLEVEL"] = "";
  ConfigLoadResult r = LoadText(absl::StrCat("logLevel: error\n", kInstances), env);
  ASSERT_TRUE(r.ok()) << Dump(r.problems);
  EXPECT_EQ(r.config.log_level, "error");
}

// ---------------------------------------------------------------------------------------
// Every kind of problem, with its line, column and key.

struct ProblemCase {
  std::string name;
  std::string yaml;                        // kInstances is appended unless `no_instances`
  std::map<std::string, std::string> env;  // merged onto BaseEnv(); "" removes a variable
  std::string file;                        // "" = the temp file; else expected file label
  int line;
  int column;
  std::string key;
  std::string message;  // the whole message, or a part of it when `partial`
  bool warning = false;
  bool partial = false;
  bool no_instances = false;
};

// clang-format off
std::vector<ProblemCase> ProblemCases() {
  return {
      // Unknown keys, with suggestions.
      {"near-miss", "syncSchedule:\n  intervalMinute: 10\n", {}, "", 2, 3,
       "syncSchedule.intervalMinute",
       "unknown key `intervalMinute`; did you mean `intervalMinutes`?"},
      {"near-miss-2", "leaderElection:\n  leaseDuraton: 15s\n", {}, "", 2, 3,
       "leaderElection.leaseDuraton", "unknown key `leaseDuraton`; did you mean `leaseDuration`?"},
      {"case", "governanceDashboard:\n  server:\n    URL: \"hub:1\"\n", {}, "", 3, 5,
       "governanceDashboard.server.URL", "unknown key `URL`; did you mean `url`?"},
      {"misplaced", "intervalMinutes: 10\n", {}, "", 1, 1, "intervalMinutes",
       "unknown key `intervalMinutes`; did you mean `syncSchedule.intervalMinutes`? "
       "(`intervalMinutes` belongs under `syncSchedule`)"},
      {"unrelated", "rpc:\n  deadline: 5s\n", {}, "", 2, 3, "rpc.deadline",
       "unknown key `deadline`; expected one of `keepalive`"},
      {"instance-level",
       "instances:\n  - name: a\n    type: tyk\n    config: {host: \"http://h\", auth: k}\n"
       "    region: us-east-1\n",
       {}, "", 5, 5, "instances[0].region",
       "unknown key `region`; `region` belongs under the instance's `config`", false, false, true},
      {"other-provider-key",
       "instances:\n  - name: a\n    type: tyk\n    config:\n      host: http://h\n      auth: k\n"
       "      region: us-east-1\n",
       {}, "", 7, 7, "instances[0].config.region",
       "unknown key `region`; `region` is a setting of aws providers; a tyk provider takes "
       "`host`, `auth`",
       false, false, true},
      {"duplicate", "logLevel: info\nlogLevel: debug\n", {}, "", 2, 1, "logLevel",
       "`logLevel` is given twice (first on line 1); keep one"},
      // Wrong types.
      {"map-for-scalar", "logLevel:\n  level: debug\n", {}, "", 2, 3, "logLevel",
       "expected one of debug, info, warn, error, got a mapping"},
      {"list-for-string", "licenseKey: [a, b]\n", {}, "", 1, 13, "licenseKey",
       "expected a string, got a list"},
      {"port-abc", "healthProbe:\n  server:\n    port: abc\n", {}, "", 3, 11,
       "healthProbe.server.port", "expected a port number, got \"abc\""},
      {"port-range", "healthProbe:\n  server:\n    port: 70000\n", {}, "", 3, 11,
       "healthProbe.server.port", "port 70000 is out of range (1-65535, or 0 for any free port)"},
      {"bool", "syncSchedule:\n  enabled: yes please\n", {}, "", 2, 12, "syncSchedule.enabled",
       "expected true or false (yes/no and 1/0 also work), got \"yes please\""},
      {"bool-null", "syncSchedule:\n  enabled:\n", {}, "", 2, 3, "syncSchedule.enabled",
       "has no value; expected true or false"},
      {"section-scalar", "heartbeat: 10s\n", {}, "", 1, 12, "heartbeat",
       "`heartbeat` is a section: expected a mapping with `interval`, got a single value"},
      {"providers-list", "providers:\n  - name: a\n", {}, "", 2, 3, "providers",
       "`providers` is a section: expected a mapping with `timeout`, `awsRequestsPerSecond`, "
       "got a list (provider instances are listed under `instances`)"},
      // Durations.
      {"duration-no-unit", "rpc:\n  keepalive:\n    time: 30\n", {}, "", 3, 11,
       "rpc.keepalive.time", "invalid duration \"30\": missing unit", false, true},
      {"duration-words", "leaderElection:\n  leaseDuration: \"15 seconds\"\n", {}, "", 2, 18,
       "leaderElection.leaseDuration", "invalid duration \"15 seconds\"", false, true},
      {"duration-negative", "heartbeat:\n  interval: -5s\n", {}, "", 2, 13, "heartbeat.interval",
       "must be a positive duration, got \"-5s\""},
      {"duration-zero", "providers:\n  timeout: 0s\n", {}, "", 2, 12, "providers.timeout",
       "must be a positive duration, got \"0s\""},
      // Enumerations and shapes.
      {"log-level", "logLevel: verbose\n", {}, "", 1, 11, "logLevel",
       "unknown log level \"verbose\"; use debug, info, warn or error"},
      {"log-level-near", "logLevel: warning\n", {}, "", 1, 11, "logLevel",
       "unknown log level \"warning\"; use debug, info, warn or error (did you mean warn?)"},
      {"log-format", "logFormat: xml\n", {}, "", 1, 12, "logFormat",
       "unknown log format \"xml\"; use text or json"},
      {"url-scheme", "governanceDashboard:\n  server:\n    url: http://hub.example.com:50051\n",
       {}, "", 3, 10, "governanceDashboard.server.url",
       "must be host:port without a scheme: write \"hub.example.com:50051\" instead of "
       "\"http://hub.example.com:50051\" (TLS is set by governanceDashboard.server.tls.enabled)"},
      {"url-no-port", "governanceDashboard:\n  server:\n    url: hub.example.com\n", {}, "", 3,
       10, "governanceDashboard.server.url", "the port is missing", false, true},
      {"lease-name", "leaderElection:\n  leaseName: My_Lock\n", {}, "", 2, 14,
       "leaderElection.leaseName", "is not a valid Kubernetes object name", false, true},
      // Missing required settings.
      {"missing-url", "governanceDashboard:\n  auth:\n    token: t\n",
       {{"TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_URL", ""}}, "", 1, 1,
       "governanceDashboard.server.url",
       "missing: the hub's gRPC address (host:port) is required; set "
       "`governanceDashboard.server.url` or TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_URL"},
      {"missing-token", "governanceDashboard:\n  auth: {}\n",
       {{"TYK_AGENT_GOVERNANCEDASHBOARD_AUTH_TOKEN", ""}}, "", 2, 3,
       "governanceDashboard.auth.token",
       "missing: the agent's access token is required; set `governanceDashboard.auth.token` or "
       "TYK_AGENT_GOVERNANCEDASHBOARD_AUTH_TOKEN"},
      {"empty-token", "governanceDashboard:\n  auth:\n    token: \"\"\n",
       {{"TYK_AGENT_GOVERNANCEDASHBOARD_AUTH_TOKEN", ""}}, "", 3, 12,
       "governanceDashboard.auth.token", "is empty; the agent's access token is required"},
      {"no-instances", "logLevel: info\n", {}, "", 0, 0, "instances",
       "no provider instances: list at least one under `instances` (type tyk or aws)", false,
       false, true},
      {"empty-instances", "logLevel: info\ninstances: []\n", {}, "", 2, 1, "instances",
       "no provider instances", false, true, true},
      {"instances-map", "instances:\n  tyk: {}\n", {}, "", 2, 3, "instances",
       "expected a list of provider instances (`- name: ...`), got a mapping", false, false,
       true},
      // Instances.
      {"instance-no-name", "instances:\n  - type: tyk\n    config: {host: \"http://h\", auth: k}\n",
       {}, "", 2, 5, "instances[0].name", "missing `name`; every instance needs a unique name",
       false, false, true},
      {"instance-dup-name",
       "instances:\n  - name: a\n    type: tyk\n    config: {host: \"http://h\", auth: k}\n"
       "  - name: a\n    type: tyk\n    config: {host: \"http://h\", auth: k}\n",
       {}, "", 5, 11, "instances[1].name",
       "instance name \"a\" is already used on line 2; names must be unique", false, false, true},
      {"instance-no-type", "instances:\n  - name: a\n    config: {}\n", {}, "", 2, 5,
       "instances[0].type", "missing `type`; known types: aws, tyk", false, false, true},
      {"instance-unknown-type", "instances:\n  - name: a\n    type: kong\n    config: {}\n", {}, "",
       3, 11, "instances[0].type", "unknown provider type \"kong\"; known types: aws, tyk", false,
       false, true},
      {"instance-type-case", "instances:\n  - name: a\n    type: TYK\n    config: {}\n", {}, "", 3,
       11, "instances[0].type",
       "unknown provider type \"TYK\"; known types: aws, tyk (did you mean tyk?)", false, false,
       true},
      {"tyk-host-missing", "instances:\n  - name: a\n    type: tyk\n    config:\n      auth: k\n",
       {}, "", 4, 5, "instances[0].config.host",
       "missing `host` (the Tyk Dashboard URL, e.g. http://tyk-dashboard:3000)", false, false,
       true},
      {"tyk-host-scheme",
       "instances:\n  - name: a\n    type: tyk\n    config:\n      host: dashboard:3000\n"
       "      auth: k\n",
       {}, "", 5, 13, "instances[0].config.host",
       "`host` must start with http:// or https:// (e.g. \"http://tyk-dashboard:3000\"), got "
       "\"dashboard:3000\"",
       false, false, true},
      {"tyk-auth-missing",
       "instances:\n  - name: a\n    type: tyk\n    config:\n      host: http://h:3000\n", {}, "",
       4, 5, "instances[0].config.auth", "missing `auth` (the Tyk Dashboard API key)", false,
       false, true},
      {"tyk-config-missing", "instances:\n  - name: a\n    type: tyk\n", {}, "", 2, 5,
       "instances[0].config", "missing `config` with the Tyk Dashboard's `host` and `auth`",
       false, false, true},
      {"aws-key-missing",
       "instances:\n  - name: a\n    type: aws\n    config:\n      accessKeySecret: s\n"
       "      region: us-east-1\n",
       {}, "", 4, 5, "instances[0].config.accessKeyId",
       "missing `accessKeyId` (the IAM access key id)", false, false, true},
      {"aws-secret-empty",
       "instances:\n  - name: a\n    type: aws\n    config:\n      accessKeyId: i\n"
       "      accessKeySecret: \"\"\n      region: us-east-1\n",
       {}, "", 6, 24, "instances[0].config.accessKeySecret",
       "`accessKeySecret` is empty (the IAM secret access key)", false, false, true},
      {"aws-region-shape",
       "instances:\n  - name: a\n    type: aws\n    config:\n      accessKeyId: i\n"
       "      accessKeySecret: s\n      region: Frankfurt\n",
       {}, "", 7, 15, "instances[0].config.region",
       "`region` is not an AWS region name like \"us-east-1\" or \"eu-west-2\": \"Frankfurt\"",
       false, false, true},
      {"aws-endpoint",
       "instances:\n  - name: a\n    type: aws\n    config:\n      accessKeyId: i\n"
       "      accessKeySecret: s\n      region: us-east-1\n      endpoint: localhost:4566\n",
       {}, "", 8, 17, "instances[0].config.endpoint", "`endpoint` must start with http://", false,
       true, true},
      // Scheduled sync minimum.
      {"interval-below-minimum", "syncSchedule:\n  intervalMinutes: 2\n", {}, "", 2, 20,
       "syncSchedule.intervalMinutes", "intervalMinutes 2 is below the minimum of 5; using 5",
       true},
      {"interval-zero", "syncSchedule:\n  enabled: true\n  intervalMinutes: 0\n", {}, "", 3, 20,
       "syncSchedule.intervalMinutes",
       "must be a positive number of minutes (at least 5), got 0; to turn scheduled sync off "
       "set syncSchedule.enabled to false"},
      {"interval-negative-off", "syncSchedule:\n  enabled: false\n  intervalMinutes: -1\n", {},
       "", 3, 20, "syncSchedule.intervalMinutes",
       "intervalMinutes -1 is ignored while syncSchedule.enabled is false", true},
      {"interval-text", "syncSchedule:\n  intervalMinutes: hourly\n", {}, "", 2, 20,
       "syncSchedule.intervalMinutes", "expected a whole number of minutes, got \"hourly\""},
      // Leader election.
      {"renew-not-below-lease", "leaderElection:\n  leaseDuration: 15s\n  renewDeadline: 20s\n",
       {}, "", 3, 18, "leaderElection.renewDeadline",
       "renewDeadline (20s) must be shorter than leaseDuration (15s)"},
      {"retry-not-below-renew", "leaderElection:\n  retryPeriod: 10s\n", {}, "", 2, 16,
       "leaderElection.retryPeriod", "retryPeriod (10s) must be shorter than renewDeadline (10s)"},
      {"retry-jitter", "leaderElection:\n  renewDeadline: 2s\n  retryPeriod: 1.8s\n", {}, "", 3,
       16, "leaderElection.retryPeriod",
       "renewDeadline (2s) must be more than 1.2 x retryPeriod (1.8s), as Kubernetes leader "
       "election requires"},
      {"pod-name", "leaderElection:\n  enabled: true\n", {{"POD_NAME", ""}}, "environment", 0, 0,
       "POD_NAME",
       "leader election is enabled (leaderElection.enabled, line 2) but POD_NAME is not set; "
       "set it to the pod's name (Kubernetes downward API, fieldPath metadata.name)"},
      {"pod-namespace", "logLevel: info\n",
       {{"TYK_AGENT_LEADERELECTION_ENABLED", "true"}, {"POD_NAMESPACE", ""}}, "environment", 0, 0,
       "POD_NAMESPACE",
       "leader election is enabled (by TYK_AGENT_LEADERELECTION_ENABLED) but POD_NAMESPACE is "
       "not set",
       false, true},
      // Variables.
      {"env-bad-bool", "logLevel: info\n", {{"TYK_AGENT_SYNCSCHEDULE_ENABLED", "maybe"}},
       "environment", 0, 0, "TYK_AGENT_SYNCSCHEDULE_ENABLED",
       "expected true or false (yes/no and 1/0 also work), got \"maybe\""},
      {"env-bad-duration", "logLevel: info\n", {{"TYK_AGENT_HEARTBEAT_INTERVAL", "10"}},
       "environment", 0, 0, "TYK_AGENT_HEARTBEAT_INTERVAL", "invalid duration \"10\"", false,
       true},
      {"env-bad-port", "logLevel: info\n", {{"TYK_AGENT_HEALTHPROBE_SERVER_PORT", "http"}},
       "environment", 0, 0, "TYK_AGENT_HEALTHPROBE_SERVER_PORT",
       "expected a port number, got \"http\""},
      {"env-unknown-near", "logLevel: info\n", {{"TYK_AGENT_SYNCSCHEDULE_INTERVALMINUTE", "10"}},
       "environment", 0, 0, "TYK_AGENT_SYNCSCHEDULE_INTERVALMINUTE",
       "unknown variable, ignored; did you mean TYK_AGENT_SYNCSCHEDULE_INTERVALMINUTES?", true},
      {"env-unknown-underscores", "logLevel: info\n",
       {{"TYK_AGENT_LEADER_ELECTION_LEASE_DURATION", "10s"}}, "environment", 0, 0,
       "TYK_AGENT_LEADER_ELECTION_LEASE_DURATION",
       "unknown variable, ignored; did you mean TYK_AGENT_LEADERELECTION_LEASEDURATION?", true},
      {"env-unknown-far", "logLevel: info\n", {{"TYK_AGENT_COLOUR", "blue"}}, "environment", 0, 0,
       "TYK_AGENT_COLOUR", "unknown variable, ignored", true},
      {"env-instances", "logLevel: info\n", {{"TYK_AGENT_INSTANCES_0_NAME", "x"}}, "environment",
       0, 0, "TYK_AGENT_INSTANCES_0_NAME",
       "provider instances cannot be set through variables; list them under `instances` in the "
       "config file (this variable is ignored)",
       true},
      {"heartbeat-long", "heartbeat:\n  interval: 45s\n", {}, "", 2, 13, "heartbeat.interval",
       "heartbeat.interval 45s is not shorter than the hub's default heartbeat timeout (30s); "
       "the hub may mark the agent INACTIVE between heartbeats",
       true},
      // YAML syntax.
      {"syntax-deeper", "syncSchedule:\n  enabled: true\n    intervalMinutes: 10\n", {}, "", 3, 5,
       "syncSchedule.intervalMinutes",
       "invalid YAML: keys of one mapping must line up: `intervalMinutes` (column 5) is indented "
       "deeper than `enabled` (column 3) on line 2 (the parser said: illegal map value)"},
      {"syntax-between", "rpc:\n  keepalive:\n      time: 30s\n    timeout: 5s\n", {}, "", 4, 5,
       "rpc.keepalive.timeout",
       "invalid YAML: keys of one mapping must line up: `timeout` (column 5) is indented less "
       "than `time` (column 7, line 3) but more than `keepalive` (column 3, line 2) (the parser "
       "said: end of map not found)"},
      {"syntax-tab", "syncSchedule:\n\tenabled: true\n", {}, "", 2, 1, "",
       "invalid YAML: a tab is used for indentation; YAML allows only spaces there", false, true},
      {"syntax-quote", "logLevel: \"info\nlogFormat: json\nlicenseKey: \"k\"\n", {}, "", 1, 11,
       "logLevel",
       "invalid YAML: the quoted value of `logLevel` is not closed on this line", false, true},
      {"syntax-bracket", "licenseKey: [a, b\nlogLevel: info\n", {}, "", 1, 13, "licenseKey",
       "invalid YAML: the `[` opened here is never closed (a `]` is missing)", false, true},
      {"syntax-colon", "logLevel: a: b\n", {}, "", 1, 12, "logLevel",
       "invalid YAML: the value of `logLevel` contains `: `; put the value in quotes", false,
       true},
  };
}
// clang-format on

TEST(AgentConfigProblems, EachKindAtItsLineAndKey) {
  for (const ProblemCase& c : ProblemCases()) {
    SCOPED_TRACE(c.name);
    std::map<std::string, std::string> env = BaseEnv();
    for (const auto& [k, v] : c.env) {
      if (v.empty()) {
        env.erase(k);
      } else {
        env[k] = v;
      }
    }
    const std::string path = WriteTemp(c.no_instances ? c.yaml : c.yaml + kInstances);
    ConfigLoadResult r = LoadAgentConfig(path, env);
    if (r.problems.size() != 1u) {
      ADD_FAILURE() << "want exactly one problem, got:" << Dump(r.problems);
      continue;
    }
    const ConfigProblem& p = r.problems[0];
    EXPECT_EQ(p.file, c.file.empty() ? path : c.file);
    EXPECT_EQ(p.line, c.line);
    EXPECT_EQ(p.column, c.column);
    EXPECT_EQ(p.key, c.key);
    if (c.partial) {
      EXPECT_THAT(p.message, HasSubstr(c.message));
    } else {
      EXPECT_EQ(p.message, c.message);
    }
    EXPECT_EQ(p.warning, c.warning);
    EXPECT_EQ(r.ok(), c.warning);
  }
}

TEST(AgentConfigProblems, IntervalBelowMinimumIsRaisedToFive) {
  ConfigLoadResult r =
      LoadText(absl::StrCat("syncSchedule:\n  enabled: true\n  intervalMinutes: 2\n", kInstances),
               BaseEnv());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.config.sync_schedule.interval_minutes, 5);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].ToString().rfind("warning: ", 0), 0u) << r.problems[0].ToString();
}

TEST(AgentConfigProblems, AVariableOverridingTheIntervalReplacesTheFilesWarning) {
  std::map<std::string, std::string> env = BaseEnv();
  env["TYK_AGENT_SYNCSCHEDULE_INTERVALMINUTES"] = "10";
  ConfigLoadResult r = LoadText(
      absl::StrCat("syncSchedule:\n  enabled: true\n  intervalMinutes: 4\n", kInstances), env);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.config.sync_schedule.interval_minutes, 10);
  EXPECT_TRUE(r.problems.empty()) << Dump(r.problems);

  env["TYK_AGENT_SYNCSCHEDULE_INTERVALMINUTES"] = "3";  // the variable's own warning stays
  r = LoadText(absl::StrCat("syncSchedule:\n  enabled: true\n  intervalMinutes: 4\n", kInstances),
               env);
  EXPECT_EQ(r.config.sync_schedule.interval_minutes, 5);
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].key, "TYK_AGENT_SYNCSCHEDULE_INTERVALMINUTES");
  EXPECT_THAT(r.problems[0].message, HasSubstr("intervalMinutes 3 is below the minimum"));
}

TEST(AgentConfigProblems, ZeroIntervalWithScheduledSyncOffIsNoReasonNotToStart) {
  std::map<std::string, std::string> env = BaseEnv();
  env["TYK_AGENT_SYNCSCHEDULE_INTERVALMINUTES"] = std::string("0");  // GCC 12 -Wrestrict
  ConfigLoadResult r = LoadText(kInstances, env);
  EXPECT_TRUE(r.ok()) << Dump(r.problems);
  EXPECT_FALSE(r.config.sync_schedule.enabled);
  env["TYK_AGENT_SYNCSCHEDULE_ENABLED"] = "true";
  r = LoadText(kInstances, env);
  EXPECT_FALSE(r.ok());
}

TEST(AgentConfigProblems, ManyProblemsInOneFileAreAllListedInFileOrder) {
  const std::string path = Fixture("many-problems.yaml");
  ConfigLoadResult r = LoadAgentConfig(path, {});
  std::vector<std::pair<int, std::string>> got;
  for (const ConfigProblem& p : r.problems) got.emplace_back(p.line, p.key);
  // clang-format off
  const std::vector<std::pair<int, std::string>> want = {
      {5, "governanceDashboard.server.url"},
      {8, "logLevel"},
      {11, "healthProbe.server.port"},
      {15, "instances[0].config.auth"},
      {16, "instances[0].config.host"},
      {17, "instances[1].name"},
      {22, "instances[1].config.region"},
      {24, "syncSchedule.enabled"},
      {25, "syncSchedule.intervalMinute"},
      {28, "rpc.keepalive.time"},
      {30, "leaderElection.leaseDuraton"},
  };
  // clang-format on
  EXPECT_EQ(got, want) << Dump(r.problems);
  EXPECT_FALSE(r.ok());
  for (const ConfigProblem& p : r.problems) {
    EXPECT_EQ(p.file, path);
    EXPECT_GT(p.column, 0) << p.ToString();
  }
}

TEST(AgentConfigProblems, TlsFilesMustExistWhenTlsIsOn) {
  const std::string ca = WriteTemp("-----BEGIN CERTIFICATE-----\n", "ca.pem");
  const std::string dir = std::filesystem::path(ca).parent_path().string();
  const std::string missing = dir + "/nope.pem";
  // clang-format off
  const std::string yaml = absl::StrCat(
      "governanceDashboard:\n"
      "  server:\n"
      "    tls:\n"
      "      enabled: true\n"
      "      caCertPath: \"", ca, "\"\n"
      "      clientCertPath: \"", missing, "\"\n"
      "      clientKeyPath: \"", dir, "\"\n",
      kInstances);
  // clang-format on
  ConfigLoadResult r = LoadText(yaml, BaseEnv());
  ASSERT_EQ(r.problems.size(), 2u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].line, 6);
  EXPECT_EQ(r.problems[0].key, "governanceDashboard.server.tls.clientCertPath");
  EXPECT_EQ(r.problems[0].message, absl::StrCat("file \"", missing, "\" does not exist"));
  EXPECT_EQ(r.problems[1].line, 7);
  EXPECT_EQ(r.problems[1].message, absl::StrCat("\"", dir, "\" is a directory, not a file"));
  EXPECT_EQ(r.config.tls.ca_cert_path, ca);
}

TEST(AgentConfigProblems, UnreadableTlsFileIsNamed) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const std::string key = WriteTemp("secret", "client.key");
  ASSERT_EQ(::chmod(key.c_str(), 0), 0);
  std::map<std::string, std::string> env = BaseEnv();
  env["TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_TLS_ENABLED"] = "true";
  env["TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_TLS_CLIENTKEYPATH"] = key;
  env["TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_TLS_CLIENTCERTPATH"] = key;
  ConfigLoadResult r = LoadText(kInstances, env);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_THAT(r.problems[0].message, HasSubstr("cannot be read: Permission denied"));
}

TEST(AgentConfigProblems, ClientCertificateAndKeyGoTogether) {
  const std::string cert = WriteTemp("cert", "client.pem");
  std::map<std::string, std::string> env = BaseEnv();
  env["TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_TLS_ENABLED"] = "true";
  env["TYK_AGENT_GOVERNANCEDASHBOARD_SERVER_TLS_CLIENTCERTPATH"] = cert;
  ConfigLoadResult r = LoadText(kInstances, env);
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].ToString(),
            "environment: governanceDashboard.server.tls.clientKeyPath: clientCertPath is set but "
            "clientKeyPath is not; mutual TLS needs both (or neither)");
}

TEST(AgentConfigProblems, VariableWinsOverABadFileValueButTheFileIsStillReported) {
  std::map<std::string, std::string> env = BaseEnv();
  env["TYK_AGENT_HEALTHPROBE_SERVER_PORT"] = "7000";
  ConfigLoadResult r =
      LoadText(absl::StrCat("healthProbe:\n  server:\n    port: abc\n", kInstances), env);
  EXPECT_EQ(r.config.health_probe_port, 7000);
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].line, 3);
}

TEST(AgentConfigProblems, FileProblemsComeBeforeVariableProblems) {
  std::map<std::string, std::string> env = BaseEnv();
  env["TYK_AGENT_LOGLEVEL"] = "loud";
  ConfigLoadResult r = LoadText(absl::StrCat(kInstances, "logFormat: yaml\n"), env);
  ASSERT_EQ(r.problems.size(), 2u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].key, "logFormat");
  EXPECT_EQ(r.problems[0].line, 7);
  EXPECT_EQ(r.problems[1].key, "TYK_AGENT_LOGLEVEL");
}

// ---------------------------------------------------------------------------------------
// Files that cannot be used.

TEST(AgentConfigFiles, MissingFile) {
  ConfigLoadResult r = LoadAgentConfig("/nonexistent/agent.yaml", BaseEnv());
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].ToString(), "/nonexistent/agent.yaml: the config file does not exist");
}

TEST(AgentConfigFiles, Directory) {
  const std::string dir = std::filesystem::path(WriteTemp("")).parent_path().string();
  ConfigLoadResult r = LoadAgentConfig(dir, BaseEnv());
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].message, "is a directory, not a config file");
}

TEST(AgentConfigFiles, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const std::string path = WriteTemp(kInstances);
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  ConfigLoadResult r = LoadAgentConfig(path, BaseEnv());
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].message, "the config file cannot be read: Permission denied");
}

TEST(AgentConfigFiles, EmptyFiles) {
  for (const std::string& text :
       {std::string(""), std::string("# nothing\n\n"), std::string("~\n")}) {
    ConfigLoadResult r = LoadText(text, BaseEnv());
    ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
    EXPECT_EQ(r.problems[0].message,
              "the config file has no settings (it is empty or only comments); expected "
              "settings such as governanceDashboard and instances");
  }
  ConfigLoadResult r = LoadAgentConfig(Fixture("empty.yaml"), BaseEnv());
  EXPECT_FALSE(r.ok());
}

TEST(AgentConfigFiles, RootMustBeAMapping) {
  ConfigLoadResult r = LoadAgentConfig(Fixture("not-a-mapping.yaml"), BaseEnv());
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].line, 1);
  EXPECT_EQ(r.problems[0].message,
            "the top level must be a mapping of settings (key: value), found a list");
  r = LoadText("just text\n", BaseEnv());
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_THAT(r.problems[0].message, HasSubstr("found a single value"));
}

TEST(AgentConfigFiles, TabIndentedFixture) {
  ConfigLoadResult r = LoadAgentConfig(Fixture("tab-indented.yaml"), BaseEnv());
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].line, 2);
  EXPECT_THAT(r.problems[0].message, HasSubstr("a tab is used for indentation"));
}

TEST(AgentConfigFiles, TextThatMakesTheParserProduceEndlessDocumentsIsReported) {
  // yaml-cpp 0.7's LoadAll never returns on this text (empty documents forever).
  ConfigLoadResult r = LoadText("  &a x\n   - x\n  ? k\n", BaseEnv());
  ASSERT_FALSE(r.problems.empty());
  EXPECT_FALSE(r.ok());
}

TEST(AgentConfigFiles, SyntaxErrorInASecondDocumentIsReported) {
  ConfigLoadResult r = LoadText(absl::StrCat(kInstances, "---\nlogLevel: [debug\n"), BaseEnv());
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_EQ(r.problems[0].line, 8);
  EXPECT_THAT(r.problems[0].message, HasSubstr("never closed"));
}

TEST(AgentConfigFiles, SecondDocumentIsAWarning) {
  ConfigLoadResult r = LoadText(absl::StrCat(kInstances, "---\nlogLevel: debug\n"), BaseEnv());
  EXPECT_TRUE(r.ok()) << Dump(r.problems);
  ASSERT_EQ(r.problems.size(), 1u) << Dump(r.problems);
  EXPECT_TRUE(r.problems[0].warning);
  EXPECT_EQ(r.problems[0].line, 7);  // the `---`
  EXPECT_EQ(r.config.log_level, "info");
}

// ---------------------------------------------------------------------------------------
// Secrets never appear in a problem.

TEST(AgentConfigSecrets, NeverInAnyMessage) {
  const std::string yaml =
      "governanceDashboard:\n"
      "  server:\n"
      "    url: \"hub:50051\"\n"
      "  auth: SECRET-token-as-section\n"
      "licenseKey: [SECRET-license]\n"
      "instances:\n"
      "  - name: a\n"
      "    type: tyk\n"
      "    config:\n"
      "      host: http://h\n"
      "      auth: {key: SECRET-tyk-auth}\n"
      "  - name: b\n"
      "    type: aws\n"
      "    config:\n"
      "      accessKeyId: SECRET-key-id\n"
      "      acessKeySecret: SECRET-misspelt\n"
      "      region: us-east-1\n"
      "      sessionToken: [SECRET-session]\n"
      "  - name: c\n"
      "    type: kong\n"
      "    config:\n"
      "      auth: SECRET-unknown-type\n";
  std::map<std::string, std::string> env = {
      {"TYK_AGENT_AUTH_TOKEN", "SECRET-env-unknown"},
      {"TYK_AGENT_LICENSEKEY", "SECRET-env-license"},
      {"TYK_AGENT_GOVERNANCEDASHBOARD_AUTH_TOKENS", "SECRET-env-near"},
      {"TYK_AGENT_INSTANCES_0_CONFIG_AUTH", "SECRET-env-instance"}};
  ConfigLoadResult r = LoadText(yaml, env);
  EXPECT_GE(r.problems.size(), 7u) << Dump(r.problems);
  for (const ConfigProblem& p : r.problems) {
    EXPECT_EQ(p.ToString().find("SECRET"), std::string::npos) << p.ToString();
  }
  // Also through the syntax-error path and the many-problems fixture.
  r = LoadText("governanceDashboard:\n  auth:\n    token: SECRET-a: b\n", {});
  ASSERT_FALSE(r.problems.empty());
  for (const ConfigProblem& p : r.problems) {
    EXPECT_EQ(p.ToString().find("SECRET"), std::string::npos) << p.ToString();
  }
  r = LoadAgentConfig(Fixture("many-problems.yaml"), {});
  for (const ConfigProblem& p : r.problems) {
    EXPECT_EQ(p.ToString().find("s3cr3t"), std::string::npos) << p.ToString();
  }
}

// ---------------------------------------------------------------------------------------

TEST(ConfigProblem, ToStringOmitsUnknownParts) {
  ConfigProblem p{"a.yaml", 3, 7, "logLevel", "bad", false};
  EXPECT_EQ(p.ToString(), "a.yaml:3:7: logLevel: bad");
  p.column = 0;
  EXPECT_EQ(p.ToString(), "a.yaml:3: logLevel: bad");
  p.line = 0;
  p.key = "";
  p.warning = true;
  EXPECT_EQ(p.ToString(), "warning: a.yaml: bad");
  p.file = "";
  EXPECT_EQ(p.ToString(), "warning: bad");
}

TEST(CurrentEnvironment, ReadsTheProcessEnvironment) {
  ASSERT_EQ(::setenv("TYK_AGENT_TEST_PROBE", "a=b", 1), 0);
  std::map<std::string, std::string> env = CurrentEnvironment();
  ::unsetenv("TYK_AGENT_TEST_PROBE");
  ASSERT_EQ(env.count("TYK_AGENT_TEST_PROBE"), 1u);
  EXPECT_EQ(env["TYK_AGENT_TEST_PROBE"], "a=b");
}

}  // namespace
}  // namespace gov::agent
