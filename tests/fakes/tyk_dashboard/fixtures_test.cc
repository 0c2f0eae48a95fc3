// The fake against real data: the bundled definitions (checked against their expected
// listing), the Tyk Gateway's own test definitions, and generated load-test sets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/fakes/tyk_dashboard/catalog.h"
#include "tests/fakes/tyk_dashboard/fake_dashboard.h"

namespace gov::fake {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr char kKey[] = "fixtures-test-key";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Str(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
bool Flag(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
}

// The auth mechanisms the Tyk Gateway enforces for a classic definition (its rule, written
// out independently here to check the expected listing and the OAS synthesis).
std::vector<std::string> Mechanisms(const Json& def) {
  std::set<std::string> out;
  if (Flag(def, "use_mutual_tls_auth")) out.insert("mtls");
  if (Flag(def, "use_keyless")) {
    out.insert("keyless");
    return {out.begin(), out.end()};
  }
  std::set<std::string> other;
  if (Flag(def, "use_oauth2")) other.insert("oauth2");
  if (def.contains("external_oauth") && Flag(def["external_oauth"], "enabled")) {
    other.insert("externalOAuth");
  }
  if (Flag(def, "use_basic_auth")) other.insert("basic");
  if (Flag(def, "enable_signature_checking")) other.insert("hmac");
  if (Flag(def, "enable_jwt")) other.insert("jwt");
  if (Flag(def, "use_openid")) other.insert("openid");
  if (Flag(def, "enable_coprocess_auth") || Flag(def, "custom_plugin_auth_enabled") ||
      Flag(def, "use_go_plugin_auth")) {
    other.insert("customPlugin");
  }
  if (Flag(def, "use_standard_auth") || other.empty()) other.insert("authToken");
  out.insert(other.begin(), other.end());
  return {out.begin(), out.end()};
}

std::string Protocol(const Json& def) {
  if (def.contains("graphql") && Flag(def["graphql"], "enabled")) return "graphql";
  const std::string p = Str(def, "protocol");
  return p.empty() ? "http" : p;
}

Json GetJson(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  httplib::Result r = client.Get(path, {{"Authorization", kKey}});
  EXPECT_TRUE(r) << path;
  if (!r) return Json();
  EXPECT_EQ(r->status, 200) << path << ": " << r->body;
  return Json::parse(r->body);
}

TEST(BundledFixturesTest, LoadWithoutSkipsAndMatchTheExpectedListing) {
  absl::StatusOr<Catalog> catalog = LoadCatalogFromDir(GOV_BUNDLED_TYK_DIR);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const Json expected =
      Json::parse(ReadFile(fs::path(GOV_BUNDLED_TYK_DIR).parent_path() / "bundled-expected.json"));
  EXPECT_TRUE(catalog->skipped.empty());
  ASSERT_EQ(catalog->notes.size(), 1u);
  EXPECT_THAT(catalog->notes[0], HasSubstr("notifications.json: no api_id"));

  ASSERT_EQ(catalog->apis.size(), expected["api_count"].get<size_t>());
  ASSERT_EQ(catalog->apis.size(), expected["apis"].size());
  for (size_t i = 0; i < catalog->apis.size(); ++i) {
    const FakeApi& api = catalog->apis[i];
    const Json& want = expected["apis"][i];
    const Json& def = api.definition;
    SCOPED_TRACE(want["name"].get<std::string>());
    EXPECT_EQ(api.api_id, want["api_id"]);
    EXPECT_EQ(def["api_id"], want["api_id"]);
    EXPECT_EQ(def["name"], want["name"]);
    EXPECT_EQ(api.files, want["files"].get<std::vector<std::string>>());
    EXPECT_EQ(api.is_oas(), want["is_oas"]);
    EXPECT_EQ(Flag(def, "is_oas"), want["is_oas"]);
    EXPECT_EQ(def["proxy"]["listen_path"], want["listen_path"]);
    EXPECT_EQ(def["proxy"]["target_url"], want["upstream_url"]);
    EXPECT_EQ(def["active"], want["active"]);
    EXPECT_EQ(def["internal"], want["internal"]);
    EXPECT_EQ(def["org_id"], want["org_id"]);
    EXPECT_EQ(Protocol(def), want["protocol"]);
    EXPECT_EQ(Mechanisms(def), want["auth_mechanisms"].get<std::vector<std::string>>());
    EXPECT_EQ(api.base_api_id, want.value("base_api_id", ""));
    if (want.contains("listen_port")) {
      EXPECT_EQ(def["listen_port"], want["listen_port"]);
    }
    if (want.contains("tags")) {
      EXPECT_EQ(def["tags"], want["tags"]);
    }
    EXPECT_EQ(Str(def, "domain"), want.value("domain", ""));
    if (api.is_oas()) {
      // The served document agrees with the listed definition.
      const Json& x = api.oas["x-tyk-api-gateway"];
      EXPECT_EQ(x["info"]["id"], api.api_id);
      EXPECT_EQ(x["server"]["listenPath"]["value"], want["listen_path"]);
      EXPECT_EQ(x["info"]["state"]["active"], want["active"]);
    }
  }
}

TEST(BundledFixturesTest, CoverEveryAuthMechanismAndKindOfApi) {
  const Json expected =
      Json::parse(ReadFile(fs::path(GOV_BUNDLED_TYK_DIR).parent_path() / "bundled-expected.json"));
  std::set<std::string> mechanisms;
  std::set<std::string> protocols;
  int oas = 0, inactive = 0, internal = 0, multi = 0;
  for (const Json& api : expected["apis"]) {
    for (const Json& m : api["auth_mechanisms"]) mechanisms.insert(m.get<std::string>());
    protocols.insert(api["protocol"].get<std::string>());
    oas += api["is_oas"].get<bool>() ? 1 : 0;
    inactive += api["active"].get<bool>() ? 0 : 1;
    internal += api["internal"].get<bool>() ? 1 : 0;
    multi += api["auth_mechanisms"].size() > 1 ? 1 : 0;
  }
  EXPECT_THAT(mechanisms,
              UnorderedElementsAre("keyless", "authToken", "jwt", "oauth2", "basic", "mtls", "hmac",
                                   "openid", "externalOAuth", "customPlugin"));
  EXPECT_THAT(protocols, UnorderedElementsAre("http", "graphql", "tcp"));
  EXPECT_GE(oas, 4);
  EXPECT_GE(inactive, 1);
  EXPECT_GE(internal, 1);
  EXPECT_GE(multi, 2);
  EXPECT_EQ(expected["oas_api_ids"].size(), static_cast<size_t>(oas));
}

TEST(BundledFixturesTest, FakeServesThemInTwoPages) {
  absl::StatusOr<Catalog> catalog = LoadCatalogFromDir(GOV_BUNDLED_TYK_DIR);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  FakeDashboardOptions options;
  options.key = kKey;
  FakeTykDashboard dashboard(*std::move(catalog), options);
  absl::StatusOr<int> port = dashboard.Start();
  ASSERT_TRUE(port.ok()) << port.status();
  const Json expected =
      Json::parse(ReadFile(fs::path(GOV_BUNDLED_TYK_DIR).parent_path() / "bundled-expected.json"));

  Json p1 = GetJson(*port, "/api/apis?p=1");
  Json p2 = GetJson(*port, "/api/apis?p=2");
  EXPECT_EQ(p1["pages"], expected["pages"]);
  EXPECT_EQ(p1["apis"].size(), 10u);
  EXPECT_EQ(p2["apis"].size(), 9u);
  EXPECT_EQ(p1["apis"][0]["api_definition"]["api_id"], expected["apis"][0]["api_id"]);
  EXPECT_EQ(p2["apis"][8]["api_definition"]["api_id"], expected["apis"][18]["api_id"]);
  for (const Json& id : expected["oas_api_ids"]) {
    Json doc = GetJson(*port, absl::StrCat("/api/apis/oas/", id.get<std::string>()));
    EXPECT_EQ(doc["x-tyk-api-gateway"]["info"]["id"], id);
    EXPECT_EQ(doc["openapi"], "3.0.3");
  }
}

TEST(SharedGatewayFixturesTest, LoadEveryApiDefinitionAndSkipTheRest) {
  if (!fs::is_directory(GOV_SHARED_TYK_DIR)) {
    GTEST_SKIP() << GOV_SHARED_TYK_DIR << " is absent";
  }
  absl::StatusOr<Catalog> catalog = LoadCatalogFromDir(GOV_SHARED_TYK_DIR);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  // 86 files: 4 hold no API definition, and 2 OAS documents are companions of the
  // classic definitions beside them.
  std::vector<std::string> skipped;
  for (const SkippedFile& s : catalog->skipped) skipped.push_back(s.file);
  EXPECT_THAT(skipped, ElementsAre("apidef_oas_testdata_petstore-no-responses.json",
                                   "apidef_oas_testdata_urlRewrite-native.json",
                                   "apidef_oas_testdata_urlRewrite-oas.json",
                                   "internal_policy_testdata_policies.json"));
  EXPECT_EQ(catalog->apis.size(), 80u);

  std::set<std::string> api_ids;
  std::set<std::string> db_ids;
  size_t oas = 0;
  for (const FakeApi& api : catalog->apis) {
    api_ids.insert(api.api_id);
    db_ids.insert(api.db_id);
    oas += api.is_oas() ? 1 : 0;
    EXPECT_EQ(api.definition["api_id"], api.api_id);
    EXPECT_EQ(api.definition["id"], api.db_id);
  }
  EXPECT_EQ(api_ids.size(), catalog->apis.size()) << "api_ids must be unique";
  EXPECT_EQ(db_ids.size(), catalog->apis.size()) << "database ids must be unique";
  EXPECT_EQ(oas, 4u);  // 2 bare Tyk OAS documents and 2 classic + companion pairs
  const FakeApi* multiauth = catalog->Find("multiauth-test-api");
  ASSERT_NE(multiauth, nullptr);
  EXPECT_THAT(multiauth->files, ElementsAre("ci_tests_tracing_apps_test-multiauth.json",
                                            "ci_tests_tracing_apps_test-multiauth-oas.json"));

  FakeDashboardOptions options;
  options.key = kKey;
  FakeTykDashboard dashboard(*std::move(catalog), options);
  absl::StatusOr<int> port = dashboard.Start();
  ASSERT_TRUE(port.ok()) << port.status();
  Json all = GetJson(*port, "/api/apis?p=0");
  EXPECT_EQ(all["apis"].size(), 80u);
  EXPECT_EQ(all["pages"], 8);
  Json doc = GetJson(*port, "/api/apis/oas/multiauth-test-api");
  EXPECT_EQ(doc["x-tyk-api-gateway"]["info"]["name"], "MultiAuthTestAPI");
}

class GeneratedFixturesTest : public ::testing::Test {
 protected:
  static int Generate(int n, const fs::path& dir) {
    const std::string command = absl::StrCat("bash '", GOV_TYK_GENERATE_SCRIPT, "' ", n, " '",
                                             dir.string(), "' 2>/dev/null");
    const int rc = std::system(command.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  void SetUp() override {
    // Unique per test and process: ctest runs tests of this binary in parallel.
    root_ =
        fs::path(testing::TempDir()) /
        absl::StrCat("generated_fixtures_",
                     testing::UnitTest::GetInstance()->current_test_info()->name(), "_", getpid());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(GeneratedFixturesTest, ThousandApisLoadAndPageAsTheDashboardWould) {
  ASSERT_EQ(Generate(1000, root_ / "a"), 0);
  absl::StatusOr<Catalog> catalog = LoadCatalogFromDir((root_ / "a").string());
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ(catalog->apis.size(), 1000u);
  EXPECT_TRUE(catalog->skipped.empty());
  EXPECT_TRUE(catalog->notes.empty()) << catalog->notes.front();  // ids all present, unique
  size_t oas = 0;
  std::set<std::string> mechanisms;
  std::set<std::string> protocols;
  for (const FakeApi& api : catalog->apis) {
    oas += api.is_oas() ? 1 : 0;
    for (const std::string& m : Mechanisms(api.definition)) mechanisms.insert(m);
    protocols.insert(Protocol(api.definition));
  }
  EXPECT_EQ(oas, 200u);
  EXPECT_THAT(mechanisms,
              UnorderedElementsAre("keyless", "authToken", "jwt", "oauth2", "basic", "mtls", "hmac",
                                   "openid", "externalOAuth", "customPlugin"));
  EXPECT_THAT(protocols, UnorderedElementsAre("http", "graphql", "tcp"));

  FakeDashboardOptions options;
  options.key = kKey;
  FakeTykDashboard dashboard(*std::move(catalog), options);
  absl::StatusOr<int> port = dashboard.Start();
  ASSERT_TRUE(port.ok()) << port.status();
  Json last = GetJson(*port, "/api/apis?p=100");
  EXPECT_EQ(last["pages"], 100);
  EXPECT_EQ(last["apis"].size(), 10u);
  EXPECT_EQ(GetJson(*port, "/api/apis?p=0")["apis"].size(), 1000u);
}

TEST_F(GeneratedFixturesTest, SameCountGivesIdenticalFiles) {
  ASSERT_EQ(Generate(40, root_ / "a"), 0);
  ASSERT_EQ(Generate(40, root_ / "b"), 0);
  size_t files = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(root_ / "a")) {
    ++files;
    EXPECT_EQ(ReadFile(e.path()), ReadFile(root_ / "b" / e.path().filename()))
        << e.path().filename();
  }
  EXPECT_EQ(files, 40u);
  // Regenerating a smaller set into the same directory replaces the old files.
  ASSERT_EQ(Generate(5, root_ / "a"), 0);
  EXPECT_EQ(std::distance(fs::directory_iterator(root_ / "a"), fs::directory_iterator()), 5);
}

TEST_F(GeneratedFixturesTest, BadArgumentsAreRefused) {
  EXPECT_EQ(Generate(0, root_ / "a"), 2);
  const std::string command =
      absl::StrCat("bash '", GOV_TYK_GENERATE_SCRIPT, "' lots '", root_.string(), "' 2>/dev/null");
  const int rc = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2);
}

}  // namespace
}  // namespace gov::fake
