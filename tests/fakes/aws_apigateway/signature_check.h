// Signature checks: verifies a received request's AWS Signature Version 4 the way the API
// Gateway control plane does, by recomputing it with gov_aws_sigv4 from what arrived (the
// method, the Host header, the raw path as sent, the query decoded as AWS decodes it, the
// headers the Authorization header lists, the body) and the secret of the access key.
// Failures carry the status, x-amzn-ErrorType and message AWS answers.
//
// Checks, in order: an Authorization header (MissingAuthenticationTokenException); its
// form and an X-Amz-Date header (IncompleteSignatureException); a known access key
// (UnrecognizedClientException); the session token (UnrecognizedClientException when
// missing, unexpected or wrong); the credential scope's region, service and date
// (InvalidSignatureException); the clock, at most 5 minutes off (InvalidSignatureException
// "Signature expired: ..." / "Signature not yet current: ..."); the signature
// (InvalidSignatureException with the canonical request and string to sign, as AWS
// shows them); expired temporary credentials (ExpiredTokenException).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "src/common/http_client.h"
#include "tests/fakes/aws_apigateway/aws_data.h"

namespace gov::fake::aws {

// An error answer: HTTP status, x-amzn-ErrorType and the body's "message".
struct AwsError {
  int status = 0;
  std::string type;
  std::string message;
};

struct ReceivedRequest {
  std::string method = "GET";
  std::string target;   // the request line's target: raw path, then "?" and the raw query
  HttpHeaders headers;  // as received, in order, names in any case
  std::string body;
};

struct SignatureCheckConfig {
  std::string region;
  std::string service = "apigateway";
  std::vector<Credential> credentials;
  absl::Duration max_skew = absl::Minutes(5);
};

struct SignatureCheck {
  bool ok = false;
  AwsError error;             // when !ok
  std::string access_key_id;  // when the Authorization header named one
};

SignatureCheck CheckSignature(const ReceivedRequest& request, const SignatureCheckConfig& config,
                              absl::Time now);

// The query of a request decoded as AWS decodes it: '&'-separated pairs, "+" is a space,
// %XX escapes decoded. A client that sends a raw "+" (or "/", "=") in a pagination token
// therefore signs something else than what the server reads.
std::vector<std::pair<std::string, std::string>> DecodeAwsQuery(const std::string& raw_query);

// The auth error types the control plane answers with, and a canned error of one of them
// for the fault switch (`authorization` is the request's Authorization header, quoted by
// IncompleteSignatureException; `method` and `path` name the denied action in
// AccessDeniedException). Status 403 for all.
bool IsAuthErrorType(const std::string& type);
std::vector<std::string> AuthErrorTypes();
AwsError CannedAuthError(const std::string& type, const std::string& authorization,
                         const std::string& method, const std::string& path,
                         const std::string& region, const std::string& account_id);

}  // namespace gov::fake::aws
