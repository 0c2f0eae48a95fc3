#include "src/agent/sync_runner.h"

#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "src/common/logging.h"

namespace gov::agent {

namespace pb = governance::v1;

pb::ApiDefinition ToProto(const NormalizedApi& api) {
  pb::ApiDefinition d;
  d.set_external_id(api.external_id);
  d.set_name(api.name);
  d.set_description(api.description);
  for (const auto& v : api.versions) d.add_versions(v);
  d.set_listen_path(api.listen_path);
  d.set_upstream_url(api.upstream_url);
  d.set_protocol(api.protocol);
  for (const auto& a : api.auth_mechanisms) d.add_auth_mechanisms(a);
  d.set_active(api.active);
  d.set_internal(api.internal);
  auto dump = [](const nlohmann::json& j) {
    return j.is_null() ? std::string()
                       : j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  d.set_oas_document_json(dump(api.oas_document));
  d.set_definition_json(dump(api.definition));
  d.set_extra_json(api.extra.empty() ? std::string() : dump(api.extra));
  d.set_content_hash(ContentHash(api));
  d.set_error(api.error);
  return d;
}

std::vector<std::string> SyncRunner::ProviderNames() const {
  std::vector<std::string> names;
  for (const Provider* p : providers_) names.push_back(p->name());
  return names;
}

absl::Status SyncRunner::Run(const std::string& sync_id, const std::string& provider_filter,
                             const SyncWriter& write, std::stop_token stop) {
  auto logger = GetLogger("agent.sync");
  const absl::Status broken = absl::UnavailableError("the sync stream to the hub broke");
  bool matched = false;
  for (Provider* provider : providers_) {
    if (!provider_filter.empty() && provider->name() != provider_filter) continue;
    matched = true;
    logger->info("sync {}: listing provider {} ({})", sync_id, provider->name(), provider->type());

    pb::SyncUpstream batch_msg;
    auto new_batch = [&] {
      batch_msg.Clear();
      pb::ApiBatch* b = batch_msg.mutable_batch();
      b->set_sync_id(sync_id);
      b->set_provider(provider->name());
      b->set_provider_type(provider->type());
    };
    new_batch();
    size_t batch_bytes = 0;
    int64_t count = 0;
    bool stream_ok = true;
    std::unordered_set<std::string> seen;
    auto flush = [&]() -> bool {
      if (batch_msg.batch().apis_size() == 0) return true;
      if (!write(batch_msg)) return false;
      new_batch();
      batch_bytes = 0;
      return true;
    };
    ApiEmitter emit = [&](NormalizedApi api) -> absl::Status {
      if (!seen.insert(api.external_id).second) {
        logger->warn("provider {}: API {} listed twice; keeping the first", provider->name(),
                     api.external_id);
        return absl::OkStatus();
      }
      pb::ApiDefinition def = ToProto(api);
      size_t size = def.ByteSizeLong();
      if (batch_bytes + size > options_.batch_max_bytes && !flush()) {
        stream_ok = false;
        return broken;
      }
      *batch_msg.mutable_batch()->add_apis() = std::move(def);
      batch_bytes += size;
      ++count;
      if (static_cast<size_t>(batch_msg.batch().apis_size()) >= options_.batch_max_apis &&
          !flush()) {
        stream_ok = false;
        return broken;
      }
      return absl::OkStatus();
    };
    absl::Status listed = provider->ListApis(emit, stop);
    if (!stream_ok || !flush()) return broken;
    if (board_ != nullptr && listed.code() != absl::StatusCode::kCancelled) {
      board_->Record(provider->name(), listed);
    }
    pb::SyncUpstream done;
    pb::ProviderComplete* c = done.mutable_provider_complete();
    c->set_sync_id(sync_id);
    c->set_provider(provider->name());
    c->set_provider_type(provider->type());
    c->set_ok(listed.ok());
    c->set_count(count);
    c->set_error(listed.ok() ? "" : std::string(listed.message()));
    if (!write(done)) return broken;
    if (listed.ok()) {
      logger->info("sync {}: provider {} listed {} APIs", sync_id, provider->name(), count);
    } else {
      logger->error("sync {}: provider {} failed after {} APIs: {}", sync_id, provider->name(),
                    count, listed.message());
    }
  }
  if (!matched && !provider_filter.empty()) {
    pb::SyncUpstream done;
    pb::ProviderComplete* c = done.mutable_provider_complete();
    c->set_sync_id(sync_id);
    c->set_provider(provider_filter);
    c->set_ok(false);
    c->set_error(
        absl::StrCat("provider \"", provider_filter, "\" is not configured on this agent"));
    if (!write(done)) return broken;
  }
  pb::SyncUpstream end;
  end.mutable_end()->set_sync_id(sync_id);
  if (!write(end)) return broken;
  return absl::OkStatus();
}

}  // namespace gov::agent
