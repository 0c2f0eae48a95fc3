#include "src/common/duration.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gov {
namespace {

// Nanoseconds per unit, or 0 when the unit is unknown.
int64_t UnitNanos(std::string_view unit, bool allow_days) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1000;
  if (unit == "ms") return 1000 * 1000;
  if (unit == "s") return 1000 * 1000 * 1000;
  if (unit == "m") return 60LL * 1000 * 1000 * 1000;
  if (unit == "h") return 3600LL * 1000 * 1000 * 1000;
  if (unit == "d" && allow_days) return 24 * 3600LL * 1000 * 1000 * 1000;
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

absl::StatusOr<absl::Duration> ParseGoDuration(std::string_view text, DurationSyntax syntax) {
  const std::string units = syntax.allow_days ? "d, h, m, s, ms, us, ns" : "h, m, s, ms, us, ns";
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid duration \"", std::string(text), "\": ", std::string(why),
                     " (expected e.g. \"30s\", \"1h30m\"; units ", units, ")"));
  };
  std::string_view s = text;
  if (s.empty()) return bad("empty");
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return absl::ZeroDuration();
  if (s.empty()) return bad("no number");
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && IsDigit(s[i])) ++i;
    size_t int_digits = i;
    size_t frac_digits = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && IsDigit(s[i])) {
        ++i;
        ++frac_digits;
      }
    }
    if (int_digits == 0 && frac_digits == 0) return bad("expected a number");
    long double value = std::strtold(std::string(s.substr(0, i)).c_str(), nullptr);
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && !IsDigit(s[j]) && s[j] != '.') ++j;
    std::string_view unit = s.substr(0, j);
    if (unit.empty()) return bad("missing unit");
    int64_t nanos = UnitNanos(unit, syntax.allow_days);
    if (nanos == 0) return bad(absl::StrCat("unknown unit \"", std::string(unit), "\""));
    s.remove_prefix(j);
    total += value * static_cast<long double>(nanos);
    if (total > static_cast<long double>(INT64_MAX)) return bad("out of range");
  }
  int64_t ns = static_cast<int64_t>(std::llround(total));
  return absl::Nanoseconds(negative ? -ns : ns);
}

std::string FormatGoDuration(absl::Duration d) {
  if (d == absl::ZeroDuration()) return "0s";
  std::string sign;
  if (d < absl::ZeroDuration()) {
    sign = "-";
    d = -d;
  }
  int64_t ns = absl::ToInt64Nanoseconds(d);
  if (ns < 1000) return absl::StrCat(sign, ns, "ns");
  if (ns < 1000 * 1000) return absl::StrCat(sign, absl::StrFormat("%g", ns / 1e3), "us");
  if (ns < 1000LL * 1000 * 1000) return absl::StrCat(sign, absl::StrFormat("%g", ns / 1e6), "ms");
  int64_t h = ns / (3600LL * 1000000000);
  ns -= h * 3600LL * 1000000000;
  int64_t m = ns / (60LL * 1000000000);
  ns -= m * 60LL * 1000000000;
  std::string secs = absl::StrFormat("%.9f", ns / 1e9);
  while (secs.back() == '0') secs.pop_back();
  if (secs.back() == '.') secs.pop_back();
  std::string out = sign;
  if (h > 0) absl::StrAppend(&out, h, "h");
  if (h > 0 || m > 0) absl::StrAppend(&out, m, "m");
  absl::StrAppend(&out, secs, "s");
  return out;
}

std::string FormatCompactDuration(absl::Duration d, DurationSyntax syntax) {
  if (d == absl::ZeroDuration()) return "0s";
  std::string out;
  if (d < absl::ZeroDuration()) {
    out = "-";
    d = -d;
  }
  int64_t ms = absl::ToInt64Milliseconds(d);
  if (d % absl::Milliseconds(1) != absl::ZeroDuration()) {
    return absl::StrCat(out, FormatGoDuration(d));  // finer than milliseconds: Go's form
  }
  struct Unit {
    const char* name;
    int64_t ms;
  };
  const Unit units[] = {{"d", 24 * 3600 * 1000LL},
                        {"h", 3600 * 1000LL},
                        {"m", 60 * 1000LL},
                        {"s", 1000LL},
                        {"ms", 1LL}};
  for (const Unit& u : units) {
    if (u.name[0] == 'd' && !syntax.allow_days) continue;
    if (ms >= u.ms) {
      absl::StrAppend(&out, ms / u.ms, u.name);
      ms %= u.ms;
    }
  }
  return out;
}

}  // namespace gov
