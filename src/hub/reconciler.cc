#include "src/hub/reconciler.h"

#include <unordered_map>
#include <unordered_set>

#include "src/common/status_macros.h"

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

absl::StatusOr<storage::SyncCounts> Reconciler::Apply(storage::Store& store, const Listing& listing,
                                                      absl::Time now) const {
  storage::SyncCounts counts;
  GOV_ASSIGN_OR_RETURN(std::vector<ApiRecord> known,
                       store.ListProviderApis(listing.agent_id, listing.provider));
  std::unordered_map<std::string, ApiRecord*> by_external_id;
  for (auto& api : known) by_external_id[api.external_id] = &api;

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

  if (!listing.complete) return counts;
  for (ApiRecord& api : known) {
    if (api.status != ApiStatus::kActive || seen.count(api.external_id) > 0) continue;
    api.status = ApiStatus::kDeleted;
    api.deleted_at = now;
    api.updated_at = now;
    api.last_sync_id = listing.sync_id;
    GOV_RETURN_IF_ERROR(store.UpdateApi(api).status());
    GOV_RETURN_IF_ERROR(event(api, EventType::kDeleted, {}));
    ++counts.deleted;
  }
  return counts;
}

}  // namespace gov::hub
