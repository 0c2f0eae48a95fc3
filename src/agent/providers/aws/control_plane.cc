#include "src/agent/providers/aws/control_plane.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "src/agent/providers/aws/normalize.h"
#include "src/common/logging.h"

namespace gov::agent::aws {
namespace {

using nlohmann::json;

constexpr size_t kMaxMessageChars = 300;

std::string Shorten(std::string text) {
  if (text.size() > kMaxMessageChars) text = text.substr(0, kMaxMessageChars) + "...";
  return text;
}

// What AWS said went wrong: the error type (x-amzn-ErrorType, else the body's __type/code)
// and message (the body's message/Message, else the first line of a non-JSON body).
struct AwsError {
  std::string type;
  std::string message;
  std::string Describe(int status) const {
    std::string out = absl::StrCat("HTTP ", status);
    if (!type.empty()) absl::StrAppend(&out, " ", type);
    if (!message.empty()) absl::StrAppend(&out, ": ", message);
    return out;
  }
};

AwsError ParseAwsError(const HttpResponse& response) {
  AwsError out;
  std::string type = response.Header("x-amzn-ErrorType");
  json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (type.empty() && body.is_object()) {
    for (const char* key : {"__type", "code", "Code"}) {
      auto it = body.find(key);
      if (it != body.end() && it->is_string()) {
        type = it->get<std::string>();
        break;
      }
    }
  }
  // "AccessDeniedException:http://internal.amazon.com/coral/..." or "coral#AccessDenied".
  type = type.substr(0, type.find(':'));
  if (const size_t hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  out.type = std::string(absl::StripAsciiWhitespace(type));
  if (body.is_object()) {
    for (const char* key : {"message", "Message", "errorMessage"}) {
      auto it = body.find(key);
      if (it != body.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
        out.message = it->get<std::string>();
        break;
      }
    }
  } else if (!response.body.empty()) {
    std::string text(absl::StripAsciiWhitespace(response.body));
    text = text.substr(0, text.find('\n'));
    if (!absl::StartsWith(text, "<")) out.message = std::string(absl::StripAsciiWhitespace(text));
  }
  return out;
}

bool IsAuthType(const std::string& type) {
  static const auto* const types = new std::set<std::string>{"UnrecognizedClientException",
                                                             "InvalidSignatureException",
                                                             "ExpiredTokenException",
                                                             "AccessDeniedException",
                                                             "IncompleteSignatureException",
                                                             "MissingAuthenticationTokenException",
                                                             "InvalidClientTokenId",
                                                             "SignatureDoesNotMatch",
                                                             "UnauthorizedException",
                                                             "ExpiredToken",
                                                             "AccessDenied"};
  return types->count(type) > 0;
}

bool IsThrottleType(const std::string& type) {
  static const auto* const types =
      new std::set<std::string>{"TooManyRequestsException", "ThrottlingException", "Throttling",
                                "LimitExceededException", "RequestLimitExceeded"};
  return types->count(type) > 0;
}

// Retry-After in seconds (API Gateway sends an integer); nullopt when absent or not a number.
std::optional<absl::Duration> RetryAfter(const HttpResponse& response) {
  const std::string value(absl::StripAsciiWhitespace(response.Header("Retry-After")));
  double seconds = 0;
  if (value.empty() || !absl::SimpleAtod(value, &seconds) || !(seconds >= 0)) return std::nullopt;
  return absl::Seconds(seconds);
}

std::string RedactUserInfo(const std::string& url) {
  const size_t start = url.find("://");
  if (start == std::string::npos) return url;
  const size_t authority = start + 3;
  const size_t end = url.find_first_of("/?#", authority);
  const size_t at = url.rfind('@', end == std::string::npos ? url.size() : end);
  if (at == std::string::npos || at < authority) return url;
  return absl::StrCat(url.substr(0, authority), url.substr(at + 1));
}

}  // namespace

absl::StatusOr<Endpoint> ParseEndpoint(const std::string& url) {
  const std::string lower = absl::AsciiStrToLower(url);
  size_t scheme_end = 0;
  if (absl::StartsWith(lower, "https://")) {
    scheme_end = 8;
  } else if (absl::StartsWith(lower, "http://")) {
    scheme_end = 7;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("endpoint \"", RedactUserInfo(url), "\" must be an http:// or https:// URL"));
  }
  const std::string clean = RedactUserInfo(url);
  const size_t path_start = clean.find_first_of("/?#", scheme_end);
  Endpoint out;
  out.host = clean.substr(
      scheme_end, path_start == std::string::npos ? std::string::npos : path_start - scheme_end);
  if (out.host.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("endpoint \"", clean, "\" has no host"));
  }
  std::string prefix = path_start == std::string::npos ? "" : clean.substr(path_start);
  if (prefix.find_first_of("?#") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("endpoint \"", clean, "\" must not have a query or fragment"));
  }
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  out.path_prefix = prefix;
  out.base_url = absl::StrCat(clean.substr(0, scheme_end), out.host, prefix);
  return out;
}

std::string DefaultEndpointUrl(const std::string& region) {
  return absl::StrCat("https://apigateway.", region, ".", AwsDomain(region));
}

ControlPlaneClient::ControlPlaneClient(std::string provider_name, gov::aws::Credentials credentials,
                                       std::string region, Endpoint endpoint,
                                       absl::Duration request_timeout, HttpClient* http,
                                       Clock* clock, Random* random, AwsProviderOptions options)
    : name_(std::move(provider_name)),
      credentials_(std::move(credentials)),
      region_(std::move(region)),
      endpoint_(std::move(endpoint)),
      request_timeout_(request_timeout),
      http_(http),
      clock_(clock),
      random_(random),
      options_(options),
      sleeper_(options.sleeper != nullptr ? options.sleeper : RealSleeper()),
      limiter_(options.requests_per_second, options.burst, clock, sleeper_) {}

std::string ControlPlaneClient::Url(const std::string& path, const Query& query) const {
  std::string url = absl::StrCat(endpoint_.base_url, path);
  if (!query.empty()) absl::StrAppend(&url, "?", gov::aws::CanonicalQuery(query));
  return url;
}

std::string ControlPlaneClient::Scrub(std::string text) const {
  for (const std::string* secret : {&credentials_.secret_access_key, &credentials_.session_token}) {
    if (!secret->empty()) text = absl::StrReplaceAll(text, {{*secret, "***"}});
  }
  return text;
}

absl::Status ControlPlaneClient::Error(absl::StatusCode code, const std::string& message) const {
  return absl::Status(code, Scrub(absl::StrCat("aws provider \"", name_, "\": ", message)));
}

bool ControlPlaneClient::IsFatal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<json> ControlPlaneClient::GetJson(const std::string& path, const Query& query,
                                                 const std::string& what, std::stop_token stop) {
  auto log = GetLogger("agent.aws");
  const std::string url = Url(path, query);
  const int max_attempts = std::max(1, options_.max_attempts);
  Backoff backoff(options_.backoff, random_);
  absl::Status last;  // why the previous attempt failed (retryable)
  for (int attempt = 1;; ++attempt) {
    if (stop.stop_requested()) {
      return Error(absl::StatusCode::kCancelled, absl::StrCat(what, ": cancelled"));
    }
    if (absl::Status s = limiter_.Acquire(stop); !s.ok()) {
      return Error(absl::StatusCode::kCancelled, absl::StrCat(what, ": cancelled"));
    }
    gov::aws::SignableRequest signable;
    signable.method = "GET";
    signable.host = endpoint_.host;
    signable.path = endpoint_.path_prefix + path;
    signable.query = query;
    signable.headers = {{"Accept", "application/json"}};
    gov::aws::SignedHeaders signed_request =
        gov::aws::SignV4(signable, credentials_, region_, "apigateway", clock_->Now());
    HttpRequest request;
    request.method = "GET";
    request.url = url;
    request.headers = std::move(signed_request.headers);
    request.timeout = request_timeout_;

    std::optional<absl::Duration> retry_after;
    absl::StatusOr<HttpResponse> response = http_->Send(request);
    log->debug("aws provider \"{}\": GET {} -> {}", name_, url,
               response.ok() ? std::to_string(response->status)
                             : std::string(response.status().message()));
    if (!response.ok()) {
      last = Error(response.status().code(),
                   absl::StrCat(what, ": failed ", attempt, attempt == 1 ? " time" : " times",
                                "; last error: ", response.status().message()));
    } else if (response->status >= 200 && response->status <= 299) {
      try {
        return json::parse(response->body);
      } catch (const json::exception& e) {
        return Error(absl::StatusCode::kInternal, absl::StrCat(what, ": the answer of GET ", url,
                                                               " is not valid JSON: ", e.what()));
      }
    } else {
      const int status = response->status;
      AwsError error = ParseAwsError(*response);
      // Scrub before cutting, so that a secret is never cut in two; keep the first line
      // (an InvalidSignatureException goes on with the canonical request).
      error.message = Scrub(error.message);
      error.message = Shorten(std::string(
          absl::StripAsciiWhitespace(error.message.substr(0, error.message.find('\n')))));
      if (status == 401 || status == 403 || IsAuthType(error.type)) {
        const bool denied = error.type == "AccessDeniedException" || error.type == "AccessDenied" ||
                            error.type == "UnauthorizedException";
        std::string hint;
        if (denied) {
          hint =
              absl::StrCat("; the credentials need apigateway:GET on arn:aws:apigateway:", region_,
                           "::/restapis, /restapis/*, /apis and /apis/*");
        } else if (absl::StartsWith(error.type, "ExpiredToken")) {
          hint = "; the temporary credentials have expired: renew sessionToken";
        } else if (error.type == "InvalidSignatureException" ||
                   error.type == "SignatureDoesNotMatch") {
          hint = "; check accessKeySecret and that this machine's clock is right";
        } else {
          hint = "; check accessKeyId, accessKeySecret and sessionToken";
        }
        return Error(
            denied ? absl::StatusCode::kPermissionDenied : absl::StatusCode::kUnauthenticated,
            absl::StrCat(what, ": AWS ", denied ? "denied access" : "rejected the credentials",
                         " at GET ", url, ": ", error.Describe(status), hint));
      }
      if (status == 429 || IsThrottleType(error.type)) {
        retry_after = RetryAfter(*response);
        last = Error(absl::StatusCode::kResourceExhausted,
                     absl::StrCat(what, ": still throttled after ", attempt,
                                  attempt == 1 ? " attempt" : " attempts", " at GET ", url, ": ",
                                  error.Describe(status)));
      } else if (status >= 500) {
        retry_after = RetryAfter(*response);
        last = Error(absl::StatusCode::kUnavailable,
                     absl::StrCat(what, ": GET ", url, " failed ", attempt,
                                  attempt == 1 ? " time" : " times", "; last answer ",
                                  error.Describe(status)));
      } else {
        return Error(
            status == 404 ? absl::StatusCode::kNotFound : absl::StatusCode::kFailedPrecondition,
            absl::StrCat(what, ": GET ", url, " answered ", error.Describe(status)));
      }
    }
    if (attempt >= max_attempts) return last;
    absl::Duration delay = backoff.Next();
    if (retry_after.has_value())
      delay = std::max(delay, std::min(*retry_after, options_.max_retry_after));
    log->warn("{}; retrying in {} (attempt {} of {})", last.message(), absl::FormatDuration(delay),
              attempt + 1, max_attempts);
    sleeper_->SleepFor(delay, stop);
  }
}

}  // namespace gov::agent::aws
