#include "tests/fakes/tyk_dashboard/fake_dashboard.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <system_error>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "src/common/logging.h"

namespace gov::fake {
namespace {

constexpr char kJson[] = "application/json";

std::shared_ptr<spdlog::logger> Log() { return GetLogger("fake.tyk"); }

// The Dashboard's error body; Go writes the fields in this order, compactly.
std::string DashboardError(const std::string& message) {
  Json body = Json::object();
  body["Status"] = "Error";
  body["Message"] = message;
  body["Meta"] = nullptr;
  return body.dump();
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

void ControlError(httplib::Response& res, const std::string& message) {
  res.status = 400;
  res.set_content(Dump(Json{{"error", message}}), kJson);
}

void ControlOk(httplib::Response& res, Json body) {
  body["ok"] = true;
  res.status = 200;
  res.set_content(Dump(body), kJson);
}

// The page a list request asks for: a page number, kUnpagedList for p <= 0, or nullopt
// when p is not an integer.
std::optional<int> RequestedPage(const httplib::Request& req) {
  if (!req.has_param("p")) return 1;
  int p = 0;
  if (!absl::SimpleAtoi(req.get_param_value("p"), &p)) return std::nullopt;
  return p <= 0 ? kUnpagedList : p;
}

bool TakeFrom(std::map<std::string, Fault>& faults, const std::string& key, Fault& out) {
  auto it = faults.find(key);
  if (it == faults.end()) return false;
  out = it->second;
  if (it->second.remaining > 0 && --it->second.remaining == 0) faults.erase(it);
  return true;
}

}  // namespace

absl::StatusOr<Fault> ParseFault(std::string_view mode, int times) {
  Fault fault;
  fault.remaining = times > 0 ? times : -1;
  if (mode == "hang") {
    fault.mode = Fault::Mode::kHang;
  } else if (mode == "garbage") {
    fault.mode = Fault::Mode::kGarbage;
  } else {
    int status = 0;
    if (!absl::SimpleAtoi(absl::string_view(mode.data(), mode.size()), &status) || status < 400 ||
        status > 599) {
      return absl::InvalidArgumentError(absl::StrCat(
          "fault mode \"", std::string(mode), "\" is not hang, garbage or an HTTP status 400-599"));
    }
    fault.mode = Fault::Mode::kStatus;
    fault.status = status;
  }
  return fault;
}

FakeTykDashboard::FakeTykDashboard(Catalog catalog, FakeDashboardOptions options)
    : catalog_(std::move(catalog)), options_(std::move(options)) {}

FakeTykDashboard::~FakeTykDashboard() { Stop(); }

absl::StatusOr<int> FakeTykDashboard::Start(const std::string& host, int port) {
  if (options_.key.empty()) return absl::InvalidArgumentError("the Dashboard key is empty");
  if (options_.page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page size ", options_.page_size, " is below 1"));
  }
  if (options_.not_found_status < 400 || options_.not_found_status > 599) {
    return absl::InvalidArgumentError(absl::StrCat("not-found status ", options_.not_found_status,
                                                   " is not an HTTP error status"));
  }
  if (server_ != nullptr) return absl::FailedPreconditionError("the fake is already started");
  server_ = std::make_unique<httplib::Server>();
  const size_t threads = static_cast<size_t>(std::max(2, options_.threads));
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  Route();
  auto bound = runner_.Start(server_.get(), host, port);
  if (!bound.ok()) {
    server_.reset();
    return bound.status();
  }
  return *bound;
}

void FakeTykDashboard::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (server_ != nullptr) server_->stop();
  runner_.Stop();
}

void FakeTykDashboard::Route() {
  server_->Get(R"(/api/apis/?)", [this](const httplib::Request& req, httplib::Response& res) {
    Serve(Endpoint::kList, req, res);
  });
  server_->Get(R"(/api/apis/oas/([^/]+)/?)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 Serve(Endpoint::kOas, req, res);
               });
  server_->Get(R"(/api/apis/([^/]+)/?)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 Serve(Endpoint::kApi, req, res);
               });
  for (const char* command : {"fail", "drop", "restore", "reset"}) {
    server_->Post(absl::StrCat("/_fake/", command),
                  [this, command](const httplib::Request& req, httplib::Response& res) {
                    Control(command, req, res);
                  });
  }
  server_->Get("/_fake/requests", [this](const httplib::Request&, httplib::Response& res) {
    ControlOk(res, RequestCounts());
  });
  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    Log()->debug("{} {} -> {}", req.method, req.target, res.status);
  });
}

void FakeTykDashboard::Serve(Endpoint endpoint, const httplib::Request& req,
                             httplib::Response& res) {
  std::string counted = req.path;
  if (endpoint == Endpoint::kList && req.has_param("p")) {
    absl::StrAppend(&counted, "?p=", req.get_param_value("p"));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++total_;
    ++by_path_[counted];
  }

  const std::string id = endpoint == Endpoint::kList ? std::string() : req.matches[1].str();
  const std::string authorization = req.get_header_value("Authorization");
  if (!options_.forbidden_key.empty() && authorization == options_.forbidden_key) {
    res.status = 403;
    res.set_content(DashboardError(ErrorMessage(endpoint, 403, req.path)), kJson);
  } else if (authorization != options_.key) {
    res.status = 401;
    res.set_content(DashboardError(ErrorMessage(endpoint, 401, req.path)), kJson);
  } else {
    std::optional<Fault> fault = TakeFault(endpoint, req);
    if (fault.has_value() && fault->mode == Fault::Mode::kHang && !Hang()) {
      res.status = 503;
      res.set_content(DashboardError("fake-tyk-dashboard is shutting down"), kJson);
    } else if (fault.has_value() && fault->mode == Fault::Mode::kStatus) {
      res.status = fault->status;
      res.set_content(DashboardError(ErrorMessage(endpoint, fault->status, req.path)), kJson);
    } else {
      switch (endpoint) {
        case Endpoint::kList:
          ServeList(req, res);
          break;
        case Endpoint::kApi:
          ServeApi(id, res);
          break;
        case Endpoint::kOas:
          ServeOas(id, res);
          break;
      }
      if (fault.has_value() && fault->mode == Fault::Mode::kGarbage) {
        // A response cut short: the first half of the real body, never valid JSON.
        res.status = 200;
        res.set_content(res.body.substr(0, std::max<size_t>(1, res.body.size() / 2)), kJson);
      }
    }
  }

  std::lock_guard<std::mutex> lock(mu_);
  ++by_status_[res.status];
}

std::optional<Fault> FakeTykDashboard::TakeFault(Endpoint endpoint, const httplib::Request& req) {
  std::lock_guard<std::mutex> lock(mu_);
  Fault fault;
  if (endpoint == Endpoint::kList) {
    std::optional<int> page = RequestedPage(req);
    if (!page.has_value()) return std::nullopt;
    for (int key : {*page, kEveryListPage}) {
      auto it = list_faults_.find(key);
      if (it == list_faults_.end()) continue;
      fault = it->second;
      if (it->second.remaining > 0 && --it->second.remaining == 0) list_faults_.erase(it);
      return fault;
    }
    return std::nullopt;
  }
  auto& faults = endpoint == Endpoint::kOas ? oas_faults_ : api_faults_;
  const std::string id = req.matches[1].str();
  if (TakeFrom(faults, id, fault) || TakeFrom(faults, "*", fault)) return fault;
  return std::nullopt;
}

bool FakeTykDashboard::Hang() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t generation = reset_generation_;
  ++hung_;
  cv_.notify_all();
  cv_.wait(lock, [&] { return stopping_ || reset_generation_ != generation; });
  --hung_;
  cv_.notify_all();
  return !stopping_;
}

const FakeApi* FakeTykDashboard::FindVisible(const std::string& id) const {
  const FakeApi* found = nullptr;
  for (const FakeApi& api : catalog_.apis) {
    if (api.api_id == id || api.db_id == id) {
      found = &api;
      break;
    }
  }
  if (found == nullptr) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_.count(found->api_id) > 0 ? nullptr : found;
}

Json FakeTykDashboard::ListEntry(const FakeApi& api) const {
  Json entry = Json::object();
  entry["api_model"] = Json::object();
  entry["api_definition"] = api.definition;
  entry["hook_references"] = Json::array();
  entry["is_site"] = false;
  entry["sort_by"] = 0;
  entry["user_group_owners"] = Json::array();
  entry["user_owners"] = Json::array();
  if (options_.embed_oas_in_list && api.is_oas()) entry["oas"] = api.oas;
  return entry;
}

void FakeTykDashboard::ServeList(const httplib::Request& req, httplib::Response& res) const {
  std::optional<int> page = RequestedPage(req);
  if (!page.has_value()) {
    res.status = 400;
    res.set_content(DashboardError(ErrorMessage(Endpoint::kList, 400, req.path)), kJson);
    return;
  }
  std::set<std::string> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    dropped = dropped_;
  }
  std::vector<const FakeApi*> visible;
  for (const FakeApi& api : catalog_.apis) {
    if (dropped.count(api.api_id) == 0) visible.push_back(&api);
  }
  const size_t size = static_cast<size_t>(options_.page_size);
  const size_t pages = std::max<size_t>(1, (visible.size() + size - 1) / size);
  size_t begin = 0;
  size_t end = visible.size();
  if (*page != kUnpagedList) {
    begin = std::min(visible.size(), (static_cast<size_t>(*page) - 1) * size);
    end = std::min(visible.size(), begin + size);
  }
  Json body = Json::object();
  body["apis"] = Json::array();
  for (size_t i = begin; i < end; ++i) body["apis"].push_back(ListEntry(*visible[i]));
  body["pages"] = pages;
  res.status = 200;
  res.set_content(Dump(body), kJson);
}

void FakeTykDashboard::ServeApi(const std::string& id, httplib::Response& res) const {
  const FakeApi* api = FindVisible(id);
  if (api == nullptr) {
    res.status = options_.not_found_status;
    res.set_content(DashboardError(ErrorMessage(Endpoint::kApi, 404, "")), kJson);
    return;
  }
  if (!api->base_api_id.empty()) res.set_header("x-tyk-base-api-id", api->base_api_id);
  res.status = 200;
  res.set_content(Dump(ListEntry(*api)), kJson);
}

void FakeTykDashboard::ServeOas(const std::string& id, httplib::Response& res) const {
  const FakeApi* api = FindVisible(id);
  if (api == nullptr || !api->is_oas()) {
    res.status = options_.not_found_status;
    res.set_content(DashboardError(ErrorMessage(Endpoint::kOas, 404, "")), kJson);
    return;
  }
  if (!api->base_api_id.empty()) res.set_header("x-tyk-base-api-id", api->base_api_id);
  res.status = 200;
  res.set_content(Dump(api->oas), kJson);
}

// Messages as the Dashboard API reference gives them for each endpoint and status.
std::string FakeTykDashboard::ErrorMessage(Endpoint endpoint, int status,
                                           const std::string& path) const {
  const bool list = endpoint == Endpoint::kList;
  const bool oas = endpoint == Endpoint::kOas;
  switch (status) {
    case 401:
      return "Not authorised";
    case 403:
      return absl::StrCat("access denied: You do not have permission to access  ", path);
    case 400:
      if (list) return "Could not retrieve APIs.";
      return oas ? "Could not retrieve API detail." : "Could not retrieve API detail";
    case 404:
      return oas ? "Could not retrieve API detail." : "Could not retrieve API detail";
    case 500:
      if (list) return "Failed to marshal data for APIs.";
      return oas ? "Failed to marshal data for API detail."
                 : "Failed to marshal data for API detail";
    default:
      return absl::StrCat("fake-tyk-dashboard: injected failure (HTTP ", status, ")");
  }
}

void FakeTykDashboard::Control(const std::string& command, const httplib::Request& req,
                               httplib::Response& res) {
  if (command == "reset") {
    Reset();
    ControlOk(res, Json::object());
    return;
  }
  if (command == "restore") {
    Restore();
    ControlOk(res, Json::object());
    return;
  }
  if (command == "drop") {
    const size_t n = req.get_param_value_count("api_id");
    if (n == 0) return ControlError(res, "drop needs at least one api_id parameter");
    std::vector<std::string> ids;
    Json known = Json::array();
    Json unknown = Json::array();
    for (size_t i = 0; i < n; ++i) {
      ids.push_back(req.get_param_value("api_id", i));
      (catalog_.Find(ids.back()) != nullptr ? known : unknown).push_back(ids.back());
    }
    Drop(ids);
    ControlOk(res, Json{{"dropped", known}, {"unknown", unknown}});
    return;
  }
  // fail
  int times = 0;
  if (req.has_param("times") && !absl::SimpleAtoi(req.get_param_value("times"), &times)) {
    return ControlError(res, "times must be an integer");
  }
  if (!req.has_param("mode")) return ControlError(res, "fail needs mode=<status>|hang|garbage");
  absl::StatusOr<Fault> fault = ParseFault(req.get_param_value("mode"), times);
  if (!fault.ok()) return ControlError(res, std::string(fault.status().message()));
  const int targets = static_cast<int>(req.has_param("page")) +
                      static_cast<int>(req.has_param("oas")) +
                      static_cast<int>(req.has_param("api"));
  if (targets != 1) {
    return ControlError(res,
                        "fail needs exactly one of page=<n>|any|unpaged, oas=<api_id>|*, "
                        "api=<api_id>|*");
  }
  if (req.has_param("page")) {
    const std::string page = req.get_param_value("page");
    int n = 0;
    if (page == "any") {
      n = kEveryListPage;
    } else if (page == "unpaged") {
      n = kUnpagedList;
    } else if (!absl::SimpleAtoi(page, &n) || n < 1) {
      return ControlError(res, "page must be a page number >= 1, any or unpaged");
    }
    FailListPage(n, *fault);
  } else if (req.has_param("oas")) {
    FailOas(req.get_param_value("oas"), *fault);
  } else {
    FailApi(req.get_param_value("api"), *fault);
  }
  ControlOk(res, Json::object());
}

void FakeTykDashboard::FailListPage(int page, Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  list_faults_[page] = fault;
}

void FakeTykDashboard::FailOas(const std::string& api_id, Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  oas_faults_[api_id] = fault;
}

void FakeTykDashboard::FailApi(const std::string& api_id, Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  api_faults_[api_id] = fault;
}

void FakeTykDashboard::Drop(const std::vector<std::string>& api_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  dropped_.insert(api_ids.begin(), api_ids.end());
}

void FakeTykDashboard::Restore() {
  std::lock_guard<std::mutex> lock(mu_);
  dropped_.clear();
}

void FakeTykDashboard::Reset() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    list_faults_.clear();
    oas_faults_.clear();
    api_faults_.clear();
    dropped_.clear();
    by_path_.clear();
    by_status_.clear();
    total_ = 0;
    ++reset_generation_;
  }
  cv_.notify_all();
}

int FakeTykDashboard::HungRequests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hung_;
}

bool FakeTykDashboard::WaitForHungRequests(int n, absl::Duration timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return hung_ >= n; });
}

Json FakeTykDashboard::RequestCounts() const {
  std::lock_guard<std::mutex> lock(mu_);
  Json by_path = Json::object();
  for (const auto& [path, n] : by_path_) by_path[path] = n;
  Json by_status = Json::object();
  for (const auto& [status, n] : by_status_) by_status[std::to_string(status)] = n;
  return Json{{"total", total_}, {"hung", hung_}, {"by_path", by_path}, {"by_status", by_status}};
}

}  // namespace gov::fake
