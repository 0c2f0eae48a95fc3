#include "src/hub/api_keys.h"

#include "src/common/hash.h"
#include "src/common/status_macros.h"

namespace gov::hub {

absl::StatusOr<std::optional<std::string>> ApiKeys::EnsureBootstrapKey() {
  if (!bootstrap_key_.empty()) return std::nullopt;
  int64_t count = 0;
  GOV_RETURN_IF_ERROR(storage_->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(count, s.CountApiKeys());
    return absl::OkStatus();
  }));
  if (count > 0) return std::nullopt;
  GOV_ASSIGN_OR_RETURN(std::string key, CreateKey("bootstrap"));
  return key;
}

absl::StatusOr<std::string> ApiKeys::CreateKey(const std::string& name) {
  std::string key = "gov_" + SecureRandomHex(24);
  storage::ApiKey record;
  record.id = random_->Uuid4();
  record.name = name;
  record.key_hash = Sha256Hex(key);
  record.created_at = clock_->Now();
  GOV_RETURN_IF_ERROR(
      storage_->Transact([&](storage::Store& s) { return s.InsertApiKey(record); }));
  return key;
}

absl::StatusOr<bool> ApiKeys::IsValid(const std::string& key) const {
  if (key.empty()) return false;
  if (!bootstrap_key_.empty() && ConstantTimeEquals(key, bootstrap_key_)) return true;
  bool found = false;
  std::string hash = Sha256Hex(key);
  GOV_RETURN_IF_ERROR(storage_->Transact([&](storage::Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(auto record, s.FindApiKeyByHash(hash));
    found = record.has_value();
    return absl::OkStatus();
  }));
  return found;
}

}  // namespace gov::hub
