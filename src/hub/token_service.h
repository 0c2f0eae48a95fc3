// TokenService: issues and verifies agent access tokens (JWT, HS256).
//
// A token carries sub = agent id, jti = token id, iat. Issuing a token for an agent
// revokes every earlier one. Verify answers UNAUTHENTICATED with a message saying which
// check failed: missing, malformed, bad signature/algorithm, unknown, revoked, or the
// agent no longer exists.
//
// Thread-safety: safe from any thread.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/storage/storage.h"

namespace gov::hub {

struct VerifiedToken {
  std::string agent_id;
  std::string token_id;
};

class TokenService {
 public:
  TokenService(storage::Storage* storage, std::string secret, Clock* clock, Random* random)
      : storage_(storage), secret_(std::move(secret)), clock_(clock), random_(random) {}

  // NotFound when the agent does not exist.
  absl::StatusOr<std::string> Issue(const std::string& agent_id);
  absl::StatusOr<VerifiedToken> Verify(const std::string& token) const;

  // The secret from config, or the persisted one, or a new one (persisted).
  static absl::StatusOr<std::string> ResolveSecret(storage::Storage* storage,
                                                   const std::string& configured);

 private:
  storage::Storage* storage_;
  std::string secret_;
  Clock* clock_;
  Random* random_;
};

}  // namespace gov::hub
