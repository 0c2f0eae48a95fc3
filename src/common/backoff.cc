#include "src/common/backoff.h"

#include <algorithm>

namespace gov {

absl::Duration Backoff::Next() {
  absl::Duration base = policy_.initial;
  for (int i = 0; i < attempt_ && base < policy_.max; ++i) base = base * policy_.factor;
  base = std::min(base, policy_.max);
  if (attempt_ < 64) ++attempt_;
  double fraction = 0.5 + 0.5 * random_->Uniform01();
  return base * fraction;
}

}  // namespace gov
