// The building blocks of the hub's REST handlers: the call a handler sees, its reply, the
// route table, and the checks every handler shares (JSON bodies with typed fields, paging,
// list bodies). Routes are grouped by subject in rest_*.cc files.
//
// Thread-safety: a RouteTable is filled once, before serving, then only read. The helper
// functions are pure.
#pragma once

#include <httplib.h>

#include <functional>
#include <initializer_list>
#include <regex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "src/storage/storage.h"

namespace gov::hub::rest {

using nlohmann::json;

struct Reply {
  int status = 200;
  json body;
};

// One API call as handlers see it. The body is passed separately because a POST without
// Content-Length (curl -X POST with no -d) is dispatched before httplib reads any body.
struct Call {
  const httplib::Request& http;
  std::string method;
  std::string path;
  std::string body;
  std::vector<std::string> matches;  // [0] the path, [1..] the route's groups
  bool has_param(const char* k) const { return http.has_param(k); }
  std::string get_param_value(const char* k) const { return http.get_param_value(k); }
};

using Handler = std::function<absl::StatusOr<Reply>(const Call&)>;

struct Route {
  std::string method;
  std::regex pattern;
  Handler fn;
};

class RouteTable {
 public:
  // `pattern` is a regular expression matched against the whole path.
  void Add(const char* method, const char* pattern, Handler fn) {
    routes_.push_back(Route{method, std::regex(pattern), std::move(fn)});
  }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// A body field: name, JSON type, required.
struct FieldSpec {
  const char* name;
  json::value_t type;
  bool required;
};

// Parses a JSON object body and checks its fields: unknown keys, wrong types and missing
// required fields are 400s naming the field. An empty body is an empty object.
absl::StatusOr<json> ParseBody(const std::string& body, std::initializer_list<FieldSpec> fields);

// The string field `name`, or "" when absent or null.
std::string StrField(const json& j, const char* name);

struct Paging {
  int page = 1;
  int page_size = 50;
};

// ?page= (from 1) and ?page_size= (1 to 1000); 400 naming the parameter otherwise.
absl::StatusOr<Paging> ParsePaging(const Call& req);

// {"<key>": items, "page": .., "page_size": .., "total": ..}
json ListBody(const char* key, json items, const Paging& p, int64_t total);
// The page of `items` (the whole list, in order) that ?page= and ?page_size= ask for, in
// the same shape; 400 for bad paging parameters.
absl::StatusOr<json> SliceListBody(const char* key, json items, const Call& req);

json ErrorBody(const absl::Status& st);
void WriteJson(httplib::Response& res, int status, const json& body);

// The agent with that id; NotFound (404) naming it otherwise.
absl::StatusOr<storage::Agent> LoadAgent(storage::Storage* storage, const std::string& id);

}  // namespace gov::hub::rest
