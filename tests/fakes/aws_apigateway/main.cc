// fake-aws-apigateway: serves the read-only part of the Amazon API Gateway control plane
// (REST APIs through v1, HTTP and WebSocket APIs through v2) for one region, checking
// SigV4 signatures, for end-to-end and load tests of the governance agent.
//
//   fake-aws-apigateway [--data FILE.json] [--generate-rest N] [--listen 127.0.0.1:0]
//       [--region us-east-1] [--access-key-id AKID --secret S [--session-token T]]
//
// Prints exactly one line, "listening on HOST:PORT", to stdout once it accepts
// connections; logs go to stderr. Exits 0 on SIGTERM or SIGINT; 2 on bad flags or a data
// file that cannot be read, is not JSON or does not validate (every problem is named).
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "src/common/logging.h"
#include "tests/fakes/aws_apigateway/aws_data.h"
#include "tests/fakes/aws_apigateway/fake_apigateway.h"

namespace {

int Fail(const std::string& message) {
  std::cerr << "fake-aws-apigateway: " << message << std::endl;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_file;
  std::string listen = "127.0.0.1:0";
  std::string region;
  std::string log_level = "info";
  std::string rate_limit;
  int generate_rest = 0;
  gov::fake::aws::Credential credential;

  CLI::App app{"Fake Amazon API Gateway control plane (v1 and v2, read-only, SigV4-checked)"};
  app.add_option("--data", data_file, "JSON data file of REST, HTTP and WebSocket APIs");
  app.add_option("--generate-rest", generate_rest, "add N generated REST APIs")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--region", region,
                 "the region requests must be signed for (default: the data file's, else "
                 "us-east-1)");
  CLI::Option* key_option =
      app.add_option("--access-key-id", credential.access_key_id, "an access key id to accept");
  CLI::Option* secret_option =
      app.add_option("--secret", credential.secret_access_key, "its secret access key");
  app.add_option("--session-token", credential.session_token,
                 "its session token (temporary credentials: requests must send it)")
      ->needs(key_option);
  key_option->needs(secret_option);
  secret_option->needs(key_option);
  app.add_option("--rate-limit", rate_limit,
                 "RPS[:BURST]: throttle beyond RPS requests per second (AWS: about 10)");
  app.add_option("--log-level", log_level, "debug (logs every request), info, warn or error")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (data_file.empty() && generate_rest == 0) {
    return Fail("nothing to serve: give --data FILE.json and/or --generate-rest N");
  }

  absl::StatusOr<spdlog::level::level_enum> level = gov::ParseLogLevel(log_level);
  if (!level.ok()) return Fail(std::string(level.status().message()));
  gov::InitLogging(*level, gov::LogFormat::kText);
  auto log = gov::GetLogger("fake.aws");

  std::vector<std::string> host_port = absl::StrSplit(listen, absl::MaxSplits(':', 1));
  int port = -1;
  if (host_port.size() != 2 || host_port[0].empty() || !absl::SimpleAtoi(host_port[1], &port) ||
      port < 0 || port > 65535) {
    return Fail(absl::StrCat("--listen \"", listen, "\" is not HOST:PORT"));
  }
  double rate = 0;
  double burst = 0;
  if (!rate_limit.empty()) {
    std::vector<std::string> parts = absl::StrSplit(rate_limit, absl::MaxSplits(':', 1));
    if (!absl::SimpleAtod(parts[0], &rate) || rate <= 0 ||
        (parts.size() == 2 && (!absl::SimpleAtod(parts[1], &burst) || burst < 1))) {
      return Fail(absl::StrCat("--rate-limit \"", rate_limit,
                               "\" is not RPS[:BURST] with RPS > 0 and BURST >= 1"));
    }
    if (parts.size() == 1) burst = rate;
  }

  gov::fake::aws::AwsData data;
  if (!data_file.empty()) {
    absl::StatusOr<gov::fake::aws::AwsData> loaded = gov::fake::aws::LoadAwsDataFile(data_file);
    if (!loaded.ok()) return Fail(std::string(loaded.status().message()));
    data = *std::move(loaded);
  }
  if (!region.empty() && !data.region.empty() && region != data.region) {
    return Fail(absl::StrCat("--region ", region, " does not match region ", data.region, " of ",
                             data_file));
  }
  if (region.empty()) region = data.region.empty() ? "us-east-1" : data.region;
  data.region = region;
  if (!credential.access_key_id.empty()) {
    for (const gov::fake::aws::Credential& c : data.credentials) {
      if (c.access_key_id == credential.access_key_id) {
        return Fail(absl::StrCat("--access-key-id ", c.access_key_id, " is also in ", data_file));
      }
    }
    data.credentials.insert(data.credentials.begin(), credential);
  }
  if (data.credentials.empty()) {
    data.credentials.push_back(
        {gov::fake::aws::kExampleAccessKeyId, gov::fake::aws::kExampleSecretAccessKey, "", false});
    log->info("accepting the AWS documentation's example key {}",
              data.credentials[0].access_key_id);
  }
  gov::fake::aws::AddGeneratedRestApis(data, generate_rest);

  size_t http = 0;
  size_t websocket = 0;
  for (const gov::fake::aws::V2Api& api : data.v2_apis) (api.websocket() ? websocket : http)++;
  const size_t rest = data.rest_apis.size();
  std::vector<std::string> key_ids;
  for (const gov::fake::aws::Credential& c : data.credentials) key_ids.push_back(c.access_key_id);

  gov::fake::aws::FakeApiGatewayOptions options;
  options.region = region;
  gov::fake::aws::FakeApiGateway fake(std::move(data), options);
  if (rate > 0) fake.SetRateLimit(rate, burst);

  // Signals are taken by sigwait below; block them before any server thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<int> bound = fake.Start(host_port[0], port);
  if (!bound.ok()) return Fail(std::string(bound.status().message()));
  log->info("serving {} REST, {} HTTP and {} WebSocket APIs in {} for access keys {}", rest, http,
            websocket, region, absl::StrJoin(key_ids, ", "));
  std::cout << "listening on " << host_port[0] << ":" << *bound << std::endl;

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  log->info("signal {}: shutting down", signal_number);
  fake.Stop();
  return 0;
}
