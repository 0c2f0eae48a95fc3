// HttpClient: the seam through which the agent talks to API providers. Product code
// uses the libcurl implementation; unit tests inject their own.
//
// A transport failure (DNS, refused connection, TLS, timeout) is an error Status that
// names the method and URL; an HTTP error status is a normal HttpResponse.
//
// Thread-safety: implementations are safe for concurrent Send calls.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gov {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  absl::Duration timeout = absl::Seconds(30);
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
  // Case-insensitive header lookup; empty when absent.
  std::string Header(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct CurlHttpClientOptions {
  std::string ca_cert_path;  // extra CA bundle for https:// providers
  bool insecure_skip_verify = false;
  std::string user_agent = "governance-agent";
};

std::unique_ptr<HttpClient> NewCurlHttpClient(CurlHttpClientOptions options = {});

}  // namespace gov
