#include "tests/fakes/aws_apigateway/wire.h"

#include "absl/strings/str_cat.h"
#include "src/common/time_format.h"

namespace gov::fake::aws {
namespace {

// Replaces the RFC 3339 date at obj[key] with epoch seconds.
void ToEpochSeconds(Json& obj, const char* key) {
  if (!obj.contains(key) || !obj[key].is_string()) return;
  absl::StatusOr<absl::Time> t = ParseRfc3339(obj[key].get<std::string>());
  if (t.ok()) obj[key] = absl::ToUnixSeconds(*t);
}

}  // namespace

std::string ExecuteApiHost(const std::string& id, const std::string& region) {
  return absl::StrCat(id, ".execute-api.", region, ".amazonaws.com");
}

Json RestApiWire(const RestApi& api) {
  Json out = api.api;
  ToEpochSeconds(out, "createdDate");
  return out;
}

Json V1StageWire(const Json& stage) {
  Json out = stage;
  ToEpochSeconds(out, "createdDate");
  ToEpochSeconds(out, "lastUpdatedDate");
  return out;
}

Json ApiKeyWire(const Json& key, bool include_value) {
  Json out = key;
  ToEpochSeconds(out, "createdDate");
  ToEpochSeconds(out, "lastUpdatedDate");
  if (!include_value) out.erase("value");
  return out;
}

Json V2ApiWire(const V2Api& api, const std::string& region) {
  Json out = api.api;
  if (!out.contains("apiEndpoint")) {
    out["apiEndpoint"] =
        absl::StrCat(api.websocket() ? "wss://" : "https://", ExecuteApiHost(api.id(), region));
  }
  if (!out.contains("tags")) out["tags"] = Json::object();
  return out;
}

Json V2StageWire(const Json& stage) {
  Json out = stage;
  if (!out.contains("tags")) out["tags"] = Json::object();
  return out;
}

Json ToHal(const Json& body, const std::string& self_href) {
  Json out = Json::object();
  out["_links"] = Json{{"self", Json{{"href", self_href}}}};
  for (const auto& [key, value] : body.items()) {
    if (key == "item" && value.is_array()) {
      Json items = Json::array();
      for (const Json& item : value) {
        Json entry = item;
        entry["_links"] = Json{{"self", Json{{"href", self_href}}}};
        items.push_back(std::move(entry));
      }
      out["_embedded"] = Json{{"item", items.size() == 1 ? items[0] : items}};
    } else {
      out[key] = value;
    }
  }
  return out;
}

}  // namespace gov::fake::aws
