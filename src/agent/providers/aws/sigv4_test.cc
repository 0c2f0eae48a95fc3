#include "src/agent/providers/aws/sigv4.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "src/common/hash.h"

namespace gov::aws {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

// The suite's fixed inputs (PROVENANCE.md).
constexpr char kSuiteAccessKey[] = "AKIDEXAMPLE";
constexpr char kSuiteSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

absl::Time SuiteTime() {
  return absl::FromCivil(absl::CivilSecond(2015, 8, 30, 12, 36, 0), absl::UTCTimeZone());
}

Credentials SuiteCredentials(std::string token = "") {
  return Credentials{kSuiteAccessKey, kSuiteSecret, std::move(token)};
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Fixture files have no trailing newline; tolerate one added by a checkout.
std::string ReadExpected(const fs::path& path) {
  std::string text = ReadFile(path);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// One case of the suite parsed from NAME.req: "METHOD target HTTP/1.1", header lines
// (a line starting with whitespace continues the previous header), a blank line, the body.
struct SuiteCase {
  SignableRequest request;
  std::string amz_date;
  std::string session_token;  // X-Amz-Security-Token found in the .req
};

SuiteCase ParseReq(const std::string& text) {
  SuiteCase out;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  const std::string& first = lines.at(0);
  const size_t method_end = first.find(' ');
  const size_t version = first.rfind(" HTTP/");
  out.request.method = first.substr(0, method_end);
  const std::string target = first.substr(method_end + 1, version - method_end - 1);
  const size_t question = target.find('?');
  // The .req paths are raw (a space, UTF-8 bytes, '$'); on the wire they are encoded once.
  out.request.path = UriEncode(target.substr(0, question), /*encode_slash=*/false);
  if (question != std::string::npos) out.request.query = ParseQuery(target.substr(question + 1));

  size_t i = 1;
  HttpHeaders headers;
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    const std::string& line = lines[i];
    if ((line[0] == ' ' || line[0] == '\t') && !headers.empty()) {
      headers.back().second += " " + line;
      continue;
    }
    const size_t colon = line.find(':');
    headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  for (auto& [name, value] : headers) {
    const std::string lower = absl::AsciiStrToLower(name);
    if (lower == "host") {
      out.request.host = value;
    } else if (lower == "x-amz-date") {
      out.amz_date = value;
    } else {
      if (lower == "x-amz-security-token") out.session_token = value;
      out.request.headers.emplace_back(name, value);
    }
  }
  std::vector<std::string> body(lines.begin() + std::min(i + 1, lines.size()), lines.end());
  out.request.body = absl::StrJoin(body, "\n");
  return out;
}

std::vector<std::string> SuiteCases() {
  std::vector<std::string> out;
  const fs::path root(GOV_SIGV4_TESTSUITE_DIR);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return {""};  // one case that skips
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    const fs::path req = entry.path() / (entry.path().filename().string() + ".req");
    if (fs::exists(req)) out.push_back(fs::relative(entry.path(), root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class SigV4SuiteTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4SuiteTest, MatchesCanonicalRequestStringToSignAndAuthorization) {
  if (GetParam().empty()) GTEST_SKIP() << "no test suite at " << GOV_SIGV4_TESTSUITE_DIR;
  const fs::path dir = fs::path(GOV_SIGV4_TESTSUITE_DIR) / GetParam();
  const std::string name = dir.filename().string();
  SuiteCase c = ParseReq(ReadFile(dir / (name + ".req")));
  ASSERT_EQ(c.amz_date, "20150830T123600Z");

  const std::string creq = ReadExpected(dir / (name + ".creq"));
  Credentials credentials = SuiteCredentials();
  // get-vanilla-with-session-token signs a token that its .req does not show: it is the
  // x-amz-security-token line of the expected canonical request.
  if (c.session_token.empty()) {
    for (absl::string_view line : absl::StrSplit(creq, '\n')) {
      if (absl::ConsumePrefix(&line, "x-amz-security-token:")) {
        credentials.session_token = std::string(line);
      }
    }
  }

  SignedHeaders signed_headers =
      SignV4(c.request, credentials, "us-east-1", "service", SuiteTime(),
             SignOptions{.double_encode_path = false, .normalize_path = true});

  EXPECT_EQ(signed_headers.canonical_request, creq);
  EXPECT_EQ(signed_headers.string_to_sign, ReadExpected(dir / (name + ".sts")));
  EXPECT_EQ(signed_headers.authorization, ReadExpected(dir / (name + ".authz")));
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  if (info.param.empty()) return "SuiteAbsent";
  std::string name = info.param;
  for (char& ch : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Official, SigV4SuiteTest, ::testing::ValuesIn(SuiteCases()), CaseName);

TEST(SigV4Suite, FindsEveryCaseIncludingNestedOnes) {
  std::vector<std::string> cases = SuiteCases();
  if (cases == std::vector<std::string>{""}) GTEST_SKIP() << "no test suite";
  EXPECT_GE(cases.size(), 34u);
  EXPECT_THAT(cases, Contains("normalize-path/get-relative-relative"));
  EXPECT_THAT(cases, Contains("post-sts-token/post-sts-header-before"));
  EXPECT_THAT(cases, Contains("get-vanilla-with-session-token"));
}

// --- What API Gateway paths need -------------------------------------------------------

TEST(UriEncode, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("AZaz09-._~", true), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a/b c+d=e$f:g%h", true), "a%2Fb%20c%2Bd%3De%24f%3Ag%25h");
  EXPECT_EQ(UriEncode("a/b c", false), "a/b%20c");
  EXPECT_EQ(UriEncode("\xE1\x88\xB4", true), "%E1%88%B4");
}

TEST(UriDecode, DecodesEscapesAndKeepsTheRest) {
  EXPECT_EQ(UriDecode("ab%2Fc%2bd%3D%3D"), "ab/c+d==");
  EXPECT_EQ(UriDecode("a+b"), "a+b");
  EXPECT_EQ(UriDecode("100%"), "100%");
  EXPECT_EQ(UriDecode("%zz%4"), "%zz%4");
}

TEST(ParseQuery, SplitsAndDecodesInOrder) {
  EXPECT_THAT(ParseQuery("limit=500&position=ab%2Fc%2Bd%3D%3D&flag"),
              ElementsAre(Pair("limit", "500"), Pair("position", "ab/c+d=="), Pair("flag", "")));
  EXPECT_TRUE(ParseQuery("").empty());
}

TEST(CanonicalUri, DollarDefaultStageIsEncodedOnceOnTheWireAndTwiceWhenSigned) {
  const std::string wire = "/v2/apis/a1b2c3d4e5/stages/" + UriEncode("$default", true);
  EXPECT_EQ(wire, "/v2/apis/a1b2c3d4e5/stages/%24default");
  EXPECT_EQ(CanonicalUri(wire, {}), "/v2/apis/a1b2c3d4e5/stages/%2524default");
  EXPECT_EQ(CanonicalUri(wire, {.double_encode_path = false}),
            "/v2/apis/a1b2c3d4e5/stages/%24default");
}

TEST(CanonicalUri, ArnUnderTagsIsOnePercentEncodedSegment) {
  const std::string wire =
      "/tags/" + UriEncode("arn:aws:apigateway:us-east-1::/restapis/abc", true);
  EXPECT_EQ(wire, "/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fabc");
  EXPECT_EQ(CanonicalUri(wire, {}),
            "/tags/arn%253Aaws%253Aapigateway%253Aus-east-1%253A%253A%252Frestapis%252Fabc");
}

TEST(CanonicalUri, NormalizesDotsAndEmptySegments) {
  EXPECT_EQ(CanonicalUri("", {}), "/");
  EXPECT_EQ(CanonicalUri("/restapis/", {}), "/restapis/");
  EXPECT_EQ(CanonicalUri("//a/./b/../c//", {}), "/a/c/");
  EXPECT_EQ(CanonicalUri("/a/..", {}), "/");
  EXPECT_EQ(CanonicalUri("//a//", {.normalize_path = false}), "//a//");
}

TEST(CanonicalQuery, PaginationTokensAreStrictlyEncodedAndSorted) {
  EXPECT_EQ(CanonicalQuery({{"position", "ab/c+d=="}, {"limit", "500"}}),
            "limit=500&position=ab%2Fc%2Bd%3D%3D");
  EXPECT_EQ(CanonicalQuery({{"nextToken", "x y~z"}, {"maxResults", "500"}}),
            "maxResults=500&nextToken=x%20y~z");
  EXPECT_EQ(CanonicalQuery({{"b", "2"}, {"a", ""}, {"b", "1"}}), "a=&b=1&b=2");
  EXPECT_EQ(CanonicalQuery({}), "");
}

TEST(SigningKey, AwsDocumentationExample) {
  // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
  EXPECT_EQ(HexEncode(SigningKey(kSuiteSecret, "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

// Known answers computed outside this code: the canonical requests below were written
// by hand and signed with `openssl dgst -sha256 -mac HMAC -macopt hexkey:...` step by step.

TEST(SigV4KnownAnswer, RestApiPageWithPositionTokenAndSessionToken) {
  SignableRequest request;
  request.host = "apigateway.us-east-1.amazonaws.com";
  request.path = "/restapis";
  request.query = {{"limit", "500"}, {"position", "ab/c+d=="}};
  request.headers = {{"Accept", "application/json"}};
  SignedHeaders s = SignV4(request, SuiteCredentials("FQoGZXIvYXdzEXAMPLE/+token=="), "us-east-1",
                           "apigateway", SuiteTime());
  EXPECT_EQ(s.canonical_request,
            "GET\n/restapis\nlimit=500&position=ab%2Fc%2Bd%3D%3D\n"
            "accept:application/json\nhost:apigateway.us-east-1.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\nx-amz-security-token:FQoGZXIvYXdzEXAMPLE/+token==\n\n"
            "accept;host;x-amz-date;x-amz-security-token\n" +
                std::string(kEmptySha256));
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/apigateway/aws4_request\n"
            "22a0030e726fae05c749892415124bfdb63f365281cf044f9bbfc0cfeb961d29");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/apigateway/aws4_request, "
            "SignedHeaders=accept;host;x-amz-date;x-amz-security-token, "
            "Signature=c3ee8f30ccdfc80ad5f7d7e637fae63b2ca319f6803c7949be64643f3037102c");
  EXPECT_THAT(s.headers, ElementsAre(Pair("Host", "apigateway.us-east-1.amazonaws.com"),
                                     Pair("X-Amz-Date", "20150830T123600Z"),
                                     Pair("X-Amz-Security-Token", "FQoGZXIvYXdzEXAMPLE/+token=="),
                                     Pair("Accept", "application/json"),
                                     Pair("Authorization", s.authorization)));
}

TEST(SigV4KnownAnswer, DollarDefaultStageOnANonDefaultPort) {
  SignableRequest request;
  request.host = "127.0.0.1:8443";
  request.path = "/v2/apis/a1b2c3d4e5/stages/%24default";
  const absl::Time now = absl::FromUnixSeconds(1750000000);  // 2025-06-15T15:06:40Z
  SignedHeaders s = SignV4(request, SuiteCredentials(), "eu-west-1", "apigateway", now);
  EXPECT_EQ(s.canonical_request,
            "GET\n/v2/apis/a1b2c3d4e5/stages/%2524default\n\nhost:127.0.0.1:8443\n"
            "x-amz-date:20250615T150640Z\n\nhost;x-amz-date\n" +
                std::string(kEmptySha256));
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250615/eu-west-1/apigateway/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=991231ae8676065dd86cea03f28ee71fdf9280954ae80857861d98af138cd8d1");
  EXPECT_THAT(s.headers, Contains(Pair("Host", "127.0.0.1:8443")));
}

TEST(SigV4KnownAnswer, TagsOfAnArn) {
  SignableRequest request;
  request.host = "apigateway.us-east-1.amazonaws.com";
  request.path = "/tags/" + UriEncode("arn:aws:apigateway:us-east-1::/restapis/abc", true);
  request.headers = {{"Accept", "application/json"}};
  SignedHeaders s = SignV4(request, SuiteCredentials(), "us-east-1", "apigateway", SuiteTime());
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/apigateway/aws4_request, "
            "SignedHeaders=accept;host;x-amz-date, "
            "Signature=f35f1a9dda9d8f868c8abc403ef3e97076f365d0b7d58a74f106365d2bec0bdb");
}

TEST(SigV4, SessionTokenIsSentAndSignedOnce) {
  SignableRequest request;
  request.host = "apigateway.us-east-1.amazonaws.com";
  request.path = "/v2/apis";
  // A stale token header in the request is replaced by the credentials' token.
  request.headers = {{"X-Amz-Security-Token", "old"}, {"Host", "ignored"}};
  SignedHeaders s =
      SignV4(request, SuiteCredentials("tok/en+="), "us-east-1", "apigateway", SuiteTime());
  EXPECT_THAT(s.canonical_request, HasSubstr("\nx-amz-security-token:tok/en+=\n"));
  EXPECT_THAT(s.canonical_request, HasSubstr("\nhost;x-amz-date;x-amz-security-token\n"));
  EXPECT_THAT(s.authorization, HasSubstr("SignedHeaders=host;x-amz-date;x-amz-security-token,"));
  EXPECT_THAT(s.headers, Contains(Pair("X-Amz-Security-Token", "tok/en+=")));
  EXPECT_THAT(s.headers, Not(Contains(Pair("X-Amz-Security-Token", "old"))));
  EXPECT_THAT(s.headers, Not(Contains(Pair("Host", "ignored"))));
  // The secret never appears in anything that is sent.
  for (const auto& [name, value] : s.headers) EXPECT_THAT(value, Not(HasSubstr(kSuiteSecret)));
}

TEST(SigV4, SignatureChangesWithEveryInput) {
  SignableRequest request;
  request.host = "apigateway.us-east-1.amazonaws.com";
  request.path = "/restapis";
  const std::string base =
      SignV4(request, SuiteCredentials(), "us-east-1", "apigateway", SuiteTime()).authorization;
  SignableRequest other = request;
  other.query = {{"position", "x"}};
  EXPECT_NE(SignV4(other, SuiteCredentials(), "us-east-1", "apigateway", SuiteTime()).authorization,
            base);
  EXPECT_NE(
      SignV4(request, SuiteCredentials(), "us-west-2", "apigateway", SuiteTime()).authorization,
      base);
  EXPECT_NE(
      SignV4(request, SuiteCredentials(), "us-east-1", "apigateway", SuiteTime() + absl::Seconds(1))
          .authorization,
      base);
  Credentials wrong = SuiteCredentials();
  wrong.secret_access_key += "x";
  EXPECT_NE(SignV4(request, wrong, "us-east-1", "apigateway", SuiteTime()).authorization, base);
}

}  // namespace
}  // namespace gov::aws
