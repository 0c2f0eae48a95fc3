// Wire shapes: the JSON objects the fake control plane answers, built from AwsData.
// API Gateway v1 sends dates as epoch seconds (numbers); v2 sends ISO 8601 strings.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "tests/fakes/aws_apigateway/aws_data.h"

namespace gov::fake::aws {

// "https://{id}.execute-api.{region}.amazonaws.com" (wss:// for WebSocket APIs).
std::string ExecuteApiHost(const std::string& id, const std::string& region);

// v1 RestApi, Stage and ApiKey (`value` only with include_value, as includeValues=true
// asks). Authorizers are served as the data holds them.
Json RestApiWire(const RestApi& api);
Json V1StageWire(const Json& stage);
Json ApiKeyWire(const Json& key, bool include_value);

// v2 Api (apiEndpoint derived from the region when the data has none) and Stage.
// Authorizers, routes and integrations are served as the data holds them.
Json V2ApiWire(const V2Api& api, const std::string& region);
Json V2StageWire(const Json& stage);

// A v1 answer in HAL (application/hal+json), what API Gateway v1 sends when the request
// does not ask for application/json: lists move under "_embedded" (a list of one item
// becomes a bare object, as HAL does) and every object gets "_links".
Json ToHal(const Json& body, const std::string& self_href);

}  // namespace gov::fake::aws
