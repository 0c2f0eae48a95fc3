// Exports: the OpenAPI 3 documents API Gateway answers to GetExport (v1,
// GET /restapis/{id}/stages/{stage}/exports/oas30) and ExportApi (v2,
// GET /v2/apis/{id}/exports/OAS30), synthesized from an API's resources or routes and
// authorizers, or taken from the data file's verbatim "export".
//
// Extensions follow the AWS docs: a v1 export carries x-amazon-apigateway-integration only
// with extensions=integrations (or apigateway), x-amazon-apigateway-authorizer and
// x-amazon-apigateway-authtype only with extensions=authorizers (or apigateway), and
// other x-amazon-apigateway-* only with extensions=apigateway; a v2 export carries every
// extension unless includeExtensions=false. x-amazon-apigateway-any-method (a path item's
// ANY method) is structure, not an extension, and always stays.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "tests/fakes/aws_apigateway/aws_data.h"

namespace gov::fake::aws {

struct V1Extensions {
  bool integrations = false;
  bool authorizers = false;
  bool apigateway = false;  // every extension
};

// Parses the v1 `extensions` query value: a comma-separated list of integrations,
// authorizers, apigateway and postman (accepted, adds nothing). Quotes around the value
// (the docs write extensions='integrations') are accepted.
absl::StatusOr<V1Extensions> ParseV1Extensions(const std::string& value);

// The oas30 export of a REST API's stage (the stage must exist).
Json ExportRestApi(const RestApi& api, const std::string& stage_name, const std::string& region,
                   const V1Extensions& extensions);

// The OAS30 export of an HTTP API; `stage_name` empty exports the latest configuration.
Json ExportHttpApi(const V2Api& api, const std::string& stage_name, const std::string& region,
                   bool include_extensions);

}  // namespace gov::fake::aws
