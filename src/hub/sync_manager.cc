#include "src/hub/sync_manager.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/logging.h"
#include "src/common/status_details.h"
#include "src/common/status_macros.h"
#include "src/hub/sync_state.h"

namespace gov::hub {

namespace pb = governance::v1;
using storage::ProviderSync;
using storage::SyncState;
using storage::SyncTrigger;

namespace {

SyncTrigger FromProtoTrigger(pb::SyncTrigger t) {
  switch (t) {
    case pb::SYNC_TRIGGER_HUB_SCHEDULE:
      return SyncTrigger::kHubSchedule;
    case pb::SYNC_TRIGGER_AGENT_SCHEDULE:
      return SyncTrigger::kAgentSchedule;
    case pb::SYNC_TRIGGER_INITIAL:
      return SyncTrigger::kInitial;
    default:
      return SyncTrigger::kManual;
  }
}

pb::SyncTrigger ToProtoTrigger(SyncTrigger t) {
  switch (t) {
    case SyncTrigger::kHubSchedule:
      return pb::SYNC_TRIGGER_HUB_SCHEDULE;
    case SyncTrigger::kAgentSchedule:
      return pb::SYNC_TRIGGER_AGENT_SCHEDULE;
    case SyncTrigger::kInitial:
      return pb::SYNC_TRIGGER_INITIAL;
    case SyncTrigger::kManual:
      return pb::SYNC_TRIGGER_MANUAL;
  }
  return pb::SYNC_TRIGGER_MANUAL;
}

bool Finished(SyncState s) {
  return s == SyncState::kSucceeded || s == SyncState::kFailed || s == SyncState::kPartial;
}

}  // namespace

IncomingApi FromProto(const pb::ApiDefinition& def) {
  IncomingApi in;
  storage::ApiRecord& r = in.record;
  r.external_id = def.external_id();
  r.name = def.name();
  r.description = def.description();
  r.versions.assign(def.versions().begin(), def.versions().end());
  r.listen_path = def.listen_path();
  r.upstream_url = def.upstream_url();
  r.protocol = def.protocol();
  r.auth_mechanisms.assign(def.auth_mechanisms().begin(), def.auth_mechanisms().end());
  r.active = def.active();
  r.internal = def.internal();
  r.oas_document_json = def.oas_document_json();
  r.definition_json = def.definition_json();
  r.extra_json = def.extra_json();
  r.content_hash = def.content_hash();
  in.error = def.error();
  return in;
}

SyncManager::SyncManager(storage::Storage* storage, AgentRegistry* registry, Clock* clock,
                         Random* random, absl::Duration sync_timeout, DeletionGuard guard)
    : storage_(storage),
      registry_(registry),
      clock_(clock),
      random_(random),
      reconciler_(random, guard),
      sync_timeout_(sync_timeout) {}

ProviderSync& SyncManager::ProviderEntry(Active& a, const std::string& name,
                                         const std::string& type) {
  for (auto& p : a.record.providers) {
    if (p.name == name) {
      if (p.type.empty()) p.type = type;
      return p;
    }
  }
  ProviderSync p;
  p.name = name;
  p.type = type;
  p.state = SyncState::kRunning;
  a.record.providers.push_back(p);
  return a.record.providers.back();
}

absl::Status SyncManager::Persist(const storage::Sync& sync) {
  return storage_->Transact([&](storage::Store& s) { return s.UpdateSync(sync).status(); });
}

absl::StatusOr<storage::Sync> SyncManager::Trigger(const std::string& agent_id,
                                                   const std::string& provider,
                                                   SyncTrigger trigger) {
  std::optional<storage::Agent> agent;
  std::vector<storage::Provider> providers;
  GOV_RETURN_IF_ERROR(storage_->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(agent, s.GetAgent(agent_id));
    if (agent) {
      GOV_ASSIGN_OR_RETURN(providers, s.ListProviders(agent_id));
    }
    return absl::OkStatus();
  }));
  if (!agent) return absl::NotFoundError(absl::StrCat("agent \"", agent_id, "\" not found"));
  AgentLiveView view = registry_->View(agent_id);
  if (!provider.empty()) {
    bool known = false;
    std::vector<std::string> names;
    for (const auto& p : view.last.providers()) {
      names.push_back(p.name());
      if (p.name() == provider) known = true;
    }
    if (!view.has_heartbeat_data) {
      for (const auto& p : providers) {
        names.push_back(p.name);
        if (p.name == provider) known = true;
      }
    }
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat(
          "provider \"", provider, "\" is not configured on agent \"", agent->name,
          "\" (known: ", names.empty() ? "none reported yet" : absl::StrJoin(names, ", "), ")"));
    }
  }
  if (!view.active) {
    return absl::FailedPreconditionError(
        absl::StrCat("agent \"", agent->name, "\" is not connected (status INACTIVE)"));
  }
  auto target = registry_->SyncTargetFor(agent_id);
  if (!target) {
    return absl::FailedPreconditionError(
        absl::StrCat("agent \"", agent->name, "\" has no open sync stream"));
  }

  Active a;
  a.record.id = random_->Uuid4();
  a.record.agent_id = agent_id;
  a.record.trigger = trigger;
  a.record.state = SyncState::kRunning;
  a.record.provider_filter = provider;
  a.record.started_at = clock_->Now();
  a.conn = target->conn;
  for (const auto& p : view.last.providers()) {
    if (!provider.empty() && p.name() != provider) continue;
    ProviderSync ps;
    ps.name = p.name();
    ps.type = p.type();
    ps.state = SyncState::kPending;
    a.record.providers.push_back(ps);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = by_agent_.find(agent_id); it != by_agent_.end()) {
      return WithDetails(absl::AlreadyExistsError(
                             absl::StrCat("a sync is already running on this agent: ", it->second)),
                         absl::StrCat("{\"running_sync_id\": \"", it->second, "\"}"));
    }
    by_agent_[agent_id] = a.record.id;
    active_[a.record.id] = a;
  }
  absl::Status st = storage_->Transact([&](storage::Store& s) { return s.InsertSync(a.record); });
  if (!st.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    by_agent_.erase(agent_id);
    active_.erase(a.record.id);
    return st;
  }
  pb::SyncDownstream msg;
  msg.mutable_request()->set_sync_id(a.record.id);
  msg.mutable_request()->set_provider(provider);
  msg.mutable_request()->set_trigger(ToProtoTrigger(trigger));
  if (!target->channel->Send(msg)) {
    std::lock_guard<std::mutex> lock(mu_);
    FinishLocked(a.record.id, "the agent's sync stream closed before the request was sent");
    return absl::UnavailableError("the agent's sync stream closed before the request was sent");
  }
  GetLogger("hub.sync")
      ->info("sync {} started on agent {} ({}, provider: {})", a.record.id, agent_id,
             storage::ToString(trigger), provider.empty() ? "all" : provider);
  return a.record;
}

absl::Status SyncManager::OnBegin(const std::string& agent_id, AgentRegistry::ConnId conn,
                                  const pb::SyncBegin& begin) {
  if (begin.sync_id().empty()) return absl::InvalidArgumentError("SyncBegin without sync_id");
  Active a;
  a.record.id = begin.sync_id();
  a.record.agent_id = agent_id;
  a.record.trigger = FromProtoTrigger(begin.trigger());
  a.record.state = SyncState::kRunning;
  a.record.started_at = clock_->Now();
  a.conn = conn;
  for (const auto& name : begin.providers()) {
    ProviderSync ps;
    ps.name = name;
    ps.state = SyncState::kPending;
    a.record.providers.push_back(ps);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (active_.count(a.record.id)) return absl::AlreadyExistsError("duplicate sync id");
    // A hub request may already be on its way to the agent, which runs syncs one after
    // the other: both are tracked; the hub's own 409 check keeps pointing at the first.
    by_agent_.emplace(agent_id, a.record.id);
    active_[a.record.id] = a;
  }
  GOV_RETURN_IF_ERROR(
      storage_->Transact([&](storage::Store& s) { return s.InsertSync(a.record); }));
  GetLogger("hub.sync")
      ->info("sync {} started by agent {} ({})", a.record.id, agent_id,
             storage::ToString(a.record.trigger));
  return absl::OkStatus();
}

absl::Status SyncManager::OnBatch(const std::string& agent_id, const pb::ApiBatch& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = active_.find(batch.sync_id());
  if (it == active_.end() || it->second.record.agent_id != agent_id) {
    return absl::NotFoundError(absl::StrCat("batch for unknown sync ", batch.sync_id()));
  }
  Active& a = it->second;
  ProviderSync& p = ProviderEntry(a, batch.provider(), batch.provider_type());
  p.state = SyncState::kRunning;
  auto& staged = a.staged[batch.provider()];
  for (const auto& def : batch.apis()) staged.push_back(FromProto(def));
  p.counts.seen = static_cast<int64_t>(staged.size());
  a.provider_types[batch.provider()] = batch.provider_type();
  return absl::OkStatus();
}

absl::Status SyncManager::OnProviderComplete(const std::string& agent_id,
                                             const pb::ProviderComplete& done) {
  Listing listing;
  std::string error = done.error();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = active_.find(done.sync_id());
    if (it == active_.end() || it->second.record.agent_id != agent_id) {
      return absl::NotFoundError(absl::StrCat("completion for unknown sync ", done.sync_id()));
    }
    Active& a = it->second;
    ProviderEntry(a, done.provider(), done.provider_type());
    ++a.applying;
    listing.apis = std::move(a.staged[done.provider()]);
    a.staged.erase(done.provider());
    if (done.ok() && static_cast<int64_t>(listing.apis.size()) != done.count()) {
      error = absl::StrCat("the agent reported ", done.count(), " APIs but the hub received ",
                           listing.apis.size());
    } else if (!done.ok() && error.empty()) {
      error = "the provider's listing did not complete";
    }
  }
  listing.sync_id = done.sync_id();
  listing.agent_id = agent_id;
  listing.provider = done.provider();
  listing.provider_type = done.provider_type();
  listing.complete = error.empty();

  absl::Time now = clock_->Now();
  absl::StatusOr<ApplyResult> applied = absl::InternalError("not applied");
  absl::Status st = storage_->Transact([&](storage::Store& s) -> absl::Status {
    applied = reconciler_.Apply(s, listing, now);
    if (!applied.ok()) return applied.status();
    GOV_ASSIGN_OR_RETURN(auto prov, s.GetProvider(agent_id, listing.provider));
    storage::Provider p = prov.value_or(storage::Provider{});
    p.agent_id = agent_id;
    p.name = listing.provider;
    if (!listing.provider_type.empty()) p.type = listing.provider_type;
    p.last_sync_at = now;
    p.connection_status = error.empty() ? "CONNECTED" : "ERROR";
    p.error = error;
    p.updated_at = now;
    return s.UpsertProvider(p);
  });
  if (!st.ok()) error = absl::StrCat("the hub could not store the listing: ", st.message());

  std::lock_guard<std::mutex> lock(mu_);
  auto it = active_.find(done.sync_id());
  if (it == active_.end()) return absl::OkStatus();
  Active& a = it->second;
  --a.applying;
  ProviderSync& p = ProviderEntry(a, done.provider(), done.provider_type());
  if (applied.ok()) p.counts = applied->counts;
  p.state = error.empty() ? SyncState::kSucceeded : SyncState::kFailed;
  p.error = error;
  const bool held = error.empty() && applied.ok() && !applied->held_api_ids.empty();
  if (held) {
    p.state = SyncState::kPartial;
    p.error = applied->held_reason;
    p.held.state = storage::HoldState::kHeld;
    p.held.count = static_cast<int64_t>(applied->held_api_ids.size());
    p.held.reason = applied->held_reason;
  }
  auto logger = GetLogger("hub.sync");
  if (held) {
    logger->warn("sync {} provider {}: {}", done.sync_id(), done.provider(), p.held.reason);
  } else if (error.empty()) {
    logger->info(
        "sync {} provider {}: seen {} created {} updated {} unchanged {} deleted {} restored {} "
        "failed {}",
        done.sync_id(), done.provider(), p.counts.seen, p.counts.created, p.counts.updated,
        p.counts.unchanged, p.counts.deleted, p.counts.restored, p.counts.failed);
  } else {
    logger->warn("sync {} provider {} failed (nothing deleted): {}", done.sync_id(),
                 done.provider(), error);
  }
  return Persist(a.record);
}

absl::Status SyncManager::OnEnd(const std::string& agent_id, const pb::SyncEnd& end) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = active_.find(end.sync_id());
  if (it == active_.end() || it->second.record.agent_id != agent_id) {
    return absl::NotFoundError(absl::StrCat("end of unknown sync ", end.sync_id()));
  }
  FinishLocked(end.sync_id(), "the agent ended the sync without this provider's result");
  return absl::OkStatus();
}

void SyncManager::FinishLocked(const std::string& sync_id, const std::string& reason) {
  auto it = active_.find(sync_id);
  if (it == active_.end()) return;
  storage::Sync record = std::move(it->second.record);
  active_.erase(it);
  if (auto b = by_agent_.find(record.agent_id); b != by_agent_.end() && b->second == sync_id) {
    by_agent_.erase(b);
  }
  for (auto& p : record.providers) {
    if (!Finished(p.state)) {
      p.state = SyncState::kFailed;
      if (p.error.empty()) p.error = reason;
    }
  }
  record.state = record.providers.empty() ? SyncState::kFailed : OverallState(record);
  if (record.providers.empty()) record.error = reason;
  record.finished_at = clock_->Now();
  if (record.state != SyncState::kSucceeded && record.error.empty()) {
    record.error = FirstProviderError(record);
  }
  absl::Status st = Persist(record);
  auto logger = GetLogger("hub.sync");
  if (!st.ok()) logger->error("sync {}: could not store its end: {}", sync_id, st.ToString());
  logger->info("sync {} finished: {}{}", sync_id, storage::ToString(record.state),
               record.error.empty() ? "" : absl::StrCat(" (", record.error, ")"));
}

void SyncManager::OnStreamClosed(const std::string& agent_id, AgentRegistry::ConnId conn) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, a] : active_) {
    if (a.record.agent_id == agent_id && a.conn == conn) ids.push_back(id);
  }
  for (const auto& id : ids) FinishLocked(id, "the agent's sync stream closed before it finished");
}

void SyncManager::Sweep() {
  std::lock_guard<std::mutex> lock(mu_);
  absl::Time now = clock_->Now();
  std::vector<std::string> ids;
  for (const auto& [id, a] : active_) {
    if (a.applying == 0 && now - a.record.started_at > sync_timeout_) ids.push_back(id);
  }
  for (const auto& id : ids) {
    FinishLocked(id, absl::StrCat("timed out after ", absl::FormatDuration(sync_timeout_)));
  }
}

absl::Status SyncManager::FailInterrupted() {
  // Syncs of an earlier process: the hub cannot resume them.
  return storage_->Transact([&](storage::Store& s) -> absl::Status {
    for (int page = 1;; ++page) {
      GOV_ASSIGN_OR_RETURN(auto syncs, s.ListSyncs("", page, 500));
      for (auto& sync : syncs.items) {
        if (Finished(sync.state)) continue;
        sync.state = SyncState::kFailed;
        sync.error = "the hub restarted while this sync was running";
        sync.finished_at = clock_->Now();
        for (auto& p : sync.providers) {
          if (Finished(p.state)) continue;
          p.state = SyncState::kFailed;
          if (p.error.empty()) p.error = sync.error;
        }
        GOV_RETURN_IF_ERROR(s.UpdateSync(sync).status());
      }
      if (static_cast<int64_t>(page) * 500 >= syncs.total) break;
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<storage::Sync> SyncManager::ApplyHeldDeletions(const std::string& sync_id,
                                                              const std::string& provider) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (active_.count(sync_id) > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("sync ", sync_id,
                       " is still running; apply its held deletions once it "
                       "has finished"));
    }
  }
  absl::StatusOr<storage::Sync> sync = absl::InternalError("not applied");
  absl::Time now = clock_->Now();
  GOV_RETURN_IF_ERROR(storage_->Transact([&](storage::Store& s) -> absl::Status {
    sync = Reconciler::ApplyHeld(s, sync_id, provider, now);
    return sync.status();
  }));
  for (const auto& p : sync->providers) {
    if (p.held.state == storage::HoldState::kApplied && p.held.resolved_at == now) {
      GetLogger("hub.sync")
          ->warn("sync {} provider {}: held deletions applied by an operator ({} APIs deleted)",
                 sync_id, p.name, p.counts.deleted);
    }
  }
  return sync;
}

std::optional<storage::Sync> SyncManager::Live(const std::string& sync_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = active_.find(sync_id);
  if (it == active_.end()) return std::nullopt;
  return it->second.record;
}

absl::StatusOr<bool> SyncManager::AddCoalesced(const std::string& agent_id,
                                               const std::string& sync_id,
                                               const storage::CoalescedTrigger& trigger) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = active_.find(sync_id);
    if (it != active_.end()) {
      if (it->second.record.agent_id != agent_id) return false;
      it->second.record.coalesced.push_back(trigger);
      GOV_RETURN_IF_ERROR(Persist(it->second.record));
      return true;
    }
  }
  // Finished meanwhile: the trigger still belongs to it.
  bool found = false;
  GOV_RETURN_IF_ERROR(storage_->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(std::optional<storage::Sync> sync, s.GetSync(sync_id));
    if (!sync || sync->agent_id != agent_id) return absl::OkStatus();
    sync->coalesced.push_back(trigger);
    found = true;
    return s.UpdateSync(*sync).status();
  }));
  return found;
}

std::optional<std::string> SyncManager::Coalesce(const std::string& agent_id,
                                                 const std::string& provider,
                                                 const storage::CoalescedTrigger& trigger) {
  std::lock_guard<std::mutex> lock(mu_);
  auto b = by_agent_.find(agent_id);
  if (b == by_agent_.end()) return std::nullopt;
  auto a = active_.find(b->second);
  if (a == active_.end()) return std::nullopt;
  storage::Sync& running = a->second.record;
  // A sync of one provider stands only for that provider; one of every provider for all.
  if (!running.provider_filter.empty() && running.provider_filter != provider) return std::nullopt;
  running.coalesced.push_back(trigger);
  absl::Status st = Persist(running);
  if (!st.ok()) {
    GetLogger("hub.sync")
        ->error("sync {}: cannot record the coalesced {} trigger: {}", running.id,
                storage::ToString(trigger.trigger), st.ToString());
  }
  return running.id;
}

absl::Status SyncManager::OnCoalesced(const std::string& agent_id, const pb::SyncCoalesced& msg) {
  storage::CoalescedTrigger trigger;
  trigger.trigger = FromProtoTrigger(msg.trigger());
  trigger.at = msg.at_unix_ms() > 0 ? absl::FromUnixMillis(msg.at_unix_ms()) : clock_->Now();
  trigger.source = trigger.trigger == SyncTrigger::kAgentSchedule
                       ? "agent schedule"
                       : absl::AsciiStrToLower(std::string(storage::ToString(trigger.trigger)));
  const std::string& sync_id = msg.sync_id();
  auto logger = GetLogger("hub.sync");
  if (sync_id.empty()) {
    // A sync the agent has queued but not begun: it has no id the hub could know.
    logger->info("agent {}: its {} trigger was coalesced into a sync it has not begun yet",
                 agent_id, storage::ToString(trigger.trigger));
    return absl::OkStatus();
  }
  GOV_ASSIGN_OR_RETURN(bool added, AddCoalesced(agent_id, sync_id, trigger));
  if (!added) {
    return absl::NotFoundError(absl::StrCat("coalesced trigger for unknown sync ", sync_id));
  }
  logger->info("sync {}: the agent's {} trigger was coalesced into it", sync_id,
               storage::ToString(trigger.trigger));
  return absl::OkStatus();
}

std::optional<std::string> SyncManager::RunningSyncOf(const std::string& agent_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_agent_.find(agent_id);
  if (it == by_agent_.end()) return std::nullopt;
  return it->second;
}

}  // namespace gov::hub
