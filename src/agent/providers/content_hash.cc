// ContentHash: sha256 hex over the canonical JSON of a NormalizedApi.
//
// nlohmann::json objects keep their keys in a std::map, so dumping one object gives the
// same bytes for the same content whatever order the fields were set in. Invalid UTF-8
// is replaced rather than thrown, so hashing never fails.

#include "nlohmann/json.hpp"
#include "src/agent/provider.h"
#include "src/common/hash.h"

namespace gov::agent {

std::string ContentHash(const NormalizedApi& api) {
  // `error` is deliberately left out: it describes this sync's attempt, not the API.
  nlohmann::json canonical = {
      {"external_id", api.external_id},
      {"name", api.name},
      {"description", api.description},
      {"versions", api.versions},
      {"listen_path", api.listen_path},
      {"upstream_url", api.upstream_url},
      {"protocol", api.protocol},
      {"auth_mechanisms", api.auth_mechanisms},
      {"active", api.active},
      {"internal", api.internal},
      {"oas_document", api.oas_document},
      {"definition", api.definition},
      {"extra", api.extra},
  };
  return Sha256Hex(canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace gov::agent
