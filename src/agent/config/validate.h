// Validate: the checks that need the whole configuration (file and variables merged):
// required settings, TLS files, leader election timing and pod identity. Each problem is
// reported where the value that breaks the rule was written.
//
// Thread-safety: pure function of the state passed in.
#pragma once

#include "src/agent/config/load_state.h"

namespace gov::agent {

void ValidateConfig(LoadState* state);

}  // namespace gov::agent
