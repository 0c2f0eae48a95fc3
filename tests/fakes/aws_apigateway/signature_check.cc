#include "tests/fakes/aws_apigateway/signature_check.h"

#include <map>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "src/agent/providers/aws/sigv4.h"
#include "src/common/hash.h"

namespace gov::fake::aws {
namespace {

constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";
constexpr char kMissingToken[] = "Missing Authentication Token";
constexpr char kInvalidToken[] = "The security token included in the request is invalid.";
constexpr char kExpiredToken[] = "The security token included in the request is expired";
constexpr char kSignatureMismatch[] =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
constexpr char kDateClause[] =
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";

AwsError Error(const std::string& type, const std::string& message) {
  return AwsError{403, type, message};
}

SignatureCheck Fail(AwsError error, const std::string& access_key_id = "") {
  SignatureCheck check;
  check.error = std::move(error);
  check.access_key_id = access_key_id;
  return check;
}

// Every value of header `name` (case-insensitive), in the order received.
std::vector<std::string> HeaderValues(const HttpHeaders& headers, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) out.push_back(value);
  }
  return out;
}

std::string Header(const HttpHeaders& headers, const std::string& name) {
  std::vector<std::string> values = HeaderValues(headers, name);
  return values.empty() ? std::string() : values.front();
}

std::string Timestamp(absl::Time t) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", t, absl::UTCTimeZone());
}

// "20150830T123600Z" (ISO 8601 basic format, UTC); nullopt for anything else. absl's %Y
// would read every digit as the year, so the fields are taken by position.
std::optional<absl::Time> ParseAmzDate(const std::string& text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  int fields[6] = {0, 0, 0, 0, 0, 0};
  const int starts[6] = {0, 4, 6, 9, 11, 13};
  const int lengths[6] = {4, 2, 2, 2, 2, 2};
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < lengths[i]; ++j) {
      const char c = text[static_cast<size_t>(starts[i] + j)];
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      fields[i] = fields[i] * 10 + (c - '0');
    }
  }
  const absl::CivilSecond civil(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
  // CivilSecond normalizes out-of-range fields (month 13); such a date is not valid.
  if (civil.year() != fields[0] || civil.month() != fields[1] || civil.day() != fields[2] ||
      civil.hour() != fields[3] || civil.minute() != fields[4] || civil.second() != fields[5]) {
    return std::nullopt;
  }
  return absl::FromCivil(civil, absl::UTCTimeZone());
}

struct ParsedAuthorization {
  std::map<std::string, std::string> parts;  // Credential, SignedHeaders, Signature
};

// Parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...". Returns the
// IncompleteSignatureException message on failure (empty on success).
std::string ParseAuthorization(const std::string& authorization, bool has_date,
                               ParsedAuthorization& out) {
  const std::string algorithm_prefix = absl::StrCat(kAlgorithm, " ");
  if (absl::StartsWith(authorization, algorithm_prefix)) {
    const std::string rest = authorization.substr(algorithm_prefix.size());
    for (absl::string_view raw : absl::StrSplit(rest, ',', absl::SkipWhitespace())) {
      const std::string part = std::string(absl::StripAsciiWhitespace(raw));
      const size_t eq = part.find('=');
      if (eq == std::string::npos) {
        return absl::StrCat("'", part, "' not a valid key=value pair (missing equal-sign) in ",
                            "Authorization header: '", authorization, "'.");
      }
      out.parts[part.substr(0, eq)] = part.substr(eq + 1);
    }
  }
  std::string missing;
  for (const char* name : {"Credential", "Signature", "SignedHeaders"}) {
    if (out.parts.count(name) == 0) {
      absl::StrAppend(&missing, "Authorization header requires '", name, "' parameter. ");
    }
  }
  if (!has_date) absl::StrAppend(&missing, kDateClause);
  if (missing.empty()) return "";
  return absl::StrCat(missing, "Authorization=", authorization);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> DecodeAwsQuery(const std::string& raw_query) {
  return gov::aws::ParseQuery(absl::StrReplaceAll(raw_query, {{"+", "%20"}}));
}

SignatureCheck CheckSignature(const ReceivedRequest& request, const SignatureCheckConfig& config,
                              absl::Time now) {
  const std::string authorization = Header(request.headers, "Authorization");
  if (authorization.empty())
    return Fail(Error("MissingAuthenticationTokenException", kMissingToken));

  const std::string amz_date = Header(request.headers, "X-Amz-Date");
  ParsedAuthorization parsed;
  const std::string incomplete = ParseAuthorization(authorization, !amz_date.empty(), parsed);
  if (!incomplete.empty()) return Fail(Error("IncompleteSignatureException", incomplete));

  std::optional<absl::Time> signed_at = ParseAmzDate(amz_date);
  if (!signed_at.has_value()) {
    return Fail(Error("IncompleteSignatureException",
                      absl::StrCat("Date must be in ISO-8601 'basic format'. Got '", amz_date,
                                   "'. See http://en.wikipedia.org/wiki/ISO_8601")));
  }

  const std::vector<std::string> scope = absl::StrSplit(parsed.parts["Credential"], '/');
  const std::string& key_id = scope[0];
  if (scope.size() != 5 || scope[4] != "aws4_request") {
    return Fail(Error("IncompleteSignatureException",
                      absl::StrCat("Credential should be scoped with a valid terminator: "
                                   "'aws4_request', not '",
                                   scope.back(), "'. ")),
                key_id);
  }
  const Credential* credential = nullptr;
  for (const Credential& c : config.credentials) {
    if (c.access_key_id == key_id) credential = &c;
  }
  if (credential == nullptr)
    return Fail(Error("UnrecognizedClientException", kInvalidToken), key_id);

  const std::string token = Header(request.headers, "X-Amz-Security-Token");
  if (token != credential->session_token) {
    return Fail(Error("UnrecognizedClientException", kInvalidToken), key_id);
  }
  if (scope[2] != config.region) {
    return Fail(Error("InvalidSignatureException",
                      absl::StrCat("Credential should be scoped to a valid region, not '", scope[2],
                                   "'. ")),
                key_id);
  }
  if (scope[3] != config.service) {
    return Fail(Error("InvalidSignatureException",
                      absl::StrCat("Credential should be scoped to correct service: '",
                                   config.service, "'. ")),
                key_id);
  }
  if (scope[1] != amz_date.substr(0, 8)) {
    return Fail(
        Error("InvalidSignatureException",
              absl::StrCat("Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                           "version of date from HTTP: '",
                           scope[1], "' != '", amz_date.substr(0, 8), "', from 'X-Amz-Date'.")),
        key_id);
  }
  if (*signed_at < now - config.max_skew) {
    return Fail(Error("InvalidSignatureException",
                      absl::StrCat("Signature expired: ", amz_date, " is now earlier than ",
                                   Timestamp(now - config.max_skew), " (", Timestamp(now), " - ",
                                   absl::ToInt64Minutes(config.max_skew), " min.)")),
                key_id);
  }
  if (*signed_at > now + config.max_skew) {
    return Fail(Error("InvalidSignatureException",
                      absl::StrCat("Signature not yet current: ", amz_date, " is still later than ",
                                   Timestamp(now + config.max_skew), " (", Timestamp(now), " + ",
                                   absl::ToInt64Minutes(config.max_skew), " min.)")),
                key_id);
  }

  // Recompute the signature from what arrived.
  const std::string& target = request.target;
  const size_t question = target.find('?');
  gov::aws::SignableRequest signable;
  signable.method = request.method;
  signable.host = Header(request.headers, "Host");
  signable.path = target.substr(0, question);
  signable.query = DecodeAwsQuery(question == std::string::npos ? "" : target.substr(question + 1));
  signable.body = request.body;
  gov::aws::Credentials credentials{credential->access_key_id, credential->secret_access_key, ""};
  const std::string provided_signed = parsed.parts["SignedHeaders"];
  for (absl::string_view raw_name : absl::StrSplit(provided_signed, ';', absl::SkipEmpty())) {
    const std::string name = absl::AsciiStrToLower(std::string(raw_name));
    if (name == "host" || name == "x-amz-date") continue;
    if (name == "x-amz-security-token") {
      credentials.session_token = token;
      continue;
    }
    for (const std::string& value : HeaderValues(request.headers, name)) {
      signable.headers.emplace_back(name, value);
    }
  }
  const gov::aws::SignedHeaders expected =
      gov::aws::SignV4(signable, credentials, config.region, config.service, *signed_at);
  const std::string expected_signed_prefix = "SignedHeaders=";
  const size_t sh = expected.authorization.find(expected_signed_prefix);
  const size_t sig = expected.authorization.find(", Signature=");
  const std::string expected_signed = expected.authorization.substr(
      sh + expected_signed_prefix.size(), sig - sh - expected_signed_prefix.size());
  const std::string expected_signature = expected.authorization.substr(sig + 12);
  if (expected_signed != provided_signed ||
      !ConstantTimeEquals(expected_signature, parsed.parts["Signature"])) {
    return Fail(Error("InvalidSignatureException",
                      absl::StrCat(kSignatureMismatch,
                                   "\n\nThe Canonical String for this request should have been\n'",
                                   expected.canonical_request,
                                   "'\n\nThe String-to-Sign should have been\n'",
                                   expected.string_to_sign, "'\n")),
                key_id);
  }
  if (credential->expired) return Fail(Error("ExpiredTokenException", kExpiredToken), key_id);

  SignatureCheck check;
  check.ok = true;
  check.access_key_id = key_id;
  return check;
}

std::vector<std::string> AuthErrorTypes() {
  return {"AccessDeniedException",
          "ExpiredTokenException",
          "IncompleteSignatureException",
          "InvalidSignatureException",
          "MissingAuthenticationTokenException",
          "UnrecognizedClientException"};
}

bool IsAuthErrorType(const std::string& type) {
  for (const std::string& t : AuthErrorTypes()) {
    if (t == type) return true;
  }
  return false;
}

AwsError CannedAuthError(const std::string& type, const std::string& authorization,
                         const std::string& method, const std::string& path,
                         const std::string& region, const std::string& account_id) {
  if (type == "MissingAuthenticationTokenException") return Error(type, kMissingToken);
  if (type == "UnrecognizedClientException") return Error(type, kInvalidToken);
  if (type == "ExpiredTokenException") return Error(type, kExpiredToken);
  if (type == "InvalidSignatureException") return Error(type, kSignatureMismatch);
  if (type == "IncompleteSignatureException") {
    return Error(type, absl::StrCat("Authorization header requires 'Credential' parameter. ",
                                    "Authorization=", authorization));
  }
  return Error("AccessDeniedException",
               absl::StrCat("User: arn:aws:iam::", account_id,
                            ":user/governance-agent is not authorized to perform: apigateway:",
                            method, " on resource: arn:aws:apigateway:", region, "::", path));
}

}  // namespace gov::fake::aws
