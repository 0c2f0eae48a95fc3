#include "src/hub/rest_api.h"

#include <httplib.h>

#include <functional>
#include <optional>
#include <regex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "src/common/logging.h"
#include "src/common/status_macros.h"
#include "src/common/time_format.h"
#include "src/hub/http_status.h"
#include "src/hub/json_views.h"
#include "src/hub/rest_routes.h"
#include "src/hub/rest_util.h"

namespace gov::hub {

using nlohmann::json;

using namespace rest;  // NOLINT(google-build-using-namespace): the handlers' vocabulary

RestApi::RestApi(RestDeps deps) : deps_(deps) {}
RestApi::~RestApi() = default;

absl::StatusOr<int> RestApi::Bind(const std::string& host, int port, const std::string& cert_path,
                                  const std::string& key_path) {
  if (!cert_path.empty()) {
    server_ = std::make_unique<httplib::SSLServer>(cert_path.c_str(), key_path.c_str());
    if (!server_->is_valid()) {
      return absl::InvalidArgumentError(absl::StrCat("cannot load TLS certificate \"", cert_path,
                                                     "\" / key \"", key_path, "\" for HTTPS"));
    }
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  Routes();
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host.c_str());
    if (bound < 0) bound = -1;
  } else if (!server_->bind_to_port(host.c_str(), port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for HTTP on ", host, ":", port,
                                               " (address in use or not permitted)"));
  }
  return bound;
}

void RestApi::Serve() { server_->listen_after_bind(); }

void RestApi::Stop() {
  if (server_) server_->stop();
}

void RestApi::Routes() {
  httplib::Server& srv = *server_;
  RestDeps d = deps_;
  auto logger = GetLogger("hub.http");

  auto table = std::make_shared<RouteTable>();
  auto route = [table](const char* method, const char* pattern, Handler fn) {
    table->Add(method, pattern, std::move(fn));
  };

  // Finds the route, runs it and writes the JSON answer; every /api/ call ends here.
  auto dispatch = [d, logger, table](const httplib::Request& req, httplib::Response& res,
                                     std::string body) {
    absl::StatusOr<Reply> reply =
        absl::NotFoundError(absl::StrCat("no such route: ", req.method, " ", req.path));
    bool path_known = false;
    for (const Route& r : table->routes()) {
      std::smatch m;
      if (!std::regex_match(req.path, m, r.pattern)) continue;
      path_known = true;
      if (r.method != req.method) continue;
      Call call{req, req.method, req.path, std::move(body), {}};
      for (const auto& g : m) call.matches.push_back(g.str());
      try {
        reply = r.fn(call);
      } catch (const std::exception& e) {
        reply = absl::InternalError(absl::StrCat("internal error: ", e.what()));
      }
      path_known = false;
      break;
    }
    if (path_known) {
      WriteJson(
          res, 405,
          json{{"error", absl::StrCat("method ", req.method, " is not allowed on ", req.path)},
               {"details", nullptr}});
    } else if (reply.ok()) {
      WriteJson(res, reply->status, reply->body);
    } else {
      int code = ToHttpStatus(reply.status());
      if (code >= 500) logger->error("{} {}: {}", req.method, req.path, reply.status().ToString());
      WriteJson(res, code, ErrorBody(reply.status()));
    }
    d.metrics->Inc("governance_http_requests_total", absl::StrCat("code=\"", res.status, "\""));
  };

  // Every /api/ call: authentication first. A body-less POST/PUT (no Content-Length) is
  // answered here, before httplib would try to read a body that never comes.
  srv.set_pre_routing_handler([d, dispatch](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) != 0 && req.path != "/api") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    std::string key = req.get_header_value("X-API-Key");
    absl::StatusOr<bool> valid = d.api_keys->IsValid(key);
    if (!valid.ok()) {
      WriteJson(res, 500, ErrorBody(valid.status()));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!*valid) {
      WriteJson(res, 401,
                json{{"error", key.empty() ? "missing X-API-Key header" : "invalid API key"},
                     {"details", nullptr}});
      d.metrics->Inc("governance_http_requests_total", "code=\"401\"");
      return httplib::Server::HandlerResponse::Handled;
    }
    bool has_body = req.has_header("Content-Length") || req.has_header("Transfer-Encoding");
    if (!has_body) {
      dispatch(req, res, "");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto with_body = [dispatch](const httplib::Request& req, httplib::Response& res) {
    dispatch(req, res, req.body);
  };
  for (const char* pattern : {"/api/.*", "/api"}) {
    srv.Get(pattern, with_body);
    srv.Post(pattern, with_body);
    srv.Put(pattern, with_body);
    srv.Delete(pattern, with_body);
    srv.Patch(pattern, with_body);
  }
  srv.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty()) {
      std::string msg = res.status == 404
                            ? absl::StrCat("no such route: ", req.method, " ", req.path)
                            : absl::StrCat("HTTP ", res.status);
      WriteJson(res, res.status, json{{"error", msg}, {"details", nullptr}});
    }
  });
  srv.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        WriteJson(res, 500, json{{"error", "internal error"}, {"details", nullptr}});
      });

  // Reads an agent's full view.
  auto agent_view = [d](const storage::Agent& agent) -> absl::StatusOr<json> {
    std::vector<storage::Provider> providers;
    std::optional<storage::Sync> last_sync;
    GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
      GOV_ASSIGN_OR_RETURN(providers, s.ListProviders(agent.id));
      GOV_ASSIGN_OR_RETURN(auto syncs, s.ListSyncs(agent.id, 1, 1));
      if (!syncs.items.empty()) last_sync = syncs.items.front();
      return absl::OkStatus();
    }));
    AgentLiveView live = d.registry->View(agent.id);
    return AgentJson({&agent, &live, &providers, &last_sync});
  };
  auto load_agent = [d](const std::string& id) { return LoadAgent(d.storage, id); };

  srv.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    WriteJson(res, 200, json{{"status", "ok"}});
  });
  srv.Get("/metrics", [d](const httplib::Request&, httplib::Response& res) {
    res.set_content(d.metrics->Render(), "text/plain; version=0.0.4");
  });

  // ---- Agents ----
  route("POST", R"(/api/agents/?)", ([d, agent_view](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(
              json body, ParseBody(req.body, {{"name", json::value_t::string, true},
                                              {"description", json::value_t::string, false}}));
          storage::Agent a;
          a.id = d.random->Uuid4();
          a.name = StrField(body, "name");
          a.description = StrField(body, "description");
          a.created_at = a.updated_at = d.clock->Now();
          GOV_RETURN_IF_ERROR(
              d.storage->Transact([&](storage::Store& s) { return s.InsertAgent(a); }));
          GetLogger("hub.http")->info("agent {} created ({})", a.id, a.name);
          GOV_ASSIGN_OR_RETURN(json view, agent_view(a));
          return Reply{201, view};
        }));
  route("GET", R"(/api/agents/?)", ([d, agent_view](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(Paging p, ParsePaging(req));
          storage::Page<storage::Agent> page;
          GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
            GOV_ASSIGN_OR_RETURN(page, s.ListAgents(p.page, p.page_size));
            return absl::OkStatus();
          }));
          json items = json::array();
          for (const auto& a : page.items) {
            GOV_ASSIGN_OR_RETURN(json v, agent_view(a));
            items.push_back(std::move(v));
          }
          return Reply{200, ListBody("agents", std::move(items), p, page.total)};
        }));
  route("GET", R"(/api/agents/([^/]+)/?)",
        ([load_agent, agent_view](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(storage::Agent a, load_agent(req.matches[1]));
          GOV_ASSIGN_OR_RETURN(json v, agent_view(a));
          return Reply{200, v};
        }));
  route("PUT", R"(/api/agents/([^/]+)/?)",
        ([d, load_agent, agent_view](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(
              json body, ParseBody(req.body, {{"name", json::value_t::string, false},
                                              {"description", json::value_t::string, false}}));
          GOV_ASSIGN_OR_RETURN(storage::Agent a, load_agent(req.matches[1]));
          if (body.contains("name")) {
            std::string name = StrField(body, "name");
            if (name.empty()) return absl::InvalidArgumentError("field \"name\" must not be empty");
            a.name = name;
          }
          if (body.contains("description")) a.description = StrField(body, "description");
          a.updated_at = d.clock->Now();
          GOV_RETURN_IF_ERROR(
              d.storage->Transact([&](storage::Store& s) { return s.UpdateAgent(a).status(); }));
          GOV_ASSIGN_OR_RETURN(json v, agent_view(a));
          return Reply{200, v};
        }));
  route("DELETE", R"(/api/agents/([^/]+)/?)", ([d](const Call& req) -> absl::StatusOr<Reply> {
          std::string id = req.matches[1];
          bool deleted = false;
          GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
            GOV_RETURN_IF_ERROR(s.RevokeTokens(id, d.clock->Now()).status());
            GOV_ASSIGN_OR_RETURN(deleted, s.DeleteAgent(id));
            return absl::OkStatus();
          }));
          if (!deleted) return absl::NotFoundError(absl::StrCat("agent \"", id, "\" not found"));
          d.registry->Disconnect(id,
                                 absl::UnauthenticatedError("the agent was deleted on the hub"));
          GetLogger("hub.http")->info("agent {} deleted; its token is revoked", id);
          return Reply{200, json{{"message", "Agent deleted"}, {"id", id}}};
        }));

  // ---- Tokens ----
  route(
      "POST", R"(/api/auth/token/?)", ([d](const Call& req) -> absl::StatusOr<Reply> {
        GOV_ASSIGN_OR_RETURN(json body,
                             ParseBody(req.body, {{"agent_id", json::value_t::string, true}}));
        std::string agent_id = StrField(body, "agent_id");
        GOV_ASSIGN_OR_RETURN(std::string token, d.tokens->Issue(agent_id));
        // Streams opened with the old token must not outlive it.
        d.registry->Disconnect(
            agent_id,
            absl::UnauthenticatedError("agent token has been revoked: a new token was issued"));
        GetLogger("hub.http")->info("token issued for agent {} (earlier tokens revoked)", agent_id);
        return Reply{200, json{{"token", token}}};
      }));

  // ---- Syncs ----
  route("POST", R"(/api/agents/([^/]+)/sync/?)", ([d](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(json body,
                               ParseBody(req.body, {{"provider", json::value_t::string, false}}));
          GOV_ASSIGN_OR_RETURN(storage::Sync sync,
                               d.syncs->Trigger(req.matches[1], StrField(body, "provider"),
                                                storage::SyncTrigger::kManual));
          return Reply{202, SyncJson(sync)};
        }));
  route("POST", R"(/api/sync/?)", ([d](const Call& req) -> absl::StatusOr<Reply> {
          GOV_RETURN_IF_ERROR(ParseBody(req.body, {}).status());
          json syncs = json::array();
          json errors = json::array();
          for (const std::string& agent_id : d.registry->ActiveAgents()) {
            auto sync = d.syncs->Trigger(agent_id, "", storage::SyncTrigger::kManual);
            if (sync.ok()) {
              syncs.push_back(SyncJson(*sync));
            } else {
              errors.push_back(
                  json{{"agent_id", agent_id}, {"error", std::string(sync.status().message())}});
            }
          }
          return Reply{202, json{{"message", "Sync triggered successfully"},
                                 {"syncs", syncs},
                                 {"errors", errors}}};
        }));
  auto sync_view = [d](const std::string& id) -> absl::StatusOr<storage::Sync> {
    if (auto live = d.syncs->Live(id)) return *live;
    std::optional<storage::Sync> sync;
    GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
      GOV_ASSIGN_OR_RETURN(sync, s.GetSync(id));
      return absl::OkStatus();
    }));
    if (!sync) return absl::NotFoundError(absl::StrCat("sync \"", id, "\" not found"));
    return *sync;
  };
  route("GET", R"(/api/syncs/([^/]+)/?)", ([sync_view](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(storage::Sync s, sync_view(req.matches[1]));
          return Reply{200, SyncJson(s)};
        }));
  route("GET", R"(/api/agents/([^/]+)/syncs/?)",
        ([d, load_agent](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(Paging p, ParsePaging(req));
          GOV_ASSIGN_OR_RETURN(storage::Agent a, load_agent(req.matches[1]));
          storage::Page<storage::Sync> page;
          GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
            GOV_ASSIGN_OR_RETURN(page, s.ListSyncs(a.id, p.page, p.page_size));
            return absl::OkStatus();
          }));
          json items = json::array();
          for (const auto& s : page.items) {
            auto live = d.syncs->Live(s.id);
            items.push_back(SyncJson(live ? *live : s));
          }
          return Reply{200, ListBody("syncs", std::move(items), p, page.total)};
        }));

  // ---- Providers ----
  auto providers_of = [d](const std::string& agent_id) -> absl::StatusOr<json> {
    json items = json::array();
    std::vector<std::pair<storage::Provider, int64_t>> rows;
    GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
      GOV_ASSIGN_OR_RETURN(auto providers, s.ListProviders(agent_id));
      for (auto& p : providers) {
        GOV_ASSIGN_OR_RETURN(int64_t n, s.CountActiveApis(p.agent_id, p.name));
        rows.emplace_back(std::move(p), n);
      }
      return absl::OkStatus();
    }));
    for (const auto& [p, n] : rows)
      items.push_back(ProviderJson(p, n, d.registry->IsActive(p.agent_id)));
    return items;
  };
  route("GET", R"(/api/providers/?)", ([providers_of](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(json items, providers_of(""));
          GOV_ASSIGN_OR_RETURN(json body, SliceListBody("providers", std::move(items), req));
          return Reply{200, std::move(body)};
        }));
  route("GET", R"(/api/agents/([^/]+)/providers/?)",
        ([load_agent, providers_of](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(storage::Agent a, load_agent(req.matches[1]));
          GOV_ASSIGN_OR_RETURN(json items, providers_of(a.id));
          GOV_ASSIGN_OR_RETURN(json body, SliceListBody("providers", std::move(items), req));
          return Reply{200, std::move(body)};
        }));

  // ---- API repository ----
  route("GET", R"(/api/apis/?)", ([d](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(Paging p, ParsePaging(req));
          storage::ApiFilter f;
          f.page = p.page;
          f.page_size = p.page_size;
          if (req.has_param("status")) {
            auto st = storage::ParseApiStatus(req.get_param_value("status"));
            if (!st) {
              return absl::InvalidArgumentError(
                  absl::StrCat("query parameter \"status\" must be ACTIVE or DELETED, got \"",
                               req.get_param_value("status"), "\""));
            }
            f.status = st;
          }
          f.provider = req.get_param_value("provider");
          f.agent_id = req.get_param_value("agent_id");
          f.q = req.get_param_value("q");
          f.after = req.get_param_value("after");
          if (req.has_param("after") && f.after.empty()) {
            return absl::InvalidArgumentError("query parameter \"after\" must be an API id");
          }
          if (!f.after.empty() && req.has_param("page")) {
            return absl::InvalidArgumentError(
                "query parameters \"page\" and \"after\" cannot be used together");
          }
          storage::Page<storage::ApiRecord> page;
          absl::Status listed = d.storage->Transact([&](storage::Store& s) -> absl::Status {
            GOV_ASSIGN_OR_RETURN(page, s.ListApis(f));
            return absl::OkStatus();
          });
          if (listed.code() == absl::StatusCode::kInvalidArgument && !f.after.empty()) {
            return absl::InvalidArgumentError(
                absl::StrCat("query parameter \"after\": ", listed.message()));
          }
          GOV_RETURN_IF_ERROR(listed);
          json items = json::array();
          for (const auto& a : page.items) items.push_back(ApiJson(a, false));
          // The cursor of the next page: stable while syncs change the repository.
          json next_after = static_cast<int>(page.items.size()) == p.page_size
                                ? json(page.items.back().id)
                                : json(nullptr);
          json body = ListBody("apis", std::move(items), p, page.total);
          body["next_after"] = std::move(next_after);
          return Reply{200, std::move(body)};
        }));
  auto load_api = [d](const std::string& id) -> absl::StatusOr<storage::ApiRecord> {
    std::optional<storage::ApiRecord> api;
    GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
      GOV_ASSIGN_OR_RETURN(api, s.GetApi(id));
      return absl::OkStatus();
    }));
    if (!api) return absl::NotFoundError(absl::StrCat("API \"", id, "\" not found"));
    return *api;
  };
  route("GET", R"(/api/apis/([^/]+)/?)", ([load_api](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(storage::ApiRecord api, load_api(req.matches[1]));
          return Reply{200, ApiJson(api, true)};
        }));
  route("GET", R"(/api/apis/([^/]+)/history/?)",
        ([d, load_api](const Call& req) -> absl::StatusOr<Reply> {
          GOV_ASSIGN_OR_RETURN(storage::ApiRecord api, load_api(req.matches[1]));
          std::vector<storage::ApiEvent> events;
          GOV_RETURN_IF_ERROR(d.storage->Transact([&](storage::Store& s) -> absl::Status {
            GOV_ASSIGN_OR_RETURN(events, s.ListEvents(api.id));
            return absl::OkStatus();
          }));
          json items = json::array();
          for (const auto& e : events) items.push_back(EventJson(e));
          GOV_ASSIGN_OR_RETURN(json body, SliceListBody("events", std::move(items), req));
          return Reply{200, std::move(body)};
        }));

  AddScheduleRoutes(*table, d);
  AddHeldDeletionRoutes(*table, d);
}

}  // namespace gov::hub
