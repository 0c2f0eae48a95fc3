// EnvReader: applies the TYK_AGENT_* variables (and POD_NAME / POD_NAMESPACE) to a
// LoadState, after the file, so variables win. Unknown TYK_AGENT_* variables are
// warnings naming the likely intended variable. An empty variable counts as unset.
//
// Thread-safety: pure function of the map and the state passed in.
#pragma once

#include <map>
#include <string>

#include "src/agent/config/load_state.h"

namespace gov::agent {

void ReadEnvironment(const std::map<std::string, std::string>& env, LoadState* state);

}  // namespace gov::agent
