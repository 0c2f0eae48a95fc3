// FakeApiGateway: an HTTP server answering the read-only part of the Amazon API Gateway
// control plane (REST APIs through the v1 API, HTTP and WebSocket APIs through v2) from
// AwsData, checking every request's SigV4 signature, with switches that throttle, fail or
// refuse requests and a meter of the request rate.
//
// Served (GET, signed for service "apigateway" in the fake's region):
//   v1: /restapis[/{id}], /restapis/{id}/stages[/{stage}],
//       /restapis/{id}/stages/{stage}/exports/oas30, /restapis/{id}/authorizers, /apikeys,
//       /tags/{arn}
//   v2: /v2/apis[/{id}], /v2/apis/{id}/stages|authorizers|routes|integrations,
//       /v2/apis/{id}/exports/OAS30, /v2/tags/{arn}
// v1 answers plain JSON ({"item": [...], "position": "..."}) when the request accepts
// application/json and HAL otherwise, as API Gateway does; v2 answers JSON
// ({"items": [...], "nextToken": "..."}). Errors are {"message": "..."} with the type in
// x-amzn-ErrorType. Control calls (no signature) live under /_fake/; see
// tests/fakes/README.md.
//
// Thread-safety: all public methods are safe to call from any thread while the server
// runs; Start and Stop must not race each other.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "src/common/clock.h"
#include "tests/fakes/aws_apigateway/aws_data.h"
#include "tests/fakes/aws_apigateway/paging.h"
#include "tests/fakes/aws_apigateway/rate.h"
#include "tests/fakes/aws_apigateway/signature_check.h"
#include "tests/fakes/common/http_server_runner.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace gov::fake::aws {

struct ApiRoute;  // a resolved API call (fake_apigateway.cc)
struct ApiCall;   // what the handlers read of a request (fake_apigateway.cc)

struct FakeApiGatewayOptions {
  std::string region = "us-east-1";
  // "Now" for signature dates, the rate meter and the rate limit. Not owned; must outlive
  // the fake.
  Clock* clock = RealClock();
  int threads = 8;  // worker threads
};

// Which API requests a fault applies to: those whose target (the raw path and query, as
// sent) the ECMAScript regex `pattern` matches anywhere (empty: every API request), after
// `skip` matching requests went through unharmed, for the next `times` matching requests
// (<= 0: until reset).
struct FaultTarget {
  std::string pattern;
  int skip = 0;
  int times = 0;
};

class FakeApiGateway {
 public:
  FakeApiGateway(AwsData data, FakeApiGatewayOptions options);
  ~FakeApiGateway();
  FakeApiGateway(const FakeApiGateway&) = delete;
  FakeApiGateway& operator=(const FakeApiGateway&) = delete;

  // Binds host:port (port 0: any free port) and serves on background threads. Returns the
  // bound port; connections are accepted as soon as this returns.
  absl::StatusOr<int> Start(const std::string& host = "127.0.0.1", int port = 0);
  // Stops serving, closes open connections and joins the threads. Idempotent.
  void Stop();
  int port() const { return runner_.port(); }
  const AwsData& data() const { return data_; }

  // Fault switches, the same as the /_fake control calls. Each adds a rule; the first
  // rule whose target matches a request decides. Bad patterns are InvalidArgument.
  // 429 TooManyRequestsException {"message":"Too Many Requests"}, with Retry-After when
  // retry_after_seconds > 0.
  absl::Status Throttle(const FaultTarget& target, int retry_after_seconds = 0);
  // `status` (400-599) with the error type AWS uses for it; drop_connection instead sends
  // the headers and half of a 200 answer, then closes the connection.
  absl::Status Fail(const FaultTarget& target, int status, bool drop_connection = false);
  // 403 with one of AuthErrorTypes(), before the signature is checked.
  absl::Status ForceAuthError(const std::string& type, const FaultTarget& target);
  void SetPageShape(PageShape shape);
  // Throttles (429) beyond `rate` requests per second with bursts of `burst`, like AWS's
  // account-level limit; rate <= 0 turns it off.
  void SetRateLimit(double rate, double burst);
  // The fake's clock runs `offset` ahead of (or, negative, behind) the injected clock.
  void SetClockOffset(absl::Duration offset);
  // Hides APIs (v1 or v2 ids) from every call; returns the ids that name no API.
  std::vector<std::string> Drop(const std::vector<std::string>& ids);
  void Restore();
  // Clears faults, page shape, rate limit, clock offset, drops, counters and the meter.
  void Reset();

  // {"total": N, "by_path": {"/restapis": 3}, "by_operation": {"apigateway:GetRestApis": 3},
  //  "by_status": {"200": 3}, "recent": [{"method", "target", "status", "error_type"}]}
  Json RequestCounts() const;
  // {"total": N, "max_per_second": M, "max_window_end": RFC 3339, "throttled": T}
  Json Stats() const;

 private:
  struct Fault {
    enum class Kind { kThrottle, kStatus, kDrop, kAuth };
    Kind kind = Kind::kStatus;
    int status = 0;
    int retry_after = 0;
    std::string auth_type;
    std::string pattern_text;
    std::regex pattern;
    int skip = 0;
    int remaining = -1;
  };
  absl::Status AddFault(Fault fault, const FaultTarget& target);
  std::optional<Fault> TakeFault(bool auth, const std::string& target);
  absl::Time Now() const;
  void HandleApi(const httplib::Request& req, httplib::Response& res);
  void Dispatch(const ApiRoute& route, const ApiCall& call, httplib::Response& res);
  void Control(const std::string& command, const httplib::Request& req, httplib::Response& res);
  bool Dropped(const std::string& id) const;
  PageShape CurrentPageShape() const;

  // Operations.
  void GetRestApis(const ApiCall& call, httplib::Response& res);
  void GetRestApi(const ApiCall& call, const std::string& id, httplib::Response& res);
  void GetStagesV1(const ApiCall& call, const std::string& id, httplib::Response& res);
  void GetStageV1(const ApiCall& call, const std::string& id, const std::string& stage,
                  httplib::Response& res);
  void GetExportV1(const ApiCall& call, const std::string& id, const std::string& stage,
                   const std::string& type, httplib::Response& res);
  void GetAuthorizersV1(const ApiCall& call, const std::string& id, httplib::Response& res);
  void GetApiKeys(const ApiCall& call, httplib::Response& res);
  void GetTags(const ApiCall& call, const std::string& arn, bool v2, httplib::Response& res);
  void GetApis(const ApiCall& call, httplib::Response& res);
  void GetApi(const ApiCall& call, const std::string& id, httplib::Response& res);
  void GetV2List(const ApiCall& call, const std::string& id, const std::string& what,
                 httplib::Response& res);
  void ExportApi(const ApiCall& call, const std::string& id, const std::string& specification,
                 httplib::Response& res);

  const AwsData data_;
  const FakeApiGatewayOptions options_;
  const SignatureCheckConfig signature_config_;
  std::unique_ptr<httplib::Server> server_;
  HttpServerRunner runner_;

  mutable std::mutex mu_;
  std::vector<Fault> faults_;
  PageShape page_shape_;
  std::optional<TokenBucket> bucket_;
  absl::Duration clock_offset_;
  std::set<std::string> dropped_;
  RateMeter meter_;
  size_t throttled_ = 0;
  uint64_t request_number_ = 0;
  std::map<std::string, int> by_path_;
  std::map<std::string, int> by_operation_;
  std::map<int, int> by_status_;
  std::deque<Json> recent_;
};

}  // namespace gov::fake::aws
