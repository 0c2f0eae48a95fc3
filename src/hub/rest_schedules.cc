// REST routes of the hub-side sync schedules and of the mass-deletion guard.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/common/logging.h"
#include "src/common/status_macros.h"
#include "src/hub/json_views.h"
#include "src/hub/rest_routes.h"

namespace gov::hub::rest {

namespace {

// The newest run of a schedule, if it ran.
absl::StatusOr<std::optional<storage::SyncJobRun>> LastRun(storage::Store& s,
                                                           const std::string& job_id) {
  GOV_ASSIGN_OR_RETURN(auto runs, s.ListSyncJobRuns(job_id, 1, 1));
  if (runs.items.empty()) return std::nullopt;
  return runs.items.front();
}

// The schedule `job_id` of agent `agent_id`, in `s`; NotFound otherwise.
absl::StatusOr<storage::SyncJob> LoadJob(storage::Store& s, const std::string& agent_id,
                                         const std::string& job_id) {
  GOV_ASSIGN_OR_RETURN(std::optional<storage::SyncJob> job, s.GetSyncJob(job_id));
  if (!job || job->agent_id != agent_id) {
    return absl::NotFoundError(
        absl::StrCat("sync job \"", job_id, "\" not found on agent \"", agent_id, "\""));
  }
  return *job;
}

}  // namespace

void AddScheduleRoutes(RouteTable& table, const RestDeps& d) {
  table.Add("POST", R"(/api/agents/([^/]+)/sync-jobs/?)",
            [d](const Call& req) -> absl::StatusOr<Reply> {
              GOV_ASSIGN_OR_RETURN(
                  json body, ParseBody(req.body, {{"repeat_every", json::value_t::string, true},
                                                  {"provider", json::value_t::string, false},
                                                  {"start_from", json::value_t::string, false}}));
              GOV_ASSIGN_OR_RETURN(storage::Agent agent, LoadAgent(d.storage, req.matches[1]));
              SyncJobRequest request;
              request.agent_id = agent.id;
              request.repeat_every = StrField(body, "repeat_every");
              request.provider = StrField(body, "provider");
              request.start_from = StrField(body, "start_from");
              GOV_ASSIGN_OR_RETURN(storage::SyncJob job, d.scheduler->Create(request));
              return Reply{201, SyncJobJson(job, nullptr)};
            });
  table.Add("GET", R"(/api/agents/([^/]+)/sync-jobs/?)",
            [d](const Call& req) -> absl::StatusOr<Reply> {
              GOV_ASSIGN_OR_RETURN(storage::Agent agent, LoadAgent(d.storage, req.matches[1]));
              std::vector<std::pair<storage::SyncJob, std::optional<storage::SyncJobRun>>> rows;
              GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
                GOV_ASSIGN_OR_RETURN(auto jobs, s.ListSyncJobs(agent.id));
                for (auto& job : jobs) {
                  GOV_ASSIGN_OR_RETURN(std::optional<storage::SyncJobRun> last, LastRun(s, job.id));
                  rows.emplace_back(std::move(job), std::move(last));
                }
                return absl::OkStatus();
              }));
              json items = json::array();
              for (const auto& [job, last] : rows) {
                items.push_back(SyncJobJson(job, last ? &*last : nullptr));
              }
              GOV_ASSIGN_OR_RETURN(json body, SliceListBody("sync_jobs", std::move(items), req));
              return Reply{200, std::move(body)};
            });
  table.Add("GET", R"(/api/agents/([^/]+)/sync-jobs/([^/]+)/?)",
            [d](const Call& req) -> absl::StatusOr<Reply> {
              GOV_ASSIGN_OR_RETURN(storage::Agent agent, LoadAgent(d.storage, req.matches[1]));
              json job;
              GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
                GOV_ASSIGN_OR_RETURN(storage::SyncJob found, LoadJob(s, agent.id, req.matches[2]));
                GOV_ASSIGN_OR_RETURN(std::optional<storage::SyncJobRun> last, LastRun(s, found.id));
                job = SyncJobJson(found, last ? &*last : nullptr);
                return absl::OkStatus();
              }));
              return Reply{200, std::move(job)};
            });
  table.Add("DELETE", R"(/api/agents/([^/]+)/sync-jobs/([^/]+)/?)",
            [d](const Call& req) -> absl::StatusOr<Reply> {
              GOV_ASSIGN_OR_RETURN(storage::Agent agent, LoadAgent(d.storage, req.matches[1]));
              const std::string job_id = req.matches[2];
              GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
                GOV_RETURN_IF_ERROR(LoadJob(s, agent.id, job_id).status());
                return s.DeleteSyncJob(job_id).status();
              }));
              GetLogger("hub.scheduler")->info("sync job {} of agent {} deleted", job_id, agent.id);
              return Reply{200, json{{"message", "Sync job deleted"}, {"id", job_id}}};
            });
  table.Add("GET", R"(/api/agents/([^/]+)/sync-jobs/([^/]+)/runs/?)",
            [d](const Call& req) -> absl::StatusOr<Reply> {
              GOV_ASSIGN_OR_RETURN(Paging p, ParsePaging(req));
              GOV_ASSIGN_OR_RETURN(storage::Agent agent, LoadAgent(d.storage, req.matches[1]));
              const std::string job_id = req.matches[2];
              storage::Page<storage::SyncJobRun> page;
              GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
                GOV_RETURN_IF_ERROR(LoadJob(s, agent.id, job_id).status());
                GOV_ASSIGN_OR_RETURN(page, s.ListSyncJobRuns(job_id, p.page, p.page_size));
                return absl::OkStatus();
              }));
              json items = json::array();
              for (const auto& r : page.items) items.push_back(SyncJobRunJson(r));
              return Reply{200, ListBody("runs", std::move(items), p, page.total)};
            });
}

void AddHeldDeletionRoutes(RouteTable& table, const RestDeps& d) {
  table.Add(
      "GET", R"(/api/syncs/([^/]+)/held-deletions/?)",
      [d](const Call& req) -> absl::StatusOr<Reply> {
        const std::string sync_id = req.matches[1];
        const std::string provider = req.get_param_value("provider");
        std::vector<std::pair<storage::HeldDeletion, std::optional<storage::ApiRecord>>> rows;
        GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
          GOV_ASSIGN_OR_RETURN(std::optional<storage::Sync> sync, s.GetSync(sync_id));
          if (!sync) return absl::NotFoundError(absl::StrCat("sync \"", sync_id, "\" not found"));
          if (!provider.empty() &&
              std::none_of(sync->providers.begin(), sync->providers.end(),
                           [&](const storage::ProviderSync& p) { return p.name == provider; })) {
            return absl::NotFoundError(
                absl::StrCat("sync \"", sync_id, "\" has no provider \"", provider, "\""));
          }
          GOV_ASSIGN_OR_RETURN(auto held, s.ListHeldDeletions(sync_id, provider));
          for (auto& h : held) {
            GOV_ASSIGN_OR_RETURN(auto api, s.GetApi(h.api_id));
            rows.emplace_back(std::move(h), std::move(api));
          }
          return absl::OkStatus();
        }));
        json items = json::array();
        for (const auto& [h, api] : rows) {
          json item{{"api_id", h.api_id}, {"provider", h.provider}};
          if (api) {
            item["external_id"] = api->external_id;
            item["name"] = api->name;
            item["status"] = storage::ToString(api->status);
          }
          items.push_back(std::move(item));
        }
        GOV_ASSIGN_OR_RETURN(json body, SliceListBody("held_deletions", std::move(items), req));
        return Reply{200, std::move(body)};
      });
  table.Add("POST", R"(/api/syncs/([^/]+)/held-deletions/apply/?)",
            [d](const Call& req) -> absl::StatusOr<Reply> {
              GOV_ASSIGN_OR_RETURN(
                  json body, ParseBody(req.body, {{"provider", json::value_t::string, false}}));
              GOV_ASSIGN_OR_RETURN(
                  storage::Sync sync,
                  d.syncs->ApplyHeldDeletions(req.matches[1], StrField(body, "provider")));
              return Reply{200, SyncJson(sync)};
            });
}

}  // namespace gov::hub::rest
