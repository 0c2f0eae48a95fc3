// TokenService: agent tokens are HS256 JWTs of this hub, one valid token per agent, and
// every kind of bad token is refused with a message saying why.
#include "src/hub/token_service.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/hub/testing/hub_test_util.h"

namespace gov::hub {
namespace {

using testing::InTx;

constexpr char kSecret[] = "test-secret-0123456789abcdef";

std::string B64Url(const std::string& s) {
  std::string out;
  absl::WebSafeBase64Escape(s, &out);
  return out;
}

nlohmann::json DecodeSegment(const std::string& segment) {
  std::string raw;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(segment, &raw)) << segment;
  return nlohmann::json::parse(raw);
}

// Signs a token with libjwt directly: for algorithms and claims the hub never issues.
std::string Sign(jwt_alg_t alg, const std::string& key,
                 const std::vector<std::pair<std::string, std::string>>& claims) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  for (const auto& [k, v] : claims) jwt_add_grant(jwt, k.c_str(), v.c_str());
  EXPECT_EQ(jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(key.data()),
                        static_cast<int>(key.size())),
            0);
  char* encoded = jwt_encode_str(jwt);
  std::string out = encoded == nullptr ? "" : encoded;
  free(encoded);
  jwt_free(jwt);
  return out;
}

class TokenServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = testing::MemoryStorage();
    ASSERT_TRUE(opened.ok()) << opened.status();
    storage_ = std::move(*opened);
    testing::InsertAgent(*storage_, "agent-1", "Agent One", clock_.Now());
    testing::InsertAgent(*storage_, "agent-2", "Agent Two", clock_.Now());
    tokens_ = std::make_unique<TokenService>(storage_.get(), kSecret, &clock_, &random_);
  }

  // The status message of a refused token (the test fails when it is accepted).
  std::string Refusal(const std::string& token) {
    auto v = tokens_->Verify(token);
    if (v.ok()) {
      ADD_FAILURE() << "token accepted: " << token;
      return "";
    }
    EXPECT_EQ(v.status().code(), absl::StatusCode::kUnauthenticated) << v.status();
    return std::string(v.status().message());
  }

  std::string MustIssue(const std::string& agent) {
    auto t = tokens_->Issue(agent);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : "";
  }

  FakeClock clock_;
  StdRandom random_{11};
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<TokenService> tokens_;
};

TEST_F(TokenServiceTest, IssuedTokenVerifiesAndCarriesTheAgent) {
  std::string token = MustIssue("agent-1");
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u) << token;
  EXPECT_EQ(DecodeSegment(parts[0]).value("alg", ""), "HS256");
  nlohmann::json claims = DecodeSegment(parts[1]);
  EXPECT_EQ(claims.value("sub", ""), "agent-1");
  EXPECT_EQ(claims.value("iat", int64_t{0}), absl::ToUnixSeconds(clock_.Now()));
  const std::string jti = claims.value("jti", "");
  EXPECT_TRUE(testing::IsUuid4(jti)) << jti;

  auto verified = tokens_->Verify(token);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->agent_id, "agent-1");
  EXPECT_EQ(verified->token_id, jti);

  auto record = InTx(*storage_, [&](storage::Store& s) { return s.GetToken(jti); });
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->agent_id, "agent-1");
  EXPECT_EQ(record->issued_at, clock_.Now());
  EXPECT_FALSE(record->revoked_at.has_value());
}

TEST_F(TokenServiceTest, NewTokenRevokesTheEarlierOneOnly) {
  std::string first = MustIssue("agent-1");
  std::string other_agent = MustIssue("agent-2");
  clock_.Advance(absl::Seconds(10));
  std::string second = MustIssue("agent-1");
  ASSERT_NE(first, second);

  EXPECT_TRUE(absl::StrContains(Refusal(first), "revoked")) << Refusal(first);
  EXPECT_TRUE(tokens_->Verify(second).ok());
  EXPECT_TRUE(tokens_->Verify(other_agent).ok()) << "another agent's token stays valid";

  auto first_id =
      DecodeSegment(std::vector<std::string>(absl::StrSplit(first, '.'))[1]).value("jti", "");
  auto record = InTx(*storage_, [&](storage::Store& s) { return s.GetToken(first_id); });
  ASSERT_TRUE(record.has_value());
  ASSERT_TRUE(record->revoked_at.has_value());
  EXPECT_EQ(*record->revoked_at, clock_.Now());
}

TEST_F(TokenServiceTest, IssueForAnUnknownAgentIsNotFound) {
  auto t = tokens_->Issue("no-such-agent");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(t.status().message(), "no-such-agent")) << t.status();
}

TEST_F(TokenServiceTest, MissingAndMalformedTokensAreRefused) {
  EXPECT_EQ(Refusal(""), "missing agent token");
  for (const char* bad :
       {"abc", "a.b", "a.b.c.d", "!!!.###.$$$", "a..c", "eyJhbGciOi.J9.", "not a jwt at all"}) {
    EXPECT_TRUE(absl::StrContains(Refusal(bad), "malformed")) << bad;
  }
  // Three base64url segments that are not a JWT.
  EXPECT_FALSE(Refusal("abc.def.ghi").empty());
}

TEST_F(TokenServiceTest, TokenSignedWithAnotherSecretIsRefused) {
  TokenService other(storage_.get(), "some-other-secret", &clock_, &random_);
  auto forged = other.Issue("agent-1");  // also stored, so only the signature is wrong
  ASSERT_TRUE(forged.ok()) << forged.status();
  EXPECT_TRUE(absl::StrContains(Refusal(*forged), "signature")) << Refusal(*forged);
}

TEST_F(TokenServiceTest, TamperedClaimsAreRefused) {
  std::string token = MustIssue("agent-1");
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  nlohmann::json claims = DecodeSegment(parts[1]);
  claims["sub"] = "agent-2";
  std::string tampered = absl::StrCat(parts[0], ".", B64Url(claims.dump()), ".", parts[2]);
  EXPECT_TRUE(absl::StrContains(Refusal(tampered), "signature")) << Refusal(tampered);
}

TEST_F(TokenServiceTest, AlgNoneTokensAreRefused) {
  std::string token = MustIssue("agent-1");
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  const std::string none_header = B64Url(R"({"alg":"none","typ":"JWT"})");
  // Unsigned, as alg "none" means: empty signature segment.
  Refusal(absl::StrCat(none_header, ".", parts[1], "."));
  // alg "none" but a signature segment present (the original one, or junk).
  Refusal(absl::StrCat(none_header, ".", parts[1], ".", parts[2]));
  Refusal(absl::StrCat(none_header, ".", parts[1], ".", B64Url("x")));
  // Other spellings.
  Refusal(absl::StrCat(B64Url(R"({"alg":"None"})"), ".", parts[1], ".", parts[2]));
  Refusal(absl::StrCat(B64Url(R"({"typ":"JWT"})"), ".", parts[1], ".", parts[2]));
}

TEST_F(TokenServiceTest, OtherAlgorithmsWithTheRightSecretAreRefused) {
  std::string token = MustIssue("agent-1");
  const std::string jti =
      DecodeSegment(std::vector<std::string>(absl::StrSplit(token, '.'))[1]).value("jti", "");
  std::string hs512 = Sign(JWT_ALG_HS512, kSecret, {{"sub", "agent-1"}, {"jti", jti}});
  ASSERT_FALSE(hs512.empty());
  EXPECT_TRUE(absl::StrContains(Refusal(hs512), "HS256")) << Refusal(hs512);
}

TEST_F(TokenServiceTest, WellSignedTokensUnknownToTheHubAreRefused) {
  // Signed with the hub's secret but never issued (e.g. a leaked secret, a wiped database).
  std::string never_issued =
      Sign(JWT_ALG_HS256, kSecret, {{"sub", "agent-1"}, {"jti", "not-a-token-id"}});
  EXPECT_TRUE(absl::StrContains(Refusal(never_issued), "unknown")) << Refusal(never_issued);

  std::string no_jti = Sign(JWT_ALG_HS256, kSecret, {{"sub", "agent-1"}});
  EXPECT_TRUE(absl::StrContains(Refusal(no_jti), "jti")) << Refusal(no_jti);

  // A real token id presented for another agent.
  std::string token = MustIssue("agent-1");
  const std::string jti =
      DecodeSegment(std::vector<std::string>(absl::StrSplit(token, '.'))[1]).value("jti", "");
  std::string swapped = Sign(JWT_ALG_HS256, kSecret, {{"sub", "agent-2"}, {"jti", jti}});
  EXPECT_TRUE(absl::StrContains(Refusal(swapped), "unknown")) << Refusal(swapped);
}

TEST_F(TokenServiceTest, TokenOfADeletedAgentIsRefused) {
  std::string token = MustIssue("agent-1");
  ASSERT_TRUE(tokens_->Verify(token).ok());
  auto deleted = InTx(*storage_, [&](storage::Store& s) { return s.DeleteAgent("agent-1"); });
  ASSERT_TRUE(deleted);
  EXPECT_TRUE(absl::StrContains(Refusal(token), "no longer exists")) << Refusal(token);
}

TEST_F(TokenServiceTest, ResolveSecretPrefersConfigElseGeneratesOnceAndPersists) {
  auto configured = TokenService::ResolveSecret(storage_.get(), "from-config");
  ASSERT_TRUE(configured.ok());
  EXPECT_EQ(*configured, "from-config");

  auto first = TokenService::ResolveSecret(storage_.get(), "");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->size(), 64u);  // 32 random bytes, hex
  auto second = TokenService::ResolveSecret(storage_.get(), "");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, *first);
  auto stored = InTx(*storage_, [&](storage::Store& s) { return s.GetSetting("jwt_secret"); });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, *first);

  // Tokens issued with the persisted secret verify after a "restart".
  TokenService before(storage_.get(), *first, &clock_, &random_);
  auto token = before.Issue("agent-2");
  ASSERT_TRUE(token.ok());
  TokenService after(storage_.get(), *TokenService::ResolveSecret(storage_.get(), ""), &clock_,
                     &random_);
  EXPECT_TRUE(after.Verify(*token).ok());
}

}  // namespace
}  // namespace gov::hub
