// Tests of the fake's SigV4 check: requests signed with gov_aws_sigv4, then altered.
#include "tests/fakes/aws_apigateway/signature_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "src/agent/providers/aws/sigv4.h"
#include "tests/fakes/aws_apigateway/test_util.h"

namespace gov::fake::aws {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using testing::Query;
using testing::SignedClient;
using ::testing::StartsWith;

const absl::Time kNow = absl::FromUnixSeconds(1749988800);  // 2025-06-15T12:00:00Z
constexpr char kHost[] = "127.0.0.1:8443";

const Credential kLongTerm{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", false};
const Credential kTemporary{"ASIATEMPORARY", "tempSecret/+=", "Fwo//token+With/Slashes==", false};
const Credential kExpired{"ASIAEXPIRED", "expiredSecret", "old-token", true};

SignatureCheckConfig Config() {
  SignatureCheckConfig config;
  config.region = "us-east-1";
  config.credentials = {kLongTerm, kTemporary, kExpired};
  return config;
}

gov::aws::Credentials AsSigner(const Credential& c) {
  return {c.access_key_id, c.secret_access_key, c.session_token};
}

// A request as the fake receives it after a client signed it with gov_aws_sigv4 and sent
// `wire_path` and `query` encoded the standard way.
ReceivedRequest Signed(const std::string& wire_path, const Query& query = {},
                       const Credential& credential = kLongTerm, absl::Time at = kNow,
                       const std::string& region = "us-east-1",
                       const std::string& service = "apigateway",
                       HttpHeaders extra = {{"Accept", "application/json"}}) {
  gov::aws::SignableRequest request;
  request.host = kHost;
  request.path = wire_path;
  request.query = query;
  request.headers = std::move(extra);
  const gov::aws::SignedHeaders signed_headers =
      gov::aws::SignV4(request, AsSigner(credential), region, service, at);
  ReceivedRequest received;
  received.target = absl::StrCat(wire_path, SignedClient::EncodedQuery(query));
  received.headers = signed_headers.headers;
  received.headers.emplace_back("User-Agent", "unsigned/1.0");  // unsigned headers don't matter
  return received;
}

std::string& HeaderRef(ReceivedRequest& request, const std::string& name) {
  for (auto& [key, value] : request.headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  request.headers.emplace_back(name, "");
  return request.headers.back().second;
}

void ExpectError(const SignatureCheck& check, const std::string& type, const std::string& message) {
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.error.status, 403);
  EXPECT_EQ(check.error.type, type);
  EXPECT_EQ(check.error.message, message);
}

TEST(SignatureCheckTest, AcceptsAProperlySignedRequest) {
  SignatureCheck check = CheckSignature(Signed("/restapis", {{"limit", "5"}}), Config(), kNow);
  EXPECT_TRUE(check.ok) << check.error.type << ": " << check.error.message;
  EXPECT_EQ(check.access_key_id, "AKIDEXAMPLE");
}

TEST(SignatureCheckTest, WrongSecretIsAnInvalidSignatureShowingWhatAwsComputed) {
  Credential wrong = kLongTerm;
  wrong.secret_access_key = "not-the-secret";
  SignatureCheck check =
      CheckSignature(Signed("/restapis", {{"limit", "5"}}, wrong), Config(), kNow);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.error.status, 403);
  EXPECT_EQ(check.error.type, "InvalidSignatureException");
  EXPECT_EQ(check.access_key_id, "AKIDEXAMPLE");
  EXPECT_THAT(
      check.error.message,
      StartsWith("The request signature we calculated does not match the signature you "
                 "provided. Check your AWS Secret Access Key and signing method. Consult "
                 "the service documentation for details.\n\nThe Canonical String for this "
                 "request should have been\n'GET\n/restapis\nlimit=5\naccept:application/json\n"
                 "host:127.0.0.1:8443\nx-amz-date:20250615T120000Z\n\n"
                 "accept;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca4"
                 "95991b7852b855'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n"
                 "20250615T120000Z\n20250615/us-east-1/apigateway/aws4_request\n"));
}

TEST(SignatureCheckTest, AnyChangeToWhatWasSignedIsRefused) {
  struct Case {
    const char* name;
    std::function<void(ReceivedRequest&)> tamper;
  };
  const std::vector<Case> cases = {
      {"query value", [](ReceivedRequest& r) { r.target = "/restapis?limit=6"; }},
      {"added parameter", [](ReceivedRequest& r) { r.target = "/restapis?limit=5&position=x"; }},
      {"path", [](ReceivedRequest& r) { r.target = "/restapis/?limit=5"; }},
      {"method", [](ReceivedRequest& r) { r.method = "DELETE"; }},
      {"signed header",
       [](ReceivedRequest& r) { HeaderRef(r, "Accept") = "application/hal+json"; }},
      {"host", [](ReceivedRequest& r) { HeaderRef(r, "Host") = "127.0.0.1:9999"; }},
      {"body", [](ReceivedRequest& r) { r.body = "{}"; }},
      {"signed header list",
       [](ReceivedRequest& r) {
         std::string& auth = HeaderRef(r, "Authorization");
         auth = absl::StrReplaceAll(auth, {{"accept;host;x-amz-date", "host;x-amz-date"}});
       }},
  };
  for (const Case& c : cases) {
    ReceivedRequest request = Signed("/restapis", {{"limit", "5"}});
    c.tamper(request);
    SignatureCheck check = CheckSignature(request, Config(), kNow);
    EXPECT_FALSE(check.ok) << c.name;
    EXPECT_EQ(check.error.type, "InvalidSignatureException") << c.name;
  }
}

TEST(SignatureCheckTest, SignaturesOlderOrNewerThanFiveMinutesAreRefused) {
  EXPECT_TRUE(CheckSignature(Signed("/restapis"), Config(), kNow + absl::Minutes(5)).ok);
  EXPECT_TRUE(CheckSignature(Signed("/restapis"), Config(), kNow - absl::Minutes(5)).ok);
  ExpectError(CheckSignature(Signed("/restapis"), Config(), kNow + absl::Minutes(6)),
              "InvalidSignatureException",
              "Signature expired: 20250615T120000Z is now earlier than 20250615T120100Z "
              "(20250615T120600Z - 5 min.)");
  ExpectError(CheckSignature(Signed("/restapis"), Config(), kNow - absl::Minutes(6)),
              "InvalidSignatureException",
              "Signature not yet current: 20250615T120000Z is still later than 20250615T115900Z "
              "(20250615T115400Z + 5 min.)");
}

TEST(SignatureCheckTest, MissingAuthorizationIsAMissingAuthenticationToken) {
  ReceivedRequest request;
  request.target = "/restapis";
  request.headers = {{"Host", kHost}};
  ExpectError(CheckSignature(request, Config(), kNow), "MissingAuthenticationTokenException",
              "Missing Authentication Token");
}

TEST(SignatureCheckTest, MalformedAuthorizationIsAnIncompleteSignature) {
  ReceivedRequest bearer;
  bearer.target = "/restapis";
  bearer.headers = {{"Host", kHost}, {"Authorization", "Bearer abc"}};
  ExpectError(CheckSignature(bearer, Config(), kNow), "IncompleteSignatureException",
              "Authorization header requires 'Credential' parameter. Authorization header "
              "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
              "parameter. Authorization header requires existence of either a 'X-Amz-Date' or a "
              "'Date' header. Authorization=Bearer abc");

  ReceivedRequest no_equals = Signed("/restapis");
  std::string& auth = HeaderRef(no_equals, "Authorization");
  auth = absl::StrReplaceAll(auth, {{"Credential=", "Credential "}});
  SignatureCheck check = CheckSignature(no_equals, Config(), kNow);
  EXPECT_EQ(check.error.type, "IncompleteSignatureException");
  EXPECT_THAT(check.error.message,
              StartsWith("'Credential AKIDEXAMPLE/20250615/us-east-1/apigateway/aws4_request' not "
                         "a valid key=value pair (missing equal-sign) in Authorization header: "
                         "'AWS4-HMAC-SHA256 Credential AKIDEXAMPLE/"));

  ReceivedRequest no_date = Signed("/restapis");
  no_date.headers.erase(
      std::remove_if(no_date.headers.begin(), no_date.headers.end(),
                     [](const auto& h) { return absl::EqualsIgnoreCase(h.first, "X-Amz-Date"); }),
      no_date.headers.end());
  check = CheckSignature(no_date, Config(), kNow);
  EXPECT_EQ(check.error.type, "IncompleteSignatureException");
  EXPECT_THAT(check.error.message,
              StartsWith("Authorization header requires existence of either a 'X-Amz-Date' or a "
                         "'Date' header. Authorization=AWS4-HMAC-SHA256 Credential="));

  for (const char* date : {"2025-06-15T12:00:00Z", "20251315T120000Z", "20250615T120000"}) {
    ReceivedRequest bad_date = Signed("/restapis");
    HeaderRef(bad_date, "X-Amz-Date") = date;
    ExpectError(CheckSignature(bad_date, Config(), kNow), "IncompleteSignatureException",
                absl::StrCat("Date must be in ISO-8601 'basic format'. Got '", date,
                             "'. See http://en.wikipedia.org/wiki/ISO_8601"));
  }

  ReceivedRequest terminator = Signed("/restapis");
  std::string& t = HeaderRef(terminator, "Authorization");
  t = absl::StrReplaceAll(t, {{"/aws4_request", "/aws4_reqest"}});
  ExpectError(CheckSignature(terminator, Config(), kNow), "IncompleteSignatureException",
              "Credential should be scoped with a valid terminator: 'aws4_request', not "
              "'aws4_reqest'. ");
}

TEST(SignatureCheckTest, UnknownAccessKeyIsAnUnrecognizedClient) {
  Credential stranger{"AKIASTRANGER", "whatever", "", false};
  SignatureCheck check = CheckSignature(Signed("/restapis", {}, stranger), Config(), kNow);
  ExpectError(check, "UnrecognizedClientException",
              "The security token included in the request is invalid.");
  EXPECT_EQ(check.access_key_id, "AKIASTRANGER");
}

TEST(SignatureCheckTest, CredentialScopeMustNameTheRegionServiceAndDate) {
  ExpectError(CheckSignature(Signed("/restapis", {}, kLongTerm, kNow, "eu-west-1"), Config(), kNow),
              "InvalidSignatureException",
              "Credential should be scoped to a valid region, not 'eu-west-1'. ");
  ExpectError(CheckSignature(Signed("/restapis", {}, kLongTerm, kNow, "us-east-1", "execute-api"),
                             Config(), kNow),
              "InvalidSignatureException",
              "Credential should be scoped to correct service: 'apigateway'. ");
  ReceivedRequest next_day = Signed("/restapis");
  HeaderRef(next_day, "X-Amz-Date") = "20250616T000100Z";
  ExpectError(CheckSignature(next_day, Config(), kNow), "InvalidSignatureException",
              "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
              "from HTTP: '20250615' != '20250616', from 'X-Amz-Date'.");
}

TEST(SignatureCheckTest, TemporaryCredentialsNeedTheirSessionToken) {
  EXPECT_TRUE(CheckSignature(Signed("/restapis", {}, kTemporary), Config(), kNow).ok);

  Credential no_token = kTemporary;
  no_token.session_token = "";
  ExpectError(CheckSignature(Signed("/restapis", {}, no_token), Config(), kNow),
              "UnrecognizedClientException",
              "The security token included in the request is invalid.");
  Credential wrong_token = kTemporary;
  wrong_token.session_token = "another-token";
  ExpectError(CheckSignature(Signed("/restapis", {}, wrong_token), Config(), kNow),
              "UnrecognizedClientException",
              "The security token included in the request is invalid.");
  Credential long_term_with_token = kLongTerm;
  long_term_with_token.session_token = "unexpected";
  ExpectError(CheckSignature(Signed("/restapis", {}, long_term_with_token), Config(), kNow),
              "UnrecognizedClientException",
              "The security token included in the request is invalid.");
}

TEST(SignatureCheckTest, ExpiredTemporaryCredentialsAreAnExpiredTokenOnceSigned) {
  ExpectError(CheckSignature(Signed("/restapis", {}, kExpired), Config(), kNow),
              "ExpiredTokenException", "The security token included in the request is expired");
  Credential bad_secret = kExpired;
  bad_secret.secret_access_key = "nope";
  EXPECT_EQ(CheckSignature(Signed("/restapis", {}, bad_secret), Config(), kNow).error.type,
            "InvalidSignatureException");
}

TEST(SignatureCheckTest, PaginationTokensMustBeEncodedLikeAwsDecodesThem) {
  const std::string token = "+/92MXw4ZTE3ZThjMXwyfA==";
  // Encoded by the client (%2B%2F...%3D%3D): what it signed is what AWS reads.
  ReceivedRequest encoded = Signed("/restapis", {{"position", token}});
  EXPECT_EQ(encoded.target, "/restapis?position=%2B%2F92MXw4ZTE3ZThjMXwyfA%3D%3D");
  EXPECT_TRUE(CheckSignature(encoded, Config(), kNow).ok);
  // Sent raw: AWS reads "+" as a space, so the signature no longer matches.
  ReceivedRequest raw = encoded;
  raw.target = absl::StrCat("/restapis?position=", token);
  EXPECT_EQ(CheckSignature(raw, Config(), kNow).error.type, "InvalidSignatureException");
  // A raw "/" or "=" still decodes to the same text, as on AWS.
  ReceivedRequest slash = Signed("/restapis", {{"position", "ab/c=="}});
  slash.target = "/restapis?position=ab/c==";
  EXPECT_TRUE(CheckSignature(slash, Config(), kNow).ok);
}

TEST(SignatureCheckTest, PathsAreSignedInTheirWireForm) {
  // A stage named $default goes on the wire as %24default and is signed as %2524default.
  EXPECT_TRUE(CheckSignature(Signed("/v2/apis/a1/stages/%24default"), Config(), kNow).ok);
  ReceivedRequest signed_raw = Signed("/v2/apis/a1/stages/$default");
  signed_raw.target = "/v2/apis/a1/stages/%24default";
  EXPECT_EQ(CheckSignature(signed_raw, Config(), kNow).error.type, "InvalidSignatureException");
  // An ARN is one path segment: its ':' and '/' are encoded.
  EXPECT_TRUE(CheckSignature(
                  Signed("/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fa7x3k9m2qd"),
                  Config(), kNow)
                  .ok);
}

TEST(SignatureCheckTest, RepeatedSignedHeadersAreJoined) {
  ReceivedRequest request = Signed("/restapis", {}, kLongTerm, kNow, "us-east-1", "apigateway",
                                   {{"X-Custom", "a"}, {"X-Custom", "b"}});
  EXPECT_TRUE(CheckSignature(request, Config(), kNow).ok);
  HeaderRef(request, "X-Custom") = "c";
  EXPECT_FALSE(CheckSignature(request, Config(), kNow).ok);
}

TEST(SignatureCheckTest, QueryDecoding) {
  EXPECT_THAT(DecodeAwsQuery("a=1&b=x+y&c=%2B%2F%3D&d&e=f=g"),
              ElementsAre(Pair("a", "1"), Pair("b", "x y"), Pair("c", "+/="), Pair("d", ""),
                          Pair("e", "f=g")));
  EXPECT_TRUE(DecodeAwsQuery("").empty());
}

TEST(SignatureCheckTest, CannedAuthErrors) {
  EXPECT_EQ(AuthErrorTypes().size(), 6u);
  for (const std::string& type : AuthErrorTypes()) {
    EXPECT_TRUE(IsAuthErrorType(type)) << type;
    const AwsError error = CannedAuthError(type, "AWS4-HMAC-SHA256 x", "GET", "/restapis",
                                           "us-east-1", "123456789012");
    EXPECT_EQ(error.status, 403) << type;
    EXPECT_EQ(error.type, type);
  }
  EXPECT_FALSE(IsAuthErrorType("ThrottlingException"));
  EXPECT_EQ(
      CannedAuthError("AccessDeniedException", "", "GET", "/restapis", "eu-west-1", "123456789012")
          .message,
      "User: arn:aws:iam::123456789012:user/governance-agent is not authorized to perform: "
      "apigateway:GET on resource: arn:aws:apigateway:eu-west-1::/restapis");
  EXPECT_EQ(CannedAuthError("ExpiredTokenException", "", "GET", "/", "r", "a").message,
            "The security token included in the request is expired");
  EXPECT_EQ(
      CannedAuthError("IncompleteSignatureException", "Bearer t", "GET", "/", "r", "a").message,
      "Authorization header requires 'Credential' parameter. Authorization=Bearer t");
}

}  // namespace
}  // namespace gov::fake::aws
