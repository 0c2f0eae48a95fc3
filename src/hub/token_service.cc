#include "src/hub/token_service.h"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/common/random.h"
#include "src/common/status_macros.h"

namespace gov::hub {
namespace {

constexpr char kSecretSetting[] = "jwt_secret";

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

bool IsBase64UrlSegment(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '=';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> TokenService::ResolveSecret(storage::Storage* storage,
                                                        const std::string& configured) {
  if (!configured.empty()) return configured;
  std::string secret;
  GOV_RETURN_IF_ERROR(storage->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(auto existing, s.GetSetting(kSecretSetting));
    if (existing) {
      secret = *existing;
      return absl::OkStatus();
    }
    secret = SecureRandomHex(32);
    return s.PutSetting(kSecretSetting, secret);
  }));
  return secret;
}

absl::StatusOr<std::string> TokenService::Issue(const std::string& agent_id) {
  storage::AgentToken record;
  record.id = random_->Uuid4();
  record.agent_id = agent_id;
  record.issued_at = clock_->Now();
  GOV_RETURN_IF_ERROR(storage_->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(auto agent, s.GetAgent(agent_id));
    if (!agent) return absl::NotFoundError(absl::StrCat("agent \"", agent_id, "\" not found"));
    GOV_RETURN_IF_ERROR(s.RevokeTokens(agent_id, record.issued_at).status());
    return s.InsertToken(record);
  }));

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  jwt_add_grant(jwt.get(), "sub", agent_id.c_str());
  jwt_add_grant(jwt.get(), "jti", record.id.c_str());
  jwt_add_grant(jwt.get(), "iss", "governance-hub");
  jwt_add_grant_int(jwt.get(), "iat", absl::ToUnixSeconds(record.issued_at));
  if (jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                  static_cast<int>(secret_.size())) != 0) {
    return absl::InternalError("jwt_set_alg failed");
  }
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) return absl::InternalError("jwt_encode_str failed");
  std::string token(encoded);
  free(encoded);  // libjwt 1.10 allocates with malloc
  return token;
}

absl::StatusOr<VerifiedToken> TokenService::Verify(const std::string& token) const {
  if (token.empty()) return absl::UnauthenticatedError("missing agent token");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || !IsBase64UrlSegment(parts[0]) || !IsBase64UrlSegment(parts[1]) ||
      !IsBase64UrlSegment(parts[2])) {
    return absl::UnauthenticatedError("malformed agent token (expected a JWT)");
  }
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                      static_cast<int>(secret_.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || !jwt) {
    return absl::UnauthenticatedError(
        "invalid agent token: signature verification failed (token not issued by this hub)");
  }
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) {
    return absl::UnauthenticatedError("invalid agent token: algorithm must be HS256");
  }
  const char* sub = jwt_get_grant(jwt.get(), "sub");
  const char* jti = jwt_get_grant(jwt.get(), "jti");
  if (sub == nullptr || jti == nullptr) {
    return absl::UnauthenticatedError("invalid agent token: missing sub or jti claim");
  }
  VerifiedToken out{sub, jti};
  absl::Status st = storage_->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(auto record, s.GetToken(out.token_id));
    if (!record || record->agent_id != out.agent_id) {
      // Deleting an agent deletes its tokens too: say so rather than "unknown".
      GOV_ASSIGN_OR_RETURN(auto agent, s.GetAgent(out.agent_id));
      if (!record && !agent) {
        return absl::UnauthenticatedError("the agent of this token no longer exists");
      }
      return absl::UnauthenticatedError("agent token is unknown to this hub");
    }
    if (record->revoked_at) {
      return absl::UnauthenticatedError(
          "agent token has been revoked (a newer token was issued or the agent was deleted)");
    }
    GOV_ASSIGN_OR_RETURN(auto agent, s.GetAgent(out.agent_id));
    if (!agent) return absl::UnauthenticatedError("the agent of this token no longer exists");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace gov::hub
