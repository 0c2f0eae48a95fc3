// Jittered exponential backoff for reconnects and retries.
//
// Delay n (from 0) is drawn uniformly from [b/2, b] where b = min(max, initial * factor^n):
// never zero, never a thundering herd, never longer than `max`.
//
// Thread-safety: not thread-safe; one instance per retry loop.
#pragma once

#include "absl/time/time.h"
#include "src/common/random.h"

namespace gov {

struct BackoffPolicy {
  absl::Duration initial = absl::Milliseconds(500);
  absl::Duration max = absl::Seconds(30);
  double factor = 2.0;
};

class Backoff {
 public:
  Backoff(BackoffPolicy policy, Random* random) : policy_(policy), random_(random) {}
  absl::Duration Next();
  void Reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

 private:
  BackoffPolicy policy_;
  Random* random_;
  int attempt_ = 0;
};

}  // namespace gov
