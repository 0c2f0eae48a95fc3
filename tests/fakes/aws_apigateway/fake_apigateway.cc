#include "tests/fakes/aws_apigateway/fake_apigateway.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "src/agent/providers/aws/sigv4.h"
#include "src/common/hash.h"
#include "src/common/logging.h"
#include "src/common/time_format.h"
#include "tests/fakes/aws_apigateway/export.h"
#include "tests/fakes/aws_apigateway/wire.h"

namespace gov::fake::aws {

struct ApiRoute {
  enum class Op {
    kUnknown,
    kGetRestApis,
    kGetRestApi,
    kGetStagesV1,
    kGetStageV1,
    kGetExportV1,
    kGetAuthorizersV1,
    kGetApiKeys,
    kGetTagsV1,
    kGetApis,
    kGetApi,
    kGetV2List,
    kExportApi,
    kGetTagsV2,
  };
  Op op = Op::kUnknown;
  std::string name;               // "apigateway:GetRestApis", "apigatewayv2:GetRoutes"
  std::vector<std::string> args;  // decoded path parameters
};

struct ApiCall {
  std::string method;
  std::string raw_path;                                    // as sent
  std::string path;                                        // decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded as AWS decodes
  std::string accept;

  std::optional<std::string> Param(const std::string& name) const {
    for (const auto& [key, value] : query) {
      if (key == name) return value;
    }
    return std::nullopt;
  }
  // API Gateway v1 answers plain JSON only to clients that accept application/json.
  bool WantsJson() const {
    return absl::StrContains(absl::AsciiStrToLower(accept), "application/json");
  }
};

namespace {

constexpr char kJson[] = "application/json";
constexpr char kHal[] = "application/hal+json";
constexpr size_t kRecentLimit = 200;

std::shared_ptr<spdlog::logger> Log() { return GetLogger("fake.aws"); }

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

void SetError(httplib::Response& res, const AwsError& error) {
  res.status = error.status;
  res.set_header("x-amzn-ErrorType", error.type);
  res.set_content(Dump(Json{{"message", error.message}}), kJson);
}

void BadRequest(httplib::Response& res, const std::string& message) {
  SetError(res, AwsError{400, "BadRequestException", message});
}

void NotFound(httplib::Response& res, const std::string& message) {
  SetError(res, AwsError{404, "NotFoundException", message});
}

// The error type and message AWS answers with an injected status.
AwsError InjectedError(int status) {
  switch (status) {
    case 400:
      return {status, "BadRequestException", "Injected failure: the request is not valid."};
    case 401:
      return {status, "UnauthorizedException", "Unauthorized"};
    case 403:
      return {status, "AccessDeniedException", "Injected failure: access denied."};
    case 404:
      return {status, "NotFoundException", "Injected failure: the resource is not found."};
    case 409:
      return {status, "ConflictException", "Injected failure: conflict."};
    case 429:
      return {status, "TooManyRequestsException", "Too Many Requests"};
    case 503:
      return {status, "ServiceUnavailableException",
              "The request has failed due to a temporary failure of the server."};
    default:
      if (status >= 500) {
        return {status, "InternalFailure",
                "The request processing has failed because of an unknown error, exception or "
                "failure."};
      }
      return {status, "BadRequestException", absl::StrCat("Injected failure (HTTP ", status, ")")};
  }
}

void ControlError(httplib::Response& res, const std::string& message) {
  res.status = 400;
  res.set_content(Dump(Json{{"error", message}}), kJson);
}

void ControlOk(httplib::Response& res, Json body) {
  body["ok"] = true;
  res.status = 200;
  res.set_content(Dump(body), kJson);
}

// The request id AWS sends with every answer, in UUID form.
std::string RequestId(uint64_t n) {
  const std::string hex = Sha256Hex(absl::StrCat("request:", n));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20, 12));
}

// Decoded segments of a raw path ("/tags/arn%3Aaws%3A..." -> {"tags", "arn:aws:..."}); one
// trailing slash is ignored; nullopt for an empty segment elsewhere.
std::optional<std::vector<std::string>> Segments(const std::string& raw_path) {
  std::vector<std::string> out;
  std::string path = raw_path;
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.empty() || path[0] != '/') return std::nullopt;
  if (path == "/") return out;
  for (absl::string_view raw : absl::StrSplit(path.substr(1), '/')) {
    if (raw.empty()) return std::nullopt;
    out.push_back(gov::aws::UriDecode(std::string(raw)));
  }
  return out;
}

ApiRoute Resolve(const std::string& method, const std::string& raw_path) {
  using Op = ApiRoute::Op;
  ApiRoute route;
  std::optional<std::vector<std::string>> s = Segments(raw_path);
  if (method != "GET" || !s.has_value() || s->empty()) return route;
  const std::vector<std::string>& seg = *s;
  auto set = [&route](Op op, const std::string& name, std::vector<std::string> args) {
    route.op = op;
    route.name = name;
    route.args = std::move(args);
  };
  const size_t n = seg.size();
  if (seg[0] == "restapis") {
    if (n == 1) {
      set(Op::kGetRestApis, "apigateway:GetRestApis", {});
    } else if (n == 2) {
      set(Op::kGetRestApi, "apigateway:GetRestApi", {seg[1]});
    } else if (n == 3 && seg[2] == "stages") {
      set(Op::kGetStagesV1, "apigateway:GetStages", {seg[1]});
    } else if (n == 4 && seg[2] == "stages") {
      set(Op::kGetStageV1, "apigateway:GetStage", {seg[1], seg[3]});
    } else if (n == 6 && seg[2] == "stages" && seg[4] == "exports") {
      set(Op::kGetExportV1, "apigateway:GetExport", {seg[1], seg[3], seg[5]});
    } else if (n == 3 && seg[2] == "authorizers") {
      set(Op::kGetAuthorizersV1, "apigateway:GetAuthorizers", {seg[1]});
    }
  } else if (seg[0] == "apikeys" && n == 1) {
    set(Op::kGetApiKeys, "apigateway:GetApiKeys", {});
  } else if (seg[0] == "tags" && n == 2) {
    set(Op::kGetTagsV1, "apigateway:GetTags", {seg[1]});
  } else if (seg[0] == "v2" && n >= 2) {
    if (seg[1] == "tags" && n == 3) {
      set(Op::kGetTagsV2, "apigatewayv2:GetTags", {seg[2]});
    } else if (seg[1] == "apis") {
      if (n == 2) {
        set(Op::kGetApis, "apigatewayv2:GetApis", {});
      } else if (n == 3) {
        set(Op::kGetApi, "apigatewayv2:GetApi", {seg[2]});
      } else if (n == 4 && (seg[3] == "stages" || seg[3] == "authorizers" || seg[3] == "routes" ||
                            seg[3] == "integrations")) {
        std::string what = seg[3];
        what[0] = absl::ascii_toupper(static_cast<unsigned char>(what[0]));
        set(Op::kGetV2List, absl::StrCat("apigatewayv2:Get", what), {seg[2], seg[3]});
      } else if (n == 5 && seg[3] == "exports") {
        set(Op::kExportApi, "apigatewayv2:ExportApi", {seg[2], seg[4]});
      }
    }
  }
  return route;
}

void RespondJson(httplib::Response& res, const Json& body) {
  res.status = 200;
  res.set_content(Dump(body), kJson);
}

// A v1 answer: JSON when the client accepts it, else HAL.
void RespondV1(const ApiCall& call, httplib::Response& res, const Json& body) {
  res.status = 200;
  if (call.WantsJson()) {
    res.set_content(Dump(body), kJson);
  } else {
    res.set_content(Dump(ToHal(body, call.raw_path)), kHal);
  }
}

std::string InvalidApiMessage(const std::string& account, const std::string& id) {
  return absl::StrCat("Invalid API identifier specified ", account, ":", id);
}

}  // namespace

FakeApiGateway::FakeApiGateway(AwsData data, FakeApiGatewayOptions options)
    : data_(std::move(data)),
      options_(std::move(options)),
      signature_config_{options_.region, "apigateway", data_.credentials, absl::Minutes(5)} {}

FakeApiGateway::~FakeApiGateway() { Stop(); }

absl::StatusOr<int> FakeApiGateway::Start(const std::string& host, int port) {
  if (options_.region.empty()) return absl::InvalidArgumentError("the fake's region is empty");
  if (data_.credentials.empty()) {
    return absl::InvalidArgumentError("the fake accepts no credentials (none are configured)");
  }
  if (server_ != nullptr) return absl::FailedPreconditionError("the fake is already started");
  server_ = std::make_unique<httplib::Server>();
  const size_t threads = static_cast<size_t>(std::max(2, options_.threads));
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  for (const char* command : {"throttle", "fail", "auth-error", "short-pages", "rate-limit",
                              "clock", "drop", "restore", "reset"}) {
    server_->Post(absl::StrCat("/_fake/", command),
                  [this, command](const httplib::Request& req, httplib::Response& res) {
                    Control(command, req, res);
                  });
  }
  server_->Get("/_fake/requests", [this](const httplib::Request&, httplib::Response& res) {
    ControlOk(res, RequestCounts());
  });
  server_->Get("/_fake/stats", [this](const httplib::Request&, httplib::Response& res) {
    ControlOk(res, Stats());
  });
  auto api = [this](const httplib::Request& req, httplib::Response& res) { HandleApi(req, res); };
  server_->Get(".*", api);
  server_->Post(".*", api);
  server_->Put(".*", api);
  server_->Patch(".*", api);
  server_->Delete(".*", api);
  server_->set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                    std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    Log()->error("{} {}: {}", req.method, req.target, what);
    SetError(res, AwsError{500, "InternalFailure", absl::StrCat("fake-aws-apigateway: ", what)});
  });
  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    Log()->debug("{} {} -> {}", req.method, req.target, res.status);
  });

  auto bound = runner_.Start(server_.get(), host, port);
  if (!bound.ok()) {
    server_.reset();
    return bound.status();
  }
  return *bound;
}

void FakeApiGateway::Stop() {
  if (server_ != nullptr) server_->stop();
  runner_.Stop();
}

absl::Time FakeApiGateway::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return options_.clock->Now() + clock_offset_;
}

absl::Status FakeApiGateway::AddFault(Fault fault, const FaultTarget& target) {
  fault.pattern_text = target.pattern;
  if (!target.pattern.empty()) {
    try {
      fault.pattern = std::regex(target.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return absl::InvalidArgumentError(
          absl::StrCat("pattern \"", target.pattern, "\" is not a regular expression: ", e.what()));
    }
  }
  if (target.skip < 0) return absl::InvalidArgumentError("skip must be >= 0");
  fault.skip = target.skip;
  fault.remaining = target.times > 0 ? target.times : -1;
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(std::move(fault));
  return absl::OkStatus();
}

std::optional<FakeApiGateway::Fault> FakeApiGateway::TakeFault(bool auth,
                                                               const std::string& target) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if ((it->kind == Fault::Kind::kAuth) != auth) continue;
    if (!it->pattern_text.empty() && !std::regex_search(target, it->pattern)) continue;
    if (it->skip > 0) {
      --it->skip;
      continue;
    }
    Fault fault = *it;
    if (it->remaining > 0 && --it->remaining == 0) faults_.erase(it);
    return fault;
  }
  return std::nullopt;
}

absl::Status FakeApiGateway::Throttle(const FaultTarget& target, int retry_after_seconds) {
  Fault fault;
  fault.kind = Fault::Kind::kThrottle;
  fault.status = 429;
  fault.retry_after = std::max(0, retry_after_seconds);
  return AddFault(std::move(fault), target);
}

absl::Status FakeApiGateway::Fail(const FaultTarget& target, int status, bool drop_connection) {
  if (!drop_connection && (status < 400 || status > 599)) {
    return absl::InvalidArgumentError(absl::StrCat("status ", status, " is not 400-599"));
  }
  Fault fault;
  fault.kind = drop_connection ? Fault::Kind::kDrop : Fault::Kind::kStatus;
  fault.status = drop_connection ? 200 : status;
  return AddFault(std::move(fault), target);
}

absl::Status FakeApiGateway::ForceAuthError(const std::string& type, const FaultTarget& target) {
  if (!IsAuthErrorType(type)) {
    return absl::InvalidArgumentError(
        absl::StrCat("type \"", type, "\" is not one of ", absl::StrJoin(AuthErrorTypes(), ", ")));
  }
  Fault fault;
  fault.kind = Fault::Kind::kAuth;
  fault.status = 403;
  fault.auth_type = type;
  return AddFault(std::move(fault), target);
}

void FakeApiGateway::SetPageShape(PageShape shape) {
  std::lock_guard<std::mutex> lock(mu_);
  page_shape_ = shape;
}

PageShape FakeApiGateway::CurrentPageShape() const {
  std::lock_guard<std::mutex> lock(mu_);
  return page_shape_;
}

void FakeApiGateway::SetRateLimit(double rate, double burst) {
  const absl::Time now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (rate <= 0) {
    bucket_.reset();
  } else {
    bucket_.emplace(rate, burst, now);
  }
}

void FakeApiGateway::SetClockOffset(absl::Duration offset) {
  std::lock_guard<std::mutex> lock(mu_);
  clock_offset_ = offset;
}

std::vector<std::string> FakeApiGateway::Drop(const std::vector<std::string>& ids) {
  std::vector<std::string> unknown;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : ids) {
    if (data_.FindRestApi(id) == nullptr && data_.FindV2Api(id) == nullptr) {
      unknown.push_back(id);
    } else {
      dropped_.insert(id);
    }
  }
  return unknown;
}

void FakeApiGateway::Restore() {
  std::lock_guard<std::mutex> lock(mu_);
  dropped_.clear();
}

bool FakeApiGateway::Dropped(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_.count(id) > 0;
}

void FakeApiGateway::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
  page_shape_ = PageShape();
  bucket_.reset();
  clock_offset_ = absl::ZeroDuration();
  dropped_.clear();
  meter_.Reset();
  throttled_ = 0;
  by_path_.clear();
  by_operation_.clear();
  by_status_.clear();
  recent_.clear();
}

Json FakeApiGateway::RequestCounts() const {
  std::lock_guard<std::mutex> lock(mu_);
  Json by_path = Json::object();
  for (const auto& [path, n] : by_path_) by_path[path] = n;
  Json by_operation = Json::object();
  for (const auto& [op, n] : by_operation_) by_operation[op] = n;
  Json by_status = Json::object();
  for (const auto& [status, n] : by_status_) by_status[std::to_string(status)] = n;
  Json recent = Json::array();
  for (const Json& entry : recent_) recent.push_back(entry);
  return Json{{"total", meter_.total()},
              {"by_path", by_path},
              {"by_operation", by_operation},
              {"by_status", by_status},
              {"recent", recent}};
}

Json FakeApiGateway::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  Json stats = Json{{"total", meter_.total()},
                    {"max_per_second", meter_.max_in_window()},
                    {"max_window_end", nullptr},
                    {"throttled", throttled_}};
  if (meter_.max_in_window() > 0) {
    stats["max_window_end"] =
        absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", meter_.max_window_end(), absl::UTCTimeZone());
  }
  return stats;
}

void FakeApiGateway::HandleApi(const httplib::Request& req, httplib::Response& res) {
  if (absl::StartsWith(req.path, "/_fake/")) {
    // Not an API call: an unknown control call or a control call with the wrong method.
    ControlError(res, absl::StrCat("no control call ", req.method, " ", req.path));
    res.status = 404;
    return;
  }
  const absl::Time now = Now();
  const size_t question = req.target.find('?');
  ApiCall call;
  call.method = req.method;
  call.raw_path = req.target.substr(0, question);
  call.path = req.path;
  call.query = DecodeAwsQuery(question == std::string::npos ? "" : req.target.substr(question + 1));
  call.accept = req.get_header_value("Accept");
  const ApiRoute route = Resolve(req.method, call.raw_path);

  uint64_t number = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    number = ++request_number_;
    meter_.Record(now);
    ++by_path_[req.path];
    ++by_operation_[route.op == ApiRoute::Op::kUnknown ? std::string("unknown") : route.name];
  }
  res.set_header("x-amzn-RequestId", RequestId(number));

  ReceivedRequest received;
  received.method = req.method;
  received.target = req.target;
  received.body = req.body;
  for (const auto& [name, value] : req.headers) received.headers.emplace_back(name, value);

  bool drop = false;
  if (std::optional<Fault> forced = TakeFault(/*auth=*/true, req.target)) {
    SetError(res, CannedAuthError(forced->auth_type, req.get_header_value("Authorization"),
                                  req.method, call.path, options_.region, data_.account_id));
  } else if (SignatureCheck check = CheckSignature(received, signature_config_, now); !check.ok) {
    SetError(res, check.error);
  } else {
    int retry_after = -1;  // >= 0: throttled by the rate limit
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (bucket_.has_value() && !bucket_->TryTake(now)) retry_after = bucket_->SecondsUntilToken();
    }
    std::optional<Fault> fault;
    if (retry_after < 0) fault = TakeFault(/*auth=*/false, req.target);
    if (retry_after >= 0 || (fault.has_value() && fault->kind == Fault::Kind::kThrottle)) {
      SetError(res, InjectedError(429));
      const int seconds = retry_after >= 0 ? retry_after : fault->retry_after;
      if (seconds > 0) res.set_header("Retry-After", std::to_string(seconds));
      std::lock_guard<std::mutex> lock(mu_);
      ++throttled_;
    } else if (fault.has_value() && fault->kind == Fault::Kind::kStatus) {
      SetError(res, InjectedError(fault->status));
      if (fault->status == 503) res.set_header("Retry-After", "1");
    } else {
      drop = fault.has_value() && fault->kind == Fault::Kind::kDrop;
      if (route.op == ApiRoute::Op::kUnknown) {
        SetError(res, AwsError{404, "UnknownOperationException",
                               absl::StrCat("fake-aws-apigateway serves no operation at ",
                                            req.method, " ", call.path)});
      } else {
        Dispatch(route, call, res);
      }
    }
  }

  if (drop) {
    // Headers promising the whole answer, half of it, then the connection closes.
    auto body = std::make_shared<std::string>(std::move(res.body));
    const std::string content_type = res.get_header_value("Content-Type");
    res.body.clear();
    res.set_content_provider(body->size(), content_type,
                             [body](size_t, size_t, httplib::DataSink& sink) {
                               sink.write(body->data(), body->size() / 2);
                               return false;
                             });
  }

  std::lock_guard<std::mutex> lock(mu_);
  ++by_status_[res.status];
  recent_.push_back(Json{{"method", req.method},
                         {"target", req.target},
                         {"status", res.status},
                         {"error_type", res.get_header_value("x-amzn-ErrorType")}});
  if (recent_.size() > kRecentLimit) recent_.pop_front();
}

void FakeApiGateway::Dispatch(const ApiRoute& route, const ApiCall& call, httplib::Response& res) {
  using Op = ApiRoute::Op;
  const std::vector<std::string>& a = route.args;
  switch (route.op) {
    case Op::kGetRestApis:
      return GetRestApis(call, res);
    case Op::kGetRestApi:
      return GetRestApi(call, a[0], res);
    case Op::kGetStagesV1:
      return GetStagesV1(call, a[0], res);
    case Op::kGetStageV1:
      return GetStageV1(call, a[0], a[1], res);
    case Op::kGetExportV1:
      return GetExportV1(call, a[0], a[1], a[2], res);
    case Op::kGetAuthorizersV1:
      return GetAuthorizersV1(call, a[0], res);
    case Op::kGetApiKeys:
      return GetApiKeys(call, res);
    case Op::kGetTagsV1:
      return GetTags(call, a[0], /*v2=*/false, res);
    case Op::kGetApis:
      return GetApis(call, res);
    case Op::kGetApi:
      return GetApi(call, a[0], res);
    case Op::kGetV2List:
      return GetV2List(call, a[0], a[1], res);
    case Op::kExportApi:
      return ExportApi(call, a[0], a[1], res);
    case Op::kGetTagsV2:
      return GetTags(call, a[0], /*v2=*/true, res);
    case Op::kUnknown:
      break;
  }
}

namespace {

// The page a list call asks for; answers 400 and returns nullopt when its parameters are bad.
std::optional<Page> PageFor(const ApiCall& call, size_t total, const std::string& scope,
                            const std::string& size_name, const std::string& token_name,
                            const PageShape& shape, httplib::Response& res) {
  absl::StatusOr<size_t> size = ParsePageSize(call.Param(size_name), size_name);
  if (!size.ok()) {
    BadRequest(res, std::string(size.status().message()));
    return std::nullopt;
  }
  absl::StatusOr<Page> page =
      SlicePage(total, scope, call.Param(token_name), *size, shape, token_name);
  if (!page.ok()) {
    BadRequest(res, std::string(page.status().message()));
    return std::nullopt;
  }
  return *page;
}

// A list answer: the page's items of `all`, each made by `wire`, under `key` ("item" in
// v1, "items" in v2), and the next page's token under `token_key` unless it is the last.
template <typename T, typename Wire>
Json ListBody(const std::vector<T>& all, const Page& page, const char* key, const char* token_key,
              Wire wire) {
  Json body = Json::object();
  body[key] = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) body[key].push_back(wire(all[i]));
  if (!page.next_token.empty()) body[token_key] = page.next_token;
  return body;
}

Json Same(const Json& item) { return item; }

}  // namespace

void FakeApiGateway::GetRestApis(const ApiCall& call, httplib::Response& res) {
  std::vector<const RestApi*> visible;
  for (const RestApi& api : data_.rest_apis) {
    if (!Dropped(api.id())) visible.push_back(&api);
  }
  std::optional<Page> page =
      PageFor(call, visible.size(), "restapis", "limit", "position", CurrentPageShape(), res);
  if (!page.has_value()) return;
  RespondV1(call, res, ListBody(visible, *page, "item", "position", [](const RestApi* api) {
              return RestApiWire(*api);
            }));
}

void FakeApiGateway::GetRestApi(const ApiCall& call, const std::string& id,
                                httplib::Response& res) {
  const RestApi* api = data_.FindRestApi(id);
  if (api == nullptr || Dropped(id)) return NotFound(res, InvalidApiMessage(data_.account_id, id));
  RespondV1(call, res, RestApiWire(*api));
}

void FakeApiGateway::GetStagesV1(const ApiCall& call, const std::string& id,
                                 httplib::Response& res) {
  const RestApi* api = data_.FindRestApi(id);
  if (api == nullptr || Dropped(id)) return NotFound(res, InvalidApiMessage(data_.account_id, id));
  const std::optional<std::string> deployment = call.Param("deploymentId");
  Json body = Json{{"item", Json::array()}};
  for (const Json& stage : api->stages) {
    if (deployment.has_value() && StringField(stage, "deploymentId") != *deployment) continue;
    body["item"].push_back(V1StageWire(stage));
  }
  RespondV1(call, res, body);
}

void FakeApiGateway::GetStageV1(const ApiCall& call, const std::string& id,
                                const std::string& stage, httplib::Response& res) {
  const RestApi* api = data_.FindRestApi(id);
  if (api == nullptr || Dropped(id)) return NotFound(res, InvalidApiMessage(data_.account_id, id));
  const Json* found = api->FindStage(stage);
  if (found == nullptr) return NotFound(res, "Invalid Stage identifier specified");
  RespondV1(call, res, V1StageWire(*found));
}

void FakeApiGateway::GetExportV1(const ApiCall& call, const std::string& id,
                                 const std::string& stage, const std::string& type,
                                 httplib::Response& res) {
  const RestApi* api = data_.FindRestApi(id);
  if (api == nullptr || Dropped(id)) return NotFound(res, InvalidApiMessage(data_.account_id, id));
  if (api->FindStage(stage) == nullptr) return NotFound(res, "Invalid Stage identifier specified");
  if (type == "swagger") {
    return BadRequest(res, "fake-aws-apigateway serves oas30 exports only, not swagger");
  }
  if (type != "oas30") {
    return BadRequest(res, absl::StrCat("Invalid export type \"", type,
                                        "\": use oas30 (or swagger, which the fake lacks)"));
  }
  const std::string accept = absl::AsciiStrToLower(call.accept);
  if (absl::StrContains(accept, "yaml") && !absl::StrContains(accept, "json")) {
    return BadRequest(res, "fake-aws-apigateway serves application/json exports only");
  }
  V1Extensions extensions;
  if (std::optional<std::string> value = call.Param("extensions")) {
    absl::StatusOr<V1Extensions> parsed = ParseV1Extensions(*value);
    if (!parsed.ok()) return BadRequest(res, std::string(parsed.status().message()));
    extensions = *parsed;
  }
  res.status = 200;
  res.set_header("Content-Disposition",
                 absl::StrCat("attachment; filename=\"", id, "-", stage, "-oas30.json\""));
  res.set_content(Dump(ExportRestApi(*api, stage, options_.region, extensions)), kJson);
}

void FakeApiGateway::GetAuthorizersV1(const ApiCall& call, const std::string& id,
                                      httplib::Response& res) {
  const RestApi* api = data_.FindRestApi(id);
  if (api == nullptr || Dropped(id)) return NotFound(res, InvalidApiMessage(data_.account_id, id));
  std::optional<Page> page =
      PageFor(call, api->authorizers.size(), absl::StrCat("restapis/", id, "/authorizers"), "limit",
              "position", CurrentPageShape(), res);
  if (page.has_value())
    RespondV1(call, res, ListBody(api->authorizers, *page, "item", "position", Same));
}

void FakeApiGateway::GetApiKeys(const ApiCall& call, httplib::Response& res) {
  const bool include_values = call.Param("includeValues").value_or("") == "true";
  const std::string name_query = call.Param("nameQuery").value_or("");
  std::vector<Json> items;
  for (const Json& key : data_.api_keys) {
    if (!absl::StartsWith(StringField(key, "name"), name_query)) continue;
    items.push_back(ApiKeyWire(key, include_values));
  }
  std::optional<Page> page = PageFor(call, items.size(), absl::StrCat("apikeys|", name_query),
                                     "limit", "position", CurrentPageShape(), res);
  if (page.has_value()) RespondV1(call, res, ListBody(items, *page, "item", "position", Same));
}

void FakeApiGateway::GetTags(const ApiCall& call, const std::string& arn, bool v2,
                             httplib::Response& res) {
  const std::string prefix = absl::StrCat("arn:aws:apigateway:", options_.region, "::/");
  const Json* holder = nullptr;
  Json wire_holder;
  if (absl::StartsWith(arn, prefix)) {
    const std::vector<std::string> parts = absl::StrSplit(arn.substr(prefix.size()), '/');
    if (!v2 && parts.size() >= 2 && parts[0] == "restapis") {
      const RestApi* api = data_.FindRestApi(parts[1]);
      if (api != nullptr && !Dropped(parts[1])) {
        if (parts.size() == 2) holder = &api->api;
        if (parts.size() == 4 && parts[2] == "stages") holder = api->FindStage(parts[3]);
      }
    } else if (!v2 && parts.size() == 2 && parts[0] == "apikeys") {
      for (const Json& key : data_.api_keys) {
        if (StringField(key, "id") == parts[1]) holder = &key;
      }
    } else if (v2 && parts.size() >= 2 && parts[0] == "apis") {
      const V2Api* api = data_.FindV2Api(parts[1]);
      if (api != nullptr && !Dropped(parts[1])) {
        if (parts.size() == 2) holder = &api->api;
        if (parts.size() == 4 && parts[2] == "stages") holder = api->FindStage(parts[3]);
      }
    }
  }
  if (holder == nullptr) {
    return NotFound(res, absl::StrCat("Invalid resource identifier specified: ", arn));
  }
  Json body = Json{{"tags", holder->value("tags", Json::object())}};
  if (v2) {
    RespondJson(res, body);
  } else {
    RespondV1(call, res, body);
  }
}

void FakeApiGateway::GetApis(const ApiCall& call, httplib::Response& res) {
  std::vector<const V2Api*> visible;
  for (const V2Api& api : data_.v2_apis) {
    if (!Dropped(api.id())) visible.push_back(&api);
  }
  std::optional<Page> page =
      PageFor(call, visible.size(), "v2/apis", "maxResults", "nextToken", CurrentPageShape(), res);
  if (!page.has_value()) return;
  RespondJson(res, ListBody(visible, *page, "items", "nextToken",
                            [this](const V2Api* api) { return V2ApiWire(*api, options_.region); }));
}

void FakeApiGateway::GetApi(const ApiCall& call, const std::string& id, httplib::Response& res) {
  const V2Api* api = data_.FindV2Api(id);
  if (api == nullptr || Dropped(id)) return NotFound(res, InvalidApiMessage(data_.account_id, id));
  RespondJson(res, V2ApiWire(*api, options_.region));
}

void FakeApiGateway::GetV2List(const ApiCall& call, const std::string& id, const std::string& what,
                               httplib::Response& res) {
  const V2Api* api = data_.FindV2Api(id);
  if (api == nullptr || Dropped(id)) return NotFound(res, InvalidApiMessage(data_.account_id, id));
  std::vector<Json> items;
  if (what == "stages") {
    for (const Json& stage : api->stages) items.push_back(V2StageWire(stage));
  } else if (what == "authorizers") {
    items = api->authorizers;
  } else if (what == "routes") {
    items = api->routes;
  } else {
    items = api->integrations;
  }
  std::optional<Page> page = PageFor(call, items.size(), absl::StrCat("v2/apis/", id, "/", what),
                                     "maxResults", "nextToken", CurrentPageShape(), res);
  if (page.has_value()) RespondJson(res, ListBody(items, *page, "items", "nextToken", Same));
}

void FakeApiGateway::ExportApi(const ApiCall& call, const std::string& id,
                               const std::string& specification, httplib::Response& res) {
  const V2Api* api = data_.FindV2Api(id);
  if (api == nullptr || Dropped(id)) return NotFound(res, InvalidApiMessage(data_.account_id, id));
  if (specification != "OAS30") {
    return BadRequest(res, absl::StrCat("Invalid specification \"", specification,
                                        "\": OAS30 is the only supported value"));
  }
  const std::optional<std::string> output_type = call.Param("outputType");
  if (!output_type.has_value()) {
    return BadRequest(res,
                      "1 validation error detected: Value null at 'outputType' failed to "
                      "satisfy constraint: Member must not be null");
  }
  if (*output_type == "YAML") {
    return BadRequest(res, "fake-aws-apigateway serves outputType=JSON exports only");
  }
  if (*output_type != "JSON") {
    return BadRequest(res, absl::StrCat("Invalid outputType \"", *output_type,
                                        "\": valid values are JSON and YAML"));
  }
  if (api->websocket()) {
    return BadRequest(res,
                      "Exporting WebSocket APIs is not supported; only HTTP APIs can be "
                      "exported");
  }
  const std::string stage = call.Param("stageName").value_or("");
  if (!stage.empty() && api->FindStage(stage) == nullptr) {
    return NotFound(res, absl::StrCat("Invalid stage identifier specified: ", stage));
  }
  const std::string version = call.Param("exportVersion").value_or("1.0");
  if (version != "1.0") {
    return BadRequest(res, absl::StrCat("Invalid exportVersion \"", version,
                                        "\": 1.0 is the only supported version"));
  }
  const bool extensions = call.Param("includeExtensions").value_or("true") != "false";
  RespondJson(res, ExportHttpApi(*api, stage, options_.region, extensions));
}

void FakeApiGateway::Control(const std::string& command, const httplib::Request& req,
                             httplib::Response& res) {
  auto int_param = [&req](const std::string& name, int fallback, int& out) {
    out = fallback;
    return !req.has_param(name) || absl::SimpleAtoi(req.get_param_value(name), &out);
  };
  if (command == "reset") {
    Reset();
    return ControlOk(res, Json::object());
  }
  if (command == "restore") {
    Restore();
    return ControlOk(res, Json::object());
  }
  if (command == "drop") {
    const size_t n = req.get_param_value_count("id");
    if (n == 0) return ControlError(res, "drop needs at least one id parameter");
    std::vector<std::string> ids;
    for (size_t i = 0; i < n; ++i) ids.push_back(req.get_param_value("id", i));
    const std::vector<std::string> unknown = Drop(ids);
    Json dropped = Json::array();
    for (const std::string& id : ids) {
      if (std::find(unknown.begin(), unknown.end(), id) == unknown.end()) dropped.push_back(id);
    }
    return ControlOk(res, Json{{"dropped", dropped}, {"unknown", unknown}});
  }
  if (command == "short-pages") {
    int max = 0;
    if (!int_param("max", 0, max) || max < 0)
      return ControlError(res, "max must be an integer >= 0");
    PageShape shape;
    shape.max_items = static_cast<size_t>(max);
    shape.empty_first =
        req.get_param_value("empty_first") == "1" || req.get_param_value("empty_first") == "true";
    SetPageShape(shape);
    return ControlOk(res, Json{{"max", max}, {"empty_first", shape.empty_first}});
  }
  if (command == "rate-limit") {
    double rps = 0;
    double burst = 0;
    if (!req.has_param("rps") || !absl::SimpleAtod(req.get_param_value("rps"), &rps)) {
      return ControlError(res, "rate-limit needs rps=<requests per second> (0 turns it off)");
    }
    if (req.has_param("burst") && !absl::SimpleAtod(req.get_param_value("burst"), &burst)) {
      return ControlError(res, "burst must be a number");
    }
    if (!req.has_param("burst")) burst = rps;
    SetRateLimit(rps, burst);
    return ControlOk(res, Json{{"rps", rps}, {"burst", burst}});
  }
  if (command == "clock") {
    int seconds = 0;
    if (!req.has_param("offset_seconds") || !int_param("offset_seconds", 0, seconds)) {
      return ControlError(res, "clock needs offset_seconds=<integer, negative for behind>");
    }
    SetClockOffset(absl::Seconds(seconds));
    return ControlOk(res, Json{{"offset_seconds", seconds}});
  }

  // throttle, fail, auth-error: a fault with a target.
  FaultTarget target;
  target.pattern = req.get_param_value("path");
  if (!int_param("times", 0, target.times)) return ControlError(res, "times must be an integer");
  if (!int_param("skip", 0, target.skip) || target.skip < 0) {
    return ControlError(res, "skip must be an integer >= 0");
  }
  absl::Status status;
  if (command == "throttle") {
    int retry_after = 0;
    if (!int_param("retry_after", 0, retry_after) || retry_after < 0) {
      return ControlError(res, "retry_after must be a number of seconds >= 0");
    }
    status = Throttle(target, retry_after);
  } else if (command == "fail") {
    const std::string mode = req.get_param_value("status");
    int code = 0;
    if (mode == "drop") {
      status = Fail(target, 200, /*drop_connection=*/true);
    } else if (!absl::SimpleAtoi(mode, &code)) {
      return ControlError(res, "fail needs status=<400-599> or status=drop");
    } else {
      status = Fail(target, code);
    }
  } else {
    if (!req.has_param("type")) {
      return ControlError(
          res, absl::StrCat("auth-error needs type=<", absl::StrJoin(AuthErrorTypes(), "|"), ">"));
    }
    status = ForceAuthError(req.get_param_value("type"), target);
  }
  if (!status.ok()) return ControlError(res, std::string(status.message()));
  ControlOk(res, Json::object());
}

}  // namespace gov::fake::aws
