#include "src/hub/reconciler.h"

#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "src/common/status_macros.h"
#include "src/hub/sync_state.h"

namespace gov::hub {

using storage::ApiEvent;
using storage::ApiRecord;
using storage::ApiStatus;
using storage::EventType;

std::vector<std::string> Reconciler::ChangedFields(const ApiRecord& a, const ApiRecord& b) {
  std::vector<std::string> out;
  auto check = [&](const char* name, bool differs) {
    if (differs) out.emplace_back(name);
  };
  check("name", a.name != b.name);
  check("description", a.description != b.description);
  check("versions", a.versions != b.versions);
  check("listen_path", a.listen_path != b.listen_path);
  check("upstream_url", a.upstream_url != b.upstream_url);
  check("protocol", a.protocol != b.protocol);
  check("auth_mechanisms", a.auth_mechanisms != b.auth_mechanisms);
  check("active", a.active != b.active);
  check("internal", a.internal != b.internal);
  check("oas_document", a.oas_document_json != b.oas_document_json);
  check("definition", a.definition_json != b.definition_json);
  check("extra", a.extra_json != b.extra_json);
  return out;
}

namespace {

// Copies the normalized (provider-owned) fields of `from` onto `to`.
void CopyNormalized(const ApiRecord& from, ApiRecord& to) {
  to.name = from.name;
  to.description = from.description;
  to.versions = from.versions;
  to.listen_path = from.listen_path;
  to.upstream_url = from.upstream_url;
  to.protocol = from.protocol;
  to.auth_mechanisms = from.auth_mechanisms;
  to.active = from.active;
  to.internal = from.internal;
  to.oas_document_json = from.oas_document_json;
  to.definition_json = from.definition_json;
  to.extra_json = from.extra_json;
  to.content_hash = from.content_hash;
}

}  // namespace

std::string HeldReason(int64_t would_delete, int64_t active, int64_t seen, double max_share,
                       const std::string& sync_id) {
  const std::string apply = absl::StrCat("POST /api/syncs/", sync_id, "/held-deletions/apply");
  auto apis = [](int64_t n) { return absl::StrCat(n, n == 1 ? " API" : " APIs"); };
  if (seen == 0) {
    return absl::StrCat("the listing came back empty where there ", active == 1 ? "was " : "were ",
                        apis(active), ": the deletions are held (", apply,
                        " if the provider really has no APIs)");
  }
  const int64_t percent = static_cast<int64_t>(
      std::lround(100.0 * static_cast<double>(would_delete) / static_cast<double>(active)));
  return absl::StrCat(
      would_delete, " of ", apis(active), " (", percent, "%) would be deleted, more than the ",
      static_cast<int64_t>(std::lround(max_share * 100)),
      "% the deletion guard allows: the deletions are held (apply them with ", apply,
      ", or raise "
      "sync.deletionGuard.maxPercent / TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT)");
}

absl::Status Reconciler::SupersedeHeld(storage::Store& store, const Listing& listing,
                                       absl::Time now) {
  GOV_ASSIGN_OR_RETURN(std::vector<std::string> held,
                       store.ListHeldSyncIds(listing.agent_id, listing.provider));
  for (const std::string& id : held) {
    if (id == listing.sync_id) continue;
    GOV_ASSIGN_OR_RETURN(std::optional<storage::Sync> sync, store.GetSync(id));
    if (!sync) continue;
    for (storage::ProviderSync& p : sync->providers) {
      if (p.name != listing.provider || p.held.state != storage::HoldState::kHeld) continue;
      p.held.state = storage::HoldState::kSuperseded;
      p.held.resolved_at = now;
    }
    GOV_RETURN_IF_ERROR(store.UpdateSync(*sync).status());
  }
  return absl::OkStatus();
}

absl::StatusOr<storage::Sync> Reconciler::ApplyHeld(storage::Store& store,
                                                    const std::string& sync_id,
                                                    const std::string& provider, absl::Time now) {
  GOV_ASSIGN_OR_RETURN(std::optional<storage::Sync> sync, store.GetSync(sync_id));
  if (!sync) return absl::NotFoundError(absl::StrCat("sync \"", sync_id, "\" not found"));
  int matched = 0;
  std::vector<storage::ProviderSync*> targets;
  for (storage::ProviderSync& p : sync->providers) {
    if (!provider.empty() && p.name != provider) continue;
    ++matched;
    if (p.held.state == storage::HoldState::kHeld) targets.push_back(&p);
  }
  if (!provider.empty() && matched == 0) {
    return absl::NotFoundError(
        absl::StrCat("sync \"", sync_id, "\" has no provider \"", provider, "\""));
  }
  if (targets.empty()) {
    for (const storage::ProviderSync& p : sync->providers) {
      if (!provider.empty() && p.name != provider) continue;
      if (p.held.state == storage::HoldState::kApplied) {
        return absl::FailedPreconditionError(absl::StrCat("the deletions held by sync ", sync_id,
                                                          " for provider \"", p.name,
                                                          "\" were already applied"));
      }
      if (p.held.state == storage::HoldState::kSuperseded) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the deletions held by sync ", sync_id, " for provider \"", p.name,
            "\" were superseded by a later complete listing; nothing is held any more"));
      }
    }
    return absl::FailedPreconditionError(
        absl::StrCat("sync ", sync_id, " holds no deletions",
                     provider.empty() ? "" : absl::StrCat(" for provider \"", provider, "\"")));
  }
  for (storage::ProviderSync* p : targets) {
    GOV_ASSIGN_OR_RETURN(std::vector<storage::HeldDeletion> held,
                         store.ListHeldDeletions(sync_id, p->name));
    int64_t deleted = 0;
    for (const storage::HeldDeletion& h : held) {
      GOV_ASSIGN_OR_RETURN(std::optional<ApiRecord> api, store.GetApi(h.api_id));
      if (!api || api->status != ApiStatus::kActive) continue;
      api->status = ApiStatus::kDeleted;
      api->deleted_at = now;
      api->updated_at = now;
      api->last_sync_id = sync_id;
      GOV_RETURN_IF_ERROR(store.UpdateApi(*api).status());
      ApiEvent e;
      e.api_id = api->id;
      e.type = EventType::kDeleted;
      e.at = now;
      e.sync_id = sync_id;
      GOV_RETURN_IF_ERROR(store.InsertEvent(e));
      ++deleted;
    }
    p->counts.deleted += deleted;
    p->held.state = storage::HoldState::kApplied;
    p->held.resolved_at = now;
    // The listing was complete and its deletions are now done: the provider succeeded
    // (held_deletions keeps the reason it was held).
    p->state = storage::SyncState::kSucceeded;
    p->error.clear();
  }
  sync->state = OverallState(*sync);
  sync->error = sync->state == storage::SyncState::kSucceeded ? "" : FirstProviderError(*sync);
  GOV_RETURN_IF_ERROR(store.UpdateSync(*sync).status());
  return *sync;
}

absl::StatusOr<ApplyResult> Reconciler::Apply(storage::Store& store, const Listing& listing,
                                              absl::Time now) const {
  ApplyResult result;
  storage::SyncCounts& counts = result.counts;
  GOV_ASSIGN_OR_RETURN(std::vector<ApiRecord> known,
                       store.ListProviderApis(listing.agent_id, listing.provider));
  std::unordered_map<std::string, ApiRecord*> by_external_id;
  int64_t active_before = 0;  // the guard's base: what the provider had before this listing
  for (auto& api : known) {
    by_external_id[api.external_id] = &api;
    if (api.status == ApiStatus::kActive) ++active_before;
  }

  auto event = [&](const ApiRecord& api, EventType type, std::vector<std::string> fields) {
    ApiEvent e;
    e.api_id = api.id;
    e.type = type;
    e.at = now;
    e.sync_id = listing.sync_id;
    e.changed_fields = std::move(fields);
    return store.InsertEvent(e);
  };

  std::unordered_set<std::string> seen;
  for (const IncomingApi& in : listing.apis) {
    const ApiRecord& incoming = in.record;
    if (!seen.insert(incoming.external_id).second) continue;  // duplicate in one listing
    ++counts.seen;
    auto it = by_external_id.find(incoming.external_id);
    if (!in.error.empty()) {
      ++counts.failed;
      continue;
    }
    if (it == by_external_id.end()) {
      ApiRecord api = incoming;
      api.id = random_->Uuid4();
      api.agent_id = listing.agent_id;
      api.provider = listing.provider;
      api.provider_type = listing.provider_type;
      api.status = ApiStatus::kActive;
      api.created_at = now;
      api.updated_at = now;
      api.deleted_at.reset();
      api.last_sync_id = listing.sync_id;
      GOV_RETURN_IF_ERROR(store.InsertApi(api));
      GOV_RETURN_IF_ERROR(event(api, EventType::kCreated, {}));
      ++counts.created;
      continue;
    }
    ApiRecord& api = *it->second;
    if (api.status == ApiStatus::kDeleted) {
      std::vector<std::string> changed = ChangedFields(api, incoming);
      CopyNormalized(incoming, api);
      api.provider_type = listing.provider_type;
      api.status = ApiStatus::kActive;
      api.deleted_at.reset();
      api.updated_at = now;
      api.last_sync_id = listing.sync_id;
      GOV_RETURN_IF_ERROR(store.UpdateApi(api).status());
      GOV_RETURN_IF_ERROR(event(api, EventType::kRestored, std::move(changed)));
      ++counts.restored;
      continue;
    }
    if (api.content_hash == incoming.content_hash) {
      ++counts.unchanged;
      continue;
    }
    std::vector<std::string> changed = ChangedFields(api, incoming);
    CopyNormalized(incoming, api);
    api.updated_at = now;
    api.last_sync_id = listing.sync_id;
    GOV_RETURN_IF_ERROR(store.UpdateApi(api).status());
    GOV_RETURN_IF_ERROR(event(api, EventType::kUpdated, std::move(changed)));
    ++counts.updated;
  }

  if (!listing.complete) return result;
  GOV_RETURN_IF_ERROR(SupersedeHeld(store, listing, now));
  std::vector<ApiRecord*> absent;
  for (ApiRecord& api : known) {
    if (api.status == ApiStatus::kActive && seen.count(api.external_id) == 0) {
      absent.push_back(&api);
    }
  }
  const auto would_delete = static_cast<int64_t>(absent.size());
  const bool empty_listing = counts.seen == 0;
  const bool too_many = static_cast<double>(would_delete) >
                        guard_.max_share * static_cast<double>(active_before) + 1e-9;
  if (would_delete > 0 && (empty_listing || too_many)) {
    std::vector<storage::HeldDeletion> rows;
    for (const ApiRecord* api : absent) {
      result.held_api_ids.push_back(api->id);
      rows.push_back({listing.sync_id, listing.agent_id, listing.provider, api->id});
    }
    GOV_RETURN_IF_ERROR(store.InsertHeldDeletions(rows));
    result.held_reason =
        HeldReason(would_delete, active_before, counts.seen, guard_.max_share, listing.sync_id);
    return result;
  }
  for (ApiRecord* p : absent) {
    ApiRecord& api = *p;
    api.status = ApiStatus::kDeleted;
    api.deleted_at = now;
    api.updated_at = now;
    api.last_sync_id = listing.sync_id;
    GOV_RETURN_IF_ERROR(store.UpdateApi(api).status());
    GOV_RETURN_IF_ERROR(event(api, EventType::kDeleted, {}));
    ++counts.deleted;
  }
  return result;
}

}  // namespace gov::hub
