// How a sync's overall state and error follow from its provider entries: SUCCEEDED when
// every provider succeeded, FAILED when every one failed, PARTIAL otherwise (some failed,
// or held their deletions); the error of an unsuccessful sync names its first provider
// error. Used when a sync finishes and when an operator applies its held deletions.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "src/storage/types.h"

namespace gov::hub {

inline storage::SyncState OverallState(const storage::Sync& sync) {
  int succeeded = 0;
  int failed = 0;
  for (const auto& p : sync.providers) {
    if (p.state == storage::SyncState::kSucceeded) ++succeeded;
    if (p.state == storage::SyncState::kFailed) ++failed;
  }
  const int n = static_cast<int>(sync.providers.size());
  if (succeeded == n) return storage::SyncState::kSucceeded;
  if (failed == n) return storage::SyncState::kFailed;
  return storage::SyncState::kPartial;
}

// "<provider>: <error>" of the first provider with an error, or "".
inline std::string FirstProviderError(const storage::Sync& sync) {
  for (const auto& p : sync.providers) {
    if (!p.error.empty()) return absl::StrCat(p.name, ": ", p.error);
  }
  return "";
}

}  // namespace gov::hub
