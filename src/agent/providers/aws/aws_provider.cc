#include "src/agent/providers/aws/aws_provider.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/agent/providers/aws/normalize.h"
#include "src/agent/providers/aws/sigv4.h"
#include "src/common/logging.h"
#include "src/common/status_macros.h"

namespace gov::agent::aws {
namespace {

using nlohmann::json;

std::string Seg(const std::string& segment) { return gov::aws::UriEncode(segment, true); }

std::string Kind(const json& value) {
  const std::string name = value.type_name();
  return absl::StrCat(name == "array" || name == "object" ? "an " : "a ", name);
}

std::string StringAt(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// Collects per-API problems; fatal ones are handed back to end the listing.
class ApiErrors {
 public:
  // OK (and noted) when `status` concerns this API only; `status` itself when fatal.
  absl::Status Note(const absl::Status& status) {
    if (ControlPlaneClient::IsFatal(status)) return status;
    messages_.emplace_back(status.message());
    return absl::OkStatus();
  }
  std::string Joined() const { return absl::StrJoin(messages_, "; "); }

 private:
  std::vector<std::string> messages_;
};

}  // namespace

const AwsProvider::PageStyle AwsProvider::kV1 = {"limit", "position", "item"};
const AwsProvider::PageStyle AwsProvider::kV2 = {"maxResults", "nextToken", "items"};

AwsProvider::AwsProvider(std::string name, AwsProviderConfig config, absl::Duration request_timeout,
                         HttpClient* http, Clock* clock, Random* random, AwsProviderOptions options)
    : name_(std::move(name)), config_(std::move(config)), options_(options) {
  const std::string url =
      config_.endpoint.empty() ? DefaultEndpointUrl(config_.region) : config_.endpoint;
  absl::StatusOr<Endpoint> endpoint = ParseEndpoint(url);
  if (!endpoint.ok()) {
    endpoint_status_ = endpoint.status();
    endpoint = Endpoint{};
  }
  client_ = std::make_unique<ControlPlaneClient>(
      name_,
      gov::aws::Credentials{config_.access_key_id, config_.access_key_secret,
                            config_.session_token},
      config_.region, *std::move(endpoint), request_timeout, http, clock, random, options_);
}

std::map<std::string, std::string> AwsProvider::Details() const {
  std::map<std::string, std::string> out = {{"region", config_.region}};
  if (!config_.endpoint.empty()) {
    absl::StatusOr<Endpoint> endpoint = ParseEndpoint(config_.endpoint);
    out["endpoint"] = endpoint.ok() ? endpoint->base_url : "(invalid)";
  }
  return out;
}

absl::Status AwsProvider::CheckConfig() const {
  std::vector<std::string> missing;
  if (config_.region.empty()) missing.push_back("region");
  if (config_.access_key_id.empty()) missing.push_back("accessKeyId");
  if (config_.access_key_secret.empty()) missing.push_back("accessKeySecret");
  if (!missing.empty()) {
    return client_->Error(absl::StatusCode::kInvalidArgument,
                          absl::StrCat("missing ", absl::StrJoin(missing, ", ")));
  }
  if (!endpoint_status_.ok()) {
    return client_->Error(absl::StatusCode::kInvalidArgument,
                          std::string(endpoint_status_.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<json> AwsProvider::ReadAllPages(const std::string& path, const PageStyle& style,
                                               const std::string& what, std::stop_token stop) {
  json items = json::array();
  std::string token;
  for (int page = 1;; ++page) {
    if (page > kMaxPages) {
      return client_->Error(
          absl::StatusCode::kInternal,
          absl::StrCat(what, ": more than ", kMaxPages, " pages; the answers cannot be trusted"));
    }
    Query query = {{style.size_param, std::to_string(options_.page_size)}};
    if (!token.empty()) query.emplace_back(style.token_param, token);
    const std::string page_what = absl::StrCat(what, " (page ", page, ")");
    GOV_ASSIGN_OR_RETURN(json body, client_->GetJson(path, query, page_what, stop));
    const std::string where =
        absl::StrCat(page_what, ": the answer of GET ", client_->Url(path, query));
    if (!body.is_object()) {
      return client_->Error(absl::StatusCode::kInternal,
                            absl::StrCat(where, " is ", Kind(body), ", not a JSON object"));
    }
    // AWS leaves an empty list out of the answer altogether.
    auto list = body.find(style.list_key);
    if (list != body.end() && !list->is_null()) {
      if (!list->is_array()) {
        return client_->Error(
            absl::StatusCode::kInternal,
            absl::StrCat(where, ": \"", style.list_key, "\" is ", Kind(*list), ", not an array"));
      }
      for (json& item : *list) items.push_back(std::move(item));
    }
    // Only the absence of the token ends the list: a page may hold fewer items than asked.
    auto next = body.find(style.token_param);
    if (next == body.end() || next->is_null() ||
        (next->is_string() && next->get_ref<const std::string&>().empty())) {
      return items;
    }
    if (!next->is_string()) {
      return client_->Error(
          absl::StatusCode::kInternal,
          absl::StrCat(where, ": \"", style.token_param, "\" is ", Kind(*next), ", not a string"));
    }
    if (next->get_ref<const std::string&>() == token) {
      return client_->Error(absl::StatusCode::kInternal,
                            absl::StrCat(where, " gives the same ", style.token_param,
                                         " again; stopping instead of paging forever"));
    }
    token = next->get<std::string>();
  }
}

absl::Status AwsProvider::ListRestApis(const ApiEmitter& emit, std::stop_token stop, int& emitted,
                                       int& failed) {
  auto log = GetLogger("agent.aws");
  GOV_ASSIGN_OR_RETURN(const json apis, ReadAllPages("/restapis", kV1, "listing REST APIs", stop));
  std::set<std::string> seen;
  for (size_t i = 0; i < apis.size(); ++i) {
    const json& item = apis[i];
    if (!item.is_object()) {
      return client_->Error(
          absl::StatusCode::kInternal,
          absl::StrCat("listing REST APIs: item ", i, " is ", Kind(item), ", not an object"));
    }
    const std::string id = StringAt(item, "id");
    if (id.empty()) {
      log->warn("aws provider \"{}\": REST API item {} has no id; skipped", name_, i);
      continue;
    }
    if (!seen.insert(id).second) {
      log->warn("aws provider \"{}\": REST API \"{}\" listed twice; keeping the first", name_, id);
      continue;
    }
    const std::string subject = absl::StrCat("REST API \"", id, "\"");
    const std::string base = absl::StrCat("/restapis/", Seg(id));
    RestApiParts parts;
    parts.api = item;
    ApiErrors errors;

    absl::StatusOr<json> stages = client_->GetJson(
        base + "/stages", {}, absl::StrCat("reading the stages of ", subject), stop);
    if (stages.ok() && !stages->is_object()) {
      stages = client_->Error(
          absl::StatusCode::kInternal,
          absl::StrCat("the stages of ", subject, " are ", Kind(*stages), ", not a JSON object"));
    }
    if (stages.ok()) {
      auto list = stages->find("item");
      if (list != stages->end() && list->is_array()) parts.stages = *list;
    } else {
      GOV_RETURN_IF_ERROR(errors.Note(stages.status()));
    }

    absl::StatusOr<json> authorizers = ReadAllPages(
        base + "/authorizers", kV1, absl::StrCat("reading the authorizers of ", subject), stop);
    if (authorizers.ok()) {
      parts.authorizers = *std::move(authorizers);
    } else {
      GOV_RETURN_IF_ERROR(errors.Note(authorizers.status()));
    }

    for (const json& stage : parts.stages) {
      if (!stage.is_object() || StringAt(stage, "deploymentId").empty()) continue;
      const std::string stage_name = StringAt(stage, "stageName");
      if (stage_name.empty()) continue;
      const std::string what = absl::StrCat("exporting stage \"", stage_name, "\" of ", subject);
      absl::StatusOr<json> doc =
          client_->GetJson(absl::StrCat(base, "/stages/", Seg(stage_name), "/exports/oas30"),
                           {{"extensions", "integrations,authorizers"}}, what, stop);
      if (doc.ok() && !doc->is_object()) {
        doc = client_->Error(
            absl::StatusCode::kInternal,
            absl::StrCat(what, ": the export is ", Kind(*doc), ", not a JSON object"));
      }
      if (doc.ok()) {
        parts.exports[stage_name] = *std::move(doc);
      } else {
        GOV_RETURN_IF_ERROR(errors.Note(doc.status()));
      }
    }

    NormalizedApi api = NormalizeRestApi(parts, config_.region);
    api.error = errors.Joined();
    if (!api.error.empty()) {
      ++failed;
      log->warn("{}", api.error);
    }
    GOV_RETURN_IF_ERROR(emit(std::move(api)));
    ++emitted;
  }
  return absl::OkStatus();
}

absl::Status AwsProvider::ListV2Apis(const ApiEmitter& emit, std::stop_token stop, int& emitted,
                                     int& failed) {
  auto log = GetLogger("agent.aws");
  GOV_ASSIGN_OR_RETURN(const json apis,
                       ReadAllPages("/v2/apis", kV2, "listing HTTP and WebSocket APIs", stop));
  std::set<std::string> seen;
  for (size_t i = 0; i < apis.size(); ++i) {
    const json& item = apis[i];
    if (!item.is_object()) {
      return client_->Error(absl::StatusCode::kInternal,
                            absl::StrCat("listing HTTP and WebSocket APIs: item ", i, " is ",
                                         Kind(item), ", not an object"));
    }
    const std::string id = StringAt(item, "apiId");
    if (id.empty()) {
      log->warn("aws provider \"{}\": HTTP/WebSocket API item {} has no apiId; skipped", name_, i);
      continue;
    }
    if (!seen.insert(id).second) {
      log->warn("aws provider \"{}\": API \"{}\" listed twice; keeping the first", name_, id);
      continue;
    }
    const bool websocket = absl::AsciiStrToUpper(StringAt(item, "protocolType")) == "WEBSOCKET";
    const std::string subject =
        absl::StrCat(websocket ? "WebSocket API \"" : "HTTP API \"", id, "\"");
    const std::string base = absl::StrCat("/v2/apis/", Seg(id));
    V2ApiParts parts;
    parts.api = item;
    ApiErrors errors;

    auto read = [&](const std::string& what, const std::string& path, json& into) -> absl::Status {
      absl::StatusOr<json> list = ReadAllPages(path, kV2, absl::StrCat(what, subject), stop);
      if (list.ok()) {
        into = *std::move(list);
        return absl::OkStatus();
      }
      return errors.Note(list.status());
    };
    GOV_RETURN_IF_ERROR(read("reading the stages of ", base + "/stages", parts.stages));
    GOV_RETURN_IF_ERROR(
        read("reading the authorizers of ", base + "/authorizers", parts.authorizers));
    if (websocket) {
      GOV_RETURN_IF_ERROR(read("reading the routes of ", base + "/routes", parts.routes));
    } else {
      const std::string what = absl::StrCat("exporting ", subject);
      absl::StatusOr<json> doc =
          client_->GetJson(base + "/exports/OAS30",
                           {{"outputType", "JSON"}, {"includeExtensions", "true"}}, what, stop);
      if (doc.ok() && !doc->is_object()) {
        doc = client_->Error(
            absl::StatusCode::kInternal,
            absl::StrCat(what, ": the export is ", Kind(*doc), ", not a JSON object"));
      }
      if (doc.ok()) {
        parts.oas = *std::move(doc);
      } else {
        GOV_RETURN_IF_ERROR(errors.Note(doc.status()));
      }
    }

    NormalizedApi api = NormalizeV2Api(parts, config_.region);
    api.error = errors.Joined();
    if (!api.error.empty()) {
      ++failed;
      log->warn("{}", api.error);
    }
    GOV_RETURN_IF_ERROR(emit(std::move(api)));
    ++emitted;
  }
  return absl::OkStatus();
}

absl::Status AwsProvider::ListApis(const ApiEmitter& emit, std::stop_token stop) {
  GOV_RETURN_IF_ERROR(CheckConfig());
  int emitted = 0;
  int failed = 0;
  GOV_RETURN_IF_ERROR(ListRestApis(emit, stop, emitted, failed));
  const int rest = emitted;
  GOV_RETURN_IF_ERROR(ListV2Apis(emit, stop, emitted, failed));
  GetLogger("agent.aws")
      ->info(
          "aws provider \"{}\": listed {} REST and {} HTTP/WebSocket APIs in {} ({} could not "
          "be read whole)",
          name_, rest, emitted - rest, config_.region, failed);
  return absl::OkStatus();
}

}  // namespace gov::agent::aws
