// Tests of the fake-aws-apigateway binary as other tests run it: a child process that
// prints its address, serves signed requests, and exits on a signal.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/fakes/aws_apigateway/test_util.h"
#include "tests/fakes/common/child_process.h"

extern char** environ;

namespace gov::fake::aws {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using testing::SignedClient;

const gov::aws::Credentials kSeedKey{"AKIAIOSFODNN7EXAMPLE",
                                     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};

std::string Fixture(const std::string& name) {
  return absl::StrCat(GOV_AWS_FIXTURES_DIR, "/", name);
}

// A running fake-aws-apigateway with its stdout and stderr on pipes.
class Child : public gov::fake::testing::ChildProcess {
 public:
  explicit Child(const std::vector<std::string>& args) : ChildProcess(GOV_FAKE_AWS_BINARY, args) {}
};

TEST(FakeAwsBinaryTest, PrintsItsAddressServesSignedRequestsAndExitsOnSigterm) {
  Child child({"--data", Fixture("us-east-1.json"), "--listen", "127.0.0.1:0"});
  const int port = child.Port();
  ASSERT_GT(port, 0);
  SignedClient client(port, kSeedKey);
  httplib::Result r = client.Get("/restapis");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json::parse(r->body)["item"].size(), 5u);
  httplib::Result v2 = client.Get("/v2/apis");
  ASSERT_TRUE(v2);
  EXPECT_EQ(Json::parse(v2->body)["items"].size(), 5u);

  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(absl::Seconds(10)), 0);
  EXPECT_EQ(child.RemainingStdout(), "") << "exactly one line on stdout";
  EXPECT_THAT(child.Stderr(), HasSubstr("serving 5 REST, 3 HTTP and 2 WebSocket APIs in us-east-1 "
                                        "for access keys AKIAIOSFODNN7EXAMPLE, "
                                        "ASIAIOSFODNN7TEMPKEY, ASIAIOSFODNN7EXPIRED"));
}

TEST(FakeAwsBinaryTest, GeneratesSixHundredRestApisForTheExampleKey) {
  Child child({"--generate-rest", "600", "--region", "eu-west-1"});
  const int port = child.Port();
  ASSERT_GT(port, 0);
  SignedClient client(port, testing::ExampleCredentials(), "eu-west-1");
  httplib::Result first = client.Get("/restapis", {{"limit", "500"}});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const Json page = Json::parse(first->body);
  EXPECT_EQ(page["item"].size(), 500u);
  httplib::Result second =
      client.Get("/restapis", {{"limit", "500"}, {"position", page["position"]}});
  ASSERT_TRUE(second);
  EXPECT_EQ(Json::parse(second->body)["item"].size(), 100u);
  child.Signal(SIGINT);
  EXPECT_EQ(child.Wait(absl::Seconds(10)), 0);
  const std::string err = child.Stderr();
  EXPECT_THAT(err, HasSubstr("accepting the AWS documentation's example key AKIDEXAMPLE"));
  EXPECT_THAT(err, HasSubstr("serving 600 REST, 0 HTTP and 0 WebSocket APIs in eu-west-1"));
}

TEST(FakeAwsBinaryTest, CommandLineCredentialsAreAcceptedBesideTheFilesOnes) {
  Child child({"--data", Fixture("eu-west-1.json"), "--access-key-id", "ASIACLI", "--secret",
               "cli/secret+", "--session-token", "cli-token=="});
  const int port = child.Port();
  ASSERT_GT(port, 0);
  SignedClient client(port, {"ASIACLI", "cli/secret+", "cli-token=="}, "eu-west-1");
  EXPECT_EQ(client.Get("/restapis")->status, 200);
  client.SetCredentials({"ASIACLI", "cli/secret+", ""});
  EXPECT_EQ(client.Get("/restapis")->status, 403);
  client.SetCredentials(kSeedKey);
  EXPECT_EQ(client.Get("/restapis")->status, 200);
  client.SetCredentials(testing::ExampleCredentials());  // not accepted: the file names keys
  EXPECT_EQ(client.Get("/restapis")->status, 403);
}

TEST(FakeAwsBinaryTest, RateLimitFlag) {
  Child child({"--generate-rest", "3", "--rate-limit", "1:2"});
  const int port = child.Port();
  ASSERT_GT(port, 0);
  SignedClient client(port, testing::ExampleCredentials());
  EXPECT_EQ(client.Get("/restapis")->status, 200);
  EXPECT_EQ(client.Get("/restapis")->status, 200);
  httplib::Result throttled = client.Get("/restapis");
  ASSERT_TRUE(throttled);
  EXPECT_EQ(throttled->status, 429);
  EXPECT_EQ(throttled->get_header_value("x-amzn-ErrorType"), "TooManyRequestsException");
}

// The AWS SDK for Python signs with its own SigV4 code and parses with the service
// models: the fake must accept the one and satisfy the other.
TEST(FakeAwsBinaryTest, TheAwsSdkForPythonWorksAgainstTheFake) {
  if (std::system("python3 -c 'import boto3' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 with boto3 is not installed";
  }
  Child child({"--data", Fixture("us-east-1.json")});
  const int port = child.Port();
  ASSERT_GT(port, 0);
  FILE* script = popen(
      absl::StrCat("python3 ", GOV_BOTO3_CONFORMANCE_SCRIPT, " ", port, " 2>&1").c_str(), "r");
  ASSERT_NE(script, nullptr);
  std::string output;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), script)) output.append(buf, n);
  const int status = pclose(script);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "ok\n");
}

TEST(FakeAwsBinaryTest, BadInputIsRefusedBeforeListening) {
  const fs::path dir = fs::path(::testing::TempDir()) / absl::StrCat("fake_aws_binary_", getpid());
  fs::create_directories(dir);
  std::ofstream(dir / "broken.json") << R"({"restApis": [{"id": "a"}], "apis": [)";
  std::ofstream(dir / "invalid.json")
      << R"({"restApis": [{"id": "a"}], "apis": [{"apiId": "b", "name": "B"}]})";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--data", (dir / "broken.json").string()},
       absl::StrCat((dir / "broken.json").string(), ": invalid JSON: ")},
      {{"--data", (dir / "invalid.json").string()},
       absl::StrCat((dir / "invalid.json").string(),
                    ": restApis[0]: name is missing; apis[0] \"B\": protocolType is missing")},
      {{"--data", (dir / "missing.json").string()}, "cannot read data file"},
      {{}, "nothing to serve: give --data FILE.json and/or --generate-rest N"},
      {{"--data", Fixture("us-east-1.json"), "--region", "eu-west-1"},
       "--region eu-west-1 does not match region us-east-1 of "},
      {{"--generate-rest", "1", "--listen", "localhost"},
       "--listen \"localhost\" is not HOST:PORT"},
      {{"--generate-rest", "1", "--rate-limit", "fast"},
       "--rate-limit \"fast\" is not RPS[:BURST]"},
      {{"--generate-rest", "1", "--access-key-id", "AKIA"}, "--secret"},
  };
  for (const Case& c : cases) {
    Child child(c.args);
    EXPECT_EQ(child.Wait(absl::Seconds(30)), 2) << c.message;
    EXPECT_EQ(child.RemainingStdout(), "") << c.message;
    EXPECT_THAT(child.Stderr(), HasSubstr(c.message));
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gov::fake::aws
