// "Did you mean ...?" for mistyped configuration keys and variable names.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gov {

// Returns the candidate `word` most likely meant: a case-insensitive match first, then
// one that differs only by '_' or '-' separators, then the nearest by edit distance
// (insertions, deletions, substitutions, swaps of neighbours) within a small threshold
// that grows with the length of `word`. nullopt when nothing is close.
std::optional<std::string> SuggestClosest(const std::string& word,
                                          const std::vector<std::string>& candidates);

// Optimal-string-alignment distance between `a` and `b` (byte-wise).
int EditDistance(const std::string& a, const std::string& b);

}  // namespace gov
