#include "src/hub/hub.h"

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "src/common/logging.h"
#include "src/common/serial_executor.h"
#include "src/common/status_macros.h"
#include "src/hub/agent_registry.h"
#include "src/hub/agent_service.h"
#include "src/hub/api_keys.h"
#include "src/hub/metrics.h"
#include "src/hub/rest_api.h"
#include "src/hub/sync_manager.h"
#include "src/hub/sync_scheduler.h"
#include "src/hub/token_service.h"
#include "src/storage/storage.h"

namespace gov::hub {

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read \"", path, "\""));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(const HubConfig& c) {
  if (!c.tls_enabled()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions opts;
  GOV_ASSIGN_OR_RETURN(std::string cert, ReadFile(c.tls_cert_path));
  GOV_ASSIGN_OR_RETURN(std::string key, ReadFile(c.tls_key_path));
  opts.pem_key_cert_pairs.push_back({key, cert});
  if (!c.tls_client_ca_path.empty()) {
    GOV_ASSIGN_OR_RETURN(opts.pem_root_certs, ReadFile(c.tls_client_ca_path));
    opts.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(opts);
}

}  // namespace

Hub::Hub(HubConfig config, Clock* clock, Random* random)
    : config_(std::move(config)), clock_(clock), random_(random) {}

Hub::~Hub() { Shutdown(); }

absl::Status Hub::Start() {
  auto logger = GetLogger("hub");

  // 1. Storage.
  GOV_ASSIGN_OR_RETURN(storage_, storage::OpenStorage(config_.database_url));
  GOV_RETURN_IF_ERROR(storage_->Migrate());
  logger->info("storage: {}", storage_->Describe());

  // 2. Secrets and the bootstrap API key.
  GOV_ASSIGN_OR_RETURN(std::string secret,
                       TokenService::ResolveSecret(storage_.get(), config_.jwt_secret));
  tokens_ = std::make_unique<TokenService>(storage_.get(), secret, clock_, random_);
  api_keys_ = std::make_unique<ApiKeys>(storage_.get(), config_.api_key, clock_, random_);
  GOV_ASSIGN_OR_RETURN(auto generated, api_keys_->EnsureBootstrapKey());
  if (generated) {
    // Printed once, on stdout, so scripts can capture it; only its hash is stored.
    std::printf("Generated API key (shown once, store it safely): %s\n", generated->c_str());
    std::fflush(stdout);
    logger->warn(
        "no API key configured: generated one and printed it on stdout (only its hash "
        "is stored; set TYK_GOV_API_KEY to choose your own)");
  }

  // 3. Live state.
  registry_ = std::make_unique<AgentRegistry>(clock_, config_.heartbeat_timeout);
  executor_ = std::make_unique<SerialExecutor>();
  metrics_ = std::make_unique<Metrics>();
  DeletionGuard guard;
  guard.max_share = config_.deletion_guard_max_percent / 100.0;
  syncs_ = std::make_unique<SyncManager>(storage_.get(), registry_.get(), clock_, random_,
                                         config_.sync_timeout, guard);
  GOV_RETURN_IF_ERROR(syncs_->FailInterrupted());
  logger->info(
      "deletion guard: deletions held above {}% of a provider's APIs, or when a "
      "listing comes back empty",
      config_.deletion_guard_max_percent);
  SchedulerOptions scheduling;
  scheduling.min_repeat_every = config_.testing.min_repeat_every;
  scheduling.startup_grace = config_.testing.scheduler_startup_grace;
  scheduler_ = std::make_unique<SyncScheduler>(storage_.get(), syncs_.get(), clock_, random_,
                                               scheduling, metrics_.get());
  AgentRegistry* registry = registry_.get();
  metrics_->Gauge("governance_agents_active", "Agents with a live health stream",
                  [registry] { return static_cast<double>(registry->ActiveAgents().size()); });
  storage::Storage* storage = storage_.get();
  metrics_->Gauge("governance_provider_listings_held",
                  "Provider listings whose deletions the mass-deletion guard holds for an operator",
                  [storage] {
                    int64_t n = -1;  // -1: the database could not be read
                    (void)storage->Transact([&](storage::Store& s) -> absl::Status {
                      GOV_ASSIGN_OR_RETURN(n, s.CountHeldListings());
                      return absl::OkStatus();
                    });
                    return static_cast<double>(n);
                  });
  metrics_->Gauge("governance_agent_streams_open", "Open agent gRPC streams",
                  [registry] { return static_cast<double>(registry->OpenStreams()); });

  // 4. gRPC agent service.
  std::string grpc_host;
  int grpc_port = 0;
  SplitHostPort(config_.grpc_addr, &grpc_host, &grpc_port);
  service_ = std::make_unique<AgentService>(tokens_.get(), registry_.get(), syncs_.get(),
                                            storage_.get(), executor_.get(), clock_);
  GOV_ASSIGN_OR_RETURN(auto creds, ServerCredentials(config_));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config_.grpc_addr, creds, &grpc_port_);
  builder.RegisterService(service_.get());
  // Agents ping every rpc.keepalive.time (30s by default); accept pings down to 5s.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  grpc_server_ = builder.BuildAndStart();
  if (!grpc_server_ || grpc_port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for gRPC on ", config_.grpc_addr,
                                               " (address in use or not permitted)"));
  }
  logger->info("grpc listening on {}:{}{}", grpc_host, grpc_port_,
               config_.tls_enabled()
                   ? (config_.tls_client_ca_path.empty() ? " (TLS)" : " (mutual TLS)")
                   : " (plaintext)");

  // 5. REST API.
  std::string http_host;
  int http_port = 0;
  SplitHostPort(config_.http_addr, &http_host, &http_port);
  rest_ = std::make_unique<RestApi>(RestDeps{storage_.get(), api_keys_.get(), tokens_.get(),
                                             registry_.get(), syncs_.get(), scheduler_.get(),
                                             metrics_.get(), clock_, random_});
  GOV_ASSIGN_OR_RETURN(
      http_port_, rest_->Bind(http_host, http_port, config_.tls_cert_path, config_.tls_key_path));
  rest_thread_ = std::thread([this] { rest_->Serve(); });
  logger->info("http listening on {}:{}{}", http_host, http_port_,
               config_.tls_enabled() ? " (HTTPS)" : "");

  // 6. Housekeeping.
  housekeeping_thread_ = std::thread([this] { Housekeeping(); });
  logger->info("hub ready");
  return absl::OkStatus();
}

void Hub::Housekeeping() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    lock.unlock();
    syncs_->Sweep();
    scheduler_->Tick();
    lock.lock();
  }
}

void Hub::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stopping_; });
}

void Hub::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  cv_.notify_all();
  auto logger = GetLogger("hub");
  logger->info("shutting down");
  if (rest_) rest_->Stop();
  if (rest_thread_.joinable()) rest_thread_.join();
  if (grpc_server_)
    grpc_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (housekeeping_thread_.joinable()) housekeeping_thread_.join();
  executor_.reset();  // runs what is queued (stream-closed events) before storage goes
  grpc_server_.reset();
  rest_.reset();
  service_.reset();
  scheduler_.reset();
  syncs_.reset();
  storage_.reset();
  logger->info("stopped");
}

}  // namespace gov::hub
