// Test helpers of the fake API Gateway (tests only): SignedClient sends GET requests over
// loopback, signed with gov_aws_sigv4 exactly as it sends them, so tests control every
// byte of the target; JsonEq compares JSON regardless of key order.
//
// Thread-safety: one SignedClient per thread; JsonEq is a pure function.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "src/agent/providers/aws/sigv4.h"
#include "tests/fakes/aws_apigateway/aws_data.h"

namespace gov::fake::aws::testing {

using Query = std::vector<std::pair<std::string, std::string>>;

class SignedClient {
 public:
  SignedClient(int port, gov::aws::Credentials credentials, std::string region = "us-east-1")
      : port_(port), credentials_(std::move(credentials)), region_(std::move(region)) {}

  // The time requests are signed at (default: now).
  void SetTime(absl::Time t) { time_ = t; }
  void SetRegion(std::string region) { region_ = std::move(region); }
  void SetCredentials(gov::aws::Credentials credentials) { credentials_ = std::move(credentials); }

  // GET `wire_path` (already percent-encoded) with `query` (decoded; encoded here with
  // RFC 3986 rules), Accept: application/json and the given extra headers, all signed.
  httplib::Result Get(const std::string& wire_path, const Query& query = {},
                      gov::HttpHeaders extra = {{"Accept", "application/json"}}) const {
    gov::aws::SignableRequest request;
    request.host = absl::StrCat("127.0.0.1:", port_);
    request.path = wire_path;
    request.query = query;
    request.headers = std::move(extra);
    const gov::aws::SignedHeaders signed_headers =
        gov::aws::SignV4(request, credentials_, region_, "apigateway",
                         time_ == absl::InfinitePast() ? absl::Now() : time_);
    httplib::Headers headers;
    for (const auto& [name, value] : signed_headers.headers) headers.emplace(name, value);
    return Send(absl::StrCat(wire_path, EncodedQuery(query)), headers);
  }

  // Sends `target` as it is (no encoding) with exactly `headers`.
  httplib::Result Send(const std::string& target, const httplib::Headers& headers) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_url_encode(false);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(10, 0);
    return client.Get(target, headers);
  }

  static std::string EncodedQuery(const Query& query) {
    if (query.empty()) return "";
    std::vector<std::string> parts;
    for (const auto& [name, value] : query) {
      parts.push_back(
          absl::StrCat(gov::aws::UriEncode(name, true), "=", gov::aws::UriEncode(value, true)));
    }
    return absl::StrCat("?", absl::StrJoin(parts, "&"));
  }

 private:
  int port_;
  gov::aws::Credentials credentials_;
  std::string region_;
  absl::Time time_ = absl::InfinitePast();
};

// Whether `actual` equals the JSON text `expected`, ignoring key order.
inline ::testing::AssertionResult JsonEq(const Json& actual, const std::string& expected) {
  const nlohmann::json a = nlohmann::json::parse(actual.dump());
  const nlohmann::json e = nlohmann::json::parse(expected);
  if (a == e) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\n  actual:   " << a.dump() << "\n  expected: " << e.dump();
}

// The key pair the fake accepts by default.
inline gov::aws::Credentials ExampleCredentials() {
  return {kExampleAccessKeyId, kExampleSecretAccessKey, ""};
}

}  // namespace gov::fake::aws::testing
