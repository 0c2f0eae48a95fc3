// AwsData: what a fake API Gateway control plane holds for one account and region: REST
// APIs (API Gateway v1), HTTP and WebSocket APIs (v2), API keys, and the credentials it
// accepts. Loaded from a JSON data file (format: tests/fakes/README.md, "Data file") or
// generated for load tests.
//
// Objects keep the data file's fields, which are served as they are (so a file can add
// any field of the AWS API reference), except for the fake's own keys (stages,
// authorizers, resources, routes, integrations, export) and the dates, which the loader
// normalizes to RFC 3339 UTC strings ("2024-03-11T09:15:00Z"); the wire layer turns them
// into epoch seconds for v1 and ISO 8601 for v2.
//
// Thread-safety: plain values; share read-only between threads once loaded.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gov::fake::aws {

// JSON that keeps the key order of the data file.
using Json = nlohmann::ordered_json;

// The key pair of the AWS documentation's examples, accepted when neither the data file
// nor the command line names one.
inline constexpr char kExampleAccessKeyId[] = "AKIDEXAMPLE";
inline constexpr char kExampleSecretAccessKey[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
inline constexpr char kDefaultAccountId[] = "123456789012";

struct Credential {
  std::string access_key_id;
  std::string secret_access_key;
  // Non-empty for temporary credentials: every request must send it as
  // X-Amz-Security-Token. Empty: a request that sends a token is refused.
  std::string session_token;
  // The temporary credentials have expired: a request with them answers
  // ExpiredTokenException (once its signature checks out).
  bool expired = false;
};

// obj[key] when it is a string, else "".
std::string StringField(const Json& obj, const std::string& key);

// A REST API (v1).
struct RestApi {
  Json api;                       // RestApi fields: id, name, description, createdDate, ...
  std::vector<Json> stages;       // Stage: stageName, deploymentId, createdDate, ...
  std::vector<Json> authorizers;  // Authorizer: id, name, type, providerARNs, ...
  // {"path": "/orders/{id}", "methods": {"GET": {"authorizationType": "COGNITO_USER_POOLS",
  //  "authorizerId": "...", "apiKeyRequired": true, "operationName": "...",
  //  "integration": {...}}}}: what the OpenAPI export is synthesized from.
  std::vector<Json> resources;
  Json export_document;  // a verbatim OpenAPI 3 export, or null to synthesize one

  std::string id() const;    // "" when the data has none
  std::string name() const;  // "" when the data has none
  const Json* FindStage(const std::string& stage_name) const;
  const Json* FindAuthorizer(const std::string& authorizer_id) const;
};

// An HTTP or WebSocket API (v2).
struct V2Api {
  Json api;  // Api fields: apiId, name, protocolType, createdDate, ...
  std::vector<Json> stages;
  std::vector<Json> authorizers;   // authorizerId, name, authorizerType (JWT, REQUEST), ...
  std::vector<Json> routes;        // routeId, routeKey, authorizationType, target, ...
  std::vector<Json> integrations;  // integrationId, integrationType, integrationUri, ...
  Json export_document;            // a verbatim export, or null to synthesize one (HTTP only)

  std::string id() const;    // "" when the data has none
  std::string name() const;  // "" when the data has none
  bool websocket() const;
  const Json* FindStage(const std::string& stage_name) const;
  const Json* FindAuthorizer(const std::string& authorizer_id) const;
  const Json* FindIntegration(const std::string& integration_id) const;
};

struct AwsData {
  std::string region;  // empty when the file names none
  std::string account_id = kDefaultAccountId;
  std::vector<Credential> credentials;
  std::vector<RestApi> rest_apis;
  std::vector<V2Api> v2_apis;
  std::vector<Json> api_keys;  // ApiKey: id, name, value, enabled, stageKeys, createdDate, ...

  const RestApi* FindRestApi(const std::string& id) const;
  const V2Api* FindV2Api(const std::string& id) const;
};

// Validates and normalizes a data document. Every problem is reported, each with its
// place ("restApis[2] \"Orders\": stages[0]: stageName is missing"), joined with "; ".
absl::StatusOr<AwsData> ParseAwsData(const Json& document);
// Reads and parses a data file; errors start with the file's path.
absl::StatusOr<AwsData> LoadAwsDataFile(const std::string& path);

// Appends `count` generated REST APIs named "Generated API 0001", ...: ids derived from
// the names (10 characters of [0-9a-f], never one already taken), one or two stages, a few
// resources with NONE, AWS_IAM and Cognito authorization, some needing an API key, and
// tags. The same count always gives the same APIs.
void AddGeneratedRestApis(AwsData& data, int count);

}  // namespace gov::fake::aws
