// Provider: one configured API provider (a Tyk Dashboard, an AWS API Gateway region).
// A provider lists every API it has and normalizes each into a NormalizedApi.
//
// Thread-safety: a Provider's ListApis is called from one thread at a time; name(),
// type() and Details() are immutable and safe from any thread.
#pragma once

#include <functional>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace gov::agent {

// One API as the hub receives it. The hash covers every normalized field, the OAS
// document and the original definition, so an unchanged API hashes the same every sync.
struct NormalizedApi {
  std::string external_id;  // the provider's id, unique within the provider
  std::string name;
  std::string description;
  std::vector<std::string> versions;
  std::string listen_path;
  std::string upstream_url;
  std::string protocol;  // http, https, tcp, tls, graphql, grpc, websocket, ...
  std::vector<std::string> auth_mechanisms;
  bool active = true;
  bool internal = false;
  nlohmann::json oas_document;                      // null when the API has no OpenAPI document
  nlohmann::json definition;                        // the provider's original definition
  nlohmann::json extra = nlohmann::json::object();  // provider-specific fields
  // Set when the API was listed but could not be read whole (e.g. its OAS document
  // failed to download). The hub counts it as failed and keeps its previous version.
  std::string error;
};

// sha256 hex over the canonical JSON of every field except `error`.
std::string ContentHash(const NormalizedApi& api);

using ApiEmitter = std::function<absl::Status(NormalizedApi)>;

class Provider {
 public:
  virtual ~Provider() = default;
  virtual const std::string& name() const = 0;
  virtual const std::string& type() const = 0;
  // Non-secret details shown on the hub (host, region). Never keys or tokens.
  virtual std::map<std::string, std::string> Details() const = 0;
  // Lists every API, calling `emit` once per API. Returns OK only when the listing is
  // complete (every page read); any error means the listing must not be used to delete.
  // Stops early with CANCELLED when `stop` is requested or `emit` fails.
  virtual absl::Status ListApis(const ApiEmitter& emit, std::stop_token stop) = 0;
};

}  // namespace gov::agent
