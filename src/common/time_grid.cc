#include "src/common/time_grid.h"

namespace gov {

int64_t FloorSteps(absl::Duration d, absl::Duration step) {
  absl::Duration rem;
  int64_t k = absl::IDivDuration(d, step, &rem);
  if (rem < absl::ZeroDuration()) --k;
  return k;
}

absl::Time GridPointAtOrBefore(absl::Time start, absl::Duration step, absl::Time t) {
  return start + FloorSteps(t - start, step) * step;
}

absl::Time GridPointAtOrAfter(absl::Time start, absl::Duration step, absl::Time t) {
  absl::Time p = GridPointAtOrBefore(start, step, t);
  return p < t ? p + step : p;
}

}  // namespace gov
