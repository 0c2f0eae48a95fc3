#include "src/agent/providers/tyk/tyk_provider.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "src/agent/providers/tyk/normalize.h"
#include "src/common/logging.h"
#include "src/common/status_macros.h"

namespace gov::agent::tyk {
namespace {

using nlohmann::json;

constexpr size_t kMaxMessageChars = 200;

std::string TrimTrailingSlashes(std::string host) {
  while (!host.empty() && host.back() == '/') host.pop_back();
  return host;
}

// "https://user:secret@dash:3000/x" -> "https://***@dash:3000/x": credentials in the
// host never reach a message, a log line or the hub.
std::string RedactUserInfo(const std::string& url) {
  const size_t start = url.find("://");
  if (start == std::string::npos) return url;
  const size_t authority = start + 3;
  const size_t end = url.find_first_of("/?#", authority);
  const size_t at = url.rfind('@', end == std::string::npos ? url.size() : end);
  if (at == std::string::npos || at < authority) return url;
  return absl::StrCat(url.substr(0, authority), "***", url.substr(at));
}

bool HasHttpScheme(const std::string& host) {
  const std::string lower = absl::AsciiStrToLower(host);
  for (const char* scheme : {"http://", "https://"}) {
    if (absl::StartsWith(lower, scheme) && lower.size() > std::string(scheme).size()) return true;
  }
  return false;
}

// Percent-encodes everything but RFC 3986 unreserved characters (one path segment).
std::string PathEscape(const std::string& segment) {
  std::string out;
  for (unsigned char c : segment) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += absl::StrFormat("%%%02X", c);
    }
  }
  return out;
}

std::string Shorten(std::string text) {
  if (text.size() > kMaxMessageChars) text = text.substr(0, kMaxMessageChars) + "...";
  return text;
}

// What the Dashboard said in an error body: {"Status":"Error","Message":"..."}, or the first
// line of a non-JSON body (a proxy's error page). Empty when there is nothing useful.
std::string DashboardMessage(const std::string& body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    for (const char* key : {"Message", "message", "error", "Error"}) {
      auto it = parsed.find(key);
      if (it != parsed.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
        return Shorten(it->get<std::string>());
      }
    }
    return "";
  }
  std::string text(absl::StripAsciiWhitespace(body));
  text = text.substr(0, text.find('\n'));
  return Shorten(std::string(absl::StripAsciiWhitespace(text)));
}

absl::StatusCode CodeForHttpStatus(int status) {
  if (status == 401) return absl::StatusCode::kUnauthenticated;
  if (status == 403) return absl::StatusCode::kPermissionDenied;
  if (status == 404) return absl::StatusCode::kNotFound;
  if (status == 429) return absl::StatusCode::kResourceExhausted;
  if (status >= 500) return absl::StatusCode::kUnavailable;
  return absl::StatusCode::kFailedPrecondition;
}

// "string", "number", ... with an article, for messages.
std::string Kind(const json& value) {
  const std::string name = value.type_name();
  return absl::StrCat(name == "array" || name == "object" ? "an " : "a ", name);
}

std::string ApiIdOf(const json& def) {
  for (const char* key : {"api_id", "id"}) {
    auto it = def.find(key);
    if (it != def.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return it->get<std::string>();
    }
  }
  return "";
}

}  // namespace

TykProvider::TykProvider(std::string name, TykProviderConfig config, absl::Duration request_timeout,
                         HttpClient* http)
    : name_(std::move(name)),
      config_(std::move(config)),
      base_url_(TrimTrailingSlashes(config_.host)),
      shown_base_url_(RedactUserInfo(base_url_)),
      request_timeout_(request_timeout),
      http_(http) {}

std::map<std::string, std::string> TykProvider::Details() const {
  return {{"host", RedactUserInfo(config_.host)}};
}

std::string TykProvider::Shown(const std::string& text) const {
  if (shown_base_url_ == base_url_) return text;
  return absl::StrReplaceAll(text, {{base_url_, shown_base_url_}});
}

absl::Status TykProvider::Error(absl::StatusCode code, const std::string& message) const {
  return absl::Status(code, Shown(absl::StrCat("tyk provider \"", name_, "\": ", message)));
}

absl::StatusOr<json> TykProvider::GetJson(const std::string& url, const std::string& reading,
                                          const std::string& subject) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.headers = {{"Authorization", config_.auth}, {"Accept", "application/json"}};
  request.timeout = request_timeout_;
  absl::StatusOr<HttpResponse> response = http_->Send(request);
  if (!response.ok()) {
    return Error(response.status().code(),
                 absl::StrCat(reading, ": ", response.status().message()));
  }
  const int status = response->status;
  if (status < 200 || status > 299) {
    const std::string said = DashboardMessage(response->body);
    if (status == 401 || status == 403) {
      return Error(CodeForHttpStatus(status),
                   absl::StrCat("the Dashboard rejected the API key (", status,
                                said.empty() ? "" : " ", said, ") at GET ", url));
    }
    std::string message = absl::StrCat(reading, ": GET ", url, " answered HTTP ", status);
    if (!said.empty()) absl::StrAppend(&message, ": ", said);
    if (status >= 300 && status < 400 && !response->Header("Location").empty()) {
      absl::StrAppend(&message, " (redirected to ", response->Header("Location"),
                      "; point the provider's host at the final address)");
    }
    return Error(CodeForHttpStatus(status), message);
  }
  try {
    return json::parse(response->body);
  } catch (const json::exception& e) {
    return Error(absl::StatusCode::kInternal,
                 absl::StrCat(subject, " GET ", url, " is not valid JSON: ", e.what()));
  }
}

absl::StatusOr<json> TykProvider::FetchOasDocument(const std::string& api_id) {
  const std::string url = absl::StrCat(base_url_, "/api/apis/oas/", PathEscape(api_id));
  GOV_ASSIGN_OR_RETURN(
      json doc, GetJson(url, absl::StrCat("reading the OAS document of API \"", api_id, "\""),
                        "the OAS document at"));
  if (!doc.is_object()) {
    return Error(absl::StatusCode::kInternal, absl::StrCat("the OAS document at GET ", url, " is ",
                                                           Kind(doc), ", not a JSON object"));
  }
  return doc;
}

absl::StatusOr<json> TykProvider::ReadListPage(int64_t page, int64_t& pages) {
  const std::string url = absl::StrCat(base_url_, "/api/apis?p=", page);
  GOV_ASSIGN_OR_RETURN(json body,
                       GetJson(url, absl::StrCat("reading page ", page, " of the API list"),
                               absl::StrCat("page ", page, " of")));
  const std::string where = absl::StrCat("page ", page, " of GET ", url);
  if (!body.is_object()) {
    return Error(absl::StatusCode::kInternal,
                 absl::StrCat(where, " is ", Kind(body), ", not a JSON object"));
  }
  auto apis = body.find("apis");
  if (apis == body.end()) {
    return Error(absl::StatusCode::kInternal, absl::StrCat(where, " has no \"apis\" field"));
  }
  if (!apis->is_null() && !apis->is_array()) {
    return Error(absl::StatusCode::kInternal,
                 absl::StrCat(where, ": \"apis\" is ", Kind(*apis), ", not an array"));
  }
  auto reported = body.find("pages");
  if (reported != body.end() && !reported->is_null()) {
    if (!reported->is_number_integer()) {
      return Error(absl::StatusCode::kInternal,
                   absl::StrCat(where, ": \"pages\" is ", Kind(*reported), ", not an integer"));
    }
    const int64_t count = reported->get<int64_t>();
    if (count > kMaxPages) {
      return Error(absl::StatusCode::kInternal,
                   absl::StrCat(where, " reports ", count, " pages, more than the limit of ",
                                kMaxPages, "; the Dashboard's answer cannot be trusted"));
    }
    // Never shrink: a page that reports fewer pages than an earlier one must not end the
    // listing early (that would make present APIs look deleted).
    pages = std::max(pages, count);
  }
  json items = apis->is_null() ? json::array() : std::move(*apis);  // null: Go's empty list
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object()) {
      return Error(
          absl::StatusCode::kInternal,
          absl::StrCat(where, ": item ", i, " of \"apis\" is ", Kind(items[i]), ", not an object"));
    }
    auto def = items[i].find("api_definition");
    if (def == items[i].end() || !def->is_object()) {
      return Error(
          absl::StatusCode::kInternal,
          absl::StrCat(where, ": item ", i, " of \"apis\" has no \"api_definition\" object"));
    }
  }
  return items;
}

absl::Status TykProvider::ListApis(const ApiEmitter& emit, std::stop_token stop) {
  auto log = GetLogger("agent.tyk");
  if (!HasHttpScheme(config_.host)) {
    return Error(absl::StatusCode::kInvalidArgument,
                 absl::StrCat("host \"", config_.host,
                              "\" must be an http:// or https:// URL of the Tyk Dashboard"));
  }
  std::set<std::string> seen;
  int64_t pages = 1;
  int64_t emitted = 0;
  int64_t oas_failures = 0;
  for (int64_t page = 1; page <= pages; ++page) {
    if (stop.stop_requested()) {
      return Error(absl::StatusCode::kCancelled,
                   absl::StrCat("listing cancelled before page ", page));
    }
    GOV_ASSIGN_OR_RETURN(const json items, ReadListPage(page, pages));
    log->debug("tyk provider \"{}\": page {} of {} has {} APIs", name_, page, pages, items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      const json& def = items[i].at("api_definition");
      const std::string api_id = ApiIdOf(def);
      if (api_id.empty()) {
        log->warn("tyk provider \"{}\": item {} on page {} has neither api_id nor id; skipped",
                  name_, i, page);
        continue;
      }
      if (!seen.insert(api_id).second) {
        log->warn("tyk provider \"{}\": API \"{}\" listed again on page {}; keeping the first",
                  name_, api_id, page);
        continue;
      }
      json oas = nullptr;
      std::string oas_error;
      auto is_oas = def.find("is_oas");
      if (is_oas != def.end() && is_oas->is_boolean() && is_oas->get<bool>()) {
        if (stop.stop_requested()) {
          return Error(absl::StatusCode::kCancelled,
                       absl::StrCat("listing cancelled on page ", page));
        }
        absl::StatusOr<json> fetched = FetchOasDocument(api_id);
        if (fetched.ok()) {
          oas = *std::move(fetched);
        } else {
          oas_error = std::string(fetched.status().message());
          ++oas_failures;
          log->warn("{}", oas_error);
        }
      }
      absl::StatusOr<NormalizedApi> api = NormalizeTykApi(def, oas);
      if (!api.ok()) {  // cannot happen for an object definition; kept as a guard
        return Error(absl::StatusCode::kInternal, absl::StrCat("page ", page, ": API \"", api_id,
                                                               "\": ", api.status().message()));
      }
      api->error = std::move(oas_error);
      GOV_RETURN_IF_ERROR(emit(*std::move(api)));
      ++emitted;
    }
  }
  log->info("tyk provider \"{}\": listed {} APIs from {} pages ({} OAS documents failed)", name_,
            emitted, pages, oas_failures);
  return absl::OkStatus();
}

}  // namespace gov::agent::tyk
