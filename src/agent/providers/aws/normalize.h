// Normalization of AWS API Gateway APIs into NormalizedApi records: pure functions of
// what the control plane answered (see README.md beside this file for the field table).
//
// One record per API. REST APIs (v1) come with their stages, authorizers and the OpenAPI 3
// export of each deployed stage; HTTP APIs (v2) with their stages, authorizers and one
// OpenAPI 3 export; WebSocket APIs (v2) with their stages, authorizers and routes.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "src/agent/provider.h"

namespace gov::agent::aws {

// What was read about one REST API (v1). Arrays may be empty; `exports` holds the export
// of each deployed stage that could be read, by stage name.
struct RestApiParts {
  nlohmann::json api;  // the item of GET /restapis, kept as `definition`
  nlohmann::json stages = nlohmann::json::array();       // GET /restapis/{id}/stages "item"
  nlohmann::json authorizers = nlohmann::json::array();  // GET /restapis/{id}/authorizers
  std::map<std::string, nlohmann::json> exports;         // stage name -> OAS 3 export
};

// What was read about one HTTP or WebSocket API (v2).
struct V2ApiParts {
  nlohmann::json api;  // the item of GET /v2/apis, kept as `definition`
  nlohmann::json stages = nlohmann::json::array();
  nlohmann::json authorizers = nlohmann::json::array();
  nlohmann::json routes = nlohmann::json::array();  // WebSocket APIs only
  nlohmann::json oas = nullptr;                     // HTTP APIs: the OAS 3 export, if read
};

NormalizedApi NormalizeRestApi(const RestApiParts& parts, const std::string& region);
NormalizedApi NormalizeV2Api(const V2ApiParts& parts, const std::string& region);

// The auth mechanisms an OpenAPI export declares (sorted, unique): every security scheme
// some operation requires, mapped to iam, cognito, lambda, jwt, apiKey, oauth2, openid,
// basic, bearer, mtls or custom; plus "keyless" when an operation other than OPTIONS
// (CORS preflight) requires nothing.
std::vector<std::string> AuthMechanismsFromOas(const nlohmann::json& doc);

// A time as API Gateway sends it (v1: epoch seconds, a number; v2: an ISO 8601 string) in
// RFC 3339 UTC with whole seconds. Empty when absent or unreadable.
std::string NormalizeAwsTime(const nlohmann::json& value);

// "amazonaws.com", or "amazonaws.com.cn" for the China regions.
std::string AwsDomain(const std::string& region);

}  // namespace gov::agent::aws
