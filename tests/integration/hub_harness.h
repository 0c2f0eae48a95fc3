// HubHarness: a real gov::hub::Hub for integration tests - REST and gRPC on 127.0.0.1
// (any free ports), SQLite in a fresh temporary directory removed afterwards - with
// helpers to call its REST API (X-API-Key set), open agent streams with a token, and wait
// for a condition with a deadline (no fixed sleeps).
//
// Thread-safety: a harness belongs to one test; Rest calls and stubs may be used from
// several threads (each call makes its own HTTP connection; gRPC stubs are thread-safe).
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "governance/v1/agent.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "src/hub/hub.h"
#include "src/hub/hub_config.h"

namespace gov::integration {

using HealthStream =
    grpc::ClientReaderWriter<governance::v1::HealthUpstream, governance::v1::HealthDownstream>;
using SyncStream =
    grpc::ClientReaderWriter<governance::v1::SyncUpstream, governance::v1::SyncDownstream>;

// One REST answer: status code (0 when the connection failed) and the parsed JSON body.
struct HttpReply {
  int status = 0;
  nlohmann::json body;
  std::string raw;
  // "GET /api/x -> 404 {...}" for assertion messages.
  std::string text;
};

// An open Health call. The context must outlive the stream, hence one object.
struct HealthCall {
  grpc::ClientContext ctx;
  std::unique_ptr<HealthStream> stream;
};

struct SyncCall {
  grpc::ClientContext ctx;
  std::unique_ptr<SyncStream> stream;
};

class HubHarness {
 public:
  static constexpr char kApiKey[] = "integration-api-key";
  static constexpr char kJwtSecret[] = "integration-hub-jwt-secret";

  HubHarness();
  ~HubHarness();
  HubHarness(const HubHarness&) = delete;
  HubHarness& operator=(const HubHarness&) = delete;

  // Starts the hub. `adjust` may change the configuration first.
  absl::Status Start(const std::function<void(hub::HubConfig&)>& adjust = nullptr);
  void Stop();

  int http_port() const;
  int grpc_port() const;
  std::string grpc_target() const;  // "127.0.0.1:<port>"

  // REST calls with the API key. Bodies are JSON text ("" sends no body).
  HttpReply Get(const std::string& path) const;
  HttpReply Post(const std::string& path, const std::string& body = "") const;
  HttpReply Delete(const std::string& path) const;

  // POST /api/agents/ then POST /api/auth/token/.
  absl::StatusOr<std::string> CreateAgent(const std::string& name) const;
  absl::StatusOr<std::string> IssueToken(const std::string& agent_id) const;

  // A stub on a new plaintext channel to the hub.
  std::unique_ptr<governance::v1::AgentService::Stub> NewStub() const;

 private:
  std::string temp_dir_;
  std::unique_ptr<hub::Hub> hub_;
};

// Polls `condition` every 20 ms until it holds or `timeout` passes; true when it held.
bool WaitUntil(absl::Duration timeout, const std::function<bool()>& condition);

// "authorization" metadata value for a token ("Bearer <token>"); an empty `token` adds
// no metadata at all.
void Authorize(grpc::ClientContext& ctx, const std::string& token);

// Opens a stream with the token (see Authorize) and a deadline bounding every wait on it.
std::unique_ptr<HealthCall> OpenHealth(governance::v1::AgentService::Stub& stub,
                                       const std::string& token,
                                       absl::Duration deadline = absl::Seconds(30));
std::unique_ptr<SyncCall> OpenSync(governance::v1::AgentService::Stub& stub,
                                   const std::string& token,
                                   absl::Duration deadline = absl::Seconds(30));

// A heartbeat from `replica` reporting providers given as (name, type) pairs, all "OK".
governance::v1::HealthUpstream Heartbeat(
    const std::string& replica,
    const std::vector<std::pair<std::string, std::string>>& providers = {});

// A well-formed HS256 JWT for `agent_id` signed with `secret` (not the hub's).
std::string ForeignJwt(const std::string& agent_id, const std::string& secret);

// The number of threads of this process (entries of /proc/self/task).
int ThreadCount();

}  // namespace gov::integration
