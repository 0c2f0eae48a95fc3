#include "src/agent/providers/aws/sigv4.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "src/common/hash.h"

namespace gov::aws {
namespace {

constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";
constexpr char kHexDigits[] = "0123456789ABCDEF";

bool IsUnreserved(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 section 5.2.4 dot-segment removal, plus the collapsing of empty segments
// ("//") that AWS services (all but S3) apply to the canonical path.
std::string NormalizePath(const std::string& path) {
  if (path.empty()) return "/";
  std::vector<std::string> out;
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.emplace_back(segment);
  }
  std::string normalized = absl::StrCat("/", absl::StrJoin(out, "/"));
  if (path.back() == '/' && !out.empty()) normalized.push_back('/');
  return normalized;
}

// Trims a header value and collapses every run of whitespace (including the line breaks
// of an obsolete folded header) into one space.
std::string CanonicalHeaderValue(const std::string& value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string Timestamp(absl::Time now) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", now, absl::UTCTimeZone());
}

}  // namespace

std::string UriEncode(const std::string& s, bool encode_slash) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (IsUnreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHexDigits[c >> 4]);
      out.push_back(kHexDigits[c & 0x0F]);
    }
  }
  return out;
}

std::string UriDecode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> out;
  if (query.empty()) return out;
  for (absl::string_view part : absl::StrSplit(query, '&')) {
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) {
      out.emplace_back(UriDecode(std::string(part)), "");
    } else {
      out.emplace_back(UriDecode(std::string(part.substr(0, eq))),
                       UriDecode(std::string(part.substr(eq + 1))));
    }
  }
  return out;
}

std::string CanonicalUri(const std::string& wire_path, SignOptions options) {
  std::string path = wire_path.empty() ? std::string("/") : wire_path;
  if (options.normalize_path) path = NormalizePath(path);
  if (options.double_encode_path) path = UriEncode(path, /*encode_slash=*/false);
  return path;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::vector<std::string> parts;
  parts.reserve(encoded.size());
  for (const auto& [name, value] : encoded) parts.push_back(absl::StrCat(name, "=", value));
  return absl::StrJoin(parts, "&");
}

std::string SigningKey(const std::string& secret_access_key, const std::string& date,
                       const std::string& region, const std::string& service) {
  const std::string k_date = HmacSha256(absl::StrCat("AWS4", secret_access_key), date);
  const std::string k_region = HmacSha256(k_date, region);
  const std::string k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, "aws4_request");
}

SignedHeaders SignV4(const SignableRequest& request, const Credentials& credentials,
                     const std::string& region, const std::string& service, absl::Time now,
                     SignOptions options) {
  const std::string amz_date = Timestamp(now);
  const std::string date = amz_date.substr(0, 8);
  const bool has_token = !credentials.session_token.empty();

  // Headers the signer owns come first; the request's own follow in their order.
  HttpHeaders to_send = {{"Host", request.host}, {"X-Amz-Date", amz_date}};
  if (has_token) to_send.emplace_back("X-Amz-Security-Token", credentials.session_token);
  for (const auto& [name, value] : request.headers) {
    const std::string lower = absl::AsciiStrToLower(name);
    if (lower == "host" || lower == "x-amz-date" || lower == "authorization") continue;
    if (lower == "x-amz-security-token" && has_token) continue;
    to_send.emplace_back(name, value);
  }

  // Lower-cased names, sorted; repeated headers joined with "," in the order sent.
  std::map<std::string, std::vector<std::string>> canonical;
  for (const auto& [name, value] : to_send) {
    canonical[absl::AsciiStrToLower(name)].push_back(CanonicalHeaderValue(value));
  }
  std::string canonical_headers;
  std::vector<std::string> names;
  for (const auto& [name, values] : canonical) {
    absl::StrAppend(&canonical_headers, name, ":", absl::StrJoin(values, ","), "\n");
    names.push_back(name);
  }
  const std::string signed_headers = absl::StrJoin(names, ";");

  SignedHeaders out;
  out.canonical_request = absl::StrCat(request.method, "\n", CanonicalUri(request.path, options),
                                       "\n", CanonicalQuery(request.query), "\n", canonical_headers,
                                       "\n", signed_headers, "\n", Sha256Hex(request.body));
  const std::string scope = absl::StrCat(date, "/", region, "/", service, "/aws4_request");
  out.string_to_sign =
      absl::StrCat(kAlgorithm, "\n", amz_date, "\n", scope, "\n", Sha256Hex(out.canonical_request));
  const std::string signature = HexEncode(HmacSha256(
      SigningKey(credentials.secret_access_key, date, region, service), out.string_to_sign));
  out.authorization =
      absl::StrCat(kAlgorithm, " Credential=", credentials.access_key_id, "/", scope,
                   ", SignedHeaders=", signed_headers, ", Signature=", signature);
  out.headers = std::move(to_send);
  out.headers.emplace_back("Authorization", out.authorization);
  return out;
}

}  // namespace gov::aws
