// ControlPlaneClient: signed, rate-limited, retrying GETs against the API Gateway control
// plane (https://apigateway.{region}.amazonaws.com, or the configured endpoint).
//
// Every request is signed with SigV4 (service "apigateway") at the Clock's time, carries
// `Accept: application/json`, and first takes a token from the rate limiter. Answers:
//   2xx                                   the JSON body
//   429 / TooManyRequestsException, 5xx,  retried with jittered exponential backoff (at
//   transport errors and timeouts         least Retry-After when the answer gives one), up
//                                         to max_attempts; then RESOURCE_EXHAUSTED (still
//                                         throttled), UNAVAILABLE or the transport's code
//   401, 403 (x-amzn-ErrorType            at once, no retry: UNAUTHENTICATED (bad key,
//   UnrecognizedClientException, ...)     signature, expired token) or PERMISSION_DENIED
//                                         (AccessDeniedException), with AWS's message
//   any other status                      at once: NOT_FOUND (404) or FAILED_PRECONDITION
//   a body that is not JSON               INTERNAL
// IsFatal() tells which failures end a whole listing (credentials, throttling, an
// unreachable or failing service, cancellation) and which only concern the API asked about.
//
// Messages start with `aws provider "<name>": `, name the request, and never contain the
// secret access key or the session token (AWS may echo the canonical request, token
// included, in an InvalidSignatureException: every message is scrubbed).
//
// Thread-safety: not thread-safe; one listing at a time uses it (see Provider).
#pragma once

#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/agent/providers/aws/rate_limiter.h"
#include "src/agent/providers/aws/sigv4.h"
#include "src/common/backoff.h"
#include "src/common/clock.h"
#include "src/common/http_client.h"
#include "src/common/random.h"

namespace gov::agent::aws {

// Rate limit, retries and paging of one aws provider. The defaults keep one agent under
// API Gateway's control-plane quota: AWS allows about 10 requests per second per account
// and region in total (burst 40) across every tool that manages API Gateway there.
struct AwsProviderOptions {
  double requests_per_second = 10;
  int burst = 10;
  int max_attempts = 5;  // per request, the first included
  BackoffPolicy backoff = {absl::Milliseconds(500), absl::Seconds(20), 2.0};
  absl::Duration max_retry_after = absl::Seconds(60);  // a longer Retry-After is capped
  int page_size = 500;         // `limit` (v1, at most 500) and `maxResults` (v2)
  Sleeper* sleeper = nullptr;  // null: RealSleeper()
};

// The control plane's base URL, split for signing.
struct Endpoint {
  std::string base_url;     // scheme://authority[/prefix], no trailing slash, no user info
  std::string host;         // the Host header: authority without user info
  std::string path_prefix;  // "" or "/prefix" (wire form), put before every request path
};

// Parses an http:// or https:// URL ("https://apigateway.us-east-1.amazonaws.com",
// "http://127.0.0.1:8443", "https://gw.internal/apigw/").
absl::StatusOr<Endpoint> ParseEndpoint(const std::string& url);
// https://apigateway.{region}.amazonaws.com (.com.cn in the China regions).
std::string DefaultEndpointUrl(const std::string& region);

using Query = std::vector<std::pair<std::string, std::string>>;

class ControlPlaneClient {
 public:
  ControlPlaneClient(std::string provider_name, gov::aws::Credentials credentials,
                     std::string region, Endpoint endpoint, absl::Duration request_timeout,
                     HttpClient* http, Clock* clock, Random* random, AwsProviderOptions options);

  // GETs `path` (wire form: segments already percent-encoded) with the decoded `query` and
  // parses the body as JSON. `what` names the step in messages ("listing REST APIs").
  absl::StatusOr<nlohmann::json> GetJson(const std::string& path, const Query& query,
                                         const std::string& what, std::stop_token stop);

  // The URL as sent: query strictly encoded and sorted (as signed).
  std::string Url(const std::string& path, const Query& query) const;
  // An error prefixed with `aws provider "<name>": `, secrets scrubbed.
  absl::Status Error(absl::StatusCode code, const std::string& message) const;
  // `text` with the secret access key and session token replaced by "***".
  std::string Scrub(std::string text) const;

  // True for failures that end a whole listing; false for those about one resource.
  static bool IsFatal(const absl::Status& status);

 private:
  const std::string name_;
  const gov::aws::Credentials credentials_;
  const std::string region_;
  const Endpoint endpoint_;
  const absl::Duration request_timeout_;
  HttpClient* const http_;
  Clock* const clock_;
  Random* const random_;
  const AwsProviderOptions options_;
  Sleeper* const sleeper_;
  RateLimiter limiter_;
};

}  // namespace gov::agent::aws
