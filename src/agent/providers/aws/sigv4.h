// AWS Signature Version 4 request signing, as the AWS SDKs do it. Used by the aws
// provider to call the API Gateway control plane, and by the fake control plane in
// tests/fakes to verify what it receives.
//
// Paths: `path` is the path as it goes on the wire, each segment already URI-encoded
// once (a stage named "$default" is "/restapis/a1/stages/%24default"). For every service
// but S3 the canonical request encodes it once more ("%2524default"), which
// CanonicalUri does. Query parameters are given decoded and encoded here (RFC 3986
// unreserved characters only: "/", "+", "=" in pagination tokens are escaped).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "src/common/http_client.h"

namespace gov::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // optional (temporary credentials)
};

struct SignableRequest {
  std::string method = "GET";
  // As sent in the Host header: "apigateway.us-east-1.amazonaws.com", "127.0.0.1:8443".
  std::string host;
  std::string path = "/";                                  // wire form, see above
  std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
  HttpHeaders headers;  // further headers to sign (e.g. accept, content-type)
  std::string body;
};

struct SignedHeaders {
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;  // the Authorization header value
  // Every header to send: Host, X-Amz-Date, [X-Amz-Security-Token], the request's own
  // headers, Authorization (in this order).
  HttpHeaders headers;
};

// Options for the official test suite's generic cases (service "service", no double
// encoding of the path); production uses the defaults. Without double encoding the
// canonical URI is the (normalized) wire path itself. Path normalization removes "." and
// ".." segments and empty segments ("//"), as AWS does for every service but S3.
struct SignOptions {
  bool double_encode_path = true;
  bool normalize_path = true;
};

SignedHeaders SignV4(const SignableRequest& request, const Credentials& credentials,
                     const std::string& region, const std::string& service, absl::Time now,
                     SignOptions options = {});

// RFC 3986 encoding of everything but unreserved characters; '/' kept when !encode_slash.
std::string UriEncode(const std::string& s, bool encode_slash);
// The canonical URI of a wire path (see the header comment).
std::string CanonicalUri(const std::string& wire_path, SignOptions options);
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);

// Additions for verifiers (the fake control plane) and tests:
// Decodes %XX escapes (a '%' not followed by two hex digits is kept; '+' stays '+').
std::string UriDecode(const std::string& s);
// Splits a wire query string ("a=1&b=%2F") into decoded name/value pairs, in order; a
// part without '=' has an empty value. The result is what SignableRequest::query takes.
std::vector<std::pair<std::string, std::string>> ParseQuery(const std::string& query);
// The raw 32-byte SigV4 signing key for a date ("20150830"), region and service.
std::string SigningKey(const std::string& secret_access_key, const std::string& date,
                       const std::string& region, const std::string& service);

}  // namespace gov::aws
