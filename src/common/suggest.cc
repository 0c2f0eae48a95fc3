#include "src/common/suggest.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"

namespace gov {
namespace {

std::string WithoutSeparators(const std::string& s) {
  return absl::StrReplaceAll(absl::AsciiStrToLower(s), {{"_", ""}, {"-", ""}});
}

}  // namespace

int EditDistance(const std::string& a, const std::string& b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::optional<std::string> SuggestClosest(const std::string& word,
                                          const std::vector<std::string>& candidates) {
  const std::string lower = absl::AsciiStrToLower(word);
  for (const std::string& c : candidates) {
    if (absl::AsciiStrToLower(c) == lower) return c;
  }
  const std::string bare = WithoutSeparators(word);
  for (const std::string& c : candidates) {
    if (WithoutSeparators(c) == bare) return c;
  }
  // A word that only extends a candidate, or stops short of one ("warning" for "warn").
  for (const std::string& c : candidates) {
    const std::string lc = absl::AsciiStrToLower(c);
    if (std::min(lc.size(), lower.size()) >= 3 &&
        (lc.rfind(lower, 0) == 0 || lower.rfind(lc, 0) == 0)) {
      return c;
    }
  }
  const int threshold = word.size() <= 4 ? 1 : word.size() <= 12 ? 2 : 3;
  int best = std::numeric_limits<int>::max();
  std::optional<std::string> best_candidate;
  for (const std::string& c : candidates) {
    const int d = EditDistance(lower, absl::AsciiStrToLower(c));
    if (d < best) {
      best = d;
      best_candidate = c;
    }
  }
  if (best <= threshold) return best_candidate;
  return std::nullopt;
}

}  // namespace gov
