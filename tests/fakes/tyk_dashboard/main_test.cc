// Tests of the fake-tyk-dashboard binary as other tests run it: a child process that
// prints its address, serves, and exits on a signal.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tests/fakes/common/child_process.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// A running fake-tyk-dashboard with its stdout and stderr on pipes.
class Child : public gov::fake::testing::ChildProcess {
 public:
  explicit Child(const std::vector<std::string>& args) : ChildProcess(GOV_FAKE_TYK_BINARY, args) {}
};

int PortOf(const std::string& line) {
  int port = 0;
  const std::string prefix = "listening on 127.0.0.1:";
  if (!absl::StartsWith(line, prefix) || !absl::SimpleAtoi(line.substr(prefix.size()), &port)) {
    return -1;
  }
  return port;
}

TEST(FakeTykDashboardBinaryTest, PrintsItsAddressServesAndExitsCleanlyOnSigterm) {
  Child child({"--dir", GOV_BUNDLED_TYK_DIR, "--key", "secret", "--listen", "127.0.0.1:0"});
  const std::string line = child.ReadStdoutLine(absl::Seconds(30));
  EXPECT_THAT(line, MatchesRegex("listening on 127\\.0\\.0\\.1:[0-9]+"));
  const int port = PortOf(line);
  ASSERT_GT(port, 0) << line;

  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  httplib::Result r = client.Get("/api/apis?p=2", {{"Authorization", "secret"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(nlohmann::json::parse(r->body)["apis"].size(), 9u);
  EXPECT_EQ(client.Get("/api/apis", {{"Authorization", "nope"}})->status, 401);

  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(absl::Seconds(10)), 0);
  EXPECT_EQ(child.RemainingStdout(), "") << "exactly one line on stdout";
  EXPECT_THAT(child.Stderr(), HasSubstr("serving 19 APIs (6 OAS)"));
}

TEST(FakeTykDashboardBinaryTest, SigintAlsoStopsIt) {
  Child child({"--dir", GOV_BUNDLED_TYK_DIR, "--key", "secret"});
  ASSERT_GT(PortOf(child.ReadStdoutLine(absl::Seconds(30))), 0);
  child.Signal(SIGINT);
  EXPECT_EQ(child.Wait(absl::Seconds(10)), 0);
}

TEST(FakeTykDashboardBinaryTest, FailPageAndDropFlags) {
  Child child({"--dir", GOV_BUNDLED_TYK_DIR, "--key", "k", "--page-size", "5", "--fail-page",
               "2:503", "--drop", "9126748e30ad224f94fc11222b0967eb"});
  const int port = PortOf(child.ReadStdoutLine(absl::Seconds(30)));
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  httplib::Result p1 = client.Get("/api/apis?p=1", {{"Authorization", "k"}});
  ASSERT_TRUE(p1);
  nlohmann::json body = nlohmann::json::parse(p1->body);
  EXPECT_EQ(body["pages"], 4);  // 18 visible APIs, 5 per page
  EXPECT_EQ(body["apis"][0]["api_definition"]["name"], "Checkout API");
  EXPECT_EQ(client.Get("/api/apis?p=2", {{"Authorization", "k"}})->status, 503);
  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(absl::Seconds(10)), 0);
}

TEST(FakeTykDashboardBinaryTest, InvalidJsonRefusesToStartNamingTheFile) {
  const fs::path dir =
      fs::path(testing::TempDir()) / absl::StrCat("fake_binary_bad_json_", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "good.json") << R"({"api_id": "a", "proxy": {}})";
  std::ofstream(dir / "broken.json") << R"({"api_id": "b", "proxy": {)";
  Child child({"--dir", dir.string(), "--key", "k"});
  EXPECT_EQ(child.Wait(absl::Seconds(30)), 2);
  EXPECT_EQ(child.RemainingStdout(), "");
  const std::string err = child.Stderr();
  EXPECT_THAT(err, HasSubstr("fake-tyk-dashboard: in " + dir.string()));
  EXPECT_THAT(err, HasSubstr("broken.json: invalid JSON: "));
  EXPECT_THAT(err, HasSubstr("parse error"));
  fs::remove_all(dir);
}

TEST(FakeTykDashboardBinaryTest, MissingDirectoryAndBadListenAreRefused) {
  {
    Child child({"--dir", "/nonexistent/apis", "--key", "k"});
    EXPECT_EQ(child.Wait(absl::Seconds(30)), 2);
    EXPECT_THAT(child.Stderr(),
                HasSubstr("cannot read API definition directory /nonexistent/apis"));
  }
  {
    Child child({"--dir", GOV_BUNDLED_TYK_DIR, "--key", "k", "--listen", "localhost"});
    EXPECT_EQ(child.Wait(absl::Seconds(30)), 2);
    EXPECT_THAT(child.Stderr(), HasSubstr("--listen \"localhost\" is not HOST:PORT"));
  }
  {
    Child child({"--dir", GOV_BUNDLED_TYK_DIR});  // no --key
    EXPECT_EQ(child.Wait(absl::Seconds(30)), 2);
    EXPECT_THAT(child.Stderr(), HasSubstr("--key"));
  }
}

TEST(FakeTykDashboardBinaryTest, LogsSkippedFilesAndDerivedIds) {
  if (!fs::is_directory(GOV_SHARED_TYK_DIR)) GTEST_SKIP() << GOV_SHARED_TYK_DIR << " is absent";
  Child child({"--dir", GOV_SHARED_TYK_DIR, "--key", "k"});
  ASSERT_GT(PortOf(child.ReadStdoutLine(absl::Seconds(30))), 0);
  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(absl::Seconds(10)), 0);
  const std::string err = child.Stderr();
  EXPECT_THAT(err, HasSubstr("skipping internal_policy_testdata_policies.json: not an API "
                             "definition"));
  EXPECT_THAT(err, HasSubstr("is already taken"));
  EXPECT_THAT(err, HasSubstr("serving 80 APIs (4 OAS)"));
}

}  // namespace
