// Tyk normalization: turns one API of a Tyk Dashboard into a NormalizedApi.
//
// An API reaches us as its classic `api_definition` (from GET /api/apis) and, for a
// Tyk OAS API, its OAS document (OpenAPI 3 with `x-tyk-api-gateway`, from
// GET /api/apis/oas/{api_id}). When the OAS document is there its values win; anything it
// lacks comes from the classic definition. The mapping table is in
// src/agent/providers/README.md.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "src/agent/provider.h"

namespace gov::agent::tyk {

// `definition`: the classic api_definition object, or null when only an OAS document is
// known. `oas_document`: the Tyk OAS document, or null (classic API, or download failed).
// Fails only when the inputs are not JSON objects (or both are null). Missing or
// wrongly-typed fields are treated as absent; an API without any id normalizes with an
// empty external_id (the caller decides what to do with it).
absl::StatusOr<NormalizedApi> NormalizeTykApi(const nlohmann::json& definition,
                                              const nlohmann::json& oas_document);

// The auth mechanisms a Tyk Gateway enforces for a classic definition, sorted and unique.
std::vector<std::string> ClassicAuthMechanisms(const nlohmann::json& definition);

// The auth mechanisms of a Tyk OAS document (its `x-tyk-api-gateway` extension checked
// against `components.securitySchemes` and `security`), sorted and unique.
std::vector<std::string> OasAuthMechanisms(const nlohmann::json& oas_document);

}  // namespace gov::agent::tyk
