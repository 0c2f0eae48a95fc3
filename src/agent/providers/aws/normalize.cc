#include "src/agent/providers/aws/normalize.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/agent/providers/aws/sigv4.h"
#include "src/common/hash.h"
#include "src/common/time_format.h"

namespace gov::agent::aws {
namespace {

using nlohmann::json;

// The string at `key` of an object; empty when absent or not a string.
std::string Str(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

bool Bool(const json& object, const char* key) {
  if (!object.is_object()) return false;
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

const json& ArrayOrEmpty(const json& value) {
  static const json* const empty = new json(json::array());
  return value.is_array() ? value : *empty;
}

// Sets extra[key] only when the value says something (no empty strings, lists or maps).
void Put(json& extra, const char* key, json value) {
  if (value.is_null()) return;
  if (value.is_string() && value.get_ref<const std::string&>().empty()) return;
  if ((value.is_array() || value.is_object()) && value.empty()) return;
  extra[key] = std::move(value);
}

std::string ExecuteApiBase(const std::string& scheme, const std::string& api_id,
                           const std::string& region) {
  return absl::StrCat(scheme, "://", api_id, ".execute-api.", region, ".", AwsDomain(region));
}

// "$default" is served at the root of an HTTP API's endpoint; any other stage at /{stage}.
std::string StageUrl(const std::string& base, const std::string& stage) {
  if (stage == "$default") return base;
  return absl::StrCat(base, "/", gov::aws::UriEncode(stage, /*encode_slash=*/true));
}

// One entry of extra.stages, sorted by name by the caller.
json StageEntry(const json& stage, const std::string& invoke_url) {
  json entry = json::object();
  entry["name"] = Str(stage, "stageName");
  entry["invoke_url"] = invoke_url;
  Put(entry, "deployment_id", Str(stage, "deploymentId"));
  if (stage.is_object() && stage.contains("lastUpdatedDate")) {
    Put(entry, "last_updated", NormalizeAwsTime(stage.at("lastUpdatedDate")));
  }
  return entry;
}

std::vector<const json*> StagesByName(const json& stages) {
  std::vector<const json*> out;
  for (const json& stage : ArrayOrEmpty(stages)) {
    if (stage.is_object() && !Str(stage, "stageName").empty()) out.push_back(&stage);
  }
  std::stable_sort(out.begin(), out.end(), [](const json* a, const json* b) {
    return Str(*a, "stageName") < Str(*b, "stageName");
  });
  return out;
}

// extra.authorizers: [{id, name, type}] sorted by name then id.
json AuthorizerList(const json& authorizers, const char* id_key, const char* type_key) {
  std::vector<json> out;
  for (const json& a : ArrayOrEmpty(authorizers)) {
    if (!a.is_object()) continue;
    json entry = json::object();
    Put(entry, "id", Str(a, id_key));
    Put(entry, "name", Str(a, "name"));
    Put(entry, "type", Str(a, type_key));
    out.push_back(std::move(entry));
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return std::make_pair(Str(a, "name"), Str(a, "id")) <
           std::make_pair(Str(b, "name"), Str(b, "id"));
  });
  return json(out);
}

// Mechanisms named by the authorizers alone (used when no export could be read).
std::set<std::string> MechanismsFromAuthorizers(const json& authorizers, const char* type_key) {
  std::set<std::string> out;
  for (const json& a : ArrayOrEmpty(authorizers)) {
    const std::string type = absl::AsciiStrToUpper(Str(a, type_key));
    if (type == "TOKEN" || type == "REQUEST") out.insert("lambda");
    if (type == "COGNITO_USER_POOLS") out.insert("cognito");
    if (type == "JWT") out.insert("jwt");
  }
  return out;
}

std::string MechanismOfScheme(const json& scheme) {
  if (!scheme.is_object()) return "custom";
  auto authorizer = scheme.find("x-amazon-apigateway-authorizer");
  if (authorizer != scheme.end() && authorizer->is_object()) {
    const std::string type = absl::AsciiStrToLower(Str(*authorizer, "type"));
    if (type == "cognito_user_pools") return "cognito";
    if (type == "jwt") return "jwt";
    if (type == "token" || type == "request") return "lambda";
  }
  const std::string authtype = absl::AsciiStrToLower(Str(scheme, "x-amazon-apigateway-authtype"));
  // "awsSigv4", and every term starting with "aws", are reserved for IAM authorization.
  if (absl::StartsWith(authtype, "aws")) return "iam";
  if (authtype == "cognito_user_pools") return "cognito";
  const std::string type = Str(scheme, "type");
  if (type == "apiKey") return "apiKey";
  if (type == "oauth2") return "oauth2";
  if (type == "openIdConnect") return "openid";
  if (type == "mutualTLS") return "mtls";
  if (type == "http") {
    const std::string how = absl::AsciiStrToLower(Str(scheme, "scheme"));
    if (how == "basic") return "basic";
    if (how == "bearer") {
      return absl::AsciiStrToUpper(Str(scheme, "bearerFormat")) == "JWT" ? "jwt" : "bearer";
    }
  }
  return "custom";
}

// True when a security requirement list lets a caller in without credentials: absent,
// empty, or holding an empty requirement ({} makes authentication optional).
bool IsOpen(const json* security) {
  if (security == nullptr || !security->is_array() || security->empty()) return true;
  for (const json& requirement : *security) {
    if (requirement.is_object() && requirement.empty()) return true;
  }
  return false;
}

void CollectSchemeNames(const json& security, std::set<std::string>& names) {
  for (const json& requirement : ArrayOrEmpty(security)) {
    if (!requirement.is_object()) continue;
    for (const auto& [name, scopes] : requirement.items()) names.insert(name);
  }
}

const std::set<std::string>& OperationKeys() {
  static const auto* const keys =
      new std::set<std::string>{"get",    "put",     "post",
                                "delete", "options", "head",
                                "patch",  "trace",   "x-amazon-apigateway-any-method"};
  return *keys;
}

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

std::string AwsDomain(const std::string& region) {
  return absl::StartsWith(region, "cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

std::string NormalizeAwsTime(const json& value) {
  if (value.is_number()) {
    const double seconds = value.get<double>();
    if (!std::isfinite(seconds)) return "";
    return FormatRfc3339(absl::FromUnixSeconds(static_cast<int64_t>(std::floor(seconds))));
  }
  if (!value.is_string()) return "";
  const std::string text = value.get<std::string>();
  absl::StatusOr<absl::Time> parsed = ParseRfc3339(text);
  if (parsed.ok()) return FormatRfc3339(*parsed);
  absl::Time t;
  std::string err;
  if (absl::ParseTime("%Y-%m-%dT%H:%M:%E*S%z", text, &t, &err)) {
    return FormatRfc3339(t);
  }
  return "";
}

std::vector<std::string> AuthMechanismsFromOas(const json& doc) {
  std::vector<std::string> out;
  if (!doc.is_object()) return out;
  const json* schemes = nullptr;
  if (auto c = doc.find("components"); c != doc.end() && c->is_object()) {
    if (auto s = c->find("securitySchemes"); s != c->end() && s->is_object()) schemes = &*s;
  }
  if (auto s = doc.find("securityDefinitions");
      schemes == nullptr && s != doc.end() && s->is_object()) {
    schemes = &*s;  // an OpenAPI 2 document
  }
  const json* top = nullptr;
  if (auto s = doc.find("security"); s != doc.end()) top = &*s;

  std::set<std::string> used;
  if (top != nullptr) CollectSchemeNames(*top, used);
  bool open = false;
  if (auto paths = doc.find("paths"); paths != doc.end() && paths->is_object()) {
    for (const auto& [path, item] : paths->items()) {
      if (!item.is_object()) continue;
      for (const auto& [method, op] : item.items()) {
        if (!OperationKeys().count(absl::AsciiStrToLower(method)) || !op.is_object()) continue;
        const json* security = top;
        if (auto s = op.find("security"); s != op.end()) security = &*s;
        if (security != nullptr) CollectSchemeNames(*security, used);
        if (absl::AsciiStrToLower(method) != "options" && IsOpen(security)) open = true;
      }
    }
  }
  for (const std::string& name : used) {
    if (schemes == nullptr || !schemes->contains(name)) continue;
    out.push_back(MechanismOfScheme(schemes->at(name)));
  }
  if (open) out.push_back("keyless");
  SortUnique(out);
  return out;
}

NormalizedApi NormalizeRestApi(const RestApiParts& parts, const std::string& region) {
  const json& api = parts.api;
  NormalizedApi out;
  out.external_id = Str(api, "id");
  out.name = Str(api, "name");
  out.description = Str(api, "description");
  out.protocol = "rest";
  out.definition = api;

  std::string endpoint_type;
  if (auto ec = api.find("endpointConfiguration"); ec != api.end() && ec->is_object()) {
    if (auto types = ec->find("types");
        types != ec->end() && types->is_array() && !types->empty() && types->at(0).is_string()) {
      endpoint_type = types->at(0).get<std::string>();
    }
  }
  out.internal = endpoint_type == "PRIVATE";

  const std::string base = ExecuteApiBase("https", out.external_id, region);
  json stages = json::array();
  std::string oas_stage;
  out.active = false;
  for (const json* stage : StagesByName(parts.stages)) {
    const std::string name = Str(*stage, "stageName");
    out.versions.push_back(name);
    json entry = StageEntry(*stage, StageUrl(base, name));
    if (!Str(*stage, "deploymentId").empty()) out.active = true;
    if (auto e = parts.exports.find(name); e != parts.exports.end()) {
      entry["export_sha256"] = Sha256Hex(e->second.dump());
      if (oas_stage.empty()) oas_stage = name;
    }
    stages.push_back(std::move(entry));
  }

  std::vector<std::string> mechanisms;
  for (const auto& [name, doc] : parts.exports) {
    for (std::string& m : AuthMechanismsFromOas(doc)) mechanisms.push_back(std::move(m));
  }
  if (parts.exports.empty()) {
    for (const std::string& m : MechanismsFromAuthorizers(parts.authorizers, "type")) {
      mechanisms.push_back(m);
    }
  }
  SortUnique(mechanisms);
  out.auth_mechanisms = std::move(mechanisms);
  if (!oas_stage.empty()) out.oas_document = parts.exports.at(oas_stage);

  json& extra = out.extra;
  extra["api_type"] = "REST";
  extra["region"] = region;
  Put(extra, "endpoint_type", endpoint_type);
  Put(extra, "stages", std::move(stages));
  Put(extra, "oas_stage", oas_stage);
  if (api.contains("tags") && api.at("tags").is_object()) Put(extra, "tags", api.at("tags"));
  if (api.contains("createdDate"))
    Put(extra, "created_at", NormalizeAwsTime(api.at("createdDate")));
  Put(extra, "version", Str(api, "version"));
  Put(extra, "authorizers", AuthorizerList(parts.authorizers, "id", "type"));
  Put(extra, "api_key_source", Str(api, "apiKeySource"));
  if (Bool(api, "disableExecuteApiEndpoint")) extra["disable_execute_api_endpoint"] = true;
  return out;
}

NormalizedApi NormalizeV2Api(const V2ApiParts& parts, const std::string& region) {
  const json& api = parts.api;
  NormalizedApi out;
  out.external_id = Str(api, "apiId");
  out.name = Str(api, "name");
  out.description = Str(api, "description");
  const bool websocket = absl::AsciiStrToUpper(Str(api, "protocolType")) == "WEBSOCKET";
  out.protocol = websocket ? "websocket" : "http";
  out.definition = api;

  std::string base = Str(api, "apiEndpoint");
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) base = ExecuteApiBase(websocket ? "wss" : "https", out.external_id, region);
  json stages = json::array();
  out.active = false;
  for (const json* stage : StagesByName(parts.stages)) {
    const std::string name = Str(*stage, "stageName");
    out.versions.push_back(name);
    if (!Str(*stage, "deploymentId").empty()) out.active = true;
    stages.push_back(StageEntry(*stage, StageUrl(base, name)));
  }

  std::vector<std::string> mechanisms;
  json routes = json::array();
  if (websocket) {
    // A WebSocket API authorizes on $connect only; without that route anyone may connect.
    std::vector<json> sorted;
    const json* connect = nullptr;
    for (const json& r : ArrayOrEmpty(parts.routes)) {
      if (!r.is_object()) continue;
      if (Str(r, "routeKey") == "$connect") connect = &r;
      json entry = json::object();
      entry["route_key"] = Str(r, "routeKey");
      const std::string type = Str(r, "authorizationType");
      entry["authorization_type"] = type.empty() ? "NONE" : type;
      if (Bool(r, "apiKeyRequired")) entry["api_key_required"] = true;
      Put(entry, "target", Str(r, "target"));
      sorted.push_back(std::move(entry));
    }
    std::sort(sorted.begin(), sorted.end(), [](const json& a, const json& b) {
      return Str(a, "route_key") < Str(b, "route_key");
    });
    routes = json(sorted);
    if (connect != nullptr) {
      const std::string type = absl::AsciiStrToUpper(Str(*connect, "authorizationType"));
      if (type == "AWS_IAM") mechanisms.push_back("iam");
      if (type == "CUSTOM") mechanisms.push_back("lambda");
      if (type == "JWT") mechanisms.push_back("jwt");
      if (Bool(*connect, "apiKeyRequired")) mechanisms.push_back("apiKey");
    }
    if (mechanisms.empty()) mechanisms.push_back("keyless");
  } else if (parts.oas.is_object()) {
    mechanisms = AuthMechanismsFromOas(parts.oas);
    out.oas_document = parts.oas;
  } else {
    for (const std::string& m : MechanismsFromAuthorizers(parts.authorizers, "authorizerType")) {
      mechanisms.push_back(m);
    }
  }
  SortUnique(mechanisms);
  out.auth_mechanisms = std::move(mechanisms);

  json& extra = out.extra;
  extra["api_type"] = websocket ? "WEBSOCKET" : "HTTP";
  extra["region"] = region;
  extra["endpoint_type"] = "REGIONAL";  // every HTTP and WebSocket API is regional
  Put(extra, "api_endpoint", Str(api, "apiEndpoint"));
  Put(extra, "stages", std::move(stages));
  if (api.contains("tags") && api.at("tags").is_object()) Put(extra, "tags", api.at("tags"));
  if (api.contains("createdDate"))
    Put(extra, "created_at", NormalizeAwsTime(api.at("createdDate")));
  Put(extra, "version", Str(api, "version"));
  Put(extra, "authorizers", AuthorizerList(parts.authorizers, "authorizerId", "authorizerType"));
  Put(extra, "routes", std::move(routes));
  if (Bool(api, "disableExecuteApiEndpoint")) extra["disable_execute_api_endpoint"] = true;
  return out;
}

}  // namespace gov::agent::aws
