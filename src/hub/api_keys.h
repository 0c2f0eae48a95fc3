// ApiKeys: checks the X-API-Key of REST calls. A key is accepted when it equals the
// configured bootstrap key (TYK_GOV_API_KEY) or when its sha256 is stored. When no key
// is configured and none is stored, EnsureBootstrapKey generates one, stores its hash and
// returns it so the hub can print it once.
//
// Thread-safety: safe from any thread (storage serialises access).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/storage/storage.h"

namespace gov::hub {

class ApiKeys {
 public:
  ApiKeys(storage::Storage* storage, std::string bootstrap_key, Clock* clock, Random* random)
      : storage_(storage),
        bootstrap_key_(std::move(bootstrap_key)),
        clock_(clock),
        random_(random) {}

  // Returns the newly generated key, or nullopt when one already exists/was configured.
  absl::StatusOr<std::optional<std::string>> EnsureBootstrapKey();
  // Creates a new named key and returns it (only its hash is kept).
  absl::StatusOr<std::string> CreateKey(const std::string& name);
  absl::StatusOr<bool> IsValid(const std::string& key) const;

 private:
  storage::Storage* storage_;
  std::string bootstrap_key_;
  Clock* clock_;
  Random* random_;
};

}  // namespace gov::hub
