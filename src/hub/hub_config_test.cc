// HubConfig: the contract's defaults, every TYK_GOV_* variable, variables over YAML, and
// every problem reported at once with file:line and key.
#include "src/hub/hub_config.h"

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/storage/sqlite/test_temp_dir.h"

namespace gov::hub {
namespace {

using storage::sqlite::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class HubConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_.File(name);
    std::ofstream(path) << text;
    return path;
  }
  TempDir dir_;
};

std::string AllErrors(const HubConfigResult& r) { return absl::StrJoin(r.errors, "\n"); }

TEST_F(HubConfigTest, DefaultsAreTheContractTable) {
  HubConfigResult r = LoadHubConfig("", {});
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const HubConfig& c = r.config;
  EXPECT_EQ(c.http_addr, "0.0.0.0:8080");
  EXPECT_EQ(c.grpc_addr, "0.0.0.0:50051");
  EXPECT_EQ(c.database_url, "sqlite://./governance.db");
  EXPECT_EQ(c.api_key, "");
  EXPECT_EQ(c.jwt_secret, "");
  EXPECT_EQ(c.heartbeat_timeout, absl::Seconds(30));
  EXPECT_EQ(c.tls_cert_path, "");
  EXPECT_EQ(c.tls_key_path, "");
  EXPECT_EQ(c.tls_client_ca_path, "");
  EXPECT_FALSE(c.tls_enabled());
  EXPECT_EQ(c.log_level, "info");
}

TEST_F(HubConfigTest, EveryVariableIsRead) {
  std::string cert = Write("cert.pem", "cert");
  std::string key = Write("key.pem", "key");
  std::string ca = Write("ca.pem", "ca");
  HubConfigResult r = LoadHubConfig("", {{"TYK_GOV_HTTP_ADDR", "127.0.0.1:0"},
                                         {"TYK_GOV_GRPC_ADDR", "[::1]:6000"},
                                         {"TYK_GOV_DATABASE_URL", "postgres://gov@db/gov"},
                                         {"TYK_GOV_API_KEY", "bootstrap-key"},
                                         {"TYK_GOV_SECURITY_JWTSECRET", "jwt-secret"},
                                         {"TYK_GOV_AGENT_HEARTBEAT_TIMEOUT", "1m30s"},
                                         {"TYK_GOV_TLS_CERTPATH", cert},
                                         {"TYK_GOV_TLS_KEYPATH", key},
                                         {"TYK_GOV_TLS_CLIENTCAPATH", ca},
                                         {"TYK_GOV_LOGLEVEL", "debug"},
                                         {"TYK_GOV_LOGFORMAT", "json"},
                                         {"TYK_GOV_SYNC_TIMEOUT", "45m"},
                                         {"UNRELATED", "ignored"}});
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const HubConfig& c = r.config;
  EXPECT_EQ(c.http_addr, "127.0.0.1:0");
  EXPECT_EQ(c.grpc_addr, "[::1]:6000");
  EXPECT_EQ(c.database_url, "postgres://gov@db/gov");
  EXPECT_EQ(c.api_key, "bootstrap-key");
  EXPECT_EQ(c.jwt_secret, "jwt-secret");
  EXPECT_EQ(c.heartbeat_timeout, absl::Seconds(90));
  EXPECT_EQ(c.tls_cert_path, cert);
  EXPECT_EQ(c.tls_key_path, key);
  EXPECT_EQ(c.tls_client_ca_path, ca);
  EXPECT_TRUE(c.tls_enabled());
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(c.sync_timeout, absl::Minutes(45));
}

TEST_F(HubConfigTest, YamlKeysAreReadAndVariablesWin) {
  std::string path = Write("hub.yaml",
                           "http:\n"
                           "  addr: 10.0.0.1:9000\n"
                           "grpc:\n"
                           "  addr: 10.0.0.1:9001\n"
                           "database:\n"
                           "  url: sqlite:///var/lib/gov.db\n"
                           "api:\n"
                           "  key: yaml-key\n"
                           "security:\n"
                           "  jwtSecret: yaml-secret\n"
                           "agent:\n"
                           "  heartbeat:\n"
                           "    timeout: 45s\n"
                           "logLevel: warn\n");
  HubConfigResult from_yaml = LoadHubConfig(path, {});
  ASSERT_TRUE(from_yaml.ok()) << AllErrors(from_yaml);
  EXPECT_EQ(from_yaml.config.http_addr, "10.0.0.1:9000");
  EXPECT_EQ(from_yaml.config.grpc_addr, "10.0.0.1:9001");
  EXPECT_EQ(from_yaml.config.database_url, "sqlite:///var/lib/gov.db");
  EXPECT_EQ(from_yaml.config.api_key, "yaml-key");
  EXPECT_EQ(from_yaml.config.jwt_secret, "yaml-secret");
  EXPECT_EQ(from_yaml.config.heartbeat_timeout, absl::Seconds(45));
  EXPECT_EQ(from_yaml.config.log_level, "warn");

  HubConfigResult both = LoadHubConfig(
      path, {{"TYK_GOV_HTTP_ADDR", "127.0.0.1:8081"}, {"TYK_GOV_AGENT_HEARTBEAT_TIMEOUT", "5s"}});
  ASSERT_TRUE(both.ok()) << AllErrors(both);
  EXPECT_EQ(both.config.http_addr, "127.0.0.1:8081");
  EXPECT_EQ(both.config.heartbeat_timeout, absl::Seconds(5));
  EXPECT_EQ(both.config.grpc_addr, "10.0.0.1:9001");  // not overridden
  EXPECT_EQ(both.config.log_level, "warn");
}

TEST_F(HubConfigTest, EveryYamlProblemIsReportedWithFileLineAndKey) {
  std::string path = Write("bad.yaml",
                           "http:\n"
                           "  addr: nohost\n"
                           "bogus: 1\n"
                           "agent:\n"
                           "  heartbeat:\n"
                           "    timeout: 10 parsecs\n"
                           "logLevel: loud\n"
                           "grpc: 0.0.0.0:1\n");
  HubConfigResult r = LoadHubConfig(
      path, {{"TYK_GOV_DATABASE_URL", "sqlite://x.db"}, {"TYK_GOV_GRPC_ADDR", "no-port"}});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 6u) << AllErrors(r);
  EXPECT_THAT(r.errors[0], StartsWith(path + ":2:3: http.addr: invalid address \"nohost\""));
  EXPECT_EQ(r.errors[1], path + ":3:1: bogus: unknown key");
  EXPECT_THAT(r.errors[2], StartsWith(path + ":6:5: agent.heartbeat.timeout: "));
  EXPECT_THAT(r.errors[2], HasSubstr("10 parsecs"));
  EXPECT_THAT(r.errors[3], StartsWith(path + ":7:1: logLevel: "));
  EXPECT_EQ(r.errors[4], path + ":8:1: grpc: expected a mapping");
  EXPECT_THAT(r.errors[5],
              StartsWith("environment: TYK_GOV_GRPC_ADDR: invalid address \"no-port\""));
}

TEST_F(HubConfigTest, TheDeletionGuardThresholdIsAWholePercentage) {
  EXPECT_EQ(LoadHubConfig("", {}).config.deletion_guard_max_percent, 50);
  for (auto [text, want] :
       std::vector<std::pair<const char*, int>>{{"80", 80}, {"80%", 80}, {"1", 1}, {"100", 100}}) {
    HubConfigResult r = LoadHubConfig("", {{"TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT", text}});
    ASSERT_TRUE(r.ok()) << text << ": " << AllErrors(r);
    EXPECT_EQ(r.config.deletion_guard_max_percent, want) << text;
  }
  for (const char* bad : {"0", "101", "abc", "50.5", "-5", "1e2"}) {
    HubConfigResult r = LoadHubConfig("", {{"TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT", bad}});
    ASSERT_EQ(r.errors.size(), 1u) << bad;
    EXPECT_EQ(r.errors[0], absl::StrCat("environment: TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT: "
                                        "expected a whole percentage from 1 to 100, got \"",
                                        bad, "\""));
  }
  std::string path = Write("guard.yaml", "sync:\n  deletionGuard:\n    maxPercent: 70\n");
  HubConfigResult r = LoadHubConfig(path, {});
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config.deletion_guard_max_percent, 70);
  EXPECT_EQ(LoadHubConfig(path, {{"TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT", "90"}})
                .config.deletion_guard_max_percent,
            90)
      << "the variable wins";
}

TEST_F(HubConfigTest, TyposGetASuggestionAndUnknownVariablesAWarning) {
  std::string path = Write("typo.yaml",
                           "sync:\n  deletionGuard:\n    maxPercnt: 70\n"
                           "logLevl: warn\n"
                           "agent:\n  heartbeat:\n    timeout:\n");
  HubConfigResult r = LoadHubConfig(
      path, {{"TYK_GOV_LOGLEVL", "debug"}, {"TYK_GOV_HTTP_ADDR", ""}, {"TYK_AGENT_X", "1"}});
  ASSERT_EQ(r.errors.size(), 3u) << AllErrors(r);
  EXPECT_EQ(r.errors[0], path +
                             ":3:5: sync.deletionGuard.maxPercnt: unknown key; did you mean "
                             "`sync.deletionGuard.maxPercent`?");
  EXPECT_EQ(r.errors[1], path + ":4:1: logLevl: unknown key; did you mean `logLevel`?");
  EXPECT_EQ(r.errors[2], path +
                             ":7:5: agent.heartbeat.timeout: has no value (remove the key to "
                             "keep the default)");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "environment: TYK_GOV_LOGLEVL: unknown variable, ignored; did you mean "
            "TYK_GOV_LOGLEVEL?");
  EXPECT_EQ(r.config.http_addr, "0.0.0.0:8080") << "an empty variable is unset";
}

TEST_F(HubConfigTest, DurationsMustBePositive) {
  for (const char* bad : {"0s", "-5s"}) {
    HubConfigResult r = LoadHubConfig("", {{"TYK_GOV_AGENT_HEARTBEAT_TIMEOUT", bad}});
    ASSERT_EQ(r.errors.size(), 1u) << bad;
    EXPECT_THAT(r.errors[0], StartsWith("environment: TYK_GOV_AGENT_HEARTBEAT_TIMEOUT: "));
    EXPECT_THAT(r.errors[0], HasSubstr(bad));
  }
}

TEST_F(HubConfigTest, MissingFileAndSyntaxErrorsNameTheFile) {
  std::string missing = dir_.File("nope.yaml");
  HubConfigResult r = LoadHubConfig(missing, {});
  EXPECT_THAT(r.errors, ElementsAre(missing + ": cannot read the config file"));

  std::string broken = Write("broken.yaml", "http:\n  addr: [unclosed\n");
  HubConfigResult s = LoadHubConfig(broken, {});
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_THAT(s.errors[0], StartsWith(broken + ":"));
  EXPECT_THAT(s.errors[0], HasSubstr("YAML syntax error"));

  std::string list = Write("list.yaml", "- a\n- b\n");
  HubConfigResult l = LoadHubConfig(list, {});
  EXPECT_THAT(l.errors, ElementsAre(list + ": the top level must be a mapping"));

  std::string empty = Write("empty.yaml", "");
  EXPECT_TRUE(LoadHubConfig(empty, {}).ok());
}

TEST_F(HubConfigTest, TlsFilesMustComeTogetherAndBeReadable) {
  std::string cert = Write("cert.pem", "cert");
  HubConfigResult no_key = LoadHubConfig("", {{"TYK_GOV_TLS_CERTPATH", cert}});
  ASSERT_EQ(no_key.errors.size(), 1u) << AllErrors(no_key);
  EXPECT_THAT(no_key.errors[0], HasSubstr("tls.certPath (TYK_GOV_TLS_CERTPATH) and tls.keyPath "
                                          "(TYK_GOV_TLS_KEYPATH) must be set together"));

  std::string key = Write("key.pem", "key");
  HubConfigResult no_cert = LoadHubConfig("", {{"TYK_GOV_TLS_KEYPATH", key}});
  ASSERT_EQ(no_cert.errors.size(), 1u) << AllErrors(no_cert);

  std::string ca = Write("ca.pem", "ca");
  HubConfigResult ca_only = LoadHubConfig("", {{"TYK_GOV_TLS_CLIENTCAPATH", ca}});
  ASSERT_EQ(ca_only.errors.size(), 1u) << AllErrors(ca_only);
  EXPECT_THAT(ca_only.errors[0], HasSubstr("TYK_GOV_TLS_CLIENTCAPATH"));

  std::string absent = dir_.File("absent.pem");
  HubConfigResult unreadable =
      LoadHubConfig("", {{"TYK_GOV_TLS_CERTPATH", absent}, {"TYK_GOV_TLS_KEYPATH", key}});
  EXPECT_THAT(unreadable.errors, ElementsAre(absl::StrCat("tls: cannot read \"", absent, "\"")));
}

TEST(SplitHostPortTest, AcceptsHostPortAndBracketedIpv6) {
  std::string host;
  int port = -1;
  ASSERT_TRUE(SplitHostPort("0.0.0.0:8080", &host, &port));
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(port, 8080);
  ASSERT_TRUE(SplitHostPort("[::1]:50051", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 50051);
  ASSERT_TRUE(SplitHostPort("localhost:0", &host, &port));
  EXPECT_EQ(port, 0);
  for (const char* bad :
       {"localhost", "localhost:", "host:abc", "host:65536", "host:-1", "http://host:80"}) {
    EXPECT_FALSE(SplitHostPort(bad, &host, &port)) << bad;
  }
}

}  // namespace
}  // namespace gov::hub
