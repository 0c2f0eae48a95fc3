// OAS to classic: the classic api_definition a Tyk Dashboard lists for a Tyk OAS API.
//
// The Dashboard keeps a classic definition beside every OAS document and lists that one
// in GET /api/apis. This rebuilds it from the document's `x-tyk-api-gateway` extension
// the way the Gateway's apidef/oas ExtractTo functions do: info (id, dbId, orgId, name,
// state, versioning), server (listen path, protocol/port, tags, custom domain, client
// certificates, authentication), upstream (url), and the OpenAPI `security`
// requirements matched against `components.securitySchemes` (legacy mode: the first
// requirement; compliant mode: every requirement plus the extension's own `security`).
// Middleware and other settings are not carried over: the fake only lists them.
//
// Thread-safety: pure function of its arguments.
#pragma once

#include <string>

#include "tests/fakes/tyk_dashboard/catalog.h"

namespace gov::fake {

// `oas` must be an object holding an `x-tyk-api-gateway` object. `api_id` and `db_id`
// are the ids the catalog settled on (they win over info.id and info.dbId).
Json ClassicFromTykOas(const Json& oas, const std::string& api_id, const std::string& db_id);

}  // namespace gov::fake
