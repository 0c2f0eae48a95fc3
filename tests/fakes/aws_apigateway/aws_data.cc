#include "tests/fakes/aws_apigateway/aws_data.h"

#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "src/common/hash.h"
#include "src/common/time_format.h"

namespace gov::fake::aws {
namespace {

constexpr char kDefaultCreatedDate[] = "2024-01-01T00:00:00Z";

// Collects every problem of a document, each with its place.
class Problems {
 public:
  void Add(const std::string& where, const std::string& what) {
    list_.push_back(where.empty() ? what : absl::StrCat(where, ": ", what));
  }
  bool empty() const { return list_.empty(); }
  std::string Joined() const { return absl::StrJoin(list_, "; "); }

 private:
  std::vector<std::string> list_;
};

std::string Quoted(const std::string& s) { return absl::StrCat("\"", s, "\""); }

// "restApis[2] \"Orders\"": the place of an element, named when it has a name.
std::string Place(const std::string& list, size_t index, const Json& item,
                  const char* name_key = "name") {
  std::string where = absl::StrCat(list, "[", index, "]");
  if (item.is_object() && item.contains(name_key) && item[name_key].is_string()) {
    absl::StrAppend(&where, " ", Quoted(item[name_key].get<std::string>()));
  }
  return where;
}

bool IsIdentifier(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// Requires obj[key] to be a non-empty string; returns it ("" when it is not).
std::string RequireString(const Json& obj, const std::string& key, const std::string& where,
                          Problems& problems) {
  if (!obj.contains(key)) {
    problems.Add(where, absl::StrCat(key, " is missing"));
    return "";
  }
  if (!obj[key].is_string() || obj[key].get<std::string>().empty()) {
    problems.Add(where, absl::StrCat(key, " must be a non-empty string"));
    return "";
  }
  return obj[key].get<std::string>();
}

std::string RequireIdentifier(const Json& obj, const std::string& key, const std::string& where,
                              Problems& problems) {
  std::string id = RequireString(obj, key, where, problems);
  if (!id.empty() && !IsIdentifier(id)) {
    problems.Add(where,
                 absl::StrCat(key, " ", Quoted(id), " may only hold letters, digits, '-' and '_'"));
    return "";
  }
  return id;
}

// Checks obj[key], when present, is one of `allowed`; sets `fallback` when absent (unless
// fallback is empty). Returns the value.
std::string RequireEnum(Json& obj, const std::string& key, const std::set<std::string>& allowed,
                        const std::string& fallback, const std::string& where, Problems& problems) {
  if (!obj.contains(key)) {
    if (fallback.empty()) {
      problems.Add(where, absl::StrCat(key, " is missing"));
      return "";
    }
    obj[key] = fallback;
    return fallback;
  }
  const std::string value = obj[key].is_string() ? obj[key].get<std::string>() : "";
  if (allowed.count(value) == 0) {
    problems.Add(where, absl::StrCat(key, " must be one of ", absl::StrJoin(allowed, ", "),
                                     ", not ", obj[key].dump()));
    return "";
  }
  return value;
}

// Normalizes obj[key] (an RFC 3339 string or epoch seconds) to an RFC 3339 UTC string;
// sets `fallback` when absent.
void NormalizeDate(Json& obj, const std::string& key, const std::string& fallback,
                   const std::string& where, Problems& problems) {
  if (!obj.contains(key)) {
    obj[key] = fallback;
    return;
  }
  const Json& value = obj[key];
  if (value.is_number()) {
    obj[key] = FormatRfc3339(absl::FromUnixSeconds(value.get<int64_t>()));
    return;
  }
  if (value.is_string()) {
    absl::StatusOr<absl::Time> t = ParseRfc3339(value.get<std::string>());
    if (t.ok()) {
      obj[key] = FormatRfc3339(*t);
      return;
    }
  }
  problems.Add(where,
               absl::StrCat(key, " must be an RFC 3339 time such as ", Quoted(kDefaultCreatedDate),
                            " or epoch seconds, not ", value.dump()));
}

// Removes and returns obj[key] as a list of objects ([] when absent).
std::vector<Json> TakeObjectList(Json& obj, const std::string& key, const std::string& where,
                                 Problems& problems) {
  std::vector<Json> out;
  if (!obj.contains(key)) return out;
  Json list = std::move(obj[key]);
  obj.erase(key);
  if (!list.is_array()) {
    problems.Add(where, absl::StrCat(key, " must be an array"));
    return out;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_object()) {
      problems.Add(absl::StrCat(where, ": ", key, "[", i, "]"), "must be an object");
      continue;
    }
    out.push_back(std::move(list[i]));
  }
  return out;
}

Json TakeExport(Json& obj, const std::string& where, Problems& problems) {
  if (!obj.contains("export")) return Json();
  Json doc = std::move(obj["export"]);
  obj.erase("export");
  if (doc.is_null()) return doc;  // synthesize one
  if (!doc.is_object() || !doc.contains("openapi") || !doc["openapi"].is_string() ||
      !absl::StartsWith(doc["openapi"].get<std::string>(), "3.")) {
    problems.Add(where,
                 "export must be an OpenAPI 3 document (an object with \"openapi\": \"3.x\")");
    return Json();
  }
  return doc;
}

// A stable id of `length` hex digits derived from `seed`.
std::string DerivedId(const std::string& seed, size_t length) {
  return Sha256Hex(seed).substr(0, length);
}

void CheckStringList(const Json& obj, const std::string& key, const std::string& where,
                     Problems& problems, bool required) {
  if (!obj.contains(key)) {
    if (required) problems.Add(where, absl::StrCat(key, " is missing"));
    return;
  }
  const Json& list = obj[key];
  bool ok = list.is_array() && (!required || !list.empty());
  if (ok) {
    for (const Json& s : list) ok = ok && s.is_string();
  }
  if (!ok) {
    problems.Add(
        where, absl::StrCat(key, " must be a", required ? " non-empty" : "n", " array of strings"));
  }
}

void ParseStages(std::vector<Json>& stages, const std::string& api_where,
                 const std::string& api_created, const std::string& api_id, Problems& problems) {
  std::set<std::string> names;
  for (size_t i = 0; i < stages.size(); ++i) {
    Json& stage = stages[i];
    const std::string where = absl::StrCat(api_where, ": ", Place("stages", i, stage, "stageName"));
    const std::string name = RequireString(stage, "stageName", where, problems);
    if (!name.empty() && !names.insert(name).second) {
      problems.Add(where, absl::StrCat("stageName ", Quoted(name), " is used twice"));
    }
    NormalizeDate(stage, "createdDate", api_created, where, problems);
    const std::string created =
        stage["createdDate"].is_string() ? stage["createdDate"].get<std::string>() : api_created;
    NormalizeDate(stage, "lastUpdatedDate", created, where, problems);
    if (!stage.contains("deploymentId")) {
      stage["deploymentId"] = DerivedId(absl::StrCat("deployment:", api_id, ":", name), 6);
    }
  }
}

template <typename Find>
void CheckAuthorizerReference(const Json& method, const std::string& type_key,
                              const std::string& auth_type, const std::set<std::string>& kinds,
                              Find find, const std::string& where, Problems& problems) {
  if (!method.contains("authorizerId") || !method["authorizerId"].is_string()) {
    problems.Add(where, absl::StrCat(type_key, " ", auth_type, " needs an authorizerId"));
    return;
  }
  const std::string id = method["authorizerId"].get<std::string>();
  const Json* authorizer = find(id);
  if (authorizer == nullptr) {
    problems.Add(where,
                 absl::StrCat("authorizerId ", Quoted(id), " names no authorizer of the API"));
    return;
  }
  for (const char* key : {"type", "authorizerType"}) {
    if (authorizer->contains(key) && (*authorizer)[key].is_string() &&
        kinds.count((*authorizer)[key].get<std::string>()) == 0) {
      problems.Add(where,
                   absl::StrCat(type_key, " ", auth_type, " cannot use authorizer ", Quoted(id),
                                " of type ", (*authorizer)[key].get<std::string>()));
    }
  }
}

RestApi ParseRestApi(Json item, const std::string& where, Problems& problems) {
  RestApi rest;
  rest.stages = TakeObjectList(item, "stages", where, problems);
  rest.authorizers = TakeObjectList(item, "authorizers", where, problems);
  rest.resources = TakeObjectList(item, "resources", where, problems);
  rest.export_document = TakeExport(item, where, problems);
  rest.api = std::move(item);
  Json& api = rest.api;

  const std::string id = RequireIdentifier(api, "id", where, problems);
  RequireString(api, "name", where, problems);
  NormalizeDate(api, "createdDate", kDefaultCreatedDate, where, problems);
  const std::string created =
      api["createdDate"].is_string() ? api["createdDate"].get<std::string>() : kDefaultCreatedDate;
  RequireEnum(api, "apiKeySource", {"HEADER", "AUTHORIZER"}, "HEADER", where, problems);
  if (!api.contains("endpointConfiguration")) {
    api["endpointConfiguration"] = Json{{"types", Json::array({"EDGE"})}};
  } else {
    const Json& types = api["endpointConfiguration"].is_object()
                            ? api["endpointConfiguration"].value("types", Json())
                            : Json();
    bool ok = types.is_array() && types.size() == 1;
    for (const Json& t : types) {
      ok = ok && t.is_string() &&
           std::set<std::string>{"EDGE", "REGIONAL", "PRIVATE"}.count(t.get<std::string>()) > 0;
    }
    if (!ok) {
      problems.Add(where,
                   "endpointConfiguration.types must be one of [\"EDGE\"], [\"REGIONAL\"], "
                   "[\"PRIVATE\"]");
    }
  }
  if (!api.contains("disableExecuteApiEndpoint")) api["disableExecuteApiEndpoint"] = false;
  if (!api.contains("rootResourceId")) api["rootResourceId"] = DerivedId("root:" + id, 10);

  ParseStages(rest.stages, where, created, id, problems);

  std::set<std::string> authorizer_ids;
  for (size_t i = 0; i < rest.authorizers.size(); ++i) {
    Json& authorizer = rest.authorizers[i];
    const std::string at = absl::StrCat(where, ": ", Place("authorizers", i, authorizer));
    const std::string auth_id = RequireIdentifier(authorizer, "id", at, problems);
    if (!auth_id.empty() && !authorizer_ids.insert(auth_id).second) {
      problems.Add(at, absl::StrCat("id ", Quoted(auth_id), " is used twice"));
    }
    RequireString(authorizer, "name", at, problems);
    const std::string type = RequireEnum(
        authorizer, "type", {"TOKEN", "REQUEST", "COGNITO_USER_POOLS"}, "", at, problems);
    if (type == "COGNITO_USER_POOLS") {
      CheckStringList(authorizer, "providerARNs", at, problems, /*required=*/true);
    } else if (!type.empty()) {
      RequireString(authorizer, "authorizerUri", at, problems);
      if (!authorizer.contains("authorizerResultTtlInSeconds")) {
        authorizer["authorizerResultTtlInSeconds"] = 300;
      }
    }
    if (!authorizer.contains("identitySource") && type != "REQUEST") {
      authorizer["identitySource"] = "method.request.header.Authorization";
    }
    if (type == "REQUEST" && !authorizer.contains("identitySource")) {
      problems.Add(at, "a REQUEST authorizer needs an identitySource");
    }
  }

  const std::set<std::string> verbs = {"GET",    "POST", "PUT",     "PATCH",
                                       "DELETE", "HEAD", "OPTIONS", "ANY"};
  std::set<std::string> paths;
  for (size_t i = 0; i < rest.resources.size(); ++i) {
    Json& resource = rest.resources[i];
    const std::string at = absl::StrCat(where, ": ", Place("resources", i, resource, "path"));
    const std::string path = RequireString(resource, "path", at, problems);
    if (!path.empty() && path[0] != '/') problems.Add(at, "path must start with '/'");
    if (!path.empty() && !paths.insert(path).second) problems.Add(at, "path is listed twice");
    if (!resource.contains("methods") || !resource["methods"].is_object() ||
        resource["methods"].empty()) {
      problems.Add(at, "methods must be a non-empty object such as {\"GET\": {}}");
      continue;
    }
    for (auto& [verb, method] : resource["methods"].items()) {
      const std::string mat = absl::StrCat(at, ": ", verb);
      if (verbs.count(verb) == 0) {
        problems.Add(mat, absl::StrCat("not an HTTP method (", absl::StrJoin(verbs, ", "), ")"));
        continue;
      }
      if (!method.is_object()) {
        problems.Add(mat, "must be an object");
        continue;
      }
      const std::string auth =
          RequireEnum(method, "authorizationType",
                      {"NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"}, "NONE", mat, problems);
      auto find = [&rest](const std::string& auth_id) { return rest.FindAuthorizer(auth_id); };
      if (auth == "CUSTOM") {
        CheckAuthorizerReference(method, "authorizationType", auth, {"TOKEN", "REQUEST"}, find, mat,
                                 problems);
      } else if (auth == "COGNITO_USER_POOLS") {
        CheckAuthorizerReference(method, "authorizationType", auth, {"COGNITO_USER_POOLS"}, find,
                                 mat, problems);
      }
      if (method.contains("apiKeyRequired") && !method["apiKeyRequired"].is_boolean()) {
        problems.Add(mat, "apiKeyRequired must be true or false");
      }
      if (method.contains("integration") &&
          (!method["integration"].is_object() || !method["integration"].contains("type"))) {
        problems.Add(mat, "integration must be an object with a type");
      }
    }
  }
  return rest;
}

V2Api ParseV2Api(Json item, const std::string& where, Problems& problems) {
  V2Api v2;
  v2.stages = TakeObjectList(item, "stages", where, problems);
  v2.authorizers = TakeObjectList(item, "authorizers", where, problems);
  v2.routes = TakeObjectList(item, "routes", where, problems);
  v2.integrations = TakeObjectList(item, "integrations", where, problems);
  v2.export_document = TakeExport(item, where, problems);
  v2.api = std::move(item);
  Json& api = v2.api;

  const std::string id = RequireIdentifier(api, "apiId", where, problems);
  RequireString(api, "name", where, problems);
  const std::string protocol =
      RequireEnum(api, "protocolType", {"HTTP", "WEBSOCKET"}, "", where, problems);
  const bool websocket = protocol == "WEBSOCKET";
  NormalizeDate(api, "createdDate", kDefaultCreatedDate, where, problems);
  const std::string created =
      api["createdDate"].is_string() ? api["createdDate"].get<std::string>() : kDefaultCreatedDate;
  if (!api.contains("routeSelectionExpression")) {
    api["routeSelectionExpression"] =
        websocket ? "$request.body.action" : "$request.method $request.path";
  }
  if (!api.contains("apiKeySelectionExpression")) {
    api["apiKeySelectionExpression"] = "$request.header.x-api-key";
  }
  if (!api.contains("disableExecuteApiEndpoint")) api["disableExecuteApiEndpoint"] = false;
  if (websocket && !v2.export_document.is_null()) {
    problems.Add(where, "a WebSocket API has no export");
  }

  ParseStages(v2.stages, where, created, id, problems);

  std::set<std::string> authorizer_ids;
  for (size_t i = 0; i < v2.authorizers.size(); ++i) {
    Json& authorizer = v2.authorizers[i];
    const std::string at = absl::StrCat(where, ": ", Place("authorizers", i, authorizer));
    const std::string auth_id = RequireIdentifier(authorizer, "authorizerId", at, problems);
    if (!auth_id.empty() && !authorizer_ids.insert(auth_id).second) {
      problems.Add(at, absl::StrCat("authorizerId ", Quoted(auth_id), " is used twice"));
    }
    RequireString(authorizer, "name", at, problems);
    const std::string type =
        RequireEnum(authorizer, "authorizerType", {"JWT", "REQUEST"}, "", at, problems);
    if (type == "JWT") {
      if (websocket) problems.Add(at, "a WebSocket API cannot have a JWT authorizer");
      const Json& jwt = authorizer.value("jwtConfiguration", Json());
      if (!jwt.is_object() || !jwt.contains("issuer") || !jwt["issuer"].is_string()) {
        problems.Add(at, "a JWT authorizer needs jwtConfiguration.issuer");
      }
    } else if (type == "REQUEST") {
      RequireString(authorizer, "authorizerUri", at, problems);
    }
    if (!authorizer.contains("identitySource")) {
      authorizer["identitySource"] = Json::array(
          {websocket ? "route.request.header.Authorization" : "$request.header.Authorization"});
    }
    CheckStringList(authorizer, "identitySource", at, problems, /*required=*/true);
  }

  std::set<std::string> integration_ids;
  for (size_t i = 0; i < v2.integrations.size(); ++i) {
    Json& integration = v2.integrations[i];
    const std::string at =
        absl::StrCat(where, ": ", Place("integrations", i, integration, "integrationId"));
    const std::string integration_id =
        RequireIdentifier(integration, "integrationId", at, problems);
    if (!integration_id.empty() && !integration_ids.insert(integration_id).second) {
      problems.Add(at, "integrationId is used twice");
    }
    RequireEnum(integration, "integrationType", {"AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"},
                "", at, problems);
  }

  const std::set<std::string> verbs = {"GET",    "POST", "PUT",     "PATCH",
                                       "DELETE", "HEAD", "OPTIONS", "ANY"};
  std::set<std::string> keys;
  for (size_t i = 0; i < v2.routes.size(); ++i) {
    Json& route = v2.routes[i];
    const std::string at = absl::StrCat(where, ": ", Place("routes", i, route, "routeKey"));
    RequireIdentifier(route, "routeId", at, problems);
    const std::string key = RequireString(route, "routeKey", at, problems);
    if (!key.empty() && !keys.insert(key).second) problems.Add(at, "routeKey is used twice");
    if (!websocket && !key.empty() && key != "$default") {
      const size_t space = key.find(' ');
      if (space == std::string::npos || verbs.count(key.substr(0, space)) == 0 ||
          key.size() <= space + 1 || key[space + 1] != '/') {
        problems.Add(at,
                     "an HTTP API routeKey is \"$default\" or \"METHOD /path\" (METHOD one of " +
                         absl::StrJoin(verbs, ", ") + ")");
      }
    }
    const std::string auth = RequireEnum(
        route, "authorizationType", {"NONE", "AWS_IAM", "JWT", "CUSTOM"}, "NONE", at, problems);
    auto find = [&v2](const std::string& auth_id) { return v2.FindAuthorizer(auth_id); };
    if (auth == "JWT") {
      CheckAuthorizerReference(route, "authorizationType", auth, {"JWT"}, find, at, problems);
    } else if (auth == "CUSTOM") {
      CheckAuthorizerReference(route, "authorizationType", auth, {"REQUEST"}, find, at, problems);
    }
    if (!route.contains("apiKeyRequired")) route["apiKeyRequired"] = false;
    if (route.contains("target")) {
      const std::string target =
          route["target"].is_string() ? route["target"].get<std::string>() : "";
      const std::string prefix = "integrations/";
      if (!absl::StartsWith(target, prefix) ||
          v2.FindIntegration(target.substr(prefix.size())) == nullptr) {
        problems.Add(at, absl::StrCat("target ", route["target"].dump(),
                                      " must be \"integrations/<integrationId>\" of an integration "
                                      "of the API"));
      }
    }
  }
  return v2;
}

}  // namespace

std::string StringField(const Json& obj, const std::string& key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) return "";
  return obj[key].get<std::string>();
}

std::string RestApi::id() const { return StringField(api, "id"); }
std::string RestApi::name() const { return StringField(api, "name"); }
std::string V2Api::id() const { return StringField(api, "apiId"); }
std::string V2Api::name() const { return StringField(api, "name"); }
bool V2Api::websocket() const { return StringField(api, "protocolType") == "WEBSOCKET"; }

const Json* RestApi::FindStage(const std::string& stage_name) const {
  for (const Json& s : stages) {
    if (StringField(s, "stageName") == stage_name) return &s;
  }
  return nullptr;
}

const Json* RestApi::FindAuthorizer(const std::string& authorizer_id) const {
  for (const Json& a : authorizers) {
    if (StringField(a, "id") == authorizer_id) return &a;
  }
  return nullptr;
}

const Json* V2Api::FindStage(const std::string& stage_name) const {
  for (const Json& s : stages) {
    if (StringField(s, "stageName") == stage_name) return &s;
  }
  return nullptr;
}

const Json* V2Api::FindAuthorizer(const std::string& authorizer_id) const {
  for (const Json& a : authorizers) {
    if (StringField(a, "authorizerId") == authorizer_id) return &a;
  }
  return nullptr;
}

const Json* V2Api::FindIntegration(const std::string& integration_id) const {
  for (const Json& i : integrations) {
    if (StringField(i, "integrationId") == integration_id) return &i;
  }
  return nullptr;
}

const RestApi* AwsData::FindRestApi(const std::string& id) const {
  for (const RestApi& api : rest_apis) {
    if (api.id() == id) return &api;
  }
  return nullptr;
}

const V2Api* AwsData::FindV2Api(const std::string& id) const {
  for (const V2Api& api : v2_apis) {
    if (api.id() == id) return &api;
  }
  return nullptr;
}

absl::StatusOr<AwsData> ParseAwsData(const Json& document) {
  if (!document.is_object()) {
    return absl::InvalidArgumentError("the data file must hold a JSON object");
  }
  Problems problems;
  AwsData data;
  const std::set<std::string> known = {"region",   "accountId", "credentials",
                                       "restApis", "apis",      "apiKeys"};
  for (const auto& [key, value] : document.items()) {
    if (known.count(key) == 0 && !absl::StartsWith(key, "_") && !absl::StartsWith(key, "$")) {
      problems.Add(
          "", absl::StrCat("unknown key ", Quoted(key), " (known: ", absl::StrJoin(known, ", "),
                           "; keys starting with _ are comments)"));
    }
  }
  if (document.contains("region")) {
    data.region = document["region"].is_string() ? document["region"].get<std::string>() : "";
    if (data.region.empty())
      problems.Add("region", "must be a non-empty string such as \"us-east-1\"");
  }
  if (document.contains("accountId")) {
    data.account_id =
        document["accountId"].is_string() ? document["accountId"].get<std::string>() : "";
    bool ok = data.account_id.size() == 12;
    for (char c : data.account_id) ok = ok && absl::ascii_isdigit(static_cast<unsigned char>(c));
    if (!ok) problems.Add("accountId", "must be a string of 12 digits");
  }

  Json copy = document;
  const std::vector<Json> credentials = TakeObjectList(copy, "credentials", "", problems);
  std::set<std::string> key_ids;
  for (size_t i = 0; i < credentials.size(); ++i) {
    const std::string at = absl::StrCat("credentials[", i, "]");
    Credential credential;
    credential.access_key_id = RequireString(credentials[i], "accessKeyId", at, problems);
    credential.secret_access_key = RequireString(credentials[i], "secretAccessKey", at, problems);
    if (credentials[i].contains("sessionToken")) {
      credential.session_token = RequireString(credentials[i], "sessionToken", at, problems);
    }
    if (credentials[i].contains("expired")) {
      if (!credentials[i]["expired"].is_boolean())
        problems.Add(at, "expired must be true or false");
      credential.expired =
          credentials[i]["expired"].is_boolean() && credentials[i]["expired"].get<bool>();
      if (credential.expired && credential.session_token.empty()) {
        problems.Add(at, "only temporary credentials (with a sessionToken) can be expired");
      }
    }
    if (!credential.access_key_id.empty() && !key_ids.insert(credential.access_key_id).second) {
      problems.Add(
          at, absl::StrCat("accessKeyId ", Quoted(credential.access_key_id), " is listed twice"));
    }
    data.credentials.push_back(std::move(credential));
  }

  std::set<std::string> ids;
  std::vector<Json> rest_items = TakeObjectList(copy, "restApis", "", problems);
  for (size_t i = 0; i < rest_items.size(); ++i) {
    const std::string where = Place("restApis", i, rest_items[i]);
    RestApi api = ParseRestApi(std::move(rest_items[i]), where, problems);
    if (!api.id().empty() && !ids.insert(api.id()).second) {
      problems.Add(where, absl::StrCat("id ", Quoted(api.id()), " is used twice"));
    }
    data.rest_apis.push_back(std::move(api));
  }
  std::set<std::string> v2_ids;
  std::vector<Json> v2_items = TakeObjectList(copy, "apis", "", problems);
  for (size_t i = 0; i < v2_items.size(); ++i) {
    const std::string where = Place("apis", i, v2_items[i]);
    V2Api api = ParseV2Api(std::move(v2_items[i]), where, problems);
    if (!api.id().empty() && !v2_ids.insert(api.id()).second) {
      problems.Add(where, absl::StrCat("apiId ", Quoted(api.id()), " is used twice"));
    }
    data.v2_apis.push_back(std::move(api));
  }

  std::vector<Json> keys = TakeObjectList(copy, "apiKeys", "", problems);
  std::set<std::string> api_key_ids;
  for (size_t i = 0; i < keys.size(); ++i) {
    Json& key = keys[i];
    const std::string at = Place("apiKeys", i, key);
    const std::string key_id = RequireIdentifier(key, "id", at, problems);
    if (!key_id.empty() && !api_key_ids.insert(key_id).second) problems.Add(at, "id is used twice");
    RequireString(key, "name", at, problems);
    RequireString(key, "value", at, problems);
    if (!key.contains("enabled")) key["enabled"] = true;
    NormalizeDate(key, "createdDate", kDefaultCreatedDate, at, problems);
    const std::string created = key["createdDate"].is_string()
                                    ? key["createdDate"].get<std::string>()
                                    : kDefaultCreatedDate;
    NormalizeDate(key, "lastUpdatedDate", created, at, problems);
    if (!key.contains("stageKeys")) key["stageKeys"] = Json::array();
    CheckStringList(key, "stageKeys", at, problems, /*required=*/false);
    if (key["stageKeys"].is_array()) {
      for (const Json& stage_key : key["stageKeys"]) {
        if (!stage_key.is_string()) continue;
        const std::string sk = stage_key.get<std::string>();
        const size_t slash = sk.find('/');
        const RestApi* api =
            slash == std::string::npos ? nullptr : data.FindRestApi(sk.substr(0, slash));
        if (api == nullptr || api->FindStage(sk.substr(slash + 1)) == nullptr) {
          problems.Add(at, absl::StrCat("stageKeys entry ", Quoted(sk),
                                        " is not \"<restApiId>/<stageName>\" of a REST API stage"));
        }
      }
    }
    data.api_keys.push_back(std::move(key));
  }

  if (!problems.empty()) return absl::InvalidArgumentError(problems.Joined());
  return data;
}

absl::StatusOr<AwsData> LoadAwsDataFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read data file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  Json document;
  try {
    document = Json::parse(buffer.str());
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": invalid JSON: ", e.what()));
  }
  absl::StatusOr<AwsData> data = ParseAwsData(document);
  if (!data.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", data.status().message()));
  }
  return data;
}

void AddGeneratedRestApis(AwsData& data, int count) {
  std::set<std::string> taken;
  for (const RestApi& api : data.rest_apis) taken.insert(api.id());
  const absl::Time base = absl::FromUnixSeconds(1672531200);  // 2023-01-01T00:00:00Z
  const char* teams[] = {"payments", "catalog", "identity", "logistics", "growth"};
  for (int i = 1; i <= count; ++i) {
    const std::string name = absl::StrFormat("Generated API %04d", i);
    std::string id;
    for (int salt = 0; id.empty() || taken.count(id) > 0; ++salt) {
      id = DerivedId(absl::StrCat("generated-rest:", i, ":", salt), 10);
    }
    taken.insert(id);
    const std::string created = FormatRfc3339(base + absl::Hours(i));
    const std::string team = teams[i % 5];

    RestApi api;
    api.api = Json{
        {"id", id},
        {"name", name},
        {"description", absl::StrFormat("Generated REST API number %d for load tests", i)},
        {"version", absl::StrFormat("1.%d.0", i % 7)},
        {"createdDate", created},
        {"apiKeySource", "HEADER"},
        {"endpointConfiguration", Json{{"types", Json::array({i % 2 == 0 ? "REGIONAL" : "EDGE"})}}},
        {"disableExecuteApiEndpoint", false},
        {"rootResourceId", DerivedId("root:" + id, 10)},
        {"tags", Json{{"team", team}, {"generated", "true"}}}};
    api.stages.push_back(Json{{"stageName", "prod"},
                              {"deploymentId", DerivedId("deployment:" + id + ":prod", 6)},
                              {"createdDate", created},
                              {"lastUpdatedDate", created},
                              {"cacheClusterEnabled", false},
                              {"cacheClusterStatus", "NOT_AVAILABLE"},
                              {"tracingEnabled", false},
                              {"methodSettings", Json::object()}});
    if (i % 2 == 0) {
      Json dev = api.stages.front();
      dev["stageName"] = "dev";
      dev["deploymentId"] = DerivedId("deployment:" + id + ":dev", 6);
      api.stages.push_back(std::move(dev));
    }
    const std::string lambda = absl::StrFormat(
        "arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/arn:aws:lambda:%s:%s:function:"
        "generated-%04d/invocations",
        data.region.empty() ? "us-east-1" : data.region,
        data.region.empty() ? "us-east-1" : data.region, data.account_id, i);
    Json integration = Json{{"type", "AWS_PROXY"}, {"httpMethod", "POST"}, {"uri", lambda}};
    Json list_method = Json{{"authorizationType", "NONE"}, {"integration", integration}};
    Json get_method = list_method;
    if (i % 3 == 1) {
      get_method["authorizationType"] = "AWS_IAM";
    } else if (i % 3 == 2) {
      const std::string authorizer_id = DerivedId("authorizer:" + id, 6);
      api.authorizers.push_back(Json{
          {"id", authorizer_id},
          {"name", "CognitoAuthorizer"},
          {"type", "COGNITO_USER_POOLS"},
          {"providerARNs", Json::array({absl::StrFormat(
                               "arn:aws:cognito-idp:%s:%s:userpool/%s_Gen%04d",
                               data.region.empty() ? "us-east-1" : data.region, data.account_id,
                               data.region.empty() ? "us-east-1" : data.region, i)})},
          {"identitySource", "method.request.header.Authorization"}});
      get_method["authorizationType"] = "COGNITO_USER_POOLS";
      get_method["authorizerId"] = authorizer_id;
    }
    if (i % 4 == 0) get_method["apiKeyRequired"] = true;
    api.resources.push_back(Json{{"path", "/items"}, {"methods", Json{{"GET", list_method}}}});
    api.resources.push_back(Json{{"path", "/items/{id}"}, {"methods", Json{{"GET", get_method}}}});
    data.rest_apis.push_back(std::move(api));
  }
}

}  // namespace gov::fake::aws
