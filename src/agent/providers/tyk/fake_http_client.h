// FakeHttpClient: an in-process HttpClient for provider tests. It answers from canned
// routes (exact URL match) or from a handler, and records every request it receives.
// A URL with no route answers 404 with a body that names the URL, so a test that calls
// the wrong address fails with a readable message.
//
// Thread-safety: Send may be called from any thread; configure routes before use.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "src/common/http_client.h"

namespace gov::agent::fakes {

class FakeHttpClient : public HttpClient {
 public:
  using Handler = std::function<std::optional<absl::StatusOr<HttpResponse>>(const HttpRequest&)>;

  // Answers GET `url` with `status` and `body`.
  void Serve(const std::string& url, int status, std::string body, HttpHeaders headers = {}) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    response.headers = std::move(headers);
    routes_[url] = response;
  }
  // Answers `url` with a transport failure (timeout, refused connection, ...).
  void Fail(const std::string& url, absl::Status status) { routes_[url] = std::move(status); }
  // Consulted before the routes; returning nullopt falls through to them.
  void SetHandler(Handler handler) { handler_ = std::move(handler); }
  // Runs at the start of every Send (e.g. to request a stop mid-listing).
  void OnRequest(std::function<void(const HttpRequest&)> hook) { on_request_ = std::move(hook); }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
    }
    if (on_request_) on_request_(request);
    if (handler_) {
      if (auto answer = handler_(request); answer.has_value()) return *answer;
    }
    auto it = routes_.find(request.url);
    if (it != routes_.end()) return it->second;
    HttpResponse missing;
    missing.status = 404;
    missing.body = "{\"Status\":\"Error\",\"Message\":\"fake: no route for " + request.url + "\"}";
    return missing;
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const HttpRequest& r : requests()) out.push_back(r.url);
    return out;
  }

 private:
  std::map<std::string, absl::StatusOr<HttpResponse>> routes_;
  Handler handler_;
  std::function<void(const HttpRequest&)> on_request_;
  mutable std::mutex mu_;
  std::vector<HttpRequest> requests_;
};

}  // namespace gov::agent::fakes
