// YamlReader: reads the agent's YAML config file into a LoadState: every setting of the
// schema, the provider instances, and a problem for every unreadable file, syntax error,
// unknown or repeated key, wrong type and bad value, each at its line and column.
//
// Thread-safety: pure function of the file and the state passed in.
#pragma once

#include <string>

#include "src/agent/config/load_state.h"

namespace gov::agent {

// Returns false when the file could not be used at all (missing, unreadable, empty, not
// YAML, not a mapping); the problem is in `state`.
bool ReadConfigFile(const std::string& path, LoadState* state);

// Same, with the file's text already in hand (`path` names it in problems).
bool ReadConfigText(const std::string& path, const std::string& text, LoadState* state);

}  // namespace gov::agent
