// AwsProvider: the `aws` provider. Lists every REST, HTTP and WebSocket API of one AWS
// account in one region through the API Gateway control plane, read-only:
//
//   GET /restapis?limit=500[&position=]                 REST APIs (v1), "item" + "position"
//   GET /restapis/{id}/stages                           its stages
//   GET /restapis/{id}/authorizers?limit=500[&position=]
//   GET /restapis/{id}/stages/{stage}/exports/oas30?extensions=integrations,authorizers
//                                                       per deployed stage
//   GET /v2/apis?maxResults=500[&nextToken=]            HTTP and WebSocket APIs, "items" +
//   "nextToken" GET /v2/apis/{id}/stages, /authorizers              (paged the same way) GET
//   /v2/apis/{id}/exports/OAS30?outputType=JSON&includeExtensions=true   HTTP APIs GET
//   /v2/apis/{id}/routes                            WebSocket APIs
//
// Requests go through ControlPlaneClient (SigV4, rate limit, retries; see control_plane.h).
// A list that cannot be read whole fails the listing (so the hub deletes nothing), and so
// does any failure that would hit every API (credentials, throttling that outlasts the
// retries, an unreachable or failing service). A definite answer about one API (404, 400,
// an export that is not JSON) only marks that API with `error`. Normalization: normalize.h.
//
// Thread-safety: ListApis is called from one thread at a time (see Provider); name(),
// type() and Details() are immutable. HttpClient, Clock, Random and the options' Sleeper
// must outlive the provider.
#pragma once

#include <map>
#include <memory>
#include <stop_token>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/agent/config/agent_config.h"
#include "src/agent/provider.h"
#include "src/agent/providers/aws/control_plane.h"
#include "src/common/clock.h"
#include "src/common/http_client.h"
#include "src/common/random.h"

namespace gov::agent::aws {

class AwsProvider : public Provider {
 public:
  // A listing that reports more pages than this is treated as broken (at 500 items a page,
  // five million APIs) instead of paging forever.
  static constexpr int kMaxPages = 10000;

  AwsProvider(std::string name, AwsProviderConfig config, absl::Duration request_timeout,
              HttpClient* http, Clock* clock, Random* random, AwsProviderOptions options = {});

  const std::string& name() const override { return name_; }
  const std::string& type() const override { return type_; }
  // {"region": ..., "endpoint": <only when configured, without user info>}. No credentials.
  std::map<std::string, std::string> Details() const override;
  absl::Status ListApis(const ApiEmitter& emit, std::stop_token stop) override;

 private:
  // The wire names of one paging style: v1 ("limit", "position", list "item") or v2
  // ("maxResults", "nextToken", list "items").
  struct PageStyle {
    const char* size_param;
    const char* token_param;
    const char* list_key;
  };
  static const PageStyle kV1;
  static const PageStyle kV2;

  // Every item of a paged list, following the token until it is absent.
  absl::StatusOr<nlohmann::json> ReadAllPages(const std::string& path, const PageStyle& style,
                                              const std::string& what, std::stop_token stop);
  absl::Status ListRestApis(const ApiEmitter& emit, std::stop_token stop, int& emitted,
                            int& failed);
  absl::Status ListV2Apis(const ApiEmitter& emit, std::stop_token stop, int& emitted, int& failed);
  absl::Status CheckConfig() const;

  const std::string name_;
  const std::string type_ = "aws";
  const AwsProviderConfig config_;
  const AwsProviderOptions options_;
  absl::Status endpoint_status_;  // why the endpoint cannot be used (checked in ListApis)
  std::unique_ptr<ControlPlaneClient> client_;
};

}  // namespace gov::agent::aws
