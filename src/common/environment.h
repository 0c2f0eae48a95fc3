// The process environment as a map, read once at start-up and passed to config loaders
// (which never read getenv themselves, so tests pass their own maps).
#pragma once

#include <map>
#include <string>

namespace gov {

std::map<std::string, std::string> ReadEnvironment();

}  // namespace gov
