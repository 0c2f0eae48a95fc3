// FakeTykDashboard: an HTTP server that answers the read-only part of the Tyk Dashboard
// API the governance agent uses, from a Catalog, with switches that make it fail.
//
// Served (every /api/ call needs `Authorization: <key>`, the raw key):
//   GET /api/apis[/]?p=N        {"apis": [{"api_definition": {...}, ...}], "pages": P}
//                               p counts from 1; absent p is page 1; p <= 0 is every API
//   GET /api/apis/{id}          one list entry (by api_id or database id)
//   GET /api/apis/oas/{id}      the bare OAS document of a Tyk OAS API
// Errors use the Dashboard's body {"Status":"Error","Message":"...","Meta":null}:
// 401 "Not authorised" for a missing or wrong key; 403 for `forbidden_key`; the
// `not_found_status` (404 by default) "Could not retrieve API detail" for unknown ids.
// Control (no key): POST /_fake/fail, /_fake/drop, /_fake/restore, /_fake/reset and
// GET /_fake/requests; see tests/fakes/README.md.
//
// Thread-safety: all public methods are safe to call from any thread while the server
// runs; Start and Stop must not race each other.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/fakes/common/http_server_runner.h"
#include "tests/fakes/tyk_dashboard/catalog.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace gov::fake {

// What a faulted request gets instead of its answer.
struct Fault {
  enum class Mode { kStatus, kHang, kGarbage };
  Mode mode = Mode::kStatus;
  int status = 500;    // kStatus: the HTTP status, answered with the Dashboard's error body
  int remaining = -1;  // requests still to fail; -1: every request until reset
};

// Parses a fault mode: an HTTP status 400-599 ("500"), "hang" (hold the request until
// Reset or Stop) or "garbage" (200 with a truncated, invalid JSON body). `times` <= 0
// means every matching request.
absl::StatusOr<Fault> ParseFault(std::string_view mode, int times);

// List-page selectors besides a page number (1, 2, ...).
inline constexpr int kEveryListPage = 0;  // every GET /api/apis
inline constexpr int kUnpagedList = -1;   // a GET /api/apis with p <= 0 (all in one page)

struct FakeDashboardOptions {
  std::string key;                 // the Authorization value accepted (required)
  std::string forbidden_key;       // a user key without API rights: answered 403 (optional)
  int page_size = 10;              // the Dashboard's default page_size
  bool embed_oas_in_list = false;  // add "oas" to list entries of OAS APIs (newer Dashboards)
  int not_found_status = 404;      // status for unknown ids (the Dashboard docs say 400)
  int threads = 16;                // worker threads; each hung request holds one
};

class FakeTykDashboard {
 public:
  FakeTykDashboard(Catalog catalog, FakeDashboardOptions options);
  ~FakeTykDashboard();
  FakeTykDashboard(const FakeTykDashboard&) = delete;
  FakeTykDashboard& operator=(const FakeTykDashboard&) = delete;

  // Binds host:port (port 0: any free port) and serves on background threads. Returns the
  // bound port. Connections are accepted as soon as this returns.
  absl::StatusOr<int> Start(const std::string& host = "127.0.0.1", int port = 0);
  // Releases hung requests, stops serving and joins the threads. Idempotent.
  void Stop();
  int port() const { return runner_.port(); }
  const Catalog& catalog() const { return catalog_; }

  // Fault switches, the same as the /_fake control calls.
  void FailListPage(int page, Fault fault);              // page >= 1 or a selector
  void FailOas(const std::string& api_id, Fault fault);  // "*": every OAS request
  void FailApi(const std::string& api_id, Fault fault);  // GET /api/apis/{id}; "*": all
  void Drop(const std::vector<std::string>& api_ids);    // hide from every endpoint
  void Restore();                                        // un-hide every API
  // Clears faults, drops and counters, and lets hung requests answer normally.
  void Reset();

  int HungRequests() const;
  // Waits until at least `n` requests are hung; false on timeout.
  bool WaitForHungRequests(int n, absl::Duration timeout) const;
  // {"total": N, "hung": H, "by_path": {"/api/apis?p=1": 1, ...}, "by_status": {"200": N}}
  Json RequestCounts() const;

 private:
  enum class Endpoint { kList, kApi, kOas };
  void Route();
  void Serve(Endpoint endpoint, const httplib::Request& req, httplib::Response& res);
  void ServeList(const httplib::Request& req, httplib::Response& res) const;
  void ServeApi(const std::string& id, httplib::Response& res) const;
  void ServeOas(const std::string& id, httplib::Response& res) const;
  void Control(const std::string& command, const httplib::Request& req, httplib::Response& res);
  // The fault for this request, consuming one use; nullopt when none applies.
  std::optional<Fault> TakeFault(Endpoint endpoint, const httplib::Request& req);
  // Holds the calling request until Reset or Stop; true when released by Reset.
  bool Hang();
  const FakeApi* FindVisible(const std::string& id) const;
  Json ListEntry(const FakeApi& api) const;
  std::string ErrorMessage(Endpoint endpoint, int status, const std::string& path) const;

  const Catalog catalog_;
  const FakeDashboardOptions options_;
  std::unique_ptr<httplib::Server> server_;
  HttpServerRunner runner_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<int, Fault> list_faults_;
  std::map<std::string, Fault> oas_faults_;
  std::map<std::string, Fault> api_faults_;
  std::set<std::string> dropped_;
  std::map<std::string, int> by_path_;
  std::map<int, int> by_status_;
  int total_ = 0;
  int hung_ = 0;
  uint64_t reset_generation_ = 0;
  bool stopping_ = false;
};

}  // namespace gov::fake
