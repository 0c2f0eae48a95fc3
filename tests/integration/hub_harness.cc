#include "tests/integration/hub_harness.h"

#include <httplib.h>
#include <jwt.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "src/common/clock.h"
#include "src/common/random.h"

namespace gov::integration {

namespace pb = governance::v1;
using nlohmann::json;

namespace {

HttpReply ToReply(const std::string& what, const httplib::Result& res) {
  HttpReply r;
  if (!res) {
    r.text = absl::StrCat(what, " -> no answer (", httplib::to_string(res.error()), ")");
    return r;
  }
  r.status = res->status;
  r.raw = res->body;
  r.body = json::parse(res->body, nullptr, false);
  r.text = absl::StrCat(what, " -> ", res->status, " ", res->body);
  return r;
}

}  // namespace

HubHarness::HubHarness() = default;

HubHarness::~HubHarness() {
  Stop();
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
}

absl::Status HubHarness::Start(const std::function<void(hub::HubConfig&)>& adjust) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "gov-integration.XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", tmpl, " failed"));
  }
  temp_dir_ = tmpl;
  hub::HubConfig config;
  config.http_addr = "127.0.0.1:0";
  config.grpc_addr = "127.0.0.1:0";
  config.database_url = absl::StrCat("sqlite://", temp_dir_, "/governance.db");
  config.api_key = kApiKey;
  config.jwt_secret = kJwtSecret;
  if (adjust) adjust(config);
  hub_ = std::make_unique<hub::Hub>(config, RealClock(), DefaultRandom());
  return hub_->Start();
}

void HubHarness::Stop() {
  if (hub_) hub_->Shutdown();
  hub_.reset();
}

int HubHarness::http_port() const { return hub_->http_port(); }
int HubHarness::grpc_port() const { return hub_->grpc_port(); }
std::string HubHarness::grpc_target() const { return absl::StrCat("127.0.0.1:", grpc_port()); }

HttpReply HubHarness::Get(const std::string& path) const {
  httplib::Client cli("127.0.0.1", http_port());
  cli.set_connection_timeout(5);
  cli.set_read_timeout(10);
  return ToReply(absl::StrCat("GET ", path), cli.Get(path, {{"X-API-Key", kApiKey}}));
}

HttpReply HubHarness::Post(const std::string& path, const std::string& body) const {
  httplib::Client cli("127.0.0.1", http_port());
  cli.set_connection_timeout(5);
  cli.set_read_timeout(10);
  return ToReply(absl::StrCat("POST ", path),
                 cli.Post(path, {{"X-API-Key", kApiKey}}, body, "application/json"));
}

HttpReply HubHarness::Delete(const std::string& path) const {
  httplib::Client cli("127.0.0.1", http_port());
  cli.set_connection_timeout(5);
  cli.set_read_timeout(10);
  return ToReply(absl::StrCat("DELETE ", path), cli.Delete(path, {{"X-API-Key", kApiKey}}));
}

absl::StatusOr<std::string> HubHarness::CreateAgent(const std::string& name) const {
  HttpReply r = Post("/api/agents/", json{{"name", name}}.dump());
  if (r.status != 201 || !r.body.is_object() || !r.body.contains("id")) {
    return absl::InternalError(r.text);
  }
  return r.body["id"].get<std::string>();
}

absl::StatusOr<std::string> HubHarness::IssueToken(const std::string& agent_id) const {
  HttpReply r = Post("/api/auth/token/", json{{"agent_id", agent_id}}.dump());
  if (r.status != 200 || !r.body.is_object() || !r.body.contains("token")) {
    return absl::InternalError(r.text);
  }
  return r.body["token"].get<std::string>();
}

std::unique_ptr<pb::AgentService::Stub> HubHarness::NewStub() const {
  return pb::AgentService::NewStub(
      grpc::CreateChannel(grpc_target(), grpc::InsecureChannelCredentials()));
}

bool WaitUntil(absl::Duration timeout, const std::function<bool()>& condition) {
  absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (absl::Now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Authorize(grpc::ClientContext& ctx, const std::string& token) {
  if (!token.empty()) ctx.AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

std::unique_ptr<HealthCall> OpenHealth(pb::AgentService::Stub& stub, const std::string& token,
                                       absl::Duration deadline) {
  auto call = std::make_unique<HealthCall>();
  Authorize(call->ctx, token);
  call->ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  call->stream = stub.Health(&call->ctx);
  return call;
}

std::unique_ptr<SyncCall> OpenSync(pb::AgentService::Stub& stub, const std::string& token,
                                   absl::Duration deadline) {
  auto call = std::make_unique<SyncCall>();
  Authorize(call->ctx, token);
  call->ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  call->stream = stub.Sync(&call->ctx);
  return call;
}

pb::HealthUpstream Heartbeat(const std::string& replica,
                             const std::vector<std::pair<std::string, std::string>>& providers) {
  pb::HealthUpstream msg;
  pb::Heartbeat* hb = msg.mutable_heartbeat();
  hb->set_agent_version("integration-test");
  hb->set_replica_id(replica);
  hb->set_leader(true);
  hb->set_sent_at_unix_ms(absl::ToUnixMillis(absl::Now()));
  for (const auto& [name, type] : providers) {
    pb::ProviderStatus* p = hb->add_providers();
    p->set_name(name);
    p->set_type(type);
    p->set_status("OK");
    (*p->mutable_details())["host"] = "http://127.0.0.1:1";
  }
  return msg;
}

std::string ForeignJwt(const std::string& agent_id, const std::string& secret) {
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) return "";
  jwt_add_grant(jwt, "sub", agent_id.c_str());
  jwt_add_grant(jwt, "jti", "00000000-0000-4000-8000-000000000000");
  jwt_add_grant(jwt, "iss", "governance-hub");
  jwt_add_grant_int(jwt, "iat", absl::ToUnixSeconds(absl::Now()));
  jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
              static_cast<int>(secret.size()));
  char* encoded = jwt_encode_str(jwt);
  std::string out = encoded == nullptr ? "" : encoded;
  free(encoded);
  jwt_free(jwt);
  return out;
}

int ThreadCount() {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    (void)entry;
    ++n;
  }
  return n;
}

}  // namespace gov::integration
