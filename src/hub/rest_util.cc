#include "src/hub/rest_util.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/status_details.h"
#include "src/common/status_macros.h"

namespace gov::hub::rest {

namespace {

const char* TypeName(json::value_t t) {
  switch (t) {
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    default:
      return "a value";
  }
}

}  // namespace

// Parses a JSON object body and checks its fields: unknown keys, wrong types and missing
// required fields are 400s naming the field. An empty body is an empty object.
absl::StatusOr<json> ParseBody(const std::string& body, std::initializer_list<FieldSpec> fields) {
  json j = json::object();
  if (!body.empty()) {
    // A key given twice would silently take the last value: refuse it instead.
    std::vector<std::set<std::string>> keys;
    std::string twice;
    auto check = [&](int, json::parse_event_t event, json& parsed) {
      if (event == json::parse_event_t::object_start) keys.emplace_back();
      if (event == json::parse_event_t::object_end && !keys.empty()) keys.pop_back();
      if (event == json::parse_event_t::key && !keys.empty() && twice.empty() &&
          !keys.back().insert(parsed.get<std::string>()).second) {
        twice = parsed.get<std::string>();
      }
      return true;
    };
    try {
      j = json::parse(body, check);
    } catch (const json::parse_error& e) {
      return absl::InvalidArgumentError(absl::StrCat("request body is not valid JSON: ", e.what()));
    }
    if (!twice.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("field \"", twice, "\" is given more than once"));
    }
  }
  if (!j.is_object()) return absl::InvalidArgumentError("request body must be a JSON object");
  std::vector<std::string> known;
  for (const auto& f : fields) known.emplace_back(f.name);
  for (const auto& [k, v] : j.items()) {
    const FieldSpec* spec = nullptr;
    for (const auto& f : fields) {
      if (k == f.name) spec = &f;
    }
    if (spec == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", k, "\" (allowed: ", absl::StrJoin(known, ", "), ")"));
    }
    bool type_ok = v.type() == spec->type ||
                   (spec->type == json::value_t::number_integer && v.is_number_integer());
    if (!v.is_null() && !type_ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("field \"", k, "\" must be ", TypeName(spec->type)));
    }
  }
  for (const auto& f : fields) {
    if (f.required && (!j.contains(f.name) || j[f.name].is_null() ||
                       (j[f.name].is_string() && j[f.name].get<std::string>().empty()))) {
      return absl::InvalidArgumentError(absl::StrCat("field \"", f.name, "\" is required"));
    }
  }
  return j;
}

std::string StrField(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

absl::StatusOr<Paging> ParsePaging(const Call& req) {
  Paging p;
  for (auto [name, target, max] : {std::tuple<const char*, int*, int>{"page", &p.page, 1 << 30},
                                   {"page_size", &p.page_size, 1000}}) {
    if (!req.has_param(name)) continue;
    std::string v = req.get_param_value(name);
    int n = 0;
    if (!absl::SimpleAtoi(v, &n) || n < 1 || n > max) {
      return absl::InvalidArgumentError(absl::StrCat("query parameter \"", name, "\" must be ",
                                                     "an integer from 1 to ", max, ", got \"", v,
                                                     "\""));
    }
    *target = n;
  }
  return p;
}

json ListBody(const char* key, json items, const Paging& p, int64_t total) {
  return json{
      {key, std::move(items)}, {"page", p.page}, {"page_size", p.page_size}, {"total", total}};
}

json ErrorBody(const absl::Status& st) {
  json details = nullptr;
  if (std::optional<std::string> text = DetailsOf(st)) {
    details = json::parse(*text, nullptr, false);
    if (details.is_discarded()) details = nullptr;
  }
  return json{{"error", std::string(st.message())}, {"details", std::move(details)}};
}

void WriteJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n",
                  "application/json");
}

absl::StatusOr<json> SliceListBody(const char* key, json items, const Call& req) {
  GOV_ASSIGN_OR_RETURN(Paging p, ParsePaging(req));
  const int64_t total = static_cast<int64_t>(items.size());
  const int64_t from = std::min<int64_t>(total, static_cast<int64_t>(p.page - 1) * p.page_size);
  const int64_t to = std::min<int64_t>(total, from + p.page_size);
  json page = json::array();
  for (int64_t i = from; i < to; ++i) page.push_back(std::move(items[static_cast<size_t>(i)]));
  return ListBody(key, std::move(page), p, total);
}

absl::StatusOr<storage::Agent> LoadAgent(storage::Storage* storage, const std::string& id) {
  std::optional<storage::Agent> agent;
  GOV_RETURN_IF_ERROR(storage->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(agent, s.GetAgent(id));
    return absl::OkStatus();
  }));
  if (!agent) return absl::NotFoundError(absl::StrCat("agent \"", id, "\" not found"));
  return *agent;
}

}  // namespace gov::hub::rest
