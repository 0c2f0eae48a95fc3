#include "tests/fakes/aws_apigateway/export.h"

#include <functional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/fakes/aws_apigateway/wire.h"

namespace gov::fake::aws {
namespace {

constexpr char kPrefix[] = "x-amazon-apigateway-";
constexpr char kAnyMethod[] = "x-amazon-apigateway-any-method";

// Removes, at any depth, every x-amazon-apigateway-* key `keep` refuses.
void FilterExtensions(Json& node, const std::function<bool(const std::string&)>& keep) {
  if (node.is_array()) {
    for (Json& element : node) FilterExtensions(element, keep);
    return;
  }
  if (!node.is_object()) return;
  std::vector<std::string> drop;
  for (auto& [key, value] : node.items()) {
    if (absl::StartsWith(key, kPrefix) && key != kAnyMethod && !keep(key)) {
      drop.push_back(key);
    } else {
      FilterExtensions(value, keep);
    }
  }
  for (const std::string& key : drop) node.erase(key);
}

// The path parameters of "/orders/{id}/items/{proxy+}": id, proxy.
Json PathParameters(const std::string& path) {
  Json params = Json::array();
  size_t pos = 0;
  while ((pos = path.find('{', pos)) != std::string::npos) {
    const size_t end = path.find('}', pos);
    if (end == std::string::npos) break;
    std::string name = path.substr(pos + 1, end - pos - 1);
    if (absl::EndsWith(name, "+")) name.pop_back();
    params.push_back(Json{
        {"name", name}, {"in", "path"}, {"required", true}, {"schema", Json{{"type", "string"}}}});
    pos = end + 1;
  }
  return params;
}

std::string Lower(const std::string& s) { return absl::AsciiStrToLower(s); }

// "method.request.header.Authorization" -> "Authorization".
std::string HeaderOf(const Json& identity_source, const std::string& fallback) {
  if (!identity_source.is_string()) return fallback;
  const std::string source = identity_source.get<std::string>();
  const size_t dot = source.rfind('.');
  return dot == std::string::npos ? source : source.substr(dot + 1);
}

Json ServersFor(const std::string& api_id, const std::string& region,
                const std::string& base_path) {
  return Json::array(
      {Json{{"url", absl::StrCat("https://", ExecuteApiHost(api_id, region), "/{basePath}")},
            {"variables", Json{{"basePath", Json{{"default", base_path}}}}}}});
}

Json InfoFor(const Json& api) {
  Json info = Json::object();
  info["title"] = api.value("name", "");
  if (api.contains("description")) info["description"] = api["description"];
  info["version"] = api.contains("version") ? api["version"] : api.value("createdDate", Json(""));
  return info;
}

Json V1SecurityScheme(const Json& authorizer) {
  const std::string type = authorizer.value("type", "");
  Json extension = Json::object();
  Json scheme = Json{{"type", "apiKey"}, {"in", "header"}};
  if (type == "COGNITO_USER_POOLS") {
    scheme["name"] = HeaderOf(authorizer.value("identitySource", Json()), "Authorization");
    scheme["x-amazon-apigateway-authtype"] = "cognito_user_pools";
    extension["type"] = "cognito_user_pools";
    extension["providerARNs"] = authorizer.value("providerARNs", Json::array());
  } else {
    scheme["name"] = type == "REQUEST"
                         ? std::string("Unused")
                         : HeaderOf(authorizer.value("identitySource", Json()), "Authorization");
    scheme["x-amazon-apigateway-authtype"] = "custom";
    extension["type"] = Lower(type);
    if (type == "REQUEST") extension["identitySource"] = authorizer.value("identitySource", "");
    extension["authorizerUri"] = authorizer.value("authorizerUri", "");
    if (authorizer.contains("authorizerCredentials")) {
      extension["authorizerCredentials"] = authorizer["authorizerCredentials"];
    }
    extension["authorizerResultTtlInSeconds"] =
        authorizer.value("authorizerResultTtlInSeconds", 300);
    if (authorizer.contains("identityValidationExpression")) {
      extension["identityValidationExpression"] = authorizer["identityValidationExpression"];
    }
  }
  scheme["x-amazon-apigateway-authorizer"] = extension;
  return scheme;
}

Json SigV4Scheme() {
  return Json{{"type", "apiKey"},
              {"name", "Authorization"},
              {"in", "header"},
              {"x-amazon-apigateway-authtype", "awsSigv4"}};
}

Json ApiKeyScheme() { return Json{{"type", "apiKey"}, {"name", "x-api-key"}, {"in", "header"}}; }

Json SynthesizeRestExport(const RestApi& rest) {
  Json doc = Json::object();
  doc["openapi"] = "3.0.1";
  doc["info"] = InfoFor(rest.api);
  Json paths = Json::object();
  Json schemes = Json::object();
  for (const Json& resource : rest.resources) {
    const std::string path = resource.value("path", "/");
    Json item = Json::object();
    for (const auto& [verb, method] : resource["methods"].items()) {
      Json op = Json::object();
      if (method.contains("operationName")) op["operationId"] = method["operationName"];
      Json params = PathParameters(path);
      if (!params.empty()) op["parameters"] = params;
      op["responses"] =
          Json{{"200", Json{{"description", "200 response"}, {"content", Json::object()}}}};
      Json requirement = Json::object();
      const std::string auth = method.value("authorizationType", "NONE");
      if (auth == "AWS_IAM") {
        requirement["sigv4"] = Json::array();
        schemes["sigv4"] = SigV4Scheme();
      } else if (auth == "CUSTOM" || auth == "COGNITO_USER_POOLS") {
        const Json* authorizer = rest.FindAuthorizer(method.value("authorizerId", ""));
        if (authorizer != nullptr) {
          const std::string name = authorizer->value("name", "");
          requirement[name] = method.value("authorizationScopes", Json::array());
          schemes[name] = V1SecurityScheme(*authorizer);
        }
      }
      if (method.value("apiKeyRequired", false)) {
        requirement["api_key"] = Json::array();
        schemes["api_key"] = ApiKeyScheme();
      }
      if (!requirement.empty()) op["security"] = Json::array({requirement});
      Json integration = method.value(
          "integration",
          Json{{"type", "MOCK"},
               {"requestTemplates", Json{{"application/json", "{\"statusCode\": 200}"}}},
               {"responses", Json{{"default", Json{{"statusCode", "200"}}}}}});
      integration["type"] = Lower(integration.value("type", "mock"));
      if (!integration.contains("passthroughBehavior"))
        integration["passthroughBehavior"] = "when_no_match";
      op["x-amazon-apigateway-integration"] = integration;
      item[verb == "ANY" ? std::string(kAnyMethod) : Lower(verb)] = op;
    }
    paths[path] = item;
  }
  doc["paths"] = paths;
  if (!schemes.empty()) doc["components"] = Json{{"securitySchemes", schemes}};
  return doc;
}

Json V2SecurityScheme(const Json& authorizer, bool websocket) {
  Json extension = Json::object();
  const Json& sources = authorizer.value("identitySource", Json::array());
  std::vector<std::string> joined;
  for (const Json& s : sources) joined.push_back(s.get<std::string>());
  extension["identitySource"] = absl::StrJoin(joined, ", ");
  if (authorizer.value("authorizerType", "") == "JWT") {
    extension["jwtConfiguration"] = authorizer.value("jwtConfiguration", Json::object());
    extension["type"] = "jwt";
    return Json{{"type", "oauth2"},
                {"flows", Json::object()},
                {"x-amazon-apigateway-authorizer", extension}};
  }
  extension["authorizerUri"] = authorizer.value("authorizerUri", "");
  if (!websocket) {
    extension["authorizerPayloadFormatVersion"] =
        authorizer.value("authorizerPayloadFormatVersion", "2.0");
  }
  extension["authorizerResultTtlInSeconds"] = authorizer.value("authorizerResultTtlInSeconds", 0);
  extension["type"] = "request";
  if (authorizer.contains("enableSimpleResponses")) {
    extension["enableSimpleResponses"] = authorizer["enableSimpleResponses"];
  }
  return Json{{"type", "apiKey"},
              {"name", sources.empty() ? std::string("Authorization")
                                       : HeaderOf(sources[0], "Authorization")},
              {"in", "header"},
              {"x-amazon-apigateway-authorizer", extension}};
}

Json V2Integration(const Json& integration) {
  const std::string type = integration.value("integrationType", "AWS_PROXY");
  Json out = Json::object();
  out["payloadFormatVersion"] =
      integration.value("payloadFormatVersion", type == "AWS_PROXY" ? "2.0" : "1.0");
  out["type"] = Lower(type);
  out["httpMethod"] = integration.value("integrationMethod", type == "AWS_PROXY" ? "POST" : "ANY");
  if (integration.contains("integrationUri")) out["uri"] = integration["integrationUri"];
  out["connectionType"] = integration.value("connectionType", "INTERNET");
  if (integration.contains("connectionId")) out["connectionId"] = integration["connectionId"];
  out["timeoutInMillis"] = integration.value("timeoutInMillis", 30000);
  return out;
}

Json SynthesizeHttpExport(const V2Api& v2) {
  Json doc = Json::object();
  doc["openapi"] = "3.0.1";
  doc["info"] = InfoFor(v2.api);
  if (v2.api.contains("tags") && v2.api["tags"].is_object() && !v2.api["tags"].empty()) {
    Json tags = Json::array();
    for (const auto& [name, value] : v2.api["tags"].items()) {
      tags.push_back(Json{{"name", name}, {"x-amazon-apigateway-tag-value", value}});
    }
    doc["tags"] = tags;
  }
  Json paths = Json::object();
  Json schemes = Json::object();
  for (const Json& route : v2.routes) {
    const std::string key = route.value("routeKey", "");
    std::string verb = "ANY";
    std::string path = "/$default";
    if (key != "$default") {
      const size_t space = key.find(' ');
      verb = key.substr(0, space);
      path = key.substr(space + 1);
    }
    Json op = Json::object();
    if (route.contains("operationName")) op["operationId"] = route["operationName"];
    Json params = PathParameters(path);
    if (!params.empty()) op["parameters"] = params;
    op["responses"] =
        Json{{"default", Json{{"description", absl::StrCat("Default response for ", key)}}}};
    const std::string auth = route.value("authorizationType", "NONE");
    if (auth == "AWS_IAM") {
      op["security"] = Json::array({Json{{"sigv4", Json::array()}}});
      schemes["sigv4"] = SigV4Scheme();
    } else if (auth == "JWT" || auth == "CUSTOM") {
      const Json* authorizer = v2.FindAuthorizer(route.value("authorizerId", ""));
      if (authorizer != nullptr) {
        const std::string name = authorizer->value("name", "");
        op["security"] =
            Json::array({Json{{name, route.value("authorizationScopes", Json::array())}}});
        schemes[name] = V2SecurityScheme(*authorizer, /*websocket=*/false);
      }
    }
    const std::string target = route.value("target", "");
    if (absl::StartsWith(target, "integrations/")) {
      const Json* integration = v2.FindIntegration(target.substr(13));
      if (integration != nullptr)
        op["x-amazon-apigateway-integration"] = V2Integration(*integration);
    }
    if (key == "$default") op["isDefaultRoute"] = true;
    if (!paths.contains(path)) paths[path] = Json::object();
    paths[path][verb == "ANY" ? std::string(kAnyMethod) : Lower(verb)] = op;
  }
  doc["paths"] = paths;
  if (!schemes.empty()) doc["components"] = Json{{"securitySchemes", schemes}};
  if (v2.api.contains("corsConfiguration"))
    doc["x-amazon-apigateway-cors"] = v2.api["corsConfiguration"];
  doc["x-amazon-apigateway-importexport-version"] = "1.0";
  return doc;
}

}  // namespace

absl::StatusOr<V1Extensions> ParseV1Extensions(const std::string& value) {
  V1Extensions out;
  std::string text = value;
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
    text = text.substr(1, text.size() - 2);
  }
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    const std::string name = std::string(absl::StripAsciiWhitespace(part));
    if (name == "integrations") {
      out.integrations = true;
    } else if (name == "authorizers") {
      out.authorizers = true;
    } else if (name == "apigateway") {
      out.apigateway = true;
    } else if (name != "postman") {
      return absl::InvalidArgumentError(
          absl::StrCat("extensions \"", name,
                       "\" is not one of integrations, authorizers, apigateway, postman"));
    }
  }
  return out;
}

Json ExportRestApi(const RestApi& api, const std::string& stage_name, const std::string& region,
                   const V1Extensions& extensions) {
  Json doc = api.export_document.is_null() ? SynthesizeRestExport(api) : api.export_document;
  if (!doc.contains("servers")) doc["servers"] = ServersFor(api.id(), region, stage_name);
  FilterExtensions(doc, [&extensions](const std::string& key) {
    if (extensions.apigateway) return true;
    if (key == "x-amazon-apigateway-integration") return extensions.integrations;
    if (key == "x-amazon-apigateway-authorizer" || key == "x-amazon-apigateway-authtype") {
      return extensions.authorizers;
    }
    return false;
  });
  return doc;
}

Json ExportHttpApi(const V2Api& api, const std::string& stage_name, const std::string& region,
                   bool include_extensions) {
  Json doc = api.export_document.is_null() ? SynthesizeHttpExport(api) : api.export_document;
  if (!doc.contains("servers")) {
    doc["servers"] = ServersFor(api.id(), region, stage_name == "$default" ? "" : stage_name);
  }
  if (!include_extensions) {
    FilterExtensions(doc, [](const std::string&) { return false; });
  }
  return doc;
}

}  // namespace gov::fake::aws
