#include "src/hub/json_views.h"

#include "src/common/duration.h"
#include "src/common/time_format.h"

namespace gov::hub {

using nlohmann::json;

json TimeOrNull(const std::optional<absl::Time>& t) {
  return t ? json(FormatRfc3339(*t)) : json(nullptr);
}

json ParseStoredJson(const std::string& text) {
  if (text.empty()) return nullptr;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return text;
  return j;
}

json ProviderJson(const storage::Provider& p, int64_t api_count, bool agent_active) {
  json details = json::object();
  for (const auto& [k, v] : p.details) details[k] = v;
  // Without a live agent nothing vouches for the provider's connection right now.
  std::string status = agent_active ? p.connection_status : "UNKNOWN";
  return json{{"name", p.name},
              {"type", p.type},
              {"agent_id", p.agent_id},
              {"api_count", api_count},
              {"connection_status", status},
              {"last_sync_at", TimeOrNull(p.last_sync_at)},
              {"error", p.error.empty() ? json(nullptr) : json(p.error)},
              {"details", details}};
}

json AgentJson(const AgentViewInput& in) {
  const storage::Agent& a = *in.agent;
  const AgentLiveView& live = *in.live;
  json providers = nullptr;
  if (!in.providers->empty()) {
    providers = json::array();
    for (const auto& p : *in.providers) {
      json details = json::object();
      for (const auto& [k, v] : p.details) details[k] = v;
      providers.push_back(json{{"name", p.name},
                               {"type", p.type},
                               {"connection_status", live.active ? p.connection_status : "UNKNOWN"},
                               {"details", details}});
    }
  }
  json replicas = json::array();
  for (const auto& r : live.replicas) {
    replicas.push_back(json{{"id", r.replica_id},
                            {"leader", r.leader},
                            {"version", r.version},
                            {"connected_at", FormatRfc3339(r.connected_at)},
                            {"last_heartbeat", FormatRfc3339OrZero(r.last_heartbeat)},
                            {"sync_stream", r.sync_stream_open}});
  }
  std::optional<absl::Time> last_hb = live.last_heartbeat ? live.last_heartbeat : a.last_heartbeat;
  json last_sync = nullptr;
  if (in.last_sync->has_value()) {
    const storage::Sync& s = **in.last_sync;
    last_sync = json{{"id", s.id},
                     {"trigger", storage::ToString(s.trigger)},
                     {"state", storage::ToString(s.state)},
                     {"started_at", FormatRfc3339(s.started_at)},
                     {"finished_at", TimeOrNull(s.finished_at)}};
  }
  json schedule = nullptr;
  if (live.has_heartbeat_data && live.last.has_sync_schedule()) {
    const auto& sched = live.last.sync_schedule();
    schedule =
        json{{"enabled", sched.enabled()},
             {"interval_minutes", sched.interval_minutes()},
             {"next_at", sched.next_at_unix_ms() > 0
                             ? json(FormatRfc3339(absl::FromUnixMillis(sched.next_at_unix_ms())))
                             : json(nullptr)}};
  }
  return json{{"id", a.id},
              {"name", a.name},
              {"description", a.description},
              {"last_heartbeat", FormatRfc3339OrZero(last_hb)},
              {"status", live.active ? "ACTIVE" : "INACTIVE"},
              {"providers", providers},
              {"version", live.version.empty() ? a.version : live.version},
              {"replicas", replicas},
              {"leader", live.leader.empty() ? json(nullptr) : json(live.leader)},
              {"last_sync", last_sync},
              {"warnings", a.warnings},
              {"sync_schedule", schedule},
              {"created_at", FormatRfc3339(a.created_at)},
              {"updated_at", FormatRfc3339(a.updated_at)}};
}

namespace {

// What the mass-deletion guard did with a provider's deletions; null when nothing.
json HeldJson(const storage::HeldDeletions& h) {
  if (h.state == storage::HoldState::kNone) return nullptr;
  return json{{"state", storage::ToString(h.state)},
              {"count", h.count},
              {"reason", h.reason},
              {"resolved_at", TimeOrNull(h.resolved_at)}};
}

}  // namespace

json SyncJson(const storage::Sync& s) {
  json providers = json::array();
  for (const auto& p : s.providers) {
    providers.push_back(json{{"name", p.name},
                             {"type", p.type},
                             {"state", storage::ToString(p.state)},
                             {"error", p.error.empty() ? json(nullptr) : json(p.error)},
                             {"seen", p.counts.seen},
                             {"created", p.counts.created},
                             {"updated", p.counts.updated},
                             {"unchanged", p.counts.unchanged},
                             {"deleted", p.counts.deleted},
                             {"restored", p.counts.restored},
                             {"failed", p.counts.failed},
                             {"held_deletions", HeldJson(p.held)}});
  }
  json coalesced = json::array();
  for (const auto& c : s.coalesced) {
    coalesced.push_back(json{{"trigger", storage::ToString(c.trigger)},
                             {"at", FormatRfc3339(c.at)},
                             {"source", c.source}});
  }
  return json{{"id", s.id},
              {"agent_id", s.agent_id},
              {"trigger", storage::ToString(s.trigger)},
              {"state", storage::ToString(s.state)},
              {"provider", s.provider_filter.empty() ? json(nullptr) : json(s.provider_filter)},
              {"started_at", FormatRfc3339(s.started_at)},
              {"finished_at", TimeOrNull(s.finished_at)},
              {"error", s.error.empty() ? json(nullptr) : json(s.error)},
              {"providers", providers},
              {"coalesced", coalesced}};
}

json ApiJson(const storage::ApiRecord& api, bool full) {
  json j{{"id", api.id},
         {"external_id", api.external_id},
         {"name", api.name},
         {"description", api.description},
         {"provider", api.provider},
         {"provider_type", api.provider_type},
         {"agent_id", api.agent_id},
         {"status", storage::ToString(api.status)},
         {"versions", api.versions},
         {"listen_path", api.listen_path},
         {"upstream_url", api.upstream_url},
         {"protocol", api.protocol},
         {"auth_mechanisms", api.auth_mechanisms},
         {"active", api.active},
         {"internal", api.internal},
         {"content_hash", api.content_hash},
         {"created_at", FormatRfc3339(api.created_at)},
         {"updated_at", FormatRfc3339(api.updated_at)},
         {"deleted_at", TimeOrNull(api.deleted_at)},
         {"last_sync_id", api.last_sync_id}};
  if (full) {
    j["definition"] = ParseStoredJson(api.definition_json);
    j["oas_document"] = ParseStoredJson(api.oas_document_json);
    j["extra"] = api.extra_json.empty() ? json::object() : ParseStoredJson(api.extra_json);
  }
  return j;
}

json EventJson(const storage::ApiEvent& e) {
  return json{{"id", e.id},
              {"api_id", e.api_id},
              {"type", storage::ToString(e.type)},
              {"at", FormatRfc3339(e.at)},
              {"sync_id", e.sync_id},
              {"changed_fields", e.changed_fields}};
}

json SyncJobRunJson(const storage::SyncJobRun& r) {
  return json{{"id", r.id},
              {"job_id", r.job_id},
              {"due_at", FormatRfc3339(r.due_at)},
              {"ran_at", FormatRfc3339(r.ran_at)},
              {"outcome", storage::ToString(r.outcome)},
              {"sync_id", r.sync_id.empty() ? json(nullptr) : json(r.sync_id)},
              {"error", r.error.empty() ? json(nullptr) : json(r.error)},
              {"skipped", r.skipped}};
}

json SyncJobJson(const storage::SyncJob& job, const storage::SyncJobRun* last_run) {
  return json{{"id", job.id},
              {"agent_id", job.agent_id},
              {"provider", job.provider.empty() ? json(nullptr) : json(job.provider)},
              {"repeat_every", FormatCompactDuration(job.repeat_every, DurationSyntax{true})},
              {"start_from", FormatRfc3339(job.start_from)},
              {"next_run_at", FormatRfc3339(job.next_run_at)},
              {"created_at", FormatRfc3339(job.created_at)},
              {"last_run", last_run ? SyncJobRunJson(*last_run) : json(nullptr)}};
}

}  // namespace gov::hub
