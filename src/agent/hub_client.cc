#include "src/agent/hub_client.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/common/logging.h"
#include "src/common/status_macros.h"

namespace gov::agent {

namespace pb = governance::v1;

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read \"", path, "\""));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

void AddAuth(grpc::ClientContext& ctx, const std::string& token) {
  ctx.AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

// gRPC reports a connection the hub dropped during the handshake only as "Socket closed";
// a TLS mismatch is the usual cause, so say which setting to look at.
std::string WithTlsHint(const TlsConfig& tls, const std::string& error) {
  if (!absl::StrContains(error, "Socket closed")) return error;
  if (!tls.enabled) {
    return absl::StrCat(error,
                        " (the hub closed the connection at once: if it serves TLS, set "
                        "governanceDashboard.server.tls.enabled to true)");
  }
  if (tls.client_cert_path.empty()) {
    return absl::StrCat(error,
                        " (the hub closed the connection during the TLS handshake: if it "
                        "requires client certificates (mutual TLS), set "
                        "governanceDashboard.server.tls.clientCertPath and clientKeyPath)");
  }
  return absl::StrCat(error,
                      " (the hub closed the connection during the TLS handshake: if it "
                      "requires client certificates (mutual TLS), the certificate in "
                      "governanceDashboard.server.tls.clientCertPath must be signed by "
                      "the hub's client CA)");
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(const TlsConfig& tls) {
  if (!tls.enabled) return grpc::InsecureChannelCredentials();
  std::string ca;
  std::string cert;
  std::string key;
  if (!tls.ca_cert_path.empty()) {
    GOV_ASSIGN_OR_RETURN(ca, ReadFile(tls.ca_cert_path));
  }
  if (!tls.client_cert_path.empty()) {
    GOV_ASSIGN_OR_RETURN(cert, ReadFile(tls.client_cert_path));
  }
  if (!tls.client_key_path.empty()) {
    GOV_ASSIGN_OR_RETURN(key, ReadFile(tls.client_key_path));
  }
  if (tls.insecure_skip_verify) {
    grpc::experimental::TlsChannelCredentialsOptions opts;
    opts.set_verify_server_certs(false);
    opts.set_check_call_host(false);
    opts.set_certificate_verifier(std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
    if (!cert.empty()) {
      opts.set_certificate_provider(
          std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
              std::vector<grpc::experimental::IdentityKeyCertPair>{{key, cert}}));
      opts.watch_identity_key_cert_pairs();
    }
    return grpc::experimental::TlsCredentials(opts);
  }
  grpc::SslCredentialsOptions opts;
  opts.pem_root_certs = ca;
  opts.pem_cert_chain = cert;
  opts.pem_private_key = key;
  return grpc::SslCredentials(opts);
}

HubClient::HubClient(HubClientOptions options, SyncRunner* runner, ProviderStatusBoard* board,
                     Random* random)
    : options_(std::move(options)), runner_(runner), board_(board), random_(random) {}

HubClient::~HubClient() { Stop(); }

void HubClient::Start() {
  worker_thread_ = std::jthread([this](std::stop_token st) { SyncWorker(st); });
  connection_thread_ = std::jthread([this](std::stop_token st) { ConnectionLoop(st); });
}

void HubClient::Stop() {
  {
    // Under the mutex, so no waiter misses the wake-up between its check and its wait.
    std::lock_guard<std::mutex> lock(mu_);
    connection_thread_.request_stop();
    worker_thread_.request_stop();
    sync_stop_.request_stop();
  }
  cv_.notify_all();
  if (connection_thread_.joinable()) connection_thread_.join();
  if (worker_thread_.joinable()) worker_thread_.join();
}

std::string HubClient::LastError() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

bool HubClient::Busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_.has_value() || !queue_.empty();
}

void HubClient::SetError(const std::string& e) {
  std::lock_guard<std::mutex> lock(mu_);
  last_error_ = e;
}

SyncRequestOutcome DecideSyncRequest(pb::SyncTrigger trigger, bool connected,
                                     const SyncWork* running, const std::deque<SyncWork>& waiting) {
  using Kind = SyncRequestOutcome::Kind;
  if (trigger == pb::SYNC_TRIGGER_INITIAL) {
    for (const SyncWork& w : waiting) {
      if (w.sync_id.empty()) return {Kind::kCoalesced, "", false};  // one already waits
    }
    return {Kind::kQueued, "", false};
  }
  if (!connected) return {Kind::kNotConnected, "", false};
  // A waiting sync starts after now, so it lists what the due time asked for.
  for (const SyncWork& w : waiting) {
    if (w.provider.empty()) return {Kind::kCoalesced, w.sync_id, false};
  }
  if (running != nullptr && running->provider.empty()) {
    return {Kind::kCoalesced, running->sync_id, true};
  }
  return {Kind::kQueued, "", false};
}

SyncRequestOutcome HubClient::RequestSync(pb::SyncTrigger trigger) {
  SyncRequestOutcome outcome;
  std::string reason;
  {
    std::lock_guard<std::mutex> lock(mu_);
    outcome = DecideSyncRequest(trigger, ready_.load(), running_ ? &*running_ : nullptr, queue_);
    if (outcome.kind == SyncRequestOutcome::Kind::kQueued) {
      queue_.push_back(Work{"", "", trigger});
      cv_.notify_all();
    } else if (outcome.kind == SyncRequestOutcome::Kind::kNotConnected) {
      reason = last_error_.empty() ? "connecting" : last_error_;
    }
  }
  // The initial sync of a connection already waiting: dropped silently.
  if (trigger == pb::SYNC_TRIGGER_INITIAL) return outcome;

  auto logger = GetLogger("agent.schedule");
  const std::string what = trigger == pb::SYNC_TRIGGER_AGENT_SCHEDULE
                               ? "scheduled sync"
                               : absl::StrCat(pb::SyncTrigger_Name(trigger), " sync");
  switch (outcome.kind) {
    case SyncRequestOutcome::Kind::kQueued:
      break;
    case SyncRequestOutcome::Kind::kNotConnected:
      logger->warn("{} skipped: not connected to the hub ({})", what, reason);
      break;
    case SyncRequestOutcome::Kind::kCoalesced: {
      pb::SyncUpstream msg;
      pb::SyncCoalesced* c = msg.mutable_coalesced();
      c->set_sync_id(outcome.sync_id);
      c->set_trigger(trigger);
      c->set_at_unix_ms(absl::ToUnixMillis(options_.clock->Now()));
      // After the SyncBegin of that sync: see SyncWorker.
      bool sent = WriteSync(msg);
      std::string id = outcome.sync_id;
      if (id.empty()) id = outcome.running ? "(starting)" : "(not started yet)";
      logger->info("{} coalesced into {} sync {}{}", what, outcome.running ? "running" : "waiting",
                   id, sent ? "" : " (the hub could not be told: the sync stream is closed)");
      break;
    }
  }
  return outcome;
}

pb::HealthUpstream HubClient::MakeHeartbeat() const {
  pb::HealthUpstream msg;
  pb::Heartbeat* hb = msg.mutable_heartbeat();
  hb->set_agent_version(options_.version);
  hb->set_replica_id(options_.replica_id);
  hb->set_leader(true);
  hb->set_sent_at_unix_ms(absl::ToUnixMillis(options_.clock->Now()));
  for (const auto& p : board_->Snapshot()) *hb->add_providers() = p;
  for (const auto& w : options_.warnings) hb->add_warnings(w);
  if (options_.sync_schedule) *hb->mutable_sync_schedule() = options_.sync_schedule();
  return msg;
}

bool HubClient::WriteSync(const pb::SyncUpstream& msg) {
  std::lock_guard<std::mutex> lock(stream_mu_);
  return sync_stream_ != nullptr && sync_stream_->Write(msg);
}

void HubClient::ConnectionLoop(std::stop_token stop) {
  auto logger = GetLogger("agent.hub");
  Backoff backoff(options_.backoff, random_);
  while (!stop.stop_requested()) {
    bool established = false;
    absl::Status st = RunConnection(stop, &established);
    if (stop.stop_requested()) break;
    // Each outage starts from the shortest delay, not where the previous one left off.
    if (established) backoff.Reset();
    std::string error = std::string(st.message());
    if (!established) error = WithTlsHint(options_.tls, error);
    SetError(error);
    absl::Duration delay = backoff.Next();
    if (st.code() == absl::StatusCode::kUnauthenticated) {
      logger->error(
          "the hub rejected this agent's token: {} (check governanceDashboard.auth.token); "
          "retrying in {}",
          error, absl::FormatDuration(delay));
    } else {
      logger->warn("not connected to the hub at {}: {}; retrying in {}", options_.target, error,
                   absl::FormatDuration(delay));
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, absl::ToChronoMilliseconds(delay), [&] { return stop.stop_requested(); });
  }
}

absl::Status HubClient::RunConnection(std::stop_token stop, bool* established) {
  auto logger = GetLogger("agent.hub");
  GOV_ASSIGN_OR_RETURN(auto creds, ChannelCredentials(options_.tls));
  grpc::ChannelArguments args;
  if (options_.keepalive.enabled) {
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS,
                static_cast<int>(absl::ToInt64Milliseconds(options_.keepalive.time)));
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                static_cast<int>(absl::ToInt64Milliseconds(options_.keepalive.timeout)));
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
                options_.keepalive.permit_without_stream ? 1 : 0);
    args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  }
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  auto channel = grpc::CreateCustomChannel(options_.target, creds, args);
  auto stub = pb::AgentService::NewStub(channel);

  // Health stream: first heartbeat, then wait for the hub's acknowledgement.
  grpc::ClientContext health_ctx;
  AddAuth(health_ctx, options_.token);
  std::unique_ptr<grpc::ClientReaderWriter<pb::HealthUpstream, pb::HealthDownstream>> health =
      stub->Health(&health_ctx);
  pb::HealthDownstream first;
  if (!health->Write(MakeHeartbeat()) || !health->Read(&first)) {
    // The hub ended the call (bad token, going away): Finish carries its reason.
    health->WritesDone();
    return FromGrpc(health->Finish());
  }

  // Sync stream.
  grpc::ClientContext sync_ctx;
  AddAuth(sync_ctx, options_.token);
  std::shared_ptr<grpc::ClientReaderWriter<pb::SyncUpstream, pb::SyncDownstream>> sync =
      stub->Sync(&sync_ctx);
  pb::SyncUpstream hello;
  hello.mutable_hello()->set_replica_id(options_.replica_id);
  hello.mutable_hello()->set_agent_version(options_.version);
  if (!sync->Write(hello)) {
    absl::Status st = FromGrpc(sync->Finish());
    health_ctx.TryCancel();
    health->Finish();
    return st;
  }
  {
    std::lock_guard<std::mutex> lock(stream_mu_);
    sync_stream_ = sync;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    broken_ = false;
    last_error_.clear();
    sync_stop_ = std::stop_source();
  }
  ready_ = true;
  *established = true;
  logger->info("connected to the hub at {} as agent {} (replica {})", options_.target,
               first.ack().agent_id(), options_.replica_id);

  auto mark_broken = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    broken_ = true;
    cv_.notify_all();
  };
  std::thread health_reader([&] {
    pb::HealthDownstream in;
    while (health->Read(&in)) {
      if (in.has_notice()) logger->warn("hub: {}", in.notice().message());
    }
    mark_broken();
  });
  std::thread sync_reader([&] {
    pb::SyncDownstream in;
    while (sync->Read(&in)) {
      if (!in.has_request()) continue;
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(
          Work{in.request().sync_id(), in.request().provider(), in.request().trigger()});
      cv_.notify_all();
      logger->info("hub requested sync {} ({})", in.request().sync_id(),
                   in.request().provider().empty() ? "all providers" : in.request().provider());
    }
    mark_broken();
  });

  if (options_.initial_sync) RequestSync(pb::SYNC_TRIGGER_INITIAL);

  // Heartbeats until a stream breaks or we are stopped.
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.heartbeat_interval),
                   [&] { return broken_ || stop.stop_requested(); });
      if (broken_ || stop.stop_requested()) break;
    }
    if (!health->Write(MakeHeartbeat())) break;
  }

  ready_ = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sync_stop_.request_stop();
    // Requests from the hub die with the stream (the hub fails them); agent-initiated
    // ones are made again by the next connection's initial sync.
    queue_.clear();
  }
  health_ctx.TryCancel();
  sync_ctx.TryCancel();
  health_reader.join();
  sync_reader.join();
  {
    std::lock_guard<std::mutex> lock(stream_mu_);
    sync_stream_.reset();
  }
  absl::Status hs = FromGrpc(health->Finish());
  absl::Status ss = FromGrpc(sync->Finish());
  if (stop.stop_requested()) return absl::CancelledError("stopping");
  if (hs.code() == absl::StatusCode::kUnauthenticated) return hs;
  if (ss.code() == absl::StatusCode::kUnauthenticated) return ss;
  if (!hs.ok() && hs.code() != absl::StatusCode::kCancelled) return hs;
  if (!ss.ok() && ss.code() != absl::StatusCode::kCancelled) return ss;
  return absl::UnavailableError("the hub closed the connection");
}

void HubClient::SyncWorker(std::stop_token stop) {
  auto logger = GetLogger("agent.sync");
  auto finished = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    running_.reset();
  };
  for (;;) {
    Work work;
    std::stop_token sync_stop;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop.stop_requested() || (!queue_.empty() && ready_.load()); });
      if (stop.stop_requested()) return;
      work = queue_.front();
      queue_.pop_front();
      sync_stop = sync_stop_.get_token();
      // Running from here on, so a scheduled sync coming due now is coalesced into it
      // rather than queued behind it. An agent-initiated sync gets its id below.
      running_ = work;
    }
    if (work.sync_id.empty()) {
      work.sync_id = random_->Uuid4();
      pb::SyncUpstream begin;
      begin.mutable_begin()->set_sync_id(work.sync_id);
      begin.mutable_begin()->set_trigger(work.trigger);
      for (const auto& name : runner_->ProviderNames()) begin.mutable_begin()->add_providers(name);
      bool written = false;
      {
        // The id becomes visible to RequestSync while the stream is held for the begin, so
        // a SyncCoalesced naming this sync (written after RequestSync takes the stream)
        // always follows its SyncBegin. Lock order: stream_mu_, then mu_.
        std::lock_guard<std::mutex> stream_lock(stream_mu_);
        {
          std::lock_guard<std::mutex> lock(mu_);
          running_->sync_id = work.sync_id;
        }
        written = sync_stream_ != nullptr && sync_stream_->Write(begin);
      }
      if (!written) {
        finished();
        continue;
      }
    }
    absl::Status st = runner_->Run(
        work.sync_id, work.provider, [this](const pb::SyncUpstream& m) { return WriteSync(m); },
        sync_stop);
    finished();
    if (!st.ok()) logger->warn("sync {} interrupted: {}", work.sync_id, st.message());
  }
}

}  // namespace gov::agent
