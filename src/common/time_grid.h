// Time grids: the instants start + k * step for every integer k. Schedules (the hub's
// sync jobs, the agent's own sync schedule) come due on such grids.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "absl/time/time.h"

namespace gov {

// floor(d / step) for step > 0, also for negative d (absl::IDivDuration truncates toward
// zero, and Debian's build needs a non-null remainder).
int64_t FloorSteps(absl::Duration d, absl::Duration step);

// The last grid point at or before t.
absl::Time GridPointAtOrBefore(absl::Time start, absl::Duration step, absl::Time t);
// The first grid point at or after t.
absl::Time GridPointAtOrAfter(absl::Time start, absl::Duration step, absl::Time t);

}  // namespace gov
