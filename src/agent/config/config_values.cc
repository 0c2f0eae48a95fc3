#include "src/agent/config/config_values.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gov::agent {
namespace {

std::string Quote(const std::string& text) { return absl::StrCat("\"", text, "\""); }

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::optional<bool> ParseBoolText(const std::string& text) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t == "true" || t == "yes" || t == "1") return true;
  if (t == "false" || t == "no" || t == "0") return false;
  return std::nullopt;
}

std::optional<int64_t> ParseIntText(const std::string& text) {
  std::string digits = text;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits = digits.substr(1);
  if (!IsDigits(digits)) return std::nullopt;
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) return std::nullopt;
  return value;
}

std::string CheckServerAddress(const std::string& text) {
  if (text.empty()) return "is empty; expected host:port, e.g. \"governance.example.com:50051\"";
  const size_t scheme = text.find("://");
  if (scheme != std::string::npos) {
    std::string rest = text.substr(scheme + 3);
    const size_t slash = rest.find('/');
    if (slash != std::string::npos) rest = rest.substr(0, slash);
    return absl::StrCat("must be host:port without a scheme: write ", Quote(rest), " instead of ",
                        Quote(text), " (TLS is set by governanceDashboard.server.tls.enabled)");
  }
  if (text.find('/') != std::string::npos) {
    return absl::StrCat("must be host:port with no path, got ", Quote(text));
  }
  std::string host;
  std::string port;
  if (text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return absl::StrCat("must be host:port (IPv6 as \"[::1]:50051\"), got ", Quote(text));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
      return absl::StrCat("must be host:port, e.g. \"", text, ":50051\"; the port is missing in ",
                          Quote(text));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) {
      return absl::StrCat(
          "must be host:port; write an IPv6 host in brackets (\"[::1]:50051\"), got ", Quote(text));
    }
  }
  if (host.empty()) return absl::StrCat("must be host:port; the host is missing in ", Quote(text));
  int64_t p = 0;
  if (!IsDigits(port) || !absl::SimpleAtoi(port, &p) || p < 1 || p > 65535) {
    return absl::StrCat("must be host:port with a port from 1 to 65535, got ", Quote(text));
  }
  return "";
}

std::string CheckHttpUrl(const std::string& text, const std::string& example) {
  const std::string lower = absl::AsciiStrToLower(text);
  std::string rest;
  if (absl::StartsWith(lower, "http://")) {
    rest = text.substr(7);
  } else if (absl::StartsWith(lower, "https://")) {
    rest = text.substr(8);
  } else {
    return absl::StrCat("must start with http:// or https:// (e.g. ", Quote(example), "), got ",
                        Quote(text));
  }
  const size_t end = rest.find_first_of("/?#");
  const std::string authority = rest.substr(0, end);
  if (authority.empty() || authority[0] == ':') {
    return absl::StrCat("has no host: ", Quote(text));
  }
  if (text.find_first_of(" \t\r\n") != std::string::npos) {
    return absl::StrCat("must not contain spaces: ", Quote(text));
  }
  return "";
}

std::string CheckAwsRegion(const std::string& text) {
  const std::string bad = absl::StrCat("is not an AWS region name like \"us-east-1\" or ",
                                       "\"eu-west-2\": ", Quote(text));
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  if (parts.size() < 3 || parts.size() > 4) return bad;
  if (parts[0].size() != 2) return bad;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty()) return bad;
    for (char c : parts[i]) {
      if (c < 'a' || c > 'z') return bad;
    }
  }
  if (!IsDigits(parts.back()) || parts.back().size() > 2) return bad;
  return "";
}

std::string CheckKubernetesName(const std::string& text) {
  const std::string bad = absl::StrCat(
      "is not a valid Kubernetes object name (lower-case letters, digits, '-' and '.', "
      "starting and ending with a letter or digit): ",
      Quote(text));
  if (text.empty() || text.size() > 253) return bad;
  for (char c : text) {
    if (!IsLowerAlnum(c) && c != '-' && c != '.') return bad;
  }
  if (!IsLowerAlnum(text.front()) || !IsLowerAlnum(text.back())) return bad;
  return "";
}

std::string CheckKubernetesNamespace(const std::string& text) {
  const std::string bad = absl::StrCat(
      "is not a valid Kubernetes namespace (at most 63 lower-case letters, digits and '-', "
      "starting and ending with a letter or digit): ",
      Quote(text));
  if (text.empty() || text.size() > 63) return bad;
  for (char c : text) {
    if (!IsLowerAlnum(c) && c != '-') return bad;
  }
  if (!IsLowerAlnum(text.front()) || !IsLowerAlnum(text.back())) return bad;
  return "";
}

}  // namespace gov::agent
